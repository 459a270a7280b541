"""Re-sourcing times by the buyer's platform membership: searches and returns kept apart.

A link whose supplier fails is rewired in one of three ways (phase 9): a completed *search*
moves it to a different supplier (:func:`abm.market.sourcing.finish_searches`; a search never
draws a current supplier of the slot), relationship memory sends it *back* to the supplier it
left (:mod:`abm.market.relationships`), or an idle supplier canvasses it. Only searches measure
how fast a buyer finds a new supplier, which is what platform matching and the visible pool act
on; returns measure how fast the former supplier recovers. So:

- *search time*: for each link rewired by a completed search, ticks from the failure that
  started the search to the new supplier (the engine's own replacement wait);
- *return time*: for each link that goes back to the supplier whose failure opened the
  episode, ticks from that failure to the return (a stop-gap that fails in turn and is replaced
  by a second search does not open a new episode, as relationship memory keeps the original
  supplier).

Canvassed links count in neither. The tracker reads link state before the searches finish
(:meth:`ResourcingTimes.before`, the platforms' ``match`` hook) and after every rewiring of the
tick (:meth:`ResourcingTimes.after`, ``after_sourcing``).
"""

from __future__ import annotations

import numpy as np

from abm.core.state import FirmState, LinkState


def _pad(values: np.ndarray, n: int, fill: int) -> np.ndarray:
    """``values`` lengthened to ``n`` with ``fill`` (links appended during the run)."""
    return values if len(values) >= n else np.concatenate(
        [values, np.full(n - len(values), fill, dtype=values.dtype)])


class ResourcingTimes:
    """Search and return times of rewired links, by whether the buyer is a platform member.

    Args:
        links: link state at the start.
    """

    def __init__(self, links: LinkState) -> None:
        self.failed_at = links.failed_at.copy()
        self.supplier = links.supplier.copy()
        self.ready = np.zeros(links.n, dtype=bool)
        self.episode_supplier = np.full(links.n, -1, dtype=np.int64)  # left for a failure
        self.episode_start = np.zeros(links.n, dtype=np.int64)
        self.searches: list[tuple[np.ndarray, np.ndarray]] = []  # (ticks, buyer member?)
        self.returns: list[tuple[np.ndarray, np.ndarray]] = []

    def before(self, links: LinkState) -> None:
        """Phase 9, before searches finish: which links finish a search this tick, their
        supplier and the tick their failure began."""
        self.failed_at = links.failed_at.copy()
        self.supplier = links.supplier.copy()
        # finish_searches counts timers down by one and finishes those at zero.
        self.ready = (links.search_timer >= 0) & (links.search_timer <= 1) & links.active

    def after(self, firms: FirmState, links: LinkState, tick: int, rewired: np.ndarray
              ) -> np.ndarray:
        """Phase 9, after every rewiring: record search and return times.

        Returns:
            The rewired rows whose search ended this tick.
        """
        n = links.n
        self.episode_supplier = _pad(self.episode_supplier, n, -1)
        self.episode_start = _pad(self.episode_start, n, 0)
        rows = np.unique(rewired)
        rows = rows[rows < len(self.supplier)]  # rows appended this tick were never searched
        member = firms.platform[links.buyer[rows]] >= 0
        # A completed search (or a canvassing supplier that ends one) connects the link, which
        # clears its failure tick; returns and canvassing rewire links that are not searching.
        searched = self.ready[rows] & (links.failed_at[rows] < 0)
        self.searches.append((tick - self.failed_at[rows[searched]], member[searched]))
        new = links.supplier[rows]
        open_ = self.episode_supplier[rows] >= 0
        start = np.where(open_, self.episode_start[rows], self.failed_at[rows])
        former = np.where(open_, self.episode_supplier[rows], self.supplier[rows])
        # Back to the supplier that failed: after a stop-gap, or in the tick its search ended.
        back = (new == former) & (open_ | searched) & ((new != self.supplier[rows]) | searched)
        self.returns.append((tick - start[back], member[back]))
        self.episode_supplier[rows[back]] = -1
        opens = searched & ~open_ & ~back  # a stop-gap's failure opens no new episode
        self.episode_supplier[rows[opens]] = self.supplier[rows[opens]]
        self.episode_start[rows[opens]] = self.failed_at[rows[opens]]
        return rows[searched]

    @staticmethod
    def _means(records: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, float]:
        if not records:
            return float("nan"), float("nan")
        ticks = np.concatenate([t for t, _ in records])
        member = np.concatenate([m for _, m in records])

        def mean(x: np.ndarray) -> float:
            return float(x.mean()) if len(x) else float("nan")

        return mean(ticks[member]), mean(ticks[~member])

    def outcomes(self) -> dict[str, float]:
        """Mean search and return times of member and non-member buyers, and counts."""
        search_m, search_n = self._means(self.searches)
        back_m, back_n = self._means(self.returns)
        return {
            "resourcing_ticks_members": search_m, "resourcing_ticks_nonmembers": search_n,
            "return_ticks_members": back_m, "return_ticks_nonmembers": back_n,
            "resourcing_searches_total": float(sum(len(t) for t, _ in self.searches)),
            "resourcing_returns_total": float(sum(len(t) for t, _ in self.returns)),
        }
