"""Finance and investment as processes: credit terms; the period's situation and buffers."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from abm.behaviour.accounts import PeriodAccounts
from abm.behaviour.common import EPS, LinkView, divide_where
from abm.behaviour.finance import base_terms, credit_terms
from abm.behaviour.mechanisms.base import Mechanism
from abm.core.levers import AccountLevers, OrderLevers, SolvencyLevers
from abm.core.process import World
from abm.core.registry import PROCESSES
from abm.core.state import FirmState

MARGIN_MEMORY = 0.5  # weight of the newest period in the smoothed margin and disruption


@PROCESSES.register("behaviour.finance")
class FinanceProcess(Mechanism):
    """Resource empowerment (:mod:`abm.behaviour.finance`): interest rates and credit lines,
    set at reviews."""

    name, key = "behaviour.finance", "finance"

    def __init__(self, world: World, on: bool) -> None:
        super().__init__(world, on)
        self.state = base_terms(world.firms, world.config.finance)
        self.state.line = world.base_credit_line  # the engine's, until reviews set their own

    def review(self, firms: FirmState, view: LinkView, rating: np.ndarray, trust: np.ndarray,
               relative_size: np.ndarray) -> None:
        """Quarterly: credit terms from ESG rating, trust of chain leaders and size."""
        config = self.world.config
        self.state = credit_terms(firms, self.world.links, view.live, rating, trust,
                                  relative_size, config.finance, self.cfg)

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Each firm's interest rate on overdraft."""
        return replace(levers, interest_rate=self.state.rate)

    def solvency(self, world: World, levers: SolvencyLevers) -> SolvencyLevers:
        """The credit line each firm has."""
        return replace(levers, credit_line=self.state.line)

    def publish(self, name: str) -> np.ndarray | None:
        """``interest_rate``: per tick, on drawn credit."""
        return self.state.rate if name == "interest_rate" else None


@PROCESSES.register("behaviour.investment")
class InvestmentProcess(Mechanism):
    """The investment decision (:mod:`abm.behaviour.investment`): the period's situation
    (smoothed margin and disruption) and the extra safety stock it buys."""

    name, key = "behaviour.investment", "investment"

    def __init__(self, world: World, on: bool) -> None:
        super().__init__(world, on)
        firms = world.firms
        n = firms.n
        steady_revenue = firms.price * firms.normal_output
        self.margin = np.divide(world.steady_profit, steady_revenue, out=np.zeros(n),
                                where=steady_revenue > 0)
        self.disruption = np.zeros(n)
        self.extra_safety = np.zeros(n)
        self._safety: np.ndarray | None = None  # (N, 1) safety stock in ticks, derived

    def observe(self, accounts: PeriodAccounts, view: LinkView) -> None:
        """The period's situation: smoothed margin and input disruption."""
        firms, links = self.world.firms, self.world.links
        margin = divide_where(accounts.profit, accounts.revenue, accounts.revenue > EPS)
        self.margin += MARGIN_MEMORY * (margin - self.margin)
        fill = view.mean_over_suppliers(links, links.fill_rate, empty=1.0)
        now = np.maximum(1.0 - fill, 1.0 - firms.availability)
        self.disruption += MARGIN_MEMORY * (now - self.disruption)

    def order(self, world: World, levers: OrderLevers) -> OrderLevers:
        """Each firm's safety stock, in ticks of use."""
        if self._safety is None:  # derived once per change of the buffers
            self._safety = (world.config.market.safety_stock_weeks + self.extra_safety)[:, None]
        return replace(levers, safety_weeks=self._safety)

    def buffers_changed(self) -> None:
        """The extra safety stock changed (period step, entrants)."""
        self._safety = None

    def reset_entrants(self, entrants: np.ndarray) -> None:
        """Entrants start without history or extra buffers."""
        for array in (self.extra_safety, self.margin, self.disruption):
            array[entrants] = 0.0
        self._safety = None
