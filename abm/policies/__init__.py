"""Industrial policy (spec §4): a set of composable instruments under one yearly budget.

``policy.instruments`` maps instrument names to their parameters; ``policy=baseline`` is the
empty set (no intervention, the reference every policy is compared with). Each instrument is a
:class:`~abm.core.process.Process` registered in ``abm.core.registry.INSTRUMENTS``: it acts
through levers in any phase and pays for what it does from the regulator's
:class:`Budget`, which never grants more than ``policy.budget_per_year`` per model year.
See docs/policy_instruments.md for a worked example of adding one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from abm.core.calendar import starts_year
from abm.core.process import Process, World
from abm.core.registry import INSTRUMENTS


class Budget:
    """The regulator's yearly budget; instruments ask it for money before they spend.

    Args:
        per_year: spending limit per model year (``TICKS_PER_YEAR`` ticks).
    """

    def __init__(self, per_year: float) -> None:
        self.per_year = per_year
        self.spent_this_year = 0.0
        self.spent_this_tick = 0.0
        self.spent_total = 0.0
        self.by_instrument: dict[str, float] = {}

    @property
    def left(self) -> float:
        """What may still be spent this year."""
        return max(0.0, self.per_year - self.spent_this_year)

    def new_tick(self, tick: int) -> None:
        """Start a tick (and, on the first tick of a year, a new year's allowance)."""
        if starts_year(tick):
            self.spent_this_year = 0.0
        self.spent_this_tick = 0.0

    def request(self, instrument: str, amount: float) -> float:
        """Grant up to ``amount`` (never more than is left this year) and charge it.

        Returns:
            The amount granted; the instrument must scale what it does to it.
        """
        granted = min(max(0.0, float(amount)), self.left)
        self.spent_this_year += granted
        self.spent_this_tick += granted
        self.spent_total += granted
        self.by_instrument[instrument] = self.by_instrument.get(instrument, 0.0) + granted
        return granted


class Instrument(Process):
    """Base of policy instruments: parameters, the budget, and the neutral hooks of a process.

    Subclasses set ``name``, ``Params`` (a dataclass whose fields are declared with
    :func:`abm.config.fields.param`, so they are validated and documented like every other
    key) and override the hooks they act in.

    Args:
        world: the model as plug-ins see it.
        params: this instrument's validated parameters.
        budget: the regulator's budget.
    """

    @dataclass
    class Params:
        """No parameters."""

    params_type: ClassVar[type] = Params

    def __init__(self, world: World, params: Any, budget: Budget) -> None:
        self.world, self.params, self.budget = world, params, budget

    @classmethod
    def check_config(cls, config: Any, params: Any) -> None:
        """Rules relating this instrument's parameters to the rest of the configuration
        (the validated ``SimulationConfig``); none by default.

        Raises:
            ConfigError: one paragraph naming the keys involved and what is allowed.
        """


def build_instruments(world: World, instruments: dict[str, Any], budget: Budget
                      ) -> list[Instrument]:
    """The configured instruments, in a fixed (alphabetical) order.

    Args:
        world: the model as plug-ins see it.
        instruments: ``policy.instruments``: name -> validated parameters object.
        budget: the regulator's budget.
    """
    return [INSTRUMENTS[name](world, instruments[name], budget) for name in sorted(instruments)]


# The project's instruments register themselves on import (after Budget and Instrument exist).
from abm.policies import (  # noqa: E402, F401
    carbon_price,
    chain_building,
    chain_leader_system,
    digital_subsidy,
    early_warning,
    esg_disclosure_mandate,
    green_credit,
    platform_regulation,
    rd_subsidy,
    resource_dispatch,
)
