"""Exit of failed firms and entry of new ones (spec §3 phase 11).

Exit separates liquidity from solvency. A firm is *in distress* when its cash plus the value of
its stocks (collateral for working-capital credit) is below minus its credit line: it can no
longer pay from its own means. It exits when (a) it is in distress and not viable - its
expected profit at its long-run demand (its margin: contribution ``unit value added x (1 -
labour cost share)`` per unit, minus fixed cost) is negative - or (b) it has been in distress
for more than ``finance.exit_patience`` consecutive ticks and its net debt (minus cash and
stock value) exceeds ``finance.max_debt_years`` years of that margin. Lenders and suppliers
(bank forbearance, trade credit, payment delays) carry a viable firm through a temporary gap;
beyond it they keep a going concern whose debt is serviceable from its margin (a debt/EBITDA
covenant) and end one whose debt is not. A firm whose market shrinks sees its margin shrink
with its long-run demand, so it leaves once its debt outgrows what that market can service
(issue 8: a patience clock alone ended viable firms cut off by a temporary embargo).
It also exits when, past an entry grace period, its long-run demand has fallen below a small
share of its normal output (it has lost its customers). Its stocks are written off, what it
owed and what it had on order are cancelled, and its customers start searching for
replacements (phase 9).

An exited firm's row is a vacant niche (same chain, tier and product). Entry answers
opportunity: each tick a vacant row gets an entrant with probability
``entry_rate x load ** entry_elasticity`` (at most 1), where ``load`` is the long-run demand of
the niche's live competitors over their normal output. A niche whose competitors are
overloaded (demand is going unserved) attracts entrants faster; one whose competitors sit idle
attracts fewer. Long-run demand is a slow average of orders, which is the documented lag
between an opportunity and entry. An entrant starts with normal capacity and cash, no stock
and no customers, sources its inputs at once by the attachment rule, and wins customers
through other buyers' searches (which prefer idle plant, see ``abm.market.sourcing``).
"""

from __future__ import annotations

import numpy as np

from abm.config.schema import FinanceConfig, MarketConfig
from abm.core.calendar import TICKS_PER_YEAR
from abm.core.state import FirmState, LinkState
from abm.market.accounts import stock_value
from abm.market.sourcing import SupplierMarket, cancel_backlog
from abm.network.spec import normalise_shares

GRACE_TICKS = 26  # an entrant has half a year to win customers before idleness counts
IDLE_SHARE = 0.05  # long-run demand below this share of normal output means "no customers"


class ExitRule:
    """Counts each firm's consecutive ticks in distress and decides exits (module docstring).

    Args:
        n: number of firm rows.
        cfg: finance parameters (``exit_patience``, ``labour_cost_share``).
    """

    def __init__(self, n: int, cfg: FinanceConfig) -> None:
        self.cfg = cfg
        self.distress_ticks = np.zeros(n, dtype=np.int64)

    def find(self, firms: FirmState, credit_line: np.ndarray, tick: int) -> np.ndarray:
        """Indices of firms that leave the market this tick."""
        # Stocks are worth >= 0, so only a firm whose cash alone is below the credit line can
        # be in distress: the stocks of those (few) firms are valued, not everyone's.
        line = np.broadcast_to(credit_line, firms.cash.shape)
        short = np.flatnonzero(firms.alive & (firms.cash < -line))
        wealth = firms.cash[short] + stock_value(firms, short)
        in_distress = wealth < -line[short]
        distressed, wealth = short[in_distress], wealth[in_distress]
        counted = np.zeros_like(self.distress_ticks)  # consecutive ticks; 0 out of distress
        counted[distressed] = self.distress_ticks[distressed] + 1
        self.distress_ticks = counted
        # The solvency tests only concern the (few) firms in distress.
        contribution = (firms.unit_value_added[distressed]
                        * (1.0 - self.cfg.labour_cost_share))
        margin = (contribution * firms.long_run_demand[distressed]
                  - firms.fixed_cost_of(distressed))
        viable = margin > 0
        # A going concern keeps its lenders while its debt is serviceable from its margin
        # (a debt/EBITDA covenant); a firm whose market shrinks sees its margin shrink with it.
        serviceable = -wealth <= self.cfg.max_debt_years * TICKS_PER_YEAR * margin
        out_of_patience = self.distress_ticks[distressed] > self.cfg.exit_patience
        failed = np.zeros(firms.n, dtype=bool)
        failed[distressed] = ~viable | (out_of_patience & ~serviceable)
        idle = (tick - firms.entered_at > GRACE_TICKS) & (
            firms.long_run_demand < IDLE_SHARE * firms.normal_output)
        return np.flatnonzero(firms.alive & (failed | idle))


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


def entry_probability(firms: FirmState, market: SupplierMarket, cfg: FinanceConfig,
                      vacant: np.ndarray) -> np.ndarray:
    """Per vacant row: ``entry_rate x load ** entry_elasticity`` (at most 1), with ``load`` the
    long-run demand of the niche's live competitors over their normal output (1 when the
    niche has no live competitor: its buyers' demand is wholly unserved, but nobody shows
    how much it is)."""
    group = market.group_of_firm(np.arange(firms.n))
    alive = firms.alive
    n_groups = int(group.max()) + 1
    demand = np.bincount(group, weights=firms.long_run_demand * alive, minlength=n_groups)
    normal = np.bincount(group, weights=firms.normal_output * alive, minlength=n_groups)
    load = np.divide(demand, normal, out=np.ones(n_groups), where=normal > 0)
    rate = cfg.entry_rate * load[group[vacant]] ** cfg.entry_elasticity
    return np.minimum(rate, 1.0)


def admit_entrants(firms: FirmState, links: LinkState, market: SupplierMarket,
                   cfg_market: MarketConfig, cfg_finance: FinanceConfig, n_regions: int,
                   tick: int, rng: np.random.Generator, rate: np.ndarray | None = None
                   ) -> np.ndarray:
    """Fill vacant firm rows with entrants; returns their indices.

    Each vacant row is taken with :func:`entry_probability`; ``rate`` (policy: targeted entry)
    is a per-row probability that raises it where it is higher (None: no policy).
    """
    vacant = np.flatnonzero(~firms.alive)
    if not len(vacant):
        return vacant
    chance = entry_probability(firms, market, cfg_finance, vacant)
    if rate is not None:  # a policy raises entry where it targets it, never lowers it
        chance = np.maximum(chance, rate[vacant])
    entering = vacant[rng.random(len(vacant)) < chance]
    if not len(entering):
        return entering
    firms.alive[entering] = True
    firms.entered_at[entering] = tick
    firms.region[entering] = rng.integers(0, n_regions, size=len(entering))
    firms.platform[entering] = -1  # an entrant has not joined a platform yet
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
