"""Relationship stability: how many buyer-supplier links survive a year.

At the start of each year (the first tick observed, then every ``TICKS_PER_YEAR`` ticks) the
live links are noted. A noted link is *kept* at the year's end if it is still active, still
connects the same supplier, and neither firm has left the market (or been replaced by an
entrant in its row) meanwhile; otherwise it *broke* within the year.
``relationship_stability`` is the share of year-start links kept, as a geometric mean per year
over the run::

    stability = (prod_i kept_i) ** (TICKS_PER_YEAR / observed ticks)

where ``kept_i`` is the share kept over observation span ``i`` (whole years, and a final
partial year). For whole years it is exactly ``1 - share of the year-start links that broke
within the year``; the exponent turns a partial year into its yearly equivalent under a
constant break rate. It lies in [0, 1]; NaN only when no link was live at any year start.
Checking once a year costs one pass over the links per year.
"""

from __future__ import annotations

import numpy as np

from abm.core.state import FirmState, LinkState

TICKS_PER_YEAR = 52


def kept_links(firms: FirmState, links: LinkState, rows: np.ndarray, supplier: np.ndarray,
               since: int) -> np.ndarray:
    """Which noted links (``rows`` with their noted ``supplier``) are kept since tick ``since``.

    Args:
        firms: firm state now.
        links: link state now.
        rows: link rows noted at tick ``since``.
        supplier: their suppliers then.
        since: the tick they were noted.

    Returns:
        A boolean array over ``rows``.
    """
    buyer = links.buyer[rows]
    return (links.active[rows] & (links.supplier[rows] == supplier)
            & firms.alive[buyer] & firms.alive[supplier]
            & (firms.entered_at[buyer] <= since) & (firms.entered_at[supplier] <= since))


def live_links(firms: FirmState, links: LinkState) -> np.ndarray:
    """Rows of the links that are active between two firms in the market."""
    return np.flatnonzero(links.active & firms.alive[links.buyer] & firms.alive[links.supplier])


class LinkStability:
    """Tracks year-start links through each year of a run (see the module docstring)."""

    def __init__(self) -> None:
        self._rows = np.empty(0, dtype=np.int64)
        self._supplier = np.empty(0, dtype=np.int64)
        self._since = -1  # the tick the noted links were noted at; -1 before the first
        self._log_kept = 0.0  # sum of log kept-shares over closed spans
        self._ticks = 0  # ticks those spans covered
        self._any = False

    def observe(self, tick: int, firms: FirmState, links: LinkState) -> None:
        """Call once per tick after exit and entry; closes a year and notes the next one."""
        if self._since >= 0:
            if (tick - self._since) % TICKS_PER_YEAR:
                return
            self._close(tick, firms, links)
        self._rows = live_links(firms, links)
        self._supplier = links.supplier[self._rows].copy()
        self._since = tick

    def _close(self, tick: int, firms: FirmState, links: LinkState) -> None:
        if not len(self._rows):
            return
        kept = kept_links(firms, links, self._rows, self._supplier, self._since).mean()
        self._log_kept += np.log(kept) if kept > 0 else -np.inf
        self._ticks += tick - self._since
        self._any = True

    def stability(self, tick: int, firms: FirmState, links: LinkState) -> float:
        """Yearly share of links kept, over the spans observed up to ``tick`` (the last one)."""
        log_kept, ticks, seen = self._log_kept, self._ticks, self._any
        if len(self._rows) and tick > self._since >= 0:  # the final, partial year
            kept = kept_links(firms, links, self._rows, self._supplier, self._since).mean()
            log_kept += np.log(kept) if kept > 0 else -np.inf
            ticks += tick - self._since
            seen = True
        if not seen:
            return float("nan")
        return float(np.exp(log_kept * TICKS_PER_YEAR / ticks))
