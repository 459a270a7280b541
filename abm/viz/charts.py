"""Line charts that are built once and redrawn with new data each tick.

Building a matplotlib figure (axes, ticks, legends) costs more than drawing it, so a chart keeps
its figure and lines and only replaces their data, rescales the axes and re-shades the shock
windows before each drawing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import EngFormatter

from abm.viz.images import figure_png


@dataclass(frozen=True)
class Panel:
    """One panel of a chart.

    Attributes:
        title: the panel's title.
        lines: label and matplotlib style of each line, in the order the data come in.
        right: labels of the lines drawn dashed on a right-hand axis (other units).
        include: a y range the left axis always shows, or None to fit the data only.
        legend: where the legend goes inside the panel.
    """

    title: str
    lines: tuple[tuple[str, dict[str, object]], ...]
    right: tuple[str, ...] = ()
    include: tuple[float, float] | None = None
    legend: str = "upper left"


class LineChart:
    """A grid of line panels sharing the tick axis.

    Args:
        panels: the panels, filled row by row.
        columns: panels per row.
        size: figure size in inches (width, height).
    """

    def __init__(self, panels: Sequence[Panel], columns: int, size: tuple[float, float]) -> None:
        self.panels = list(panels)
        rows = -(-len(self.panels) // columns)
        self.fig = Figure(figsize=size, dpi=90)
        FigureCanvasAgg(self.fig)
        grid = self.fig.subplots(rows, columns, sharex=True, squeeze=False)
        self.axes: list[Axes] = list(grid.flat[: len(self.panels)])
        for ax in grid.flat[len(self.panels):]:
            ax.set_visible(False)
        self.lines: list[list[Line2D]] = []
        self.scales: list[list[Axes]] = []
        for ax, panel in zip(self.axes, self.panels, strict=True):
            right = ax.twinx() if panel.right else None
            lines, scales = [], [ax]
            for i, (label, style) in enumerate(panel.lines):
                on_right = right is not None and label in panel.right
                target = right if on_right and right is not None else ax
                lines.append(target.plot([], [], label=label + (" (right)" if on_right else ""),
                                         **{"lw": 1.2, "color": f"C{i % 10}",
                                            "ls": "--" if on_right else "-", **style})[0])
            if right is not None:
                right.yaxis.set_major_formatter(EngFormatter(sep=""))
                scales.append(right)
            ax.set_title(panel.title, fontsize=10)
            scales[-1].legend(handles=lines, loc=panel.legend, fontsize=7.5,
                              ncol=2 if len(lines) > 3 else 1)
            ax.grid(alpha=0.3)
            self.lines.append(lines)
            self.scales.append(scales)
        for ax in grid[-1]:
            ax.set_xlabel("tick (week)")
        # Fixed margins: tight_layout would cost as much as the drawing itself.
        self.fig.subplots_adjust(left=0.05, right=0.955, top=1 - 0.35 / size[1],
                                 bottom=0.45 / size[1], hspace=0.3, wspace=0.16)
        self._shaded: list[Patch] = []

    def render(self, steps: np.ndarray, values: Sequence[Sequence[np.ndarray]],
               shaded: Sequence[tuple[float, float]]) -> bytes:
        """Draw new data and return a PNG.

        Args:
            steps: the x values (ticks).
            values: per panel, one y array per line (as in :attr:`Panel.lines`).
            shaded: x intervals to shade in every panel (shock windows).

        Returns:
            The PNG bytes.
        """
        for panel, lines, scales, ys in zip(self.panels, self.lines, self.scales, values,
                                            strict=True):
            for line, y in zip(lines, ys, strict=True):
                line.set_data(steps, y)
            for axis in scales:
                axis.relim()
                axis.autoscale_view()
            if panel.include is not None:
                low, high = scales[0].dataLim.y0, scales[0].dataLim.y1
                margin = 0.05 * (max(high, panel.include[1]) - min(low, panel.include[0]))
                scales[0].set_ylim(min(low - margin, panel.include[0]),
                                   max(high + margin, panel.include[1]))
        for patch in self._shaded:
            patch.remove()
        self._shaded = [ax.axvspan(start, end, color="#d62728", alpha=0.1, lw=0)
                        for ax in self.axes for start, end in shaded]
        return figure_png(self.fig)
