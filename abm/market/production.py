"""Production, rationing and shipping (spec §3 phase 5).

Output is the least of what is needed (orders owed plus the finished-goods target minus stock),
effective capacity (capacity x shock availability) and what the inputs on hand allow under
fixed input coefficients (Leontief). Finished goods are then shipped against what is owed. When
a firm cannot serve everyone it rations either proportionally to what each customer is owed, or
by priority: strategic customers (chain leaders; later, trusted partners) are served in full
first and the rest share what is left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.config.schema import MarketConfig
from abm.core.rules import by_column
from abm.core.state import ASSEMBLY_TIER, FirmState, LinkState


@dataclass
class ProductionResult:
    """Flows of one production phase."""

    produced: np.ndarray  # per firm
    shipped: np.ndarray  # per link
    final_sales: np.ndarray  # per firm, to final customers
    fill: np.ndarray  # per link, shipped / owed; NaN where nothing was owed


def _fill_ratio(stock: np.ndarray, owed: np.ndarray) -> np.ndarray:
    return np.divide(np.minimum(stock, owed), owed, out=np.zeros_like(owed), where=owed > 0)


def produce_and_ship(firms: FirmState, links: LinkState, cfg: MarketConfig,
                     priority: np.ndarray | None) -> ProductionResult:
    """Produce within capacity and inputs, then ship against backlogs and final demand.

    Args:
        firms: firm state (stocks are updated in place).
        links: link state (backlogs and fill rates are updated in place).
        cfg: market parameters.
        priority: per-link True for customers served first, or None for proportional rationing.

    Returns:
        The tick's production, shipments per link and final sales per firm.
    """
    n = firms.n
    sendable = links.backlog * links.flow_availability * links.active
    owed_links = np.bincount(links.supplier, weights=sendable, minlength=n)
    owed = owed_links + firms.final_demand
    target_stock = cfg.finished_goods_weeks * firms.forecast
    needed = np.maximum(0.0, owed + target_stock - firms.finished_goods)
    capacity = firms.capacity * firms.availability * firms.alive
    coef = firms.input_coef
    # Output each slot's stock allows; a slot the recipe does not use (coef 0) gives inf or
    # 0/0 = NaN, which ``fmin`` ignores (cheaper than a masked divide into an inf-filled array).
    with np.errstate(divide="ignore", invalid="ignore"):
        per_slot = firms.input_inventory / coef
    produced = np.minimum(needed, capacity)
    # Column by column: numpy reduces a short trailing axis far slower than it compares columns.
    for slot in range(per_slot.shape[1]):
        np.fmin(produced, per_slot[:, slot], out=produced)
    firms.input_inventory -= by_column(np.multiply, coef, produced)
    # Guard against -1e-17 style round-off so "no negative inventory" holds exactly.
    np.maximum(firms.input_inventory, 0.0, out=firms.input_inventory)
    firms.finished_goods += produced

    stock = firms.finished_goods
    # A supplier's shipments add up to its fill ratio times what it owes, so the totals need
    # no second pass over the links.
    if priority is None:
        ratio = _fill_ratio(stock, owed)
        shipped = sendable * ratio[links.supplier]
        final_sales = firms.final_demand * ratio
        sold = ratio * owed
    else:
        first = sendable * priority
        owed_first = np.bincount(links.supplier, weights=first, minlength=n) + firms.final_demand
        ratio_first = _fill_ratio(stock, owed_first)
        # Round-off can leave -1e-18 here, which would ship negative amounts to the rest.
        left = np.maximum(stock - ratio_first * owed_first, 0.0)
        ratio_rest = _fill_ratio(left, owed - owed_first)
        shipped = np.where(priority, ratio_first[links.supplier], ratio_rest[links.supplier])
        shipped = shipped * sendable
        final_sales = firms.final_demand * ratio_first
        sold = ratio_first * owed_first + ratio_rest * (owed - owed_first)
    firms.finished_goods = np.maximum(firms.finished_goods - sold, 0.0)
    firms.produced = produced
    firms.shipped = sold
    firms.final_sales = final_sales

    # A buyer judges a supplier on what fell due this tick: the backlog, but at most the
    # link's expected per-tick volume (its share of the buyer's expected use). A supplier
    # back at full output and clearing a backlog piled up during an outage ships its
    # volume and fills 1; measuring against the whole backlog would read it as failing
    # and drive its customers away just as it recovers (issue 8). Blocked (embargoed)
    # parts count as not filled.
    # Expected use per (buyer, slot) is gathered to the links in one pass by the flat slot
    # key (cached on the links).
    slot_use = by_column(np.multiply, firms.input_coef, firms.forecast)
    expected = links.share * slot_use.take(links.slot_key(firms.n_slots))
    due = np.minimum(links.backlog, expected)
    # Nothing due (0 <= shipped, due = 0) gives 0 / 0: NaN, the mark of "no news" that a
    # masked divide would write, without the mask's slower path.
    with np.errstate(divide="ignore", invalid="ignore"):
        fill = np.minimum(shipped, due) / due
    links.backlog -= shipped
    np.maximum(links.backlog, 0.0, out=links.backlog)
    return ProductionResult(produced=produced, shipped=shipped, final_sales=final_sales,
                            fill=fill)


def adjust_capacity(firms: FirmState, cfg: MarketConfig, links: LinkState) -> None:
    """Capacity follows long-run demand, changing by at most ``capacity_adjustment`` per tick.

    Long-run demand is a slow average of the demand a firm sees: final demand at assemblers;
    upstream, incoming orders plus the share ``inventory_adjustment`` of its unfilled order
    book it means to clear per tick (as buyers close inventory gaps). Without the order book
    a supplier whose buyers stop adding orders while it owes them a backlog would shrink
    below what it owes, fill ever less and shrink further (issue 8).
    Building or shedding capacity takes time, so its change per tick is capped at
    ``capacity_adjustment`` of its current level: a burst of panic orders does not make a
    supplier buy plant it will never use (and whose fixed cost would ruin it).
    """
    owed = np.bincount(links.supplier, weights=links.backlog * links.active, minlength=firms.n)
    seen = np.where(firms.tier == ASSEMBLY_TIER, firms.final_demand,
                    firms.orders_received + cfg.inventory_adjustment * owed)
    step = seen  # reused in place (fresh array)
    step -= firms.long_run_demand
    step *= cfg.capacity_adjustment
    # Below normal output the firm brings back plant it had idled, which is faster than
    # building new plant: it grows at ``capacity_adjustment`` of normal output per tick, not
    # of its shrunken demand, so a supplier that lost its customers can serve returning
    # ones within months rather than years (issue 8).
    limit = np.maximum(firms.long_run_demand, firms.normal_output)
    limit *= cfg.capacity_adjustment
    np.minimum(step, limit, out=step)
    np.negative(limit, out=limit)
    np.maximum(step, limit, out=step)
    firms.long_run_demand += step
    firms.capacity = firms.long_run_demand * (1.0 + cfg.capacity_slack)
