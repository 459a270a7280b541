"""Who sees whom: the visible pool of a buyer searching for a new supplier (spec §3.9), and
how fast members search.

Platform matching speeds members' searches: a member's search time is multiplied by
``platforms.search_factor`` (:func:`search_factor`, published as ``search_factor``; the digital
mechanism applies it with the effect of the buyer's own digital maturity).

A searching buyer sees, among the qualifying firms of the tier and product it needs:

- its *contacts*: every firm that has ever supplied it in this run;
- firms in its own region;
- if it is a platform member, the members of its platform (platform matching);
- chance discoveries: each other candidate with probability
  ``min(1, discovery_rate + digital_reach * M)`` per tick of search, where ``M`` is the
  buyer's digital maturity (published by the digital mechanism; 0 when it is off): trade
  fairs and word of mouth for everyone, online search and B2B portals for digitally mature
  buyers (spec §3.9: visibility widens with digital maturity).

When it sees no qualifying candidate the search goes on and is retried next tick, so a wider
pool (membership) shortens re-sourcing, most after a regional disaster, when the own region's
suppliers are down. Search *time* falls with digital maturity (the digital mechanism) and
with membership (:func:`search_factor`). An entrant surveys the whole tier in its first
tick (it has no contacts yet and must fill every input slot). Backup lists of chain leaders
join the pool when they exist (not yet built).
"""

from __future__ import annotations

import numpy as np

from abm.core.process import World
from abm.core.state import FirmState


def search_factor(firms: FirmState, factor: float) -> np.ndarray:
    """Per firm, the factor on its search time: ``factor`` for members, 1 otherwise."""
    # A lookup by membership, not a select by a scattered mask (which branches on every firm).
    return np.array([1.0, factor]).take(firms.platform >= 0)


class VisiblePool:
    """The visible-pool rule (:data:`abm.core.levers.VisibilityRule`) and its contact book.

    Args:
        world: the world (firms, links and the tick are read at each call).
        discovery_rate: per tick of search, chance of seeing a candidate outside the pool.
        digital_reach: extra chance per unit of the buyer's digital maturity.
    """

    def __init__(self, world: World, discovery_rate: float, digital_reach: float = 0.0
                 ) -> None:
        self.world = world
        self.discovery_rate = discovery_rate
        self.digital_reach = digital_reach
        # Per firm, True where the platform routes searching buyers' orders to the firm
        # (:mod:`abm.platforms.routing`; None: no routing): every buyer sees them.
        self.routed: np.ndarray | None = None
        self.contacts = np.empty(0, dtype=np.int64)  # keys buyer * n + supplier
        # ``contacts`` stays sorted and unique (union1d; forget keeps the order): see known().
        self.remember(np.arange(world.links.n))

    def _keys(self, buyer: np.ndarray, supplier: np.ndarray) -> np.ndarray:
        return buyer.astype(np.int64) * self.world.firms.n + supplier

    def remember(self, rows: np.ndarray) -> None:
        """Add the buyer-supplier pairs of link rows to the contact book."""
        links = self.world.links
        keys = self._keys(links.buyer[rows], links.supplier[rows])
        self.contacts = np.union1d(self.contacts, keys)

    def forget(self, firms_gone: np.ndarray) -> None:
        """Drop the contacts of firm rows taken over by entrants (a new firm, new contacts)."""
        if not len(firms_gone) or not len(self.contacts):
            return
        n = self.world.firms.n
        gone = np.zeros(n, dtype=bool)
        gone[firms_gone] = True
        keep = ~(gone[self.contacts // n] | gone[self.contacts % n])
        self.contacts = self.contacts[keep]

    def known(self, keys: np.ndarray) -> np.ndarray:
        """Per key (any shape), True if the pair is in the contact book: ``np.isin(keys,
        contacts)``, by binary search in the sorted book instead of sorting the keys."""
        if not len(self.contacts):
            return np.zeros(keys.shape, dtype=bool)
        # The insertion point of a key holds the key itself exactly when it is a contact;
        # keys above the last contact point past the end (clipped to a smaller contact).
        at = np.minimum(np.searchsorted(self.contacts, keys), len(self.contacts) - 1)
        return self.contacts[at] == keys

    def discovery(self, buyers: np.ndarray) -> float | np.ndarray:
        """Per buyer (a column), the chance of seeing each candidate outside its pool."""
        maturity = self.world.observe("digital_maturity") if self.digital_reach > 0 else None
        if maturity is None:
            return self.discovery_rate
        return np.minimum(1.0, self.discovery_rate
                          + self.digital_reach * maturity[buyers])[:, None]

    def __call__(self, buyers: np.ndarray, candidates: np.ndarray, rng: np.random.Generator
                 ) -> np.ndarray:
        """Which candidates each buyer sees (a bool matrix, buyers x candidates)."""
        firms = self.world.firms
        region, platform = firms.region, firms.platform
        seen = region[buyers][:, None] == region[candidates][None, :]
        on = platform[buyers][:, None]
        seen |= (on >= 0) & (on == platform[candidates][None, :])
        seen |= self.known(self._keys(buyers[:, None], candidates[None, :]))
        seen |= rng.random(seen.shape) < self.discovery(buyers)
        if self.routed is not None:
            seen |= self.routed[candidates][None, :]
        tick = self.world.tick
        seen[(firms.entered_at[buyers] == tick) & (tick > 0)] = True
        return seen
