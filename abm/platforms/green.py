"""Green consumers: a share of final demand prefers verified green products, and platforms rank
verified-green members higher (seeds 000, 003), so ESG gains a demand-side channel.

A share ``green_demand_share`` of each chain's final demand comes from green consumers. They buy
only from *verified green* assemblers (a valid ESG audit and an ESG rating of at least
``green_rating``; both published by the ESG mechanism), in proportion to the assemblers' usual
shares, with a platform member's listing weighted ``1 + green_rank_boost`` (the platform ranks
verified-green members higher). The rest of demand is allocated as usual. A chain without a
verified-green assembler keeps its usual allocation. Per assembler the resulting weight on its
share is ``(1 - g) + g * v_i / sum_j s_j v_j`` (``s`` the usual shares within the chain, ``v``
the green listing weight), which the engine applies (``DemandLevers.weight``).
"""

from __future__ import annotations

import numpy as np

from abm.core.state import FirmState


def listing_weight(firms: FirmState, verified: np.ndarray, rating: np.ndarray,
                   green_rating: float, rank_boost: float) -> np.ndarray:
    """Per firm, its weight with green consumers (0 unless verified green)."""
    green = verified & (rating >= green_rating) & firms.alive
    return green * np.where(firms.platform >= 0, 1.0 + rank_boost, 1.0)


def demand_weight(firms: FirmState, listing: np.ndarray, share: float) -> np.ndarray:
    """Per firm, the multiplier on its share of its chain's final demand."""
    demand = firms.final_demand
    n_chains = int(firms.chain.max()) + 1
    total = np.bincount(firms.chain, weights=demand, minlength=n_chains)
    green = np.bincount(firms.chain, weights=demand * listing, minlength=n_chains)
    ratio = np.divide(total, green, out=np.zeros(n_chains), where=green > 0)
    has_green = (green > 0)[firms.chain]
    return np.where(has_green, (1.0 - share) + share * listing * ratio[firms.chain], 1.0)


def verified_share(firms: FirmState, listing: np.ndarray, weight: np.ndarray | float
                   ) -> float:
    """Share of final demand that goes to verified-green firms after the allocation."""
    demand = firms.final_demand * weight
    total = float(demand.sum())
    return float(demand[listing > 0].sum() / total) if total > 0 else float("nan")
