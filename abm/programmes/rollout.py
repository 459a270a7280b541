"""The tier-by-tier SaaS roll-out of supplier development (seed 004).

Each chain's roll-out starts at depth 1 (the designated firms' direct suppliers) and moves
one depth up the supply tree (:mod:`abm.programmes.designation`) once ``advance_share`` of
the alive firms at the current depth are connected; depth 3 is the last. Every tick it
connects ``pace / ticks_per_year`` of the current depth's firms (fractions carry over to the
next tick), largest first (the leader's core suppliers join first: seed 004's 35 core
suppliers). Connection is for good (the tools stay installed) until the firm exits; an
entrant taking the row starts unconnected.
"""

from __future__ import annotations

import numpy as np

from abm.programmes.designation import DEPTHS

DONE = DEPTHS[-1] + 1


class Rollout:
    """Per chain, the depth being rolled out; per firm, the depth at which it was connected.

    Args:
        n_firms: firm rows.
        n_chains: chains.
        pace: share of a depth's firms connected per year.
        advance_share: connected share at which the roll-out moves one depth up.
        ticks_per_year: the calendar.
    """

    def __init__(self, n_firms: int, n_chains: int, pace: float, advance_share: float,
                 ticks_per_year: int) -> None:
        self.per_tick = pace / ticks_per_year
        self.advance_share = advance_share
        self.stage = np.full(n_chains, DEPTHS[0])
        self.carry = np.zeros(n_chains)
        self.connected_at_depth = np.zeros(n_firms, dtype=np.int64)  # 0: not connected
        self.first_tick = {d: -1 for d in DEPTHS}  # first connection at each depth

    @property
    def connected(self) -> np.ndarray:
        """Per firm, True once connected."""
        return self.connected_at_depth > 0

    def step(self, tick: int, depth: np.ndarray, chain: np.ndarray, alive: np.ndarray,
             scale: np.ndarray) -> None:
        """Connect this tick's firms and advance chains whose current depth is done.

        Args:
            tick: the current tick.
            depth: per firm, its supply-tree depth (0 outside every tree).
            chain: per firm, its chain.
            alive: per firm, in the market.
            scale: per firm, its size (largest connect first).
        """
        if self.per_tick == 0 or not alive.any():
            return
        for c in np.flatnonzero(self.stage < DONE):
            stage = int(self.stage[c])
            pool = np.flatnonzero(alive & (chain == c) & (depth == stage))
            waiting = pool[self.connected_at_depth[pool] == 0]
            self.carry[c] += self.per_tick * len(pool)
            take = min(int(self.carry[c]), len(waiting))
            self.carry[c] -= take
            if take:
                chosen = waiting[np.argsort(-scale[waiting], kind="stable")[:take]]
                self.connected_at_depth[chosen] = stage
                if self.first_tick[stage] < 0:
                    self.first_tick[stage] = tick
            done = len(pool) - len(waiting) + take
            if not len(pool) or done >= self.advance_share * len(pool):
                self.stage[c] = stage + 1
                self.carry[c] = 0.0

    def forget(self, gone: np.ndarray) -> None:
        """Firm rows taken over by entrants (or exited) start unconnected."""
        self.connected_at_depth[gone] = 0

    def counts(self, alive: np.ndarray) -> dict[int, int]:
        """Alive connected firms by the depth at which they were connected."""
        at = self.connected_at_depth[alive]
        return {d: int((at == d).sum()) for d in DEPTHS}
