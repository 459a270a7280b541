"""What the network picture shows: layout, firm states, colours, sizes and sampled links.

The layout is deterministic: each chain is a horizontal lane, each tier a vertical band, and the
firms of a (chain, tier) fill their cell row by row sorted by product and region, so products form
stripes and a firm keeps its place for the whole run. Nodes are coloured by state or by an
attribute and sized by the value of their output. Links are sampled (a fixed subset, plus every
stressed link up to a cap) because thousands of lines are unreadable. :mod:`abm.viz.netdraw`
draws the picture.
"""

from __future__ import annotations

import hashlib

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_hex, to_rgba_array

from abm.core.state import ROUTE_SEA
from abm.model import EcosystemModel
from abm.network.spec import N_TIERS
from abm.viz.attributes import available, firm_values
from abm.viz.shocks import shock_phase

NORMAL, DISRUPTED, RECOVERING, EXITED = range(4)
STATE_NAMES = ("normal", "disrupted", "recovering", "exited")
STATE_COLOURS = ("#4f7cac", "#d62728", "#ff9f1c", "#bdbdbd")
TYPE_COLOURS = ("#1f3b73", "#f28e2b", "#7b3fa0")  # chain leader, SME, SME on a platform
NO_VALUE = (0.8, 0.8, 0.8, 1.0)  # firms without a value of a continuous attribute
BASE_OPTIONS = ("state", "type", "region", "segment", "cash")
MAX_NODES = 3000  # more firms than this are drawn as a fixed sample
MAX_LINKS = 1200  # background links drawn (a fixed sample)
MAX_STRESSED = 400  # stressed links drawn on top
BAND = 0.72  # width of a tier band on the x axis (one unit per tier)


def fingerprint(model: EcosystemModel) -> str:
    """Short hash of the initial network (firms and links), to tell networks apart.

    Args:
        model: the model.

    Returns:
        Ten hex digits.
    """
    spec = model.spec
    digest = hashlib.sha1(usedforsecurity=False)
    for array in (spec.tier, spec.chain, spec.region, spec.buyer, spec.supplier,
                  np.round(spec.share, 9)):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:10]


