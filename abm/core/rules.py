"""Rules about the state that several modules need, written once.

* :func:`tier_counts` - firms per tier of a generated chain;
* :func:`live_links` - a link carries trade when it is active and both ends are in the market;
* :func:`demand_seen` - the demand a firm's forecast follows without firm behaviour;
* :func:`row_sum` - ``sum(axis=1)`` of a narrow array, bit for bit, without numpy's slow
  reduction along a short trailing axis;
* :func:`by_column` - an operation between an (N, S) array and a per-firm value, bit for bit,
  without numpy's slow broadcast over a short trailing axis;
* :func:`overseas_mask` and :func:`lead_by_route` - which regions are overseas and the
  nominal lead time of each route (local, domestic, sea);
* ``TICKS_PER_YEAR`` lives in :mod:`abm.core.calendar`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from abm.core.state import ASSEMBLY_TIER, FirmState, LinkState

# Ticks an order covers besides lead time and safety stock: this tick's use, which happens
# after ordering (spec §3: ordering precedes production).
REVIEW_TICKS = 1.0


def tier_counts(n_chain_firms: int, shares: Sequence[float], n_products: int) -> np.ndarray:
    """Firms per tier of a generated chain: shares of ``n_chain_firms``, at least one firm
    per product in every tier, the rest at assembly."""
    weights = np.asarray(shares, dtype=float) / np.sum(shares)
    counts = np.maximum(np.floor(weights * n_chain_firms).astype(int), n_products)
    counts[ASSEMBLY_TIER] += n_chain_firms - counts.sum()
    return np.maximum(counts, n_products)


def max_chain_leaders(n_firms: int, n_chains: int, shares: Sequence[float], n_products: int
                      ) -> int:
    """Most chain leaders every generated chain can have: all its assemblers but one."""
    smallest = n_firms // n_chains
    return int(tier_counts(smallest, shares, n_products)[ASSEMBLY_TIER]) - 1


def live_links(firms: FirmState, links: LinkState, rows: np.ndarray | None = None
               ) -> np.ndarray:
    """Links that carry trade: active, with buyer and supplier both in the market (all links,
    or the link ``rows``)."""
    at = slice(None) if rows is None else rows
    if firms.alive.all():  # the usual state: no firm row is vacant, skip two gathers
        return links.active[at].copy()
    return links.active[at] & firms.alive[links.buyer[at]] & firms.alive[links.supplier[at]]


def scaled_lead(lead: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Transit ticks of links whose lead time is scaled by ``factor`` (faster links of
    platform members or chain-leader programmes): rounded up, at least one tick."""
    return np.maximum(1, np.ceil(lead * factor))


def row_sum(values: np.ndarray) -> np.ndarray:
    """``values.sum(axis=1)`` of an (N, S) array, bit for bit, without the slow reduction
    along a short trailing axis.

    For fewer than 8 columns numpy adds a row's entries one after the other, which is what
    adding the columns in turn does; wider arrays use numpy's own (pairwise) sum.
    """
    if values.shape[1] >= 8 or values.shape[1] == 0:
        return values.sum(axis=1)
    total = values[:, 0].copy()
    for column in range(1, values.shape[1]):
        total += values[:, column]
    return total


def by_column(op: np.ufunc, matrix: np.ndarray, per_firm: np.ndarray | float,
              out: np.ndarray | None = None) -> np.ndarray:
    """``op(matrix, per_firm[:, None])`` for an (N, S) ``matrix`` and ``per_firm`` of shape
    (N,) or (N, 1), one column at a time; a number or an (N, S) array is applied as it is.

    Bit for bit the same result, about twice as fast for a few slots: numpy broadcasts a
    per-firm column over a short trailing axis with an inner loop of S elements run N times.
    ``out`` may be ``matrix`` (in place).
    """
    if np.ndim(per_firm) == 0 or np.shape(per_firm) == matrix.shape:
        return op(matrix, per_firm, out=out)
    column = np.asarray(per_firm).reshape(-1)
    if out is None:
        out = np.empty(matrix.shape, dtype=np.result_type(matrix, column))
    for slot in range(matrix.shape[1]):
        op(matrix[:, slot], column, out=out[:, slot])
    return out


def demand_seen(firms: FirmState) -> np.ndarray:
    """The demand a firm sees this tick: final demand at assembly, last orders upstream."""
    return np.where(firms.tier == ASSEMBLY_TIER, firms.final_demand, firms.orders_received)


def overseas_mask(n_regions: int, overseas_regions: Sequence[int], regions: np.ndarray
                  ) -> np.ndarray:
    """Per region id (up to the largest one in ``regions``): True if it is overseas."""
    overseas = np.zeros(max(n_regions, int(regions.max()) + 1), dtype=bool)
    overseas[[r for r in overseas_regions if r < len(overseas)]] = True
    return overseas


def lead_by_route(local: int, domestic: int, sea: int) -> np.ndarray:
    """Nominal ticks in transit per route id (ROUTE_LOCAL, ROUTE_DOMESTIC, ROUTE_SEA)."""
    return np.array([local, domestic, sea], dtype=np.int64)
