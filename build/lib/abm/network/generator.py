"""Seeded generator of tiered, multi-chain supply networks.

Each chain has four tiers (raw material -> component -> module -> assembly). Every tier offers
``n_products`` products; a buyer needs ``inputs_labour`` or ``inputs_technology`` of them,
and holds ``suppliers_per_input`` suppliers for each. Suppliers are drawn without replacement
with probability proportional to ``size ** concentration`` (times ``regional_bias`` for a
supplier in the buyer's own region): fitness-based preferential attachment (Bianconi and
Barabasi 2001), so ``concentration`` tunes how much business the large suppliers attract
(0 = uniform). Sizes are lognormal; chain leaders are large technology-intensive assemblers.
"""

from __future__ import annotations

import numpy as np

from abm.config.schema import NetworkConfig
from abm.core.rules import tier_counts
from abm.network.spec import ASSEMBLY_TIER, N_TIERS, NetworkSpec, normalise_shares

# Rounds of redrawing repeated suppliers; with k << candidates a few rounds suffice, and a
# repeat left after all rounds is dropped as a duplicate link (that buyer keeps fewer suppliers).
_MAX_REDRAWS = 100


def draw_suppliers(
    rng: np.random.Generator,
    buyers: np.ndarray,
    candidates: np.ndarray,
    weight: np.ndarray,
    region: np.ndarray,
    regional_bias: float,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``k`` distinct candidates per buyer with probability proportional to ``weight``.

    Draws are inverse-CDF lookups; an entry that repeats a supplier already drawn for the same
    buyer is redrawn, which is exactly sequential sampling without replacement.
    """
    k = min(k, len(candidates))
    out = np.empty((len(buyers), k), dtype=np.int64)
    for r in np.unique(region[buyers]):
        rows = np.flatnonzero(region[buyers] == r)
        w = weight[candidates] * np.where(region[candidates] == r, regional_bias, 1.0)
        if not np.any(w > 0):
            w = np.ones(len(candidates))
        cumulative = np.cumsum(w)
        picks = np.searchsorted(cumulative, rng.random((len(rows), k)) * cumulative[-1],
                                side="right")
        picks = np.minimum(picks, len(candidates) - 1)
        for _ in range(_MAX_REDRAWS):
            order = np.sort(picks, axis=1)
            dup_rows = np.flatnonzero((order[:, 1:] == order[:, :-1]).any(axis=1))
            if not len(dup_rows):
                break
            # Redraw the later copy of each repeated pick in those rows.
            sub = picks[dup_rows]
            first = np.argsort(sub, axis=1, kind="stable")
            sorted_sub = np.take_along_axis(sub, first, axis=1)
            repeat = np.zeros_like(sub, dtype=bool)
            repeat_sorted = np.zeros_like(sub, dtype=bool)
            repeat_sorted[:, 1:] = sorted_sub[:, 1:] == sorted_sub[:, :-1]
            np.put_along_axis(repeat, first, repeat_sorted, axis=1)
            fresh = np.searchsorted(cumulative, rng.random(repeat.sum()) * cumulative[-1],
                                    side="right")
            sub[repeat] = np.minimum(fresh, len(candidates) - 1)
            picks[dup_rows] = sub
        out[rows] = picks
    return np.repeat(buyers, k), candidates[out].ravel()


def generate_network(cfg: NetworkConfig, rng: np.random.Generator) -> NetworkSpec:
    """Build a tiered multi-chain supply network.

    Args:
        cfg: the ``network`` section of the configuration.
        rng: the generator's own random stream.

    Returns:
        The network as index arrays.
    """
    per_chain = np.full(cfg.n_chains, cfg.n_firms // cfg.n_chains)
    per_chain[: cfg.n_firms % cfg.n_chains] += 1
    chain_l, tier_l, product_l = [], [], []
    for c, n_chain_firms in enumerate(per_chain):
        for t, count in enumerate(tier_counts(int(n_chain_firms), cfg.tier_shares,
                                               cfg.n_products)):
            chain_l.append(np.full(count, c))
            tier_l.append(np.full(count, t))
            # Round-robin products guarantee every product exists in every tier.
            product_l.append(rng.permutation(np.arange(count) % cfg.n_products))
    chain = np.concatenate(chain_l)
    tier = np.concatenate(tier_l)
    product = np.concatenate(product_l)
    n = len(tier)
    region = rng.integers(0, cfg.n_regions, size=n)
    technology = rng.random(n) < cfg.tech_share
    size = rng.lognormal(0.0, cfg.size_dispersion, size=n)

    leader = np.zeros(n, dtype=bool)
    for c in range(cfg.n_chains):
        assemblers = np.flatnonzero((chain == c) & (tier == ASSEMBLY_TIER))
        n_leaders = min(cfg.chain_leaders_per_chain, len(assemblers) - 1)
        leader[assemblers[:n_leaders]] = True
    technology[leader] = True
    size[leader] *= cfg.chain_leader_size

    weight = size**cfg.concentration
    n_inputs = np.where(technology, cfg.inputs_technology, cfg.inputs_labour)
    buyers_l, suppliers_l = [], []
    for c in range(cfg.n_chains):
        for t in range(1, N_TIERS):
            for p in range(cfg.n_products):
                candidates = np.flatnonzero((chain == c) & (tier == t - 1) & (product == p))
                buyers = np.flatnonzero((chain == c) & (tier == t) & (n_inputs > p))
                if len(buyers):
                    b, s = draw_suppliers(rng, buyers, candidates, weight, region,
                                           cfg.regional_bias, cfg.suppliers_per_input)
                    buyers_l.append(b)
                    suppliers_l.append(s)
                    # Every supplier needs a customer, or it would idle and go bankrupt at
                    # once: orphans are attached to a random buyer of their product.
                    orphans = np.setdiff1d(candidates, s)
                else:
                    orphans = candidates
                    buyers = np.flatnonzero((chain == c) & (tier == t))
                buyers_l.append(rng.choice(buyers, size=len(orphans)))
                suppliers_l.append(orphans)
    pairs = np.unique(np.stack([np.concatenate(buyers_l), np.concatenate(suppliers_l)]), axis=1)
    buyer, supplier = pairs[0], pairs[1]
    share = normalise_shares(buyer, product[supplier], size[supplier], cfg.n_products)
    names = np.array([f"F{i:06d}" for i in range(n)], dtype=object)
    return NetworkSpec(
        names=names, chain=chain, tier=tier, product=product, region=region,
        technology_intensive=technology, chain_leader=leader, size=size,
        buyer=buyer, supplier=supplier, share=share,
    )