def layout(model: EcosystemModel) -> np.ndarray:
    """Node positions: x by tier band, y by chain lane, product stripes inside a cell.

    Args:
        model: the model.

    Returns:
        (N, 2) coordinates; tiers span x in [t, t + BAND], chains share y in [0, 1].
    """
    firms = model.firms
    pos = np.zeros((firms.n, 2))
    n_chains = int(firms.chain.max()) + 1
    lane = 1.0 / n_chains
    for chain in range(n_chains):
        for tier in range(N_TIERS):
            cell = np.flatnonzero((firms.chain == chain) & (firms.tier == tier))
            if not len(cell):
                continue
            cell = cell[np.lexsort((cell, firms.region[cell], firms.product[cell]))]
            # Columns so that cells are about as dense across as down (the figure is ~3:2).
            cols = max(1, round(np.sqrt(len(cell) * BAND * 1.5 / (lane * N_TIERS))))
            rows = int(np.ceil(len(cell) / cols))
            k = np.arange(len(cell))
            pos[cell, 0] = tier + (k % cols + 0.5) / cols * BAND
            pos[cell, 1] = 1.0 - chain * lane - (k // cols + 0.5) / rows * lane * 0.88
    return pos


def firm_states(model: EcosystemModel) -> np.ndarray:
    """State code of every firm at the last processed tick.

    A firm is *disrupted* when a shock cuts its capacity, blocks one of its inputs or delays one
    (a chokepoint on its sea routes) while some shock is at full strength; *recovering* when that
    happens as the shocks fade, or when it is replacing a failed supplier; *exited* once it has
    left the market; else *normal*.

    Args:
        model: the model.

    Returns:
        One code per firm (NORMAL, DISRUPTED, RECOVERING or EXITED).
    """
    firms, links = model.firms, model.links
    live = links.active
    cut = links.flow_availability < 1.0
    if model.effects.extra_sea_lead > 0:
        cut = cut | (links.route == ROUTE_SEA)
    blocked = np.zeros(firms.n, dtype=bool)
    blocked[links.buyer[live & cut]] = True
    searching = np.zeros(firms.n, dtype=bool)
    searching[links.buyer[live & (links.search_timer >= 0)]] = True
    hit = (firms.availability < 1.0 - 1e-9) | blocked
    state = np.full(firms.n, NORMAL, dtype=np.int8)
    state[searching] = RECOVERING
    state[hit] = DISRUPTED if shock_phase(model) == "full" else RECOVERING
    state[~firms.alive] = EXITED
    return state


def colour_options(model: EcosystemModel) -> list[str]:
    """What nodes can be coloured by.

    Args:
        model: the model.

    Returns:
        The base options, then the ESG, trust, digital and technology attributes the model's
        behaviour layer has (see :mod:`abm.viz.attributes`).
    """
    return [*BASE_OPTIONS, *(attribute.label for attribute in available(model))]


def attribute_values(model: EcosystemModel, option: str) -> tuple[np.ndarray, list[str] | None]:
    """Values to colour by, and category labels (None for a continuous attribute).

    Args:
        model: the model.
        option: one of :func:`colour_options`.

    Returns:
        Per-firm values (category codes or numbers) and the category names, if categorical.
    """
    firms = model.firms
    if option == "state":
        return firm_states(model).astype(float), list(STATE_NAMES)
    if option == "type":
        kind = np.where(firms.chain_leader, 0, np.where(firms.platform >= 0, 2, 1))
        return kind.astype(float), ["chain leader", "SME", "SME on a platform"]
    if option == "region":
        return firms.region.astype(float), [f"region {r}" for r in range(firms.region.max() + 1)]
    if option == "segment":
        return firms.technology_intensive.astype(float), ["labour-intensive", "technology"]
    if option == "cash":
        return firms.cash.astype(float), None
    attribute = next(a for a in available(model) if a.label == option)
    return firm_values(model, attribute), (list(attribute.categories)
                                           if attribute.categories else None)


def category_colours(option: str, n: int) -> list[str]:
    """Colours of ``n`` categories: fixed ones for state and type, else matplotlib's tab10."""
    if option == "state":
        return list(STATE_COLOURS)
    if option == "type":
        return [TYPE_COLOURS[i] for i in range(n)]
    return [to_hex(colormaps["tab10"](i % 10)) for i in range(n)]


def node_sample(model: EcosystemModel) -> np.ndarray:
    """Firms to draw: all, or a fixed sample of MAX_NODES that keeps every chain leader."""
    n = model.firms.n
    if n <= MAX_NODES:
        return np.arange(n)
    order = np.random.default_rng(0).permutation(n)
    keep = np.zeros(n, dtype=bool)
    keep[order[:MAX_NODES]] = True
    keep |= model.firms.chain_leader
    return np.flatnonzero(keep)


def link_sample(model: EcosystemModel, states: np.ndarray, drawn: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, int]:
    """Background and stressed links to draw between drawn firms, and the count of live links."""
    links, alive = model.links, model.firms.alive
    shown = np.zeros(model.firms.n, dtype=bool)
    shown[drawn] = True
    live = links.active & alive[links.buyer] & alive[links.supplier]
    delayed = links.route == ROUTE_SEA if model.effects.extra_sea_lead > 0 else False
    stressed = live & ((links.search_timer >= 0) | (links.flow_availability < 1.0) | delayed
                       | (states[links.supplier] == DISRUPTED))
    visible = shown[links.buyer] & shown[links.supplier]
    order = np.random.default_rng(1).permutation(links.n)
    background = order[(live & ~stressed & visible)[order]][:MAX_LINKS]
    hot = order[(stressed & visible)[order]][:MAX_STRESSED]
    return background, hot, int(live.sum())


def node_sizes(model: EcosystemModel) -> np.ndarray:
    """Marker areas: output value relative to the median normal output value of the firm's tier,
    so tiers with many small firms stay visible and a firm hit by a shock visibly shrinks."""
    firms = model.firms
    value = firms.produced * firms.price
    normal = firms.normal_output * firms.price
    typical = np.ones(N_TIERS)
    for tier in range(N_TIERS):
        in_tier = normal[(firms.tier == tier) & (normal > 0)]
        typical[tier] = float(np.median(in_tier)) if len(in_tier) else 1.0
    return np.clip(14.0 * value / typical[firms.tier], 3.0, 150.0)


def node_colours(model: EcosystemModel, colour_by: str, states: np.ndarray
                 ) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """RGBA colour of every firm and the legend entries that explain them.

    Args:
        model: the model.
        colour_by: one of :func:`colour_options`.
        states: the firms' state codes (their counts label the state legend).

    Returns:
        (N, 4) colours, and (hex colour, label) legend entries.
    """
    values, categories = attribute_values(model, colour_by)
    if categories is not None:
        palette = category_colours(colour_by, len(categories))
        labels = list(categories)
        if colour_by == "state":
            labels = [f"{name} ({int((states == code).sum())})"
                      for code, name in enumerate(categories)]
        return (to_rgba_array(palette)[np.nan_to_num(values).astype(int)],
                list(zip(palette, labels, strict=True)))
    finite = values[np.isfinite(values)]
    low, high = np.percentile(finite, [2, 98]) if len(finite) else (0.0, 1.0)
    colours = colormaps["viridis"](np.clip((values - low) / max(high - low, 1e-12), 0.0, 1.0))
    colours[~np.isfinite(values)] = NO_VALUE
    entries = [(to_hex(colormaps["viridis"](q)), f"{colour_by} {value:.3g}")
               for q, value in ((0.0, low), (1.0, high))]
    if len(finite) < len(values):
        entries.append((to_hex(NO_VALUE), "no value"))
    return colours, entries
