"""Carbon price: a cost per unit of emissions, or a border carbon adjustment on exports
(spec §4; seed 003: the "dual carbon" goals, carbon emissions of e-commerce supply chains).

Mechanism. Each tick a firm pays ``price`` per unit of its production emissions (its emission
rate per unit of output, published by the ESG mechanism, times its output; transport emissions
are not priced), booked as the cost ``carbon`` in the accounts. With ``exports_only`` the price
applies only to the exported part: a border carbon adjustment (as levied by the importing
side) on the assemblers' export share of output (``market.export_share``; upstream firms do not
export directly and the emissions embodied in their inputs are not traced).

The price reaches two decisions, through the carbon cost of the latest period per unit of
revenue, ``b``:

* the ESG strategy payoff (:attr:`~abm.core.levers.InvestmentLevers.esg_cost`): a cleaner E
  pillar lowers the bill, so the strategy that improves true ESG pays better and spreads;
* the budget split (:attr:`~abm.core.levers.InvestmentLevers.esg_return`): abatement pays.
  ESG spending of one period's revenue cuts an improver's emissions by the share ``a``
  (``abatement_per_spend``, published by the ESG mechanism: the E pillar's gain over the
  emission factor ``1.5 - E``), and a cleaner pillar is a stock that keeps cutting the bill,
  valued over ``esg.valuation_periods`` periods ``H`` like a rating advantage; so a unit of
  ESG spending earns ``H b a`` of carbon cost avoided, which the split counts like margin in
  the R&D utility. Greenwashers' and non-spenders' ``a`` is 0.

Without the second channel (session 13) the price only taxed profits: it cut every firm's
investment budget, lowered technology (which raises emissions per unit) and left emission
intensity where it was (a change of -0.0008 +- 0.0013 on about 1.0).

Carbon revenue is income of the state, not spending: it is reported (``carbon_revenue``) but
not added to the regulator's budget, and the instrument costs the budget nothing (it works
with a zero budget).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from abm.config.fields import param
from abm.core.levers import AccountLevers, InvestmentLevers
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.core.state import ASSEMBLY_TIER
from abm.policies import Budget, Instrument


@INSTRUMENTS.register("carbon_price")
class CarbonPrice(Instrument):
    """A price on production emissions (or on exported ones only)."""

    name = "carbon_price"

    @dataclass
    class Params:
        """Carbon price parameters."""

        price: float = param(0.05, low=0.0, unit="money / t CO2e",
            meaning="price per unit of production emissions (0.05 is about 2-10% of value "
                    "added, raw-material tier highest)", source="C (seed 003)")
        exports_only: bool = param(False, unit="flag",
            meaning="border carbon adjustment: only exported output is priced",
            source="spec §4")

    params_type = Params

    def __init__(self, world: World, params: Any, budget: Budget) -> None:
        super().__init__(world, params, budget)
        firms = world.firms
        self.priced_share = (np.where(firms.tier == ASSEMBLY_TIER,
                                      world.config.market.export_share, 0.0)
                             if params.exports_only else np.ones(firms.n))
        self.revenue_total = 0.0  # carbon revenue of the state over the run
        self.cost = np.zeros(firms.n)  # carbon cost this period, per firm
        self.period_revenue = np.zeros(firms.n)  # revenue this period, per firm

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Charge this tick's priced emissions."""
        rate = world.observe("emission_rate")
        if rate is None or self.params.price <= 0:  # no emissions model: nothing to price
            return levers
        firms = world.firms
        cost = self.params.price * rate * firms.produced * self.priced_share * firms.alive
        self.revenue_total += float(cost.sum())
        self.cost += cost
        self.period_revenue += firms.revenue
        return levers.with_cost("carbon", cost)

    def investment(self, world: World, levers: InvestmentLevers) -> InvestmentLevers:
        """The latest period's carbon cost per unit of revenue, for the ESG payoff, and the
        carbon cost a unit of ESG spending avoids, for the budget split."""
        if world.tick % world.config.behaviour.period != 0 or not self.cost.any():
            return levers
        burden = np.divide(self.cost, self.period_revenue, out=np.zeros(world.firms.n),
                           where=self.period_revenue > 0)
        self.cost, self.period_revenue = np.zeros(world.firms.n), np.zeros(world.firms.n)
        levers = levers.with_esg_cost(burden)
        abatement = world.observe("abatement_per_spend")
        if abatement is None:  # no ESG mechanism: spending buys no abatement
            return levers
        horizon = world.config.behaviour.esg.valuation_periods
        return levers.with_esg_return(horizon * burden * abatement)

    def outcomes(self) -> dict[str, float]:
        """Carbon revenue over the run (the instrument spends nothing)."""
        return {"carbon_revenue": self.revenue_total}
