"""Line charts that the browser draws: the server writes each tick's chart as SVG markup.

Matplotlib needed about 0.2 s per tick to rasterise the eight time-series panels, most of it
laying out and drawing text (titles, tick labels, legends). Writing the same panels as SVG paths
and text takes a few milliseconds, and the browser renders them (with crisp text at any width).
Each line carries its label as a tooltip. Tick positions come from matplotlib's locators, so the
axes read as before.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
from matplotlib.colors import to_hex
from matplotlib.ticker import EngFormatter, MaxNLocator

#: Maps data coordinates (one number or an array) to picture coordinates.
Scale = Callable[[np.ndarray | float], np.ndarray | float]

#: Shading of the shock windows.
SHADE = '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#d62728" ' \
        'fill-opacity="0.12"/>'
#: Styles of the charts, inside each chart so that its markup stands alone. A style element
#: applies to the whole page, hence the selectors under ``svg.ecosim-chart`` and class names
#: that Vuetify's own (such as ``.title``) cannot match.
STYLE = ("<style>svg.ecosim-chart text{font-family:Roboto,Helvetica,Arial,sans-serif;"
         "font-size:11px;fill:#333}svg.ecosim-chart .ecosim-title{font-size:13px;"
         "font-weight:500;fill:#111}svg.ecosim-chart .ecosim-tick{fill:#555}"
         "svg.ecosim-chart .ecosim-line{fill:none;stroke-linejoin:round}</style>")
PANEL_GAP = 18  # horizontal space between panels
LEFT, RIGHT_AXIS, RIGHT = 50, 46, 10  # plot margins: left tick labels, right tick labels, none
TITLE, LEGEND_ROW, PLOT, BELOW = 22, 15, 175, 32  # heights of a panel's parts
CHAR = 6.0  # mean width of a character at 11 px, to lay the legend out without measuring text


@dataclass(frozen=True)
class Panel:
    """One panel of a chart.

    Attributes:
        title: the panel's title.
        lines: label and style of each line, in the order the data come in; a style may set
            ``color`` (any matplotlib colour), ``lw`` (width) and ``ls`` (``"--"`` for dashed).
        right: labels of the lines drawn dashed on a right-hand axis (other units).
        include: a y range the left axis always shows, or None to fit the data only.
    """

    title: str
    lines: tuple[tuple[str, dict[str, str | float]], ...]
    right: tuple[str, ...] = ()
    include: tuple[float, float] | None = None


@dataclass(frozen=True)
class _Line:
    """How one line is drawn: label (with "(right)" for the right axis), stroke and axis."""

    label: str
    colour: str
    width: float
    dashed: bool
    on_right: bool


@dataclass(frozen=True)
class _Box:
    """Where a panel's plot area lies in the picture (its height is PLOT)."""

    left: float
    right: float
    top: float

    @property
    def bottom(self) -> float:
        """The plot's lower edge (the x axis)."""
        return self.top + PLOT

    @property
    def middle(self) -> float:
        """The plot's horizontal centre (for titles)."""
        return (self.left + self.right) / 2

    def x_scale(self, low: float, high: float) -> Scale:
        """Data x (a number or an array) to picture x, for an axis from ``low`` to ``high``."""
        return lambda x: self.left + (x - low) / (high - low) * (self.right - self.left)

    def y_scale(self, low: float, high: float) -> Scale:
        """Data y (a number or an array) to picture y, for an axis from ``low`` to ``high``."""
        return lambda y: self.bottom - (y - low) / (high - low) * PLOT


def _limits(arrays: Sequence[np.ndarray], include: tuple[float, float] | None
            ) -> tuple[float, float]:
    """The y range of some lines, padded by 5% as matplotlib pads its autoscaled axes.

    Args:
        arrays: the lines' values (NaN and infinities ignored).
        include: a range to show in any case, or None.

    Returns:
        (low, high) with low < high.
    """
    values = np.concatenate([np.asarray(a, dtype=float) for a in arrays]) if arrays else \
        np.zeros(0)
    values = values[np.isfinite(values)]
    low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
    if include is not None:
        margin = 0.05 * (max(high, include[1]) - min(low, include[0]))
        return min(low - margin, include[0]), max(high + margin, include[1])
    if high == low:
        pad = abs(low) * 0.05 or 0.5
        return low - pad, high + pad
    margin = 0.05 * (high - low)
    return low - margin, high + margin


