"""Structural upgrading (seed 001): labour-intensive firms move to the technology segment.

A labour-intensive firm whose technology ``A`` reaches ``threshold`` and that can finance the
one-off cost (``cost_weeks`` of revenue, from cash and unused credit) upgrades. A
technology-intensive product needs one more distinct input (``network.inputs_technology`` vs
``inputs_labour``: more complexity and more exposure to disruption, as seed 001 warns), so the
firm

1. adds the first input product it does not yet use. It draws up to ``max_new_suppliers``
   suppliers of it from the supplier market (same screening as a replacement search) until
   their spare capacity covers its need, with order shares proportional to spare capacity,
   and appends them as new links (``World.add_links`` grows the link arrays and the
   logistics pipeline together);
2. places a stocking order on them for the first step of the new recipe (lead time, this
   tick's use and the safety stock), booked in ``on_order`` so the order-up-to bookkeeping
   stays consistent (a :class:`~abm.core.levers.StockingOrders` lever the engine applies);
3. switches once that stock is in (or after ``max_wait`` ticks): it joins the technology
   segment, its unit value added becomes the segment's, ``input cost * v_T / (1 - v_T)`` with
   ``v_T = finance.value_added_share_technology`` (input cost at the full new recipe), and the
   new input's coefficient is phased in from ``1 / ramp_periods`` to 1 in steps of
   ``1 / ramp_periods`` per period, each taken only when the new input's stock covers the
   current recipe. Suppliers (and upstream their suppliers) expand capacity for each
   contracted step (share x the step's volume): capacity otherwise follows orders only
   slowly, and an upgrade would leave the tiers below chronically short.

Raw-material firms have no inputs: they switch segment at once, their value added scaled by
the ratio of the segments' markups. Firms already using every input also switch at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.behaviour.common import plan_volume
from abm.behaviour.linkindex import rows_of_buyers
from abm.config.schema import UpgradingConfig
from abm.core.levers import StockingOrders
from abm.core.process import World
from abm.core.rules import REVIEW_TICKS
from abm.core.state import FirmState, LinkState

NOT_PENDING = -1
STOCKED_SHARE = 0.8  # share of the target stock that lets production switch


@dataclass
class UpgradeState:
    """Per-firm upgrading status."""

    pending_slot: np.ndarray  # input slot being stocked, -1 for none
    pending_since: np.ndarray
    ramp_slot: np.ndarray  # input slot being phased in, -1 for none
    upgraded_at: np.ndarray  # tick of the switch, -1 for never


def init_upgrading(n: int) -> UpgradeState:
    """Nobody is upgrading at the start."""
    return UpgradeState(pending_slot=np.full(n, NOT_PENDING), pending_since=np.full(n, -1),
                        ramp_slot=np.full(n, NOT_PENDING), upgraded_at=np.full(n, -1))


def markup(share: float) -> float:
    """Value added per unit of input cost at a value-added share of price."""
    return share / (1.0 - share)


def begin(model: World, firms: FirmState, state: UpgradeState, firms_up: np.ndarray,
          tick: int, cfg: UpgradingConfig, rng: np.random.Generator,
          live: np.ndarray | None = None
          ) -> tuple[np.ndarray, np.ndarray, StockingOrders | None]:
    """Start upgrades: add an input slot with new suppliers, or switch at once.

    Args:
        model: the world (links, supplier market, a way to add links).
        firms: the period step's draft of the firms (input prices of the new slots and
            capacity plans are written to it).
        state: upgrading state.
        firms_up: indices of firms that decided to upgrade.
        tick: current tick.
        cfg: upgrading parameters.
        rng: the upgrading stream.
        live: links whose buyer and supplier are in the market, if known (before the new
            links are added; saves a pass over all links).

    Returns:
        (firms that switch at once, firms that started stocking a new input, the stocking
        orders on their new links or None).
    """
    links = model.links
    n_products = model.config.network.n_products
    free = firms.input_coef[firms_up, :n_products] == 0
    has_free = free.any(axis=1) & (firms.tier[firms_up] > 0)
    at_once = firms_up[~has_free]
    buyers = firms_up[has_free]
    if not len(buyers):
        return at_once, buyers, None
    slots = np.argmax(free[has_free], axis=1)
    buyer, slot, supplier, share = _new_suppliers(model, firms, buyers, slots, cfg, rng)
    if not len(buyer):
        return at_once, buyer, None
    new_rows = model.add_links(buyer, supplier, slot, share, tick)
    lead = links.lead_time[new_rows]
    started = np.unique(buyer)
    slot_of = np.full(firms.n, NOT_PENDING)
    slot_of[buyers] = slots
    started_slot = slot_of[started]
    mean_lead = np.bincount(buyer, weights=share * lead, minlength=firms.n)
    mean_price = np.bincount(buyer, weights=share * firms.price[supplier], minlength=firms.n)
    first = firms.forecast / cfg.ramp_periods
    target = first * (mean_lead + REVIEW_TICKS + model.config.market.safety_stock_weeks)
    backlog = target[buyer] * share
    if live is not None:
        live = np.concatenate([live, links.active[new_rows] & firms.alive[supplier]
                               & firms.alive[buyer]])
    _contract(firms, links, supplier, share * firms.forecast[buyer] / cfg.ramp_periods,
              model.config.market.capacity_slack, live)
    firms.slot_price[started, started_slot] = mean_price[started]
    state.pending_slot[started] = started_slot
    state.pending_since[started] = tick
    orders = StockingOrders(rows=new_rows, backlog=backlog, buyer=started, slot=started_slot,
                            amount=target[started])
    return at_once, started, orders


def _new_suppliers(model: World, firms: FirmState, buyers: np.ndarray, slots: np.ndarray,
                   cfg: UpgradingConfig, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Suppliers of each buyer's new input until their spare capacity covers its need.

    Returns:
        (buyer, slot, supplier, order share) of every new link.
    """
    usable = firms.capacity * firms.availability
    spare = np.maximum(usable - firms.long_run_demand, 0.0)
    need = firms.forecast[buyers]
    k = cfg.max_new_suppliers
    # One batched draw of k candidates per buyer (the market loops over product groups once).
    drawn = model.draw_suppliers(np.repeat(buyers, k), np.repeat(slots, k), rng)
    drawn = drawn.reshape(len(buyers), k)
    picks = np.full((len(buyers), k), -1)
    covered = np.zeros(len(buyers))
    for r in range(k):
        pick = drawn[:, r]
        repeat = (drawn[:, :r] == pick[:, None]).any(axis=1)
        take = (pick >= 0) & ~repeat & ((covered < need) | (r == 0))
        picks[take, r] = pick[take]
        covered += np.where(take, spare[np.maximum(pick, 0)], 0.0)
    row, col = np.nonzero(picks >= 0)
    supplier = picks[row, col]
    # Shares follow spare capacity (a little for a pick without any, so it is not dropped).
    weight = spare[supplier] + 1e-6 * usable[supplier] + 1e-12
    total = np.bincount(row, weights=weight, minlength=len(buyers))
    return buyers[row], slots[row], supplier, weight / total[row]


