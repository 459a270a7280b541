"""Non-finite state is an error: the per-tick check that stops a run instead of reporting NaN.

A NaN or an infinity in the engine's state spreads (through prices, margins, shares) and ends
as a summary that looks complete but was never computed (``min(1.0, nan)`` reads 1.0). The
engine calls :func:`check_finite` once per tick, after recording's values are computed and
before they are stored: one ``np.isfinite`` pass over each state array that carries the
economy forward, and one over the tick's row. Metrics that the catalogue declares undefined in
some states (e.g. a mean over no live links) may be NaN, never infinite.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np

from abm.core.state import FirmState, LinkState

# The arrays that carry state from tick to tick (anything non-finite elsewhere ends up here).
FIRM_ARRAYS = ("cash", "price", "capacity", "finished_goods", "input_inventory", "on_order",
               "forecast", "long_run_demand", "input_coef", "unit_value_added", "availability")
LINK_ARRAYS = ("share", "backlog", "fill_rate")
STATE_ARRAYS = (*(("firms", name) for name in FIRM_ARRAYS),
                *(("links", name) for name in LINK_ARRAYS))


class NonFiniteStateError(ArithmeticError):
    """The simulation reached a NaN or infinite value: the run is failed, not complete.

    Attributes:
        tick: the tick at which it was found (None where the caller does not know it).
        name: the state array or metric.
        count: how many firms (or links, for link arrays) hold a non-finite value.
    """

    def __init__(self, tick: int | None, name: str, count: int, unit: str) -> None:
        self.tick, self.name, self.count = tick, name, count
        when = f" at tick {tick}" if tick is not None else ""
        super().__init__(
            f"non-finite value{when}: {name} is NaN or infinite for {count} {unit}. "
            "The run stopped as failed (no summary): a result computed from it would be "
            "meaningless. Re-run with the same config and seed to reproduce; report it with the "
            "config if the input values are plausible.")


def _bad_rows(values: np.ndarray) -> int:
    """Rows (firms or links) with any non-finite entry."""
    finite = np.isfinite(values)
    if finite.all():
        return 0
    return int((~finite.reshape(len(values), -1)).any(axis=1).sum())


def check_finite(tick: int, firms: FirmState, links: LinkState, row: Mapping[str, float],
                 may_be_nan: Iterable[str] = ()) -> None:
    """Raise :class:`NonFiniteStateError` if the state or this tick's metrics are not finite.

    Args:
        tick: the current tick.
        firms: firm state (all rows, alive or not: an entrant reuses a row).
        links: link state.
        row: this tick's metrics.
        may_be_nan: metrics documented as undefined (NaN) in some states; never infinite.
    """
    # Fast path: a sum is finite only if every entry is (a NaN or an infinity propagates), and
    # summing allocates nothing, unlike ``isfinite``; one total of the arrays' sums (Python
    # floats: no warnings) is checked. A total that overflows to inf only sends us down the
    # exact check by array below.
    states = {"firms": firms, "links": links}
    if not math.isfinite(sum(float(getattr(states[unit], name).sum())
                             for unit, name in STATE_ARRAYS)):
        for unit, name in STATE_ARRAYS:
            count = _bad_rows(getattr(states[unit], name))
            if count:
                raise NonFiniteStateError(tick, f"{unit[:-1]} state `{name}`", count, unit)
    values = np.fromiter(row.values(), dtype=float, count=len(row))
    finite = np.isfinite(values)
    if finite.all():
        return
    allowed = set(may_be_nan)
    for (name, value), ok in zip(row.items(), finite, strict=True):
        if not ok and not (np.isnan(value) and name in allowed):
            raise NonFiniteStateError(tick, f"metric `{name}` (= {value})", int(firms.alive.sum()),
                                      "alive firms in the economy")
