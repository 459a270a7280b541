"""Green credit: an interest discount for firms with a good verified ESG rating (spec §4;
seed 003: a green credit rating tied to credit support; seed 001: credit guidance).

Mechanism. A firm whose ESG rating is at least ``rating_threshold`` *and* rests on a valid
audit (``verified_only``; greenwashers are caught by the audits, so an unverified claim does
not qualify) has ``discount`` of its interest on drawn credit paid by the state (an interest
subsidy, 贴息), booked in the accounts and charged to the regulator's budget. The discount a
firm received over the latest period, per unit of its revenue, enters its ESG strategy payoff
as a benefit (:attr:`~abm.core.levers.InvestmentLevers.esg_cost`, negative): the strategy
that earns a verified high rating pays better, and firms imitate it.

Optional green R&D fund (``green_rd_share``, default 0 = off): eligible firms are also offered
that share of their R&D cost (as :mod:`abm.policies.rd_subsidy` does), from the same budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from abm.config.fields import param
from abm.core.levers import AccountLevers, InvestmentLevers
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.policies import Budget
from abm.policies.cost_share import CostShareInstrument


@INSTRUMENTS.register("green_credit")
class GreenCredit(CostShareInstrument):
    """Interest discount by verified ESG rating, and an optional green R&D fund."""

    name = "green_credit"
    use = "rd"

    @dataclass
    class Params:
        """Green credit parameters."""

        discount: float = param(0.3, low=0.0, high=1.0, unit="share",
            meaning="share of an eligible firm's interest paid by the state",
            source="C (green credit, seed 003)")
        rating_threshold: float = param(0.6, low=0.0, high=1.0, unit="score",
            meaning="ESG rating a firm needs to be eligible", source="assumption")
        verified_only: bool = param(True, unit="flag",
            meaning="only ratings resting on a valid audit count", source="seed 003")
        green_rd_share: float = param(0.0, low=0.0, high=0.9, unit="share",
            meaning="green R&D fund: share of eligible firms' R&D paid (0 = off)",
            source="assumption")

    params_type = Params

    def __init__(self, world: World, params: Any, budget: Budget) -> None:
        super().__init__(world, params, budget)
        self.paid = np.zeros(world.firms.n)  # discounts paid this period, per firm
        self.revenue = np.zeros(world.firms.n)  # revenue this period, per firm

    def eligible(self, world: World) -> np.ndarray:
        """Alive firms with a (verified) rating at or above the threshold."""
        rating = world.observe("esg_rating")
        if rating is None:  # no ESG signals, nothing to verify
            return np.zeros(world.firms.n, dtype=bool)
        good = world.firms.alive & (rating >= self.params.rating_threshold)
        if self.params.verified_only:
            good &= world.observe("esg_verified")
        return good

    def wanted_share(self, world: World) -> np.ndarray:
        """The green R&D fund's share for eligible firms (0 when the fund is off)."""
        if self.params.green_rd_share <= 0:
            return np.zeros(world.firms.n)
        return self.params.green_rd_share * self.eligible(world)

    def investment(self, world: World, levers: InvestmentLevers) -> InvestmentLevers:
        """The R&D fund's shares; the period's discount per unit of revenue as an ESG benefit."""
        levers = super().investment(world, levers)
        if not self.decides(world) or not self.paid.any():
            return levers
        benefit = np.divide(self.paid, self.revenue, out=np.zeros(world.firms.n),
                            where=self.revenue > 0)
        self.paid, self.revenue = np.zeros(world.firms.n), np.zeros(world.firms.n)
        return levers.with_esg_cost(-benefit)

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Pay the discount on eligible firms' interest this tick (within the budget)."""
        levers = super().account(world, levers)
        firms = world.firms
        self.revenue += firms.revenue  # last tick's; the period sum is what matters
        rate = world.observe("interest_rate")
        if rate is None:
            rate = np.full(firms.n, world.config.finance.interest_rate)
        # The interest the engine books this tick: rate x overdraft before this tick's cash.
        wanted = (self.params.discount * rate * np.maximum(0.0, -firms.cash)
                  * self.eligible(world))
        total = float(wanted.sum())
        if total <= 0:
            return levers
        granted = self.budget.request(self.name, total)
        if granted <= 0:
            return levers
        paid = wanted * (granted / total)
        self.paid += paid
        return levers.with_subsidy(self.name, paid)
