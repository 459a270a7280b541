"""Final demand at the assembly tier (spec §3 phase 3).

Each alive assembler faces ``base * (1 + common + own)`` where ``base`` is its market share of
the chain's demand, ``common`` is a chain-wide shock and ``own`` its idiosyncratic noise. The
demand of an assembler that has exited is shared among the survivors of its chain, so total
demand does not fall because a firm failed: performance measures how much of it is met.
The noise comes from its own random stream, so a shocked run and its unshocked twin see the
same demand path (common random numbers).
"""

from __future__ import annotations

import numpy as np

from abm.config.schema import MarketConfig
from abm.core.state import FirmState


def draw_final_demand(firms: FirmState, base: np.ndarray, cfg: MarketConfig,
                      rng: np.random.Generator, domestic_factor: float,
                      export_factor: float) -> tuple[np.ndarray, np.ndarray]:
    """Final demand per firm on the domestic and export routes this tick.

    Args:
        firms: firm state (uses ``alive`` and ``chain``).
        base: mean final demand per firm at the start (zero off the assembly tier).
        cfg: market parameters.
        rng: the demand stream; always draws the same number of variates.
        domestic_factor: scenario multiplier on domestic demand.
        export_factor: scenario multiplier on export demand.

    Returns:
        (domestic, export) demand per firm.
    """
    # Only assembler rows (fixed) have final demand: computing on them alone is cheaper, and
    # drawing a fixed number of variates per tick keeps the twin's demand path identical.
    rows = np.flatnonzero(base > 0)
    chain = firms.chain[rows]
    n_chains = int(firms.chain.max()) + 1
    common = rng.normal(0.0, cfg.demand_noise_common, size=n_chains)
    own = rng.normal(0.0, cfg.demand_noise_idiosyncratic, size=len(rows))
    serving = base[rows] * firms.alive[rows]
    chain_total = np.bincount(chain, weights=base[rows], minlength=n_chains)
    chain_served = np.bincount(chain, weights=serving, minlength=n_chains)
    reallocate = np.divide(chain_total, chain_served, out=np.zeros(n_chains),
                           where=chain_served > 0)
    demand = np.zeros(firms.n)
    demand[rows] = serving * reallocate[chain] * np.maximum(0.0, 1.0 + common[chain] + own)
    return (demand * (1.0 - cfg.export_share) * domestic_factor,
            demand * cfg.export_share * export_factor)


def reweight_final_demand(firms: FirmState, domestic: np.ndarray, export: np.ndarray,
                          weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Final demand re-allocated among each chain's assemblers by ``weight`` (consumers'
    preferences), each route's chain total unchanged.

    Args:
        firms: firm state (``chain``).
        domestic: domestic demand per firm this tick.
        export: export demand per firm this tick.
        weight: per firm, the multiplier on its share (non-negative).

    Returns:
        (domestic, export) demand per firm.
    """
    n_chains = int(firms.chain.max()) + 1
    # Only firms with final demand take part: the others add exact zeros to every chain sum
    # and keep their zero, so working on these rows alone gives the same numbers.
    rows = np.flatnonzero((domestic != 0) | (export != 0))
    chain, weight = firms.chain[rows], weight[rows]
    out = []
    for demand in (domestic, export):
        part = demand[rows]
        total = np.bincount(chain, weights=part, minlength=n_chains)
        weighted = np.bincount(chain, weights=part * weight, minlength=n_chains)
        scale = np.divide(total, weighted, out=np.ones(n_chains), where=weighted > 0)
        moved = demand.copy()
        moved[rows] = np.where(weighted[chain] > 0, part * weight * scale[chain], part)
        out.append(moved)
    return out[0], out[1]
