"""Scenario shocks (spec §5): what each event does to capacity, flows, lead times or demand."""

from abm.shocks import kinds
from abm.shocks.scenario import ShockEffects, ShockSchedule

__all__ = ["ShockEffects", "ShockSchedule", "kinds"]
