"""Time-series panels and the live resilience metrics of a running model.

The resilience metrics are those of :func:`abm.metrics.summarise`, computed on the ticks so far
against the pre-shock baseline (no unshocked twin runs alongside the app). Panels for ESG,
trust, digital adoption and technology show the recorded per-tick columns that the metrics
catalogue (:mod:`abm.metrics.catalogue`) assigns to them, and a note while it records none.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from abm.metrics import summarise
from abm.metrics.catalogue import CATALOGUE, PANELS, SERIES
from abm.model import EcosystemModel
from abm.network.spec import ASSEMBLY_TIER, TIER_NAMES
from abm.viz.charts import LineChart, Panel

BASELINE_NOTE = ("Resilience is measured live against the pre-shock baseline (mean performance "
                 "over the {window} ticks before the first shock); batch runs (ecosim run) "
                 "compare with an unshocked twin instead.")


def baseline_rows(frame: pd.DataFrame, model: EcosystemModel) -> pd.Series:
    """Mask of the ticks that form the pre-shock baseline.

    Args:
        frame: the per-tick series (at least one row).
        model: the model (shock onset, baseline window).

    Returns:
        The ``baseline_window`` ticks before the first shock; all ticks before any shock; the
        first tick when a shock hit at once.
    """
    onset = model.shock_window.onset
    steps = frame["step"]
    if onset is None or onset > int(steps.iloc[-1]):
        return steps > 0
    mask = (steps < onset) & (steps >= onset - model.config.metrics.baseline_window)
    return mask if mask.any() else steps == steps.iloc[0]


def shock_windows(model: EcosystemModel, last: int) -> list[tuple[float, float]]:
    """The full-strength window of each shock that has begun.

    Args:
        model: the model.
        last: the last tick shown (windows are clipped there).

    Returns:
        (start, end) tick intervals.
    """
    if not model.shocks_enabled:
        return []
    return [(shock.onset, min(shock.onset + shock.duration - 1, last) + 0.5)
            for shock in model.schedule.shocks.values() if shock.onset <= last]


#: The four core panels; :func:`core_series` gives their data in the same order.
CORE_PANELS: tuple[Panel, ...] = (
    Panel("Performance (share of final demand met) and value added", (
        ("performance", {"color": "#1f77b4", "lw": 1.6}),
        ("pre-shock baseline", {"color": "#1f77b4", "ls": "--", "lw": 0.9}),
        ("value added / baseline", {"color": "#2ca02c"})),
        include=(0.5, 1.05)),
    Panel("Inventories (thousand units)", (
        ("input inventory", {}), ("finished goods", {}), ("in transit", {}),
        ("supplier backlog", {}))),
    Panel("Bullwhip: orders by tier vs final demand (relative to early mean)", (
        *((f"orders to {TIER_NAMES[t].replace('_', ' ')}", {}) for t in range(ASSEMBLY_TIER)),
        ("final demand", {"color": "black", "lw": 1.4}))),
    Panel("Sourcing, exit and entry (count)", (
        ("links searching a supplier", {}), ("exits (cumulative)", {}),
        ("entries (cumulative)", {})), include=(0.0, 5.0)),
)


def core_series(frame: pd.DataFrame, model: EcosystemModel) -> list[list[np.ndarray]]:
    """The y values of every line of :data:`CORE_PANELS`, panel by panel.

    Args:
        frame: ``model.timeseries()`` with at least one row.
        model: the model (for the baseline window).

    Returns:
        One list of arrays per panel, in the order of the panel's lines.
    """
    base = baseline_rows(frame, model)
    ones = np.ones(len(frame))
    early = frame.head(min(len(frame), model.config.metrics.baseline_window))
    relative = [frame[f"orders_tier{t}"] / early[f"orders_tier{t}"].mean()
                for t in range(ASSEMBLY_TIER)]
    series = [
        [frame["performance"], ones * frame["performance"][base].mean(),
         frame["value_added"] / frame["value_added"][base].mean()],
        [frame[c] / 1e3 for c in ("inventory_inputs", "inventory_finished", "in_transit",
                                  "backlog")],
        [*relative, frame["final_demand"] / early["final_demand"].mean()],
        [frame["searching"], frame["exits"].cumsum(), frame["entries"].cumsum()],
    ]
    return [[np.asarray(y, dtype=float) for y in panel] for panel in series]


def extension_columns(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Per-tick columns for each extension panel.

    Args:
        frame: the per-tick series.

    Returns:
        Panel title to its columns (empty lists while the engine records none).
    """
    panel_of = {column: metric.panel for column in frame.columns
                if (metric := CATALOGUE.get((SERIES, column))) is not None}
    return {title: [c for c, panel in panel_of.items() if panel == title] for title in PANELS}


