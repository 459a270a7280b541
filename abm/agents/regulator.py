"""The regulator agent (spec §1): holds the policy budget and applies the active policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from abm.policies import Policy

if TYPE_CHECKING:
    from abm.model import EcosystemModel


class Regulator(mesa.Agent):
    """Applies the policy regime within a yearly budget.

    Args:
        model: the ecosystem model.
        policy: the policy regime to apply each tick.
        budget_per_year: spending limit per 52 ticks.
    """

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, policy: Policy, budget_per_year: float) -> None:
        super().__init__(model)
        self.policy = policy
        self.budget_per_year = budget_per_year
        self.spent_total = 0.0
        self.spent_this_year = 0.0

    def step(self) -> float:
        """Phase 1: apply the policy; returns what it spent this tick."""
        if self.model.steps % 52 == 1:
            self.spent_this_year = 0.0
        allowance = max(0.0, self.budget_per_year - self.spent_this_year)
        spent = min(self.policy.apply(self.model, allowance), allowance)
        self.spent_this_year += spent
        self.spent_total += spent
        return spent
