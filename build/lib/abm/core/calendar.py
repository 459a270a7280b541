"""The model's calendar: one tick is a week."""

from __future__ import annotations

TICKS_PER_YEAR = 52


def starts_year(tick: int) -> bool:
    """True on the first tick of a model year (ticks 1, 53, 105, ...: tick 0 is setup)."""
    return tick % TICKS_PER_YEAR == 1