def _ticks(low: float, high: float, bins: int, integer: bool = False) -> list[float]:
    """Round tick values inside [low, high] (matplotlib's choice for an axis of that range)."""
    values = MaxNLocator(nbins=bins, integer=integer, steps=[1, 2, 2.5, 5, 10]).tick_values(
        low, high)
    tolerance = 1e-9 * (high - low)
    return [float(v) for v in values if low - tolerance <= v <= high + tolerance]


def _tick_labels(values: Sequence[float]) -> list[str]:
    """Tick texts with as many decimals as the spacing needs; 12.5k style from ten thousand."""
    if not values:
        return []
    if max(abs(v) for v in values) >= 1e4:
        engineering = EngFormatter(sep="")
        return [engineering.format_eng(v) for v in values]
    step = abs(values[1] - values[0]) if len(values) > 1 else abs(values[0]) or 1.0
    decimals = 0
    while decimals < 6 and abs(round(step, decimals) - step) > 1e-9 * max(step, 1.0):
        decimals += 1
    return [f"{v:.{decimals}f}".replace("-", "−") for v in values]


def _path(xs: np.ndarray, ys: np.ndarray) -> str:
    """SVG path data through the finite points, broken where a value is missing."""
    parts: list[str] = []
    pen_up = True
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        if not math.isfinite(y):
            pen_up = True
            continue
        parts.append(f"{'M' if pen_up else 'L'}{x:.1f} {y:.1f}")
        pen_up = False
    return "".join(parts)


