"""Forecasting and order-up-to ordering (spec §3 phase 4).

Each firm smooths the demand it sees (final demand at assemblers, incoming orders upstream)
exponentially. For every input slot it targets an inventory position (on hand + on order)
covering expected use over the slot's lead time, the review period, this tick's use and the
safety stock, and orders the gap (never negative). The order is split over the slot's live
suppliers by their order shares. This is the classic setting in which smoothing and lead
times amplify order variance upstream (the bullwhip effect; Lee et al. 1997, Chen et al. 2000).
"""

from __future__ import annotations

import numpy as np

from abm.config.schema import MarketConfig
from abm.network.spec import ASSEMBLY_TIER
from abm.state import FirmState, LinkState

# Ticks covered besides lead time and safety stock: the review period and this tick's use.
REVIEW_TICKS = 2.0


def update_forecasts(firms: FirmState, cfg: MarketConfig) -> None:
    """Exponential smoothing of each firm's demand signal."""
    seen = np.where(firms.tier == ASSEMBLY_TIER, firms.final_demand, firms.orders_received)
    firms.forecast += cfg.forecast_smoothing * (seen - firms.forecast)


def place_orders(firms: FirmState, links: LinkState, cfg: MarketConfig,
                 rng: np.random.Generator) -> np.ndarray:
    """Order inputs up to target; returns the order placed on each link this tick."""
    n_slots = firms.n_slots
    key = links.slot_key(n_slots)
    forecast = firms.forecast
    if cfg.forecast_noise > 0:
        forecast = forecast * np.maximum(0.0, 1.0 + rng.normal(0.0, cfg.forecast_noise, firms.n))
    live = links.active & firms.alive[links.supplier]
    weight = links.share * live
    slot_weight = np.bincount(key, weights=weight, minlength=firms.n * n_slots)
    lead = np.divide(np.bincount(key, weights=weight * links.lead_time,
                                 minlength=firms.n * n_slots),
                     slot_weight, out=np.zeros_like(slot_weight), where=slot_weight > 0)
    use = firms.input_coef * forecast[:, None]
    target = use * (lead.reshape(firms.n, n_slots) + REVIEW_TICKS + cfg.safety_stock_weeks)
    gap = target - firms.input_inventory - firms.on_order
    # A slot with no live supplier cannot order: its buyer is searching for one.
    want = np.maximum(gap, 0.0) * firms.alive[:, None] * (slot_weight > 0).reshape(gap.shape)
    flat_want = want.reshape(-1)
    order = np.divide(flat_want[key] * weight, slot_weight[key],
                      out=np.zeros(links.n), where=slot_weight[key] > 0)
    links.backlog += order
    firms.on_order += want
    firms.orders_received = np.bincount(links.supplier, weights=order, minlength=firms.n)
    return order
