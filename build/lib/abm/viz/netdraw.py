"""Drawing the supply network: what stays is drawn once, the firms every tick.

Matplotlib spent most of each tick re-rasterising things that rarely change. A
:class:`NetworkView` therefore keeps pixels in two layers, as matplotlib's blitting does for
animations: the *background* (tier and chain labels, market markers) drawn once per model, and
the *link layer* (the background sample of links and the platforms) redrawn only when that sample
or a platform's membership changes, which is seldom outside shocks. Each tick restores the link
layer and draws the stressed links, the firms and the selected firm on top. The legend is HTML
next to the picture (see :func:`abm.viz.html.legend`), so the browser renders its text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure

from abm.model import EcosystemModel
from abm.network.spec import N_TIERS, TIER_NAMES
from abm.viz.images import rgba_png
from abm.viz.network import (
    BAND,
    STATE_NAMES,
    firm_states,
    layout,
    link_sample,
    node_colours,
    node_sample,
    node_sizes,
)

PLATFORM_RIM, LEADER_RIM = to_rgba_array(["#7b3fa0", "black"])
MARKET_X = N_TIERS + 0.12  # x of the market and platform markers, right of the last tier
STRESSED = "#d62728"  # colour of stressed links


@dataclass
class NetworkPicture:
    """A rendered network and what it shows.

    Attributes:
        png: the image.
        caption: what was sampled and how to read the picture.
        counts: firms per state name.
        legend: (symbol, colour, label) entries that explain the picture.
    """

    png: bytes
    caption: str
    counts: dict[str, int]
    legend: list[tuple[str, str, str]] = field(default_factory=list)


def _links(pos: np.ndarray, model: EcosystemModel, rows: np.ndarray, colour: str,
           width: float, alpha: float, zorder: float) -> LineCollection:
    """The links ``rows`` as straight lines from supplier to buyer."""
    links = model.links
    segments = np.stack([pos[links.supplier[rows]], pos[links.buyer[rows]]], axis=1)
    return LineCollection(segments, colors=colour, linewidths=width, alpha=alpha, zorder=zorder)


class NetworkView:
    """The network picture of one model, redrawn tick after tick.

    Args:
        model: the model (its chains fix the background).
    """

    def __init__(self, model: EcosystemModel) -> None:
        self.model = model
        self.fig = Figure(figsize=(9.0, 5.6), dpi=100)
        self.canvas = FigureCanvasAgg(self.fig)
        self.ax = self.fig.add_axes((0.01, 0.07, 0.98, 0.92))
        self._draw_background()
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self._layer = self._background
        self._layer_key: tuple[bytes, bytes, tuple[int, ...]] | None = None

    def _draw_background(self) -> None:
        """The parts that stay: tier and chain labels, axis limits, the two market markers."""
        ax, firms = self.ax, self.model.firms
        n_chains = int(firms.chain.max()) + 1
        for chain in range(n_chains):
            ax.text(-0.06, 1.0 - (chain + 0.44) / n_chains, f"chain {chain}", rotation=90,
                    va="center", ha="center", fontsize=8, color="0.3")
        ax.set_xticks([t + BAND / 2 for t in range(N_TIERS)] + [N_TIERS + 0.3])
        ax.set_xticklabels([name.replace("_", " ") for name in TIER_NAMES]
                           + ["markets, platforms"], fontsize=9)
        ax.set_yticks([])
        ax.set_xlim(-0.12, N_TIERS + 0.75)
        ax.set_ylim(-0.02, 1.02)
        ax.set_autoscale_on(False)  # the per-tick artists must not move the limits
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        for k, label in enumerate(("domestic market", "export market")):
            ax.scatter([MARKET_X], [0.85 - k * 0.18], s=140, marker="s", color="#2f4f4f",
                       zorder=5)
            ax.annotate(label, (MARKET_X, 0.85 - k * 0.18), xytext=(10, 0),
                        textcoords="offset points", fontsize=7, va="center")

    def _platforms(self, members: tuple[int, ...]) -> list[Artist]:
        """Platforms as diamonds in the market column, sized by their number of members."""
        ax, artists = self.ax, []
        for k, (platform, count) in enumerate(zip(self.model.platforms, members, strict=True)):
            y = 0.35 - k * 0.6 / max(len(members), 1)
            artists.append(ax.scatter([MARKET_X], [y], s=60 + count / 2, marker="D",
                                      color="#7b3fa0", edgecolors="black", linewidths=0.6,
                                      zorder=5))
            artists.append(ax.annotate(f"platform {platform.platform_id}\n{count} members",
                                       (MARKET_X, y), xytext=(10, 0),
                                       textcoords="offset points", fontsize=7, va="center",
                                       zorder=5))
        return artists

    def _draw(self, artists: list[Artist]) -> None:
        """Draw artists onto the canvas in z order, then take them off the axes again."""
        for artist in sorted(artists, key=lambda a: a.get_zorder()):
            if artist.axes is None:
                self.ax.add_artist(artist)
            self.fig.draw_artist(artist)
            artist.remove()

    def _restore_link_layer(self, pos: np.ndarray, background: np.ndarray) -> None:
        """Put the background links and the platforms on the canvas, from the cache if they
        and the layout are as last time (the platforms sit right of all firms and links, so
        drawing them under the firms changes no pixel)."""
        members = tuple(len(platform.members) for platform in self.model.platforms)
        key = (pos.tobytes(), background.tobytes(), members)
        if key == self._layer_key:
            self.canvas.restore_region(self._layer)
            return
        self.canvas.restore_region(self._background)
        self._draw([_links(pos, self.model, background, "#8c8c8c", 0.4, 0.25, 1),
                    *self._platforms(members)])
        self._layer = self.canvas.copy_from_bbox(self.fig.bbox)
        self._layer_key = key

    def render(self, colour_by: str, selected: int | None) -> NetworkPicture:
        """Draw the network at the last processed tick.

        Args:
            colour_by: one of :func:`abm.viz.network.colour_options`.
            selected: firm index to ring and label, or None.

        Returns:
            The PNG, a caption, the firm count per state and the legend.
        """
        model, ax = self.model, self.ax
        firms = model.firms
        pos = layout(model)  # recomputed: an entrant may take an exited firm's row
        states = firm_states(model)
        drawn = node_sample(model)
        background, hot, n_live = link_sample(model, states, drawn)
        self._restore_link_layer(pos, background)

        artists: list[Artist] = [_links(pos, model, hot, STRESSED, 0.6, 0.55, 2)]
        size = node_sizes(model)
        colours, entries = node_colours(model, colour_by, states)
        member, leader = firms.platform >= 0, firms.chain_leader
        # Firms without a rim go in a scatter without edges: stroking invisible edges took
        # half of the firms' drawing time. Platform members follow with their purple rim.
        for mask, rim, width in ((~leader & ~member, "none", 0.0),
                                 (~leader & member, PLATFORM_RIM, 0.5)):
            rows = drawn[mask[drawn]]
            artists.append(ax.scatter(pos[rows, 0], pos[rows, 1], s=size[rows], c=colours[rows],
                                      marker="o", zorder=3, edgecolors=rim, linewidths=width))
        rows = drawn[leader[drawn]]
        artists.append(ax.scatter(pos[rows, 0], pos[rows, 1], s=size[rows] * 2.5,
                                  c=colours[rows], marker="*", zorder=4, linewidths=0.9,
                                  edgecolors=np.where(member[rows, None], PLATFORM_RIM,
                                                      LEADER_RIM)))
        if selected is not None and 0 <= selected < firms.n:
            artists.append(ax.scatter(*pos[selected], s=260, facecolors="none",
                                      edgecolors="black", linewidths=1.8, zorder=6))
            artists.append(ax.annotate(model.firm_at(selected).name, pos[selected],
                                       xytext=(6, 8), textcoords="offset points", fontsize=8,
                                       weight="bold", zorder=7))
        self._draw(artists)
        png = rgba_png(np.asarray(self.canvas.buffer_rgba()))

        legend = [("●", colour, label) for colour, label in entries]
        if colour_by != "type":
            legend.append(("★", "#666666", "chain leader"))
        legend.append(("━", STRESSED, "stressed link"))
        nodes = (f"all {firms.n:,} firms" if len(drawn) == firms.n
                 else f"a fixed sample of {len(drawn):,} of {firms.n:,} firms (all chain leaders)")
        caption = (f"Showing {nodes}; {len(background):,} of {n_live:,} live links (a fixed "
                   f"sample) plus {len(hot):,} stressed links (buyer searching, input blocked or "
                   "delayed, or supplier disrupted). Node area ∝ value of output this tick; "
                   "★ chain leader; purple rim: platform member.")
        counts = {name: int((states == code).sum()) for code, name in enumerate(STATE_NAMES)}
        return NetworkPicture(png=png, caption=caption, counts=counts, legend=legend)


def render_network(model: EcosystemModel, colour_by: str, selected: int | None
                   ) -> NetworkPicture:
    """Draw the network once (the app keeps a :class:`NetworkView` to redraw it per tick).

    Args:
        model: the model.
        colour_by: one of :func:`abm.viz.network.colour_options`.
        selected: firm index to ring and label, or None.

    Returns:
        The PNG, a caption, the firm count per state and the legend.
    """
    return NetworkView(model).render(colour_by, selected)