def ready(state: UpgradeState, firms: FirmState, tick: int, safety_weeks: float,
          cfg: UpgradingConfig) -> np.ndarray:
    """Pending firms whose new input is stocked (or that have waited long enough).

    Args:
        state: upgrading state.
        firms: firm state.
        tick: current tick.
        safety_weeks: the engine's safety stock, in ticks of use.
        cfg: upgrading parameters.
    """
    pending = np.flatnonzero((state.pending_slot >= 0) & firms.alive)
    if not len(pending):
        return pending
    slot = state.pending_slot[pending]
    stock = firms.input_inventory[pending, slot]
    need = STOCKED_SHARE * firms.forecast[pending] * (1.0 + safety_weeks) / cfg.ramp_periods
    done = (stock >= need) | (tick - state.pending_since[pending] >= cfg.max_wait)
    return pending[done]


def switch(state: UpgradeState, firms: FirmState, rows: np.ndarray, base_value_added: np.ndarray,
           share_labour: float, share_technology: float, ramp_periods: int, tick: int) -> None:
    """Production switches to the technology recipe (firms and ``base_value_added`` in place).

    Args:
        state: upgrading state.
        firms: the period step's plan of the firms (recipes and segment written to it).
        rows: switching firms.
        base_value_added: the innovation module's segment value added, rewritten for them.
        share_labour: value-added share of price in the labour segment.
        share_technology: the same in the technology segment.
        ramp_periods: periods over which the new input is phased in.
        tick: current tick.
    """
    if not len(rows):
        return
    slot = state.pending_slot[rows]
    adding = slot >= 0
    full = firms.input_coef[rows].copy()
    full[adding, slot[adding]] = 1.0
    cost = (full * firms.slot_price[rows]).sum(axis=1)
    raw = cost <= 0
    base_value_added[rows] = np.where(
        raw, base_value_added[rows] * markup(share_technology) / markup(share_labour),
        cost * markup(share_technology))
    firms.input_coef[rows[adding], slot[adding]] = 1.0 / ramp_periods
    state.ramp_slot[rows[adding]] = slot[adding]
    firms.technology_intensive[rows] = True
    state.pending_slot[rows] = NOT_PENDING
    state.upgraded_at[rows] = tick


