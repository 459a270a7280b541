"""ESG disclosure mandate: covered firms' disclosures are audited and greenwashing is fined
(spec §4; seed 003: greenwashing supervision, "intelligent identification of greenwashing").

Mechanism. Firms at least ``size_threshold`` times the median firm size must disclose under
the mandate: they are audited with probability ``audit_rate`` per period (instead of the
behaviour's ``esg.audit_rate``, if that is lower), and a detected greenwasher among them pays
``fine_weeks`` of revenue (instead of ``esg.fine_weeks``). Both are levers of
:class:`~abm.core.levers.InvestmentLevers` that the ESG mechanism (``EsgProcess.review`` in
``abm.behaviour.mechanisms``) applies at its reviews: an audit that detects a gap erases it,
verifies the true score and cuts reputation and trust, and the fine enters the firm's ESG
payoff, so greenwashing pays less and firms imitate it less.

Cost. Each additional audit costs ``audit_cost_weeks`` of the audited firm's steady-state
weekly revenue, charged to the regulator's budget for the expected number of audits at each
review; with too little budget left the additional audit rate is scaled down to what is
affordable. An unfunded mandate (zero budget) is not enforced: no audits and no penalty change,
exactly the baseline. Fines are paid by the firms (income to the state, not added to the
budget).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from abm.config.fields import param
from abm.core.levers import InvestmentLevers
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.policies import Budget, Instrument


@INSTRUMENTS.register("esg_disclosure_mandate")
class EsgDisclosureMandate(Instrument):
    """Mandatory audited disclosure for firms above a size threshold."""

    name = "esg_disclosure_mandate"

    @dataclass
    class Params:
        """Disclosure mandate parameters."""

        size_threshold: float = param(1.0, low=0.0, unit="x median size",
            meaning="firms at least this many times the median size must disclose",
            source="assumption (mandates start with large firms)")
        audit_rate: float = param(0.15, low=0.0, high=1.0, unit="share",
            meaning="per period: probability that a covered firm is audited",
            source="C (seed 003: supervision)")
        fine_weeks: float = param(4.0, low=0.0, unit="weeks",
            meaning="fine for detected greenwashing, in weeks of revenue",
            source="C (seed 003: penalties)")
        audit_cost_weeks: float = param(0.05, low=0.0, unit="weeks",
            meaning="cost of one audit to the state, in weeks of the firm's steady revenue",
            source="assumption")

    params_type = Params

    def __init__(self, world: World, params: Any, budget: Budget) -> None:
        super().__init__(world, params, budget)
        firms = world.firms
        self.audit_cost = params.audit_cost_weeks * firms.price * firms.normal_output
        self.audit_rate: np.ndarray | None = None  # per firm, while funded

    def investment(self, world: World, levers: InvestmentLevers) -> InvestmentLevers:
        """Covered firms' audit rates and fines; charge the expected audits at reviews."""
        cfg = world.config.behaviour
        if world.tick % cfg.period != 0:
            return levers
        if (world.tick // cfg.period) % cfg.review_periods == 0:
            self.audit_rate = self._funded_rates(world)
        if self.audit_rate is None:
            return levers
        firms = world.firms
        covered = firms.alive & (firms.size >= self.params.size_threshold
                                 * float(np.median(firms.size)))
        fines = np.where(covered, self.params.fine_weeks, cfg.esg.fine_weeks)
        return replace(levers, audit_rate=self.audit_rate, fine_weeks=fines)

    def _funded_rates(self, world: World) -> np.ndarray | None:
        """Audit rates for the coming review cycle, scaled to the budget left (None: unfunded).
        """
        cfg = world.config.behaviour
        firms = world.firms
        base = cfg.esg.audit_rate
        covered = firms.alive & (firms.size >= self.params.size_threshold
                                 * float(np.median(firms.size)))
        extra = np.maximum(self.params.audit_rate - base, 0.0) * covered
        if not extra.any():
            return None
        periods = cfg.review_periods
        # Expected additional audits per review: compounded over the review's periods. With
        # too little budget the extra rate is scaled by the share granted (the state pays
        # what it was granted; the compounding makes the audits a little cheaper than that).
        more = (1 - (1 - (base + extra)) ** periods) - (1 - (1 - base) ** periods)
        cost = float((more * self.audit_cost).sum())
        granted = self.budget.request(self.name, cost) if cost > 0 else 0.0
        if granted <= 0:
            return None
        return base + extra * (granted / cost)
