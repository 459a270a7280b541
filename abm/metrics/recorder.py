"""Preallocated per-tick series.

Mesa's DataCollector deep-copies every reported value every tick and keeps Python lists; the
model computes each tick's aggregates vectorised into one row, so one numpy buffer (a row per
tick, a column per series) is both faster and simpler. ``frame()`` returns the tidy table (one
row per tick).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abm.metrics import catalogue


class Recorder:
    """A (ticks x series) buffer for up to ``capacity`` ticks, growing if a model runs longer.

    Args:
        capacity: ticks to preallocate.
    """

    def __init__(self, capacity: int) -> None:
        self._table = np.full((max(1, capacity), 1), np.nan)
        self._index: dict[str, int] = {"step": 0}  # series name -> column
        self._layout: tuple[str, ...] = ()  # the names of the last row, in their order
        self._rows = 0

    def record(self, step: int, values: dict[str, float]) -> None:
        """Append one tick's values (new names start a column, earlier ticks are NaN)."""
        if self._rows == len(self._table):
            grown = np.full((2 * len(self._table), self._table.shape[1]), np.nan)
            grown[: self._rows] = self._table
            self._table = grown
        row = self._table[self._rows]
        row[0] = step
        layout = tuple(values)
        if layout == self._layout:  # the usual tick: the same series as the last one
            row[1:] = np.fromiter(values.values(), dtype=float, count=len(values))
        else:
            self._place(row, values)
            self._layout = layout if self._contiguous(layout) else ()
        self._rows += 1

    def _place(self, row: np.ndarray, values: dict[str, float]) -> None:
        """Write ``values`` into ``row`` by name, adding a column per new series."""
        new = [name for name in values if name not in self._index]
        for name in new:  # a new column must be a catalogued series (KeyError if not)
            catalogue.series(name)
        if new:  # all new columns at once
            self._index.update({name: column for column, name in
                                enumerate(new, start=self._table.shape[1])})
            self._table = np.hstack([self._table, np.full((len(self._table), len(new)), np.nan)])
            row = self._table[self._rows]
        for name, value in values.items():
            row[self._index[name]] = value

    def _contiguous(self, layout: tuple[str, ...]) -> bool:
        """Whether ``layout`` names every column after ``step``, in column order."""
        return len(layout) + 1 == len(self._index) and all(
            self._index[name] == column for column, name in enumerate(layout, start=1))

    def latest(self, name: str) -> float:
        """The last recorded value of column ``name``."""
        return float(self._table[self._rows - 1, self._index[name]])

    def __len__(self) -> int:
        return self._rows

    def frame(self) -> pd.DataFrame:
        """The recorded ticks as a DataFrame with an integer ``step`` column."""
        data = {name: self._table[: self._rows, column].copy()
                for name, column in self._index.items()}
        frame = pd.DataFrame(data)
        if self._rows:
            frame["step"] = frame["step"].astype(np.int64)
        return frame