def _contract(firms: FirmState, links: LinkState, supplier: np.ndarray, volume: np.ndarray,
              capacity_slack: float, live: np.ndarray | None, coef: np.ndarray | None = None
              ) -> None:
    """Suppliers, and upstream theirs, expand capacity for volumes contracted by an upgrading
    buyer (capacity otherwise follows incoming orders only slowly, ``abm.market.production``).
    ``coef``: per-link input coefficients to plan with (default: the current recipes)."""
    planned = np.bincount(supplier, weights=volume, minlength=firms.n)
    plan_volume(firms, links, planned, capacity_slack, live=live, coef=coef)


def ramp(state: UpgradeState, firms: FirmState, links: LinkState, ramp_periods: int,
         safety_weeks: float, capacity_slack: float, link_coef: np.ndarray | None,
         live: np.ndarray) -> None:
    """Phase the new inputs in: one more ``1 / ramp_periods`` of the coefficient per period,
    but only while the new input's stock covers the current recipe (its suppliers' capacity
    grows slowly; raising reliance on an input they cannot deliver would starve production).

    A firm that left the market mid-way leaves its niche with the full new recipe.

    Args:
        state: upgrading state.
        firms: the period step's plan of the firms (recipes written to it).
        links: link state.
        ramp_periods: steps to the full new recipe.
        safety_weeks: the engine's safety stock, in ticks of use.
        capacity_slack: the engine's capacity margin.
        link_coef: the buyer's input coefficient on each link, for capacity planning (None:
            take the coefficients after this step).
        live: links whose buyer and supplier are in the market.
    """
    rows = np.flatnonzero(state.ramp_slot >= 0)
    if not len(rows):
        return
    slot = state.ramp_slot[rows]
    coef = firms.input_coef[rows, slot]
    need = STOCKED_SHARE * coef * firms.forecast[rows] * (1.0 + safety_weeks)
    stocked = firms.input_inventory[rows, slot] >= need
    step = np.where(~firms.alive[rows], 1.0, stocked / ramp_periods)
    new_coef = np.minimum(1.0, coef + step)
    firms.input_coef[rows, slot] = new_coef
    grown = (new_coef > coef) & firms.alive[rows]
    if grown.any():
        # The links of the firms that took a step, on the slot being phased in.
        step_of = np.full(firms.n, NOT_PENDING)
        step_of[rows[grown]] = slot[grown]
        extra = np.zeros(firms.n)
        extra[rows[grown]] = (new_coef - coef)[grown] * firms.forecast[rows[grown]]
        mine = rows_of_buyers(links, firms, rows[grown])
        mine = mine[(links.slot[mine] == step_of[links.buyer[mine]]) & links.active[mine]]
        _contract(firms, links, links.supplier[mine],
                  extra[links.buyer[mine]] * links.share[mine], capacity_slack, live, link_coef)
    state.ramp_slot[rows[new_coef >= 1.0]] = NOT_PENDING
