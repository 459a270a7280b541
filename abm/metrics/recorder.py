"""Preallocated per-tick series.

Mesa's DataCollector deep-copies every reported value every tick and keeps Python lists; the
model computes each tick's aggregates vectorised into one row, so a column-per-series numpy
buffer is both faster and simpler. ``frame()`` returns the tidy table (one row per tick).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abm.metrics import catalogue


class Recorder:
    """Column buffers for up to ``capacity`` ticks, growing if a model runs longer.

    Args:
        capacity: ticks to preallocate.
    """

    def __init__(self, capacity: int) -> None:
        self._capacity = max(1, capacity)
        self._columns: dict[str, np.ndarray] = {}
        self._rows = 0

    def record(self, step: int, values: dict[str, float]) -> None:
        """Append one tick's values (new names start a column, earlier ticks are NaN)."""
        if self._rows == self._capacity:
            self._capacity *= 2
            for name, column in self._columns.items():
                grown = np.full(self._capacity, np.nan)
                grown[: self._rows] = column[: self._rows]
                self._columns[name] = grown
        row = self._rows
        for name, value in (("step", step), *values.items()):
            column = self._columns.get(name)
            if column is None:  # a new column must be a catalogued series (KeyError if not)
                catalogue.series(name)
                column = self._columns[name] = np.full(self._capacity, np.nan)
            column[row] = value
        self._rows += 1

    def latest(self, name: str) -> float:
        """The last recorded value of column ``name``."""
        return float(self._columns[name][self._rows - 1])

    def __len__(self) -> int:
        return self._rows

    def frame(self) -> pd.DataFrame:
        """The recorded ticks as a DataFrame with an integer ``step`` column."""
        data = {name: column[: self._rows] for name, column in self._columns.items()}
        frame = pd.DataFrame(data)
        if self._rows:
            frame["step"] = frame["step"].astype(np.int64)
        return frame
