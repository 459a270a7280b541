"""Exit of failed firms and entry of new ones (spec §3 phase 11).

A firm exits when its cash plus the value of its stocks (collateral for working-capital credit)
falls below minus its credit line (insolvency), or when, past an
entry grace period, its long-run demand has fallen below a small share of its normal output
(it has lost its customers). Its stocks are written off, what it owed and what it had on order
are cancelled, and its customers start searching for replacements (phase 9). An exited firm's
row is a vacant niche (same chain, tier and product); each tick it is taken by an entrant with
probability ``entry_rate``. An entrant starts with normal capacity and cash, no stock and no
customers, sources its inputs at once by the attachment rule, and must win customers through
other buyers' searches.
"""

from __future__ import annotations

import numpy as np

from abm.config.schema import FinanceConfig, MarketConfig
from abm.core.state import FirmState, LinkState
from abm.market.accounts import stock_value
from abm.market.sourcing import SupplierMarket, cancel_backlog
from abm.network.spec import normalise_shares

GRACE_TICKS = 26  # an entrant has half a year to win customers before idleness counts
IDLE_SHARE = 0.05  # long-run demand below this share of normal output means "no customers"


def find_exits(firms: FirmState, credit_line: np.ndarray, tick: int) -> np.ndarray:
    """Indices of firms that leave the market this tick."""
    insolvent = firms.cash + stock_value(firms) < -credit_line
    idle = (tick - firms.entered_at > GRACE_TICKS) & (
        firms.long_run_demand < IDLE_SHARE * firms.normal_output)
    return np.flatnonzero(firms.alive & (insolvent | idle))


def remove_firms(firms: FirmState, links: LinkState, leaving: np.ndarray) -> tuple[float, int]:
    """Take firms out of the market.

    Returns:
        (goods written off from their stocks, number of links ended because the buyer left).
    """
    if not len(leaving):
        return 0.0, 0
    gone = np.zeros(firms.n, dtype=bool)
    gone[leaving] = True
    written_off = float(firms.finished_goods[leaving].sum() + firms.input_inventory[leaving].sum())
    firms.alive[leaving] = False
    firms.finished_goods[leaving] = 0.0
    firms.input_inventory[leaving] = 0.0
    as_supplier = np.flatnonzero(gone[links.supplier] & links.active)
    cancel_backlog(firms, links, as_supplier)
    as_buyer = np.flatnonzero(gone[links.buyer] & links.active)
    links.backlog[as_buyer] = 0.0
    links.active[as_buyer] = False
    firms.on_order[leaving] = 0.0
    return written_off, len(as_buyer)


def admit_entrants(firms: FirmState, links: LinkState, market: SupplierMarket,
                   cfg_market: MarketConfig, cfg_finance: FinanceConfig, n_regions: int,
                   tick: int, rng: np.random.Generator) -> np.ndarray:
    """Fill vacant firm rows with entrants; returns their indices."""
    vacant = np.flatnonzero(~firms.alive)
    entering = vacant[rng.random(len(vacant)) < cfg_finance.entry_rate]
    if not len(entering):
        return entering
    firms.alive[entering] = True
    firms.entered_at[entering] = tick
    firms.region[entering] = rng.integers(0, n_regions, size=len(entering))
    firms.finished_goods[entering] = 0.0
    firms.input_inventory[entering] = 0.0
    firms.on_order[entering] = 0.0
    firms.forecast[entering] = 0.0
    firms.orders_received[entering] = 0.0
    firms.long_run_demand[entering] = firms.normal_output[entering]
    firms.capacity[entering] = firms.normal_output[entering] * (1.0 + cfg_market.capacity_slack)
    firms.cash[entering] = cfg_finance.initial_cash_weeks * firms.fixed_cost[entering]
    firms.total_revenue[entering] = 0.0
    firms.total_profit[entering] = 0.0
    # An entrant re-uses its niche's input slots, each with one freshly drawn supplier.
    is_entrant = np.zeros(firms.n, dtype=bool)
    is_entrant[entering] = True
    rows = np.flatnonzero(is_entrant[links.buyer])
    key = links.slot_key(firms.n_slots)[rows]
    _, first = np.unique(key, return_index=True)
    rows = rows[first]
    picks = market.draw(firms, links.buyer[rows], links.slot[rows], 0.0, rng)
    rows, picks = rows[picks >= 0], picks[picks >= 0]
    market.connect(firms, links, rows, picks, tick)
    links.active[rows] = True
    links.share[rows] = normalise_shares(links.buyer[rows], links.slot[rows],
                                         np.ones(len(rows)), firms.n_slots)
    return entering
