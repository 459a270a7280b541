"""Groupings of link rows by buyer and by tier, kept while the link arrays stay the same.

A link row's buyer and slot never change in place, and new rows are only appended, which
replaces the arrays (``LinkState.slot_key`` relies on this too); a firm row's tier never
changes. So which rows belong to which buyer or tier only has to be worked out again when
``links.buyer`` is replaced, and then only for the appended rows. Selecting the rows of a
few firms through these groupings costs in proportion to the rows selected, where
``np.flatnonzero(flag[links.buyer])`` costs a pass over all links. :func:`derived` also keeps
other values computed from arrays that never change (e.g. the rows of chain leaders).

The cache lives on the model's ``LinkState`` (``owner``), so models in one process (the
browser app runs one per session) never share or evict each other's entries, and it goes
away with its model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from abm.core.state import N_TIERS, FirmState, LinkState

MAX_DERIVED = 16  # a model uses a few at a time; the oldest are dropped first
_CACHE = "_derived"  # attribute of the owner that holds its cache

Extend = Callable[[tuple[np.ndarray, ...], Any, tuple[np.ndarray, ...]], Any]


def derived(owner: Any, build: Callable[..., Any], *arrays: np.ndarray,
            extend: Extend | None = None, params: tuple[float, ...] = ()) -> Any:
    """``build(*arrays, *params)``, cached for as long as ``arrays`` are the same objects.

    Args:
        owner: the object whose cache holds the value (the model's ``LinkState``).
        build: computes the value from the arrays (and parameters).
        *arrays: the arrays it depends on (never changed in place while cached).
        extend: given the latest cached ``(arrays, value)`` of ``build`` and the new arrays,
            the new value computed from the old one, or None where that does not apply
            (e.g. rows were appended: only the new rows need looking at).
        params: numbers it also depends on.
    """
    cache: dict[tuple[Any, ...], tuple[tuple[np.ndarray, ...], Any]] = \
        owner.__dict__.setdefault(_CACHE, {})
    key = (build, *map(id, arrays), *params)
    hit = cache.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], arrays, strict=True)):
        return hit[1]
    value = None
    if extend is not None:
        latest = [k for k in cache if k[0] is build]
        if latest:
            value = extend(*cache[latest[-1]], arrays)
            if value is not None:
                del cache[latest[-1]]  # superseded by the grown arrays'
    if value is None:
        value = build(*arrays, *params)
    while len(cache) >= MAX_DERIVED:
        del cache[next(iter(cache))]
    cache[key] = (arrays, value)  # holding the arrays keeps their ids unique
    return value


def _appended(old: np.ndarray, new: np.ndarray) -> int | None:
    """The number of rows ``new`` has beyond ``old``, if it is ``old`` with rows appended."""
    n_old = len(old)
    if len(new) < n_old or not np.array_equal(new[:n_old], old):
        return None
    return len(new) - n_old


def _group_tiers(tier: np.ndarray, buyer: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per tier: its firms and the rows of links whose buyer is in it."""
    buyer_tier = tier[buyer]
    return [(np.flatnonzero(tier == t), np.flatnonzero(buyer_tier == t)) for t in range(N_TIERS)]


def _extend_tiers(old: tuple[np.ndarray, ...], groups: list[tuple[np.ndarray, np.ndarray]],
                  new: tuple[np.ndarray, ...]) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """:func:`_group_tiers` after rows were appended to the links."""
    (old_tier, old_buyer), (tier, buyer) = old, new
    if tier is not old_tier or _appended(old_buyer, buyer) is None:
        return None
    start = len(old_buyer)
    new_tier = tier[buyer[start:]]
    return [(members, np.concatenate([rows, start + np.flatnonzero(new_tier == t)]))
            for t, (members, rows) in enumerate(groups)]


def tier_groups(firms: FirmState, links: LinkState) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per tier (0 to ``N_TIERS - 1``): its firms and the link rows of their inputs."""
    return derived(links, _group_tiers, firms.tier, links.buyer, extend=_extend_tiers)


def _group_buyers(buyer: np.ndarray, per_firm: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows sorted by buyer, where each firm's rows start there and how many it has
    (``per_firm``: any per-firm array, for the number of firms)."""
    # Links are built buyer by buyer, so this stable sort meets sorted runs: cheap.
    order = np.argsort(buyer, kind="stable")
    counts = np.bincount(buyer, minlength=len(per_firm))
    starts = np.zeros(len(per_firm), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    return order, starts, counts


def _extend_buyers(old: tuple[np.ndarray, ...], index: tuple[np.ndarray, ...],
                   new: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...] | None:
    """:func:`_group_buyers` after rows were appended to the links."""
    (old_buyer, old_per_firm), (buyer, per_firm) = old, new
    if per_firm is not old_per_firm or _appended(old_buyer, buyer) is None:
        return None
    order, starts, counts = index
    rows = np.arange(len(old_buyer), len(buyer))
    by_buyer = np.argsort(buyer[rows], kind="stable")
    rows = rows[by_buyer]
    # Each new row goes after its buyer's rows (np.insert keeps equal positions in order).
    order = np.insert(order, (starts + counts)[buyer[rows]], rows)
    counts = counts + np.bincount(buyer[rows], minlength=len(counts))
    starts = np.zeros_like(starts)
    np.cumsum(counts[:-1], out=starts[1:])
    return order, starts, counts


def buyer_counts(links: LinkState, firms: FirmState) -> np.ndarray:
    """Link rows per firm as buyer (live or not)."""
    return derived(links, _group_buyers, links.buyer, firms.tier, extend=_extend_buyers)[2]


def rows_of_buyers(links: LinkState, firms: FirmState, buyers: np.ndarray) -> np.ndarray:
    """The link rows whose buyer is one of ``buyers`` (distinct firms), in ascending order.

    Args:
        links: link state.
        firms: firm state.
        buyers: distinct firm indices.
    """
    rows = buyer_rows(links, firms, buyers, links.n)
    assert rows is not None  # a limit of all rows is never exceeded
    return rows


def buyer_rows(links: LinkState, firms: FirmState, buyers: np.ndarray, limit: float
               ) -> np.ndarray | None:
    """:func:`rows_of_buyers`, or None when that would be more than ``limit`` rows."""
    order, starts, counts = derived(links, _group_buyers, links.buyer, firms.tier,
                                    extend=_extend_buyers)
    count = counts[buyers]
    total = int(count.sum())
    if total > limit:
        return None
    # Each buyer's range of ``order``, laid end to end.
    end = np.cumsum(count)
    rows = order[np.arange(total) + np.repeat(starts[buyers] - (end - count), count)]
    rows.sort()  # appended rows sit with their buyer in ``order``: restore row order
    return rows


def leader_rows(links: LinkState, firms: FirmState) -> np.ndarray:
    """The link rows whose buyer is a chain leader (a few per cent of all), ascending."""
    return rows_of_buyers(links, firms, derived(links, np.flatnonzero, firms.chain_leader))