class SeriesView:
    """The core chart and, when the engine records them, the extension chart of one model."""

    def __init__(self) -> None:
        self.core = LineChart(CORE_PANELS, columns=2)
        self.extension: LineChart | None = None
        self._extension_columns: dict[str, list[str]] = {}

    def render(self, frame: pd.DataFrame, model: EcosystemModel) -> tuple[str, str | None]:
        """Draw both charts for ``frame`` (at least one row).

        Args:
            frame: ``model.timeseries()``.
            model: the model (baseline window, shock windows).

        Returns:
            The core chart's SVG markup and the extension chart's (None without extension
            series).
        """
        steps = frame["step"].to_numpy()
        shaded = shock_windows(model, int(steps[-1]))
        core = self.core.render(steps, core_series(frame, model), shaded)
        present = {title: cols for title, cols in extension_columns(frame).items() if cols}
        if not present:
            return core, None
        if present != self._extension_columns:
            self.extension = extension_chart(present)
            self._extension_columns = present
        assert self.extension is not None
        values = [[frame[c].to_numpy(dtype=float) for c in cols] for cols in present.values()]
        return core, self.extension.render(steps, values, shaded)


def extension_chart(groups: dict[str, list[str]]) -> LineChart:
    """A chart with one panel per non-empty extension group; rates, shares, means and
    intensities use the left axis, totals and counts (``right_axis`` in the catalogue) a right
    axis.

    Args:
        groups: panel title to its columns (all non-empty).

    Returns:
        The chart (render it with the columns' values in the same order).
    """
    panels = [Panel(title, tuple((column, {}) for column in columns),
                    right=tuple(c for c in columns if CATALOGUE[SERIES, c].right_axis))
              for title, columns in groups.items()]
    return LineChart(panels, columns=2)


def _fmt(value: float, digits: int = 3) -> str:
    """A number with ``digits`` decimals, or a dash for NaN."""
    return f"{value:.{digits}f}" if math.isfinite(value) else "—"


def live_metrics(model: EcosystemModel) -> list[tuple[str, str]]:
    """Current resilience metrics and the active policy as (label, value) rows.

    Args:
        model: the model after at least one tick.

    Returns:
        Rows in display order.
    """
    frame = model.timeseries()
    window = model.shock_window
    summary = summarise(frame, None, window, model.config.metrics, model.firm_outcomes())
    last = frame.iloc[-1]
    base = baseline_rows(frame, model)
    started = window.onset is not None and window.onset <= int(last["step"])
    if started:
        recovery = f"{summary['recovery_time']:.0f} ticks" + (
            " (not recovered yet)" if summary["recovery_censored"] else " (recovered)")
        shock_rows = [
            ("First shock", f"tick {window.onset}"),
            ("Resistance (1 − deepest drop)", _fmt(summary["resistance"])),
            ("Recovery time so far", recovery),
            ("Resilience loss so far", f"{_fmt(summary['resilience_loss'], 2)} ticks of output"),
            ("Value added in shock window / baseline", _fmt(summary["risk_resistance"])),
        ]
    else:
        upcoming = ("none scheduled" if window.onset is None
                    else f"scheduled for tick {window.onset}")
        shock_rows = [("First shock", upcoming)]
    regulator = model.regulator
    return [
        ("Performance (last tick)", _fmt(float(last["performance"]))),
        ("Pre-shock baseline performance", _fmt(float(frame["performance"][base].mean()))),
        ("Value added / baseline",
         _fmt(float(last["value_added"]) / float(frame["value_added"][base].mean()))),
        *shock_rows,
        ("Bullwhip ratio (raw-material orders)", _fmt(summary["bullwhip_ratio"], 2)),
        ("Firms alive", f"{int(last['firms_alive']):,} ({int(frame['exits'].sum())} exits, "
                        f"{int(frame['entries'].sum())} entries)"),
        ("SME survival rate", _fmt(summary["sme_survival_rate"])),
        # Instruments switched on mid-run count too; spending per instrument: "Policy budget".
        ("Policy", ",".join(sorted(i.name for i in regulator.instruments)) or "baseline"),
    ]
