"""Who leads a chain: the designation score and the leaders' supply trees.

**Score** (the documented default; weights ``programmes.chain_leaders.score_*``): for every
alive firm, the weighted sum of three z-scores taken among the alive firms of its chain and
tier (so a firm is compared with its peers: upstream firms are larger and have more customers
by construction of the pyramid),

* size: log of revenue scale, ``log(price * normal_output)``;
* technology: the firm's log technology level (published by the innovation mechanism as
  ``log_technology``; without it, 1 for the technology segment, 0 otherwise);
* centrality: ``log(1 + live links)`` counting both customers and suppliers.

The top eligible firms of each chain are designated (:func:`top_per_chain`): chain
masters among the assemblers; the instrument's leading firms among all other firms.

**Trees**: a designated firm's direct suppliers are at depth 1 ("tier-1 suppliers" of the
programme), their suppliers at depth 2, and so on (:func:`tree_depth`, over live links, the
nearest designated buyer counts).
"""

from __future__ import annotations

import numpy as np

from abm.core.process import World
from abm.core.rules import live_links
from abm.core.state import ASSEMBLY_TIER

#: Depth of firms outside every designated firm's supply tree.
OUTSIDE = 0
#: Supply-tree depths the programmes reach (tier-1 to tier-3 suppliers).
DEPTHS = (1, 2, 3)


def _zscore_by_group(value: np.ndarray, chain: np.ndarray, alive: np.ndarray,
                     n_chains: int) -> np.ndarray:
    """``value`` standardised within each group over alive firms (0 where it does not vary)."""
    count = np.maximum(np.bincount(chain, weights=alive, minlength=n_chains), 1.0)
    mean = np.bincount(chain, weights=value * alive, minlength=n_chains) / count
    var = np.bincount(chain, weights=(value - mean[chain]) ** 2 * alive,
                      minlength=n_chains) / count
    sd = np.sqrt(var)[chain]
    return np.divide(value - mean[chain], sd, out=np.zeros_like(value), where=sd > 1e-12)


def designation_score(world: World, weights: tuple[float, float, float]) -> np.ndarray:
    """Per firm, the designation score (see the module docstring; -inf for exited firms).

    Args:
        world: the model as processes see it.
        weights: weights of size, technology and centrality.
    """
    firms, links = world.firms, world.links
    alive = firms.alive
    group = firms.chain * (ASSEMBLY_TIER + 1) + firms.tier
    n_groups = int(group.max()) + 1
    size = np.log(np.maximum(firms.price * firms.normal_output, 1e-12))
    tech = world.observe("log_technology")
    tech = firms.technology_intensive.astype(float) if tech is None else tech
    live = live_links(firms, links)
    degree = (np.bincount(links.buyer[live], minlength=firms.n)
              + np.bincount(links.supplier[live], minlength=firms.n))
    parts = (size, tech, np.log1p(degree))
    score = sum(w * _zscore_by_group(p, group, alive, n_groups)
                for w, p in zip(weights, parts, strict=True))
    return np.where(alive, score, -np.inf)


def top_per_chain(score: np.ndarray, chain: np.ndarray, eligible: np.ndarray, k: int
                  ) -> np.ndarray:
    """Mask of the ``k`` highest-scoring eligible firms of each chain (ties: lower row)."""
    rows = np.flatnonzero(eligible)
    # Sort by chain, then by score descending (stable: lower rows win ties).
    order = rows[np.lexsort((-score[rows], chain[rows]))]
    ch = chain[order]
    start = np.searchsorted(ch, ch, side="left")
    rank = np.arange(len(order)) - start
    chosen = np.zeros(len(score), dtype=bool)
    chosen[order[rank < k]] = True
    return chosen


def tree_depth(world: World, designated: np.ndarray, max_depth: int = DEPTHS[-1]
               ) -> np.ndarray:
    """Per firm, its depth in the designated firms' supply trees (:data:`OUTSIDE` if none).

    Designated firms themselves are at depth :data:`OUTSIDE` unless they supply another
    designated firm's tree (then they are suppliers too).
    """
    firms, links = world.firms, world.links
    live = live_links(firms, links)
    buyer, supplier = links.buyer[live], links.supplier[live]
    depth = np.zeros(firms.n, dtype=np.int64)
    frontier = designated.copy()
    for d in range(1, max_depth + 1):
        reached = np.zeros(firms.n, dtype=bool)
        reached[supplier[frontier[buyer]]] = True
        new = reached & (depth == OUTSIDE)
        depth[new] = d
        frontier = new
    return depth