class LineChart:
    """A grid of line panels sharing the tick axis, written as one SVG picture.

    Args:
        panels: the panels, filled row by row.
        columns: panels per row.
        width: width of the picture in SVG units (it scales to the page's width).
    """

    def __init__(self, panels: Sequence[Panel], columns: int, width: float = 1200.0) -> None:
        self.panels = list(panels)
        self.columns = columns
        self.width = width
        self.panel_width = (width - PANEL_GAP * (columns - 1)) / columns
        self.styles: list[list[_Line]] = [
            [_Line(label + (" (right)" if label in panel.right else ""),
                   to_hex(str(style.get("color", f"C{i % 10}"))),
                   float(style.get("lw", 1.2)),
                   style.get("ls") == "--" or label in panel.right, label in panel.right)
             for i, (label, style) in enumerate(panel.lines)]
            for panel in self.panels]
        # Legends sit above the plots (never over the data); a row of panels shares one height.
        self.legend_columns = [self._legend_columns(panel, lines)
                               for panel, lines in zip(self.panels, self.styles, strict=True)]
        rows = -(-len(self.panels) // columns)
        self.legend_rows = [
            max(-(-len(self.styles[i]) // self.legend_columns[i])
                for i in range(r * columns, min((r + 1) * columns, len(self.panels))))
            for r in range(rows)]
        self.row_top = [0.0]
        for legend_rows in self.legend_rows:
            self.row_top.append(self.row_top[-1] + TITLE + LEGEND_ROW * legend_rows + 6 + PLOT
                                + BELOW)
        self.height = self.row_top[-1] + 6  # room for the x-axis title under the last row

    def _legend_columns(self, panel: Panel, lines: Sequence[_Line]) -> int:
        """As many legend columns as the longest label allows in the panel's width."""
        available = self.panel_width - LEFT - (RIGHT_AXIS if panel.right else RIGHT)
        longest = max(len(line.label) for line in lines) * CHAR + 34
        return max(1, min(len(lines), 4, int(available // longest)))

    def render(self, steps: np.ndarray, values: Sequence[Sequence[np.ndarray]],
               shaded: Sequence[tuple[float, float]]) -> str:
        """The chart for new data, as SVG markup.

        Args:
            steps: the x values (ticks), at least one.
            values: per panel, one y array per line (as in :attr:`Panel.lines`).
            shaded: x intervals to shade in every panel (shock windows).

        Returns:
            An ``<svg class="ecosim-chart" data-tick=...>`` element whose ``data-tick`` is the
            last tick shown (the browser test waits for it).
        """
        steps = np.asarray(steps, dtype=float)
        first, last = float(steps[0]), float(steps[-1])
        pad = 0.05 * (last - first) if last > first else 0.5
        x_range = (first - pad, last + pad)
        out = [f'<svg class="ecosim-chart" data-tick="{int(last)}" role="img" '
               f'aria-label="time series up to tick {int(last)}" width="100%" '
               f'viewBox="0 0 {self.width:.0f} {self.height:.0f}" '
               f'xmlns="http://www.w3.org/2000/svg">', STYLE]
        for index, ys in enumerate(values):
            out.extend(self._panel(index, steps, ys, x_range, shaded))
        out.append("</svg>")
        return "".join(out)

    def _panel(self, index: int, steps: np.ndarray, ys: Sequence[np.ndarray],
               x_range: tuple[float, float], shaded: Sequence[tuple[float, float]]) -> list[str]:
        """The markup of one panel: title, legend, shading, grid, axes and lines."""
        panel, lines = self.panels[index], self.styles[index]
        row, column = divmod(index, self.columns)
        offset = column * (self.panel_width + PANEL_GAP)
        box = _Box(left=offset + LEFT,
                   right=offset + self.panel_width - (RIGHT_AXIS if panel.right else RIGHT),
                   top=self.row_top[row] + TITLE + LEGEND_ROW * self.legend_rows[row] + 6)
        out = [f'<text class="ecosim-title" x="{box.middle:.1f}" '
               f'y="{self.row_top[row] + 15:.1f}" text-anchor="middle">'
               f"{escape(panel.title)}</text>"]
        out += self._legend(index, box, self.row_top[row] + TITLE)
        x_at = box.x_scale(*x_range)
        for start, end in shaded:
            a, b = max(start, x_range[0]), min(end, x_range[1])
            if b > a:
                out.append(SHADE.format(x=x_at(a), y=box.top, w=x_at(b) - x_at(a), h=PLOT))
        for tick in _ticks(*x_range, bins=8, integer=True):
            x = x_at(tick)
            out.append(f'<path d="M{x:.1f} {box.top:.1f}V{box.bottom:.1f}" stroke="#000" '
                       f'stroke-opacity="0.08"/><text class="ecosim-tick" x="{x:.1f}" '
                       f'y="{box.bottom + 14:.1f}" text-anchor="middle">{tick:.0f}</text>')
        if index + self.columns >= len(self.panels):  # the lowest panel of its column
            out.append(f'<text x="{box.middle:.1f}" y="{box.bottom + 30:.1f}" '
                       'text-anchor="middle">tick (week)</text>')
        xs = np.asarray(x_at(steps), dtype=float)
        for on_right in (False, True) if panel.right else (False,):
            mine = [(y, line) for y, line in zip(ys, lines, strict=True)
                    if line.on_right == on_right]
            low, high = _limits([y for y, _ in mine], None if on_right else panel.include)
            out += _y_axis(box, low, high, on_right)
            y_at = box.y_scale(low, high)
            for y, line in mine:
                data = np.asarray(y_at(np.asarray(y, dtype=float)), dtype=float)
                out.append(f'<path class="ecosim-line" d="{_path(xs, data)}" '
                           f'stroke="{line.colour}" stroke-width="{line.width:.2f}"'
                           + (' stroke-dasharray="6 3"' if line.dashed else "")
                           + f"><title>{escape(line.label)}</title></path>")
        out.append(f'<rect x="{box.left:.1f}" y="{box.top:.1f}" width="{box.right - box.left:.1f}"'
                   f' height="{PLOT}" fill="none" stroke="#666" stroke-width="0.8"/>')
        return out

    def _legend(self, index: int, box: _Box, top: float) -> list[str]:
        """Legend entries (a line sample and the label) in columns above the panel's plot."""
        lines, columns = self.styles[index], self.legend_columns[index]
        width = (box.right - box.left) / columns
        out = []
        for k, line in enumerate(lines):
            x = box.left + (k % columns) * width
            y = top + (k // columns) * LEGEND_ROW + 10
            out.append(f'<path d="M{x:.1f} {y - 4:.1f}h20" stroke="{line.colour}" '
                       f'stroke-width="{max(line.width, 1.5):.2f}"'
                       + (' stroke-dasharray="6 3"' if line.dashed else "")
                       + f'/><text x="{x + 25:.1f}" y="{y:.1f}">{escape(line.label)}</text>')
        return out


def _y_axis(box: _Box, low: float, high: float, on_right: bool) -> list[str]:
    """Tick labels of a y axis (left or right of the plot) and, for the left one, grid lines."""
    y_at, out = box.y_scale(low, high), []
    ticks = _ticks(low, high, bins=6)
    x, anchor = (box.right + 4, "start") if on_right else (box.left - 4, "end")
    for tick, text in zip(ticks, _tick_labels(ticks), strict=True):
        y = y_at(tick)
        if not on_right:
            out.append(f'<path d="M{box.left:.1f} {y:.1f}H{box.right:.1f}" stroke="#000" '
                       'stroke-opacity="0.08"/>')
        out.append(f'<text class="ecosim-tick" x="{x:.1f}" y="{y + 4:.1f}" '
                   f'text-anchor="{anchor}">{text}</text>')
    return out
