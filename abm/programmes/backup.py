"""Backup-supplier lists (framework agreements) and the requirement screen of a search.

At each review a buyer in scope lists, for each input slot it buys, the ``backup_size``
largest alive firms of the candidate group (same chain, tier below, product of the slot) that
do not supply it already. When it searches for a replacement (a supplier failed), it:

1. switches to a backup first: if any listed backup is among the qualifying candidates (the
   market's own availability and screening rules), it sees only those;
2. otherwise it searches as before, but among the candidates meeting its quality
   requirement (delivery reliability), if any; none meeting it, all it saw before.

A listed backup is a known partner, so the buyer sees it even outside the visible pool of
the earlier rule (platforms); the quality screen only narrows that pool. Buyers with a list
also search for at most ``backup_search_ticks`` (a call-off under the agreement).
"""

from __future__ import annotations

import numpy as np

from abm.core.levers import VisibilityRule
from abm.core.process import World
from abm.core.rules import live_links

NO_SUPPLIER = -1


def _all_seen(buyers: np.ndarray, candidates: np.ndarray, rng: np.random.Generator
              ) -> np.ndarray:
    return np.ones((len(buyers), len(candidates)), dtype=bool)


class BackupLists:
    """The framework agreements of the buyers in scope, as sorted keys ``buyer * n + supplier``.

    Args:
        world: the model as processes see it.
        size: backups per input slot.
    """

    def __init__(self, world: World, size: int) -> None:
        self.world = world
        self.size = size
        self.keys = np.empty(0, dtype=np.int64)
        self.has_list = np.zeros(world.firms.n, dtype=bool)

    def review(self, in_scope: np.ndarray) -> None:
        """Draw up the lists of the buyers in ``in_scope`` (replacing all earlier lists)."""
        firms, links = self.world.firms, self.world.links
        n = firms.n
        live = live_links(firms, links)
        rows = np.flatnonzero(live & in_scope[links.buyer])
        self.has_list = np.zeros(n, dtype=bool)
        if self.size == 0 or not len(rows):
            self.keys = np.empty(0, dtype=np.int64)
            return
        current = np.unique(links.buyer[rows].astype(np.int64) * n + links.supplier[rows])
        # One entry per (buyer, slot) in use; its candidate group is (chain, tier below, slot).
        pair = np.unique(links.buyer[rows].astype(np.int64) * firms.n_slots + links.slot[rows])
        buyer, slot = pair // firms.n_slots, pair % firms.n_slots
        n_products = firms.n_slots
        n_tiers = int(firms.tier.max()) + 1
        group_of = (firms.chain * n_tiers + firms.tier) * n_products + firms.product
        wanted = (firms.chain[buyer] * n_tiers + firms.tier[buyer] - 1) * n_products + slot
        scale = firms.price * firms.normal_output
        candidates = np.flatnonzero(firms.alive)
        # Candidates sorted by group, largest first: each group's top entries are contiguous.
        candidates = candidates[np.lexsort((-scale[candidates], group_of[candidates]))]
        cand_group = group_of[candidates]
        first = np.searchsorted(cand_group, wanted, side="left")
        last = np.searchsorted(cand_group, wanted, side="right")
        # Enough look-ahead to skip the buyer's current suppliers of the slot.
        width = self.size + int(np.bincount(links.buyer[rows] * firms.n_slots
                                            + links.slot[rows]).max())
        offset = first[:, None] + np.arange(width)[None, :]
        valid = offset < last[:, None]
        pick = candidates[np.minimum(offset, len(candidates) - 1)]
        keys = buyer[:, None] * n + pick
        valid &= ~np.isin(keys, current)
        valid &= np.cumsum(valid, axis=1) <= self.size
        self.keys = np.unique(keys[valid])
        self.has_list[np.unique(self.keys // n)] = True

    def forget(self, gone: np.ndarray) -> None:
        """Drop the agreements of firm rows taken over by entrants."""
        if not len(self.keys) or not gone.any():
            return
        n = self.world.firms.n
        self.keys = self.keys[~(gone[self.keys // n] | gone[self.keys % n])]
        self.has_list &= ~gone

    def on_list(self, buyer: np.ndarray, supplier: np.ndarray) -> np.ndarray:
        """Whether each (buyer, supplier) pair is on a backup list."""
        keys = buyer.astype(np.int64) * self.world.firms.n + supplier
        return np.isin(keys, self.keys)

    def rule(self, before: VisibilityRule | None, quality_needed: np.ndarray,
             reliability: np.ndarray) -> VisibilityRule:
        """The visibility rule that puts backups first and screens on quality.

        Args:
            before: the rule of the earlier processes (None: all seen).
            quality_needed: per firm, the reliability it requires of a new supplier.
            reliability: per firm, its delivery reliability.
        """
        earlier = before or _all_seen

        def visible(buyers: np.ndarray, candidates: np.ndarray, rng: np.random.Generator
                    ) -> np.ndarray:
            seen = earlier(buyers, candidates, rng)
            good = seen & (reliability[candidates][None, :]
                           >= quality_needed[buyers][:, None])
            seen = np.where(good.any(axis=1)[:, None], good, seen)
            if len(self.keys):
                keys = (buyers.astype(np.int64)[:, None] * self.world.firms.n
                        + candidates[None, :])
                backup = np.isin(keys, self.keys)
                seen = np.where(backup.any(axis=1)[:, None], backup, seen)
            return seen

        return visible
