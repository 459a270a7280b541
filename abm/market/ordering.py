"""Forecasting and order-up-to ordering (spec §3 phase 4).

Each firm smooths the demand it sees (final demand at assemblers, incoming orders upstream)
exponentially. For every input slot it targets an inventory position (on hand + on order)
covering expected use over the slot's lead time, this tick's use and the safety stock, plus
the inputs of the arrears it owes its customers (as MRP nets open orders), and orders its
expected use plus a share ``inventory_adjustment`` of the gap between target and position
(never a negative order). With a share of 1 this is the classic order-up-to policy; smaller
shares smooth orders (the APIOBPCS family, John, Naim and Towill 1994; Disney and
Towill 2003). The order is split over the slot's live suppliers by their order shares weighted
by each supplier's recent fill rate, so a buyer with two suppliers leans on the one that
delivers (the point of dual sourcing and backup suppliers).
Smoothing and lead times still amplify order variance upstream: the bullwhip effect
(Lee et al. 1997; Chen et al. 2000).
"""

from __future__ import annotations

import numpy as np

from abm.config.schema import MarketConfig
from abm.core.rules import REVIEW_TICKS, by_column, demand_seen
from abm.core.state import FirmState, LinkState

MIN_FILL_WEIGHT = 0.05


def update_forecasts(firms: FirmState, cfg: MarketConfig, signal: np.ndarray | None = None
                     ) -> None:
    """Exponential smoothing of each firm's demand signal.

    Args:
        firms: firm state (``forecast`` updated in place).
        cfg: market parameters.
        signal: the demand each firm sees, if firm behaviour shapes it (digital maturity:
            information delay, shared data); None = final demand at assemblers, last tick's
            incoming orders upstream.
    """
    if signal is None:
        signal = demand_seen(firms)
    firms.forecast += cfg.forecast_smoothing * (signal - firms.forecast)


def place_orders(firms: FirmState, links: LinkState, cfg: MarketConfig,
                 rng: np.random.Generator, forecast: np.ndarray | None = None,
                 safety_weeks: float | np.ndarray | None = None,
                 link_weight: np.ndarray | None = None) -> np.ndarray:
    """Order inputs up to target; returns the order placed on each link this tick.

    Args:
        firms: firm state (``on_order`` and ``orders_received`` updated in place).
        links: link state (``backlog`` updated in place).
        cfg: market parameters.
        rng: the forecast-noise stream.
        forecast: the demand each firm plans for, if firm behaviour perturbs it; None =
            ``firms.forecast``.
        safety_weeks: safety stock in ticks of use, per firm as an (N, 1) array if firm
            behaviour sets it; None = ``cfg.safety_stock_weeks``.
        link_weight: per-link multiplier on the order split (firm behaviour: a buyer that
            sees a supplier's disruption early shifts orders away at once); None = 1.
    """
    n_slots = firms.n_slots
    key = links.slot_key(n_slots)
    if forecast is None:
        forecast = firms.forecast
    if safety_weeks is None:
        safety_weeks = cfg.safety_stock_weeks
    if cfg.forecast_noise > 0:
        forecast = forecast * np.maximum(0.0, 1.0 + rng.normal(0.0, cfg.forecast_noise, firms.n))
    live = links.active & firms.alive[links.supplier]
    # A floor keeps a little business with a failing supplier so its fill rate can recover.
    weight = links.share * live * np.maximum(links.fill_rate, MIN_FILL_WEIGHT)
    if link_weight is not None:
        weight = weight * link_weight
    slot_weight = np.bincount(key, weights=weight, minlength=firms.n * n_slots)
    supplied = slot_weight > 0
    # Weights are >= 0, so a slot without weight sums zeros: dividing them by 1 gives the 0 a
    # masked divide would write, without the mask's slower path (here and for ``order``).
    divisor = slot_weight + ~supplied
    lead = np.bincount(key, weights=weight * links.lead_time, minlength=firms.n * n_slots)
    lead /= divisor
    use = by_column(np.multiply, firms.input_coef, forecast)
    # In place on (N, S) temporaries: at 100k firms each fresh array costs more than its math.
    cover = lead.reshape(firms.n, n_slots)
    cover += REVIEW_TICKS
    by_column(np.add, cover, safety_weeks, out=cover)
    gap = np.multiply(use, cover, out=cover)  # the target position
    # ... plus the inputs of the arrears the firm owes its customers (what it failed to ship
    # so far; the tick's new orders are added below), as MRP nets open customer orders: a
    # firm that planned inputs for its incoming-order forecast alone works a backlog off
    # only at a trickle once its buyers stop re-ordering (ODD 7.2, issue 10).
    arrears = np.bincount(links.supplier, weights=links.backlog * links.active,
                          minlength=firms.n)
    gap += by_column(np.multiply, firms.input_coef, arrears)
    gap -= firms.input_inventory
    gap -= firms.on_order
    gap *= cfg.inventory_adjustment
    gap += use
    # A slot with no live supplier cannot order: its buyer is searching for one.
    can_order = supplied.reshape(gap.shape)
    by_column(np.logical_and, can_order, firms.alive, out=can_order)
    want = np.maximum(gap, 0.0, out=gap)
    want *= can_order
    order = want.reshape(-1)[key] * weight
    order /= divisor[key]
    links.backlog += order
    firms.on_order += want
    firms.orders_received = np.bincount(links.supplier, weights=order, minlength=firms.n)
    return order
