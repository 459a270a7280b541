"""Green consumers: a share of final demand prefers verified green products, and platforms rank
verified-green members higher (seeds 000, 003), so ESG gains a demand-side channel.

A share ``g = green_demand_share`` of each assembler's usual final demand ``d_i`` comes from
green consumers. They buy only from *verified green* assemblers (a valid ESG audit and an ESG
rating of at least ``green_rating``; both published by the ESG mechanism) when they can: the
green consumers of the other assemblers of the chain, ``M = g * sum_{j not green} d_j``, move
to the verified-green ones in proportion to ``v_i d_i`` (``v`` the green listing weight, a
platform member's weighted ``1 + green_rank_boost``: the platform ranks verified-green members
higher), each taking at most its spare plant ``max(0, capacity_i x availability_i - d_i)``;
green consumers a green firm cannot serve stay with their usual assembler. So the shift
follows green firms' capacity as it grows (capacity follows demand, §7.3) instead of ordering
more than they can make. Per assembler the weight on its demand is ``1 + x_i / d_i`` for a
green firm taking ``x_i`` and ``1 - sum x / sum_{j not green} d_j`` (at least ``1 - g``) for
the others; chain totals are kept. The engine applies it (``DemandLevers.weight``). A chain
without a verified-green assembler, or with only green ones, keeps its usual allocation.

*Demand term in the ESG payoff.* What green consumers do to an assembler's sales feeds its
ESG strategy choice: the platforms keep, per firm, a moving mean over a quarter (one ESG
review) of its relative demand gain ``w_i - 1`` (positive for verified-green assemblers,
``-g`` for the others in a chain with a verified-green rival, 0 upstream) and hand
``green_esg_weight x gross margin x gain`` to the ESG payoff as a benefit per unit of
revenue (:func:`payoff_term`; the ``InvestmentLevers.esg_cost`` lever, negative), next to the
buyers' preference premium, fines and policy costs (``green_esg_weight`` scales both terms).

*Demand term in the ESG budget.* Green consumers are customers with a requirement: an
assembler whose rating falls short of ``green_rating`` sees ``g x shortfall`` as an unmet
customer ESG requirement (:func:`requirement_gap`, published as ``green_requirement_gap``),
which the ESG mechanism adds to its buyers' unmet requirement, a term of the ESG utility of the
investment decision (:mod:`abm.behaviour.investment`).
"""

from __future__ import annotations

import numpy as np

from abm.core.state import ASSEMBLY_TIER, FirmState


def listing_weight(firms: FirmState, verified: np.ndarray, rating: np.ndarray,
                   green_rating: float, rank_boost: float) -> np.ndarray:
    """Per firm, its weight with green consumers (0 unless verified green)."""
    green = verified & (rating >= green_rating) & firms.alive
    return green * np.where(firms.platform >= 0, 1.0 + rank_boost, 1.0)


def demand_weight(firms: FirmState, listing: np.ndarray, share: float) -> np.ndarray | None:
    """Per firm, the multiplier on its usual final demand (module docstring); None when no
    firm with final demand is verified green, where every multiplier would be exactly 1."""
    # Only firms with final demand take part: the others add exact zeros to every chain's
    # sum (which leaves a sum unchanged, bit for bit) and keep a weight of 1.
    rows = np.flatnonzero(firms.final_demand > 0)
    green = listing[rows] > 0
    if not green.any():
        return None
    demand, chain = firms.final_demand[rows], firms.chain[rows]
    n_chains = int(firms.chain.max()) + 1
    movable = np.bincount(chain, weights=share * demand * ~green, minlength=n_chains)
    pull = listing[rows] * demand
    pull_total = np.bincount(chain, weights=pull, minlength=n_chains)[chain]
    wanted = movable[chain] * np.divide(pull, pull_total, out=np.zeros(len(rows)),
                                        where=pull_total > 0)
    spare = np.maximum(firms.capacity[rows] * firms.availability[rows] - demand, 0.0)
    taken = np.minimum(wanted, spare)
    moved = np.bincount(chain, weights=taken, minlength=n_chains)
    others = np.bincount(chain, weights=demand * ~green, minlength=n_chains)
    loss = np.divide(moved, others, out=np.zeros(n_chains), where=others > 0)
    weight = np.ones(firms.n)  # firms without final demand: unchanged
    weight[rows] = np.where(green, 1.0 + taken / demand, 1.0 - loss[chain])
    return weight


def verified_share(firms: FirmState, listing: np.ndarray, weight: np.ndarray | float
                   ) -> float:
    """Share of final demand that goes to verified-green firms after the allocation."""
    demand = firms.final_demand * weight
    total = float(demand.sum())
    return float(demand[listing > 0].sum() / total) if total > 0 else float("nan")


def update_gain(gain: np.ndarray, weight: np.ndarray | None, memory_ticks: int) -> np.ndarray:
    """The moving mean of each firm's relative demand gain ``weight - 1`` (0 without green
    consumers), with a memory of ``memory_ticks``."""
    now = np.zeros_like(gain) if weight is None else weight - 1.0
    return gain + (now - gain) / max(1, memory_ticks)


def payoff_term(gain: np.ndarray, gross_margin: np.ndarray, weight: float) -> np.ndarray:
    """Per firm, the green-demand benefit per unit of revenue in the ESG payoff."""
    return weight * np.maximum(gross_margin, 0.0) * gain


def requirement_gap(firms: FirmState, rating: np.ndarray, green_rating: float, share: float,
                    weight: float) -> np.ndarray:
    """Per firm, green consumers' unmet ESG requirement: ``weight x share x`` the rating's
    shortfall from ``green_rating``, for alive assemblers (0 upstream)."""
    assembler = firms.alive & (firms.tier == ASSEMBLY_TIER)
    return weight * share * np.maximum(green_rating - rating, 0.0) * assembler
