"""The regulator agent (spec §1): holds the policy budget and the active instruments."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from abm.policies import Budget, Instrument

if TYPE_CHECKING:
    from abm.model import EcosystemModel


class Regulator(mesa.Agent):
    """Runs the policy instruments within a yearly budget.

    The instruments act through levers in the phases they choose (the engine calls them with
    the other processes); the regulator starts each tick and reports what was spent.

    Args:
        model: the ecosystem model.
        instruments: the active instruments (empty: the baseline).
        budget: the yearly budget they spend from.
    """

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, instruments: list[Instrument],
                 budget: Budget) -> None:
        super().__init__(model)
        self.instruments = instruments
        self.budget = budget

    @property
    def spent_total(self) -> float:
        """Spending since the start of the run."""
        return self.budget.spent_total

    @property
    def spent_this_year(self) -> float:
        """Spending in the current model year."""
        return self.budget.spent_this_year

    @property
    def budget_per_year(self) -> float:
        """The yearly spending limit."""
        return self.budget.per_year

    def spending(self) -> dict[str, float]:
        """``subsidy_spent_<name>``: what each active instrument spent since the start
        (0 for an instrument that pays nothing)."""
        spent = self.budget.by_instrument
        return {f"subsidy_spent_{i.name}": spent.get(i.name, 0.0) for i in self.instruments}

    def step(self) -> None:
        """Phase 1: a new tick (and year) for the budget."""
        self.budget.new_tick(self.model.steps)
