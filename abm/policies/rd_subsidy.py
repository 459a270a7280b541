"""R&D subsidy: the state pays a share of firms' R&D spending (spec §4; seed 001).

Mechanism (see :mod:`abm.policies.cost_share`): at each investment decision the targeted firms
are offered ``share`` of their R&D cost, so their own R&D money buys ``1 / (1 - share)`` as
much R&D (more technology through the innovation mechanism, and in time more upgrading); the
regulator refunds that share of the R&D they actually book, within its yearly budget.

Targets (``target``):

* ``all``: every firm in the market, chain leaders included;
* ``smes``: every SME (not a chain leader);
* ``specialised``: "specialised, refined, distinctive and innovative" SMEs (专精特新, seed 001:
  credit guidance and support focus on them), read as *high technology in a narrow product
  niche*: an SME whose technology is at or above the ``tech_percentile`` of the alive firms of
  its tier, and whose product (within its tier) is made by no more alive firms than the
  ``niche_quantile`` of the tier's products' firm counts. Both are re-evaluated at every
  decision, so a firm can grow into (or out of) the programme.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.config.fields import param
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.core.state import N_TIERS
from abm.policies.cost_share import CostShareInstrument


@INSTRUMENTS.register("rd_subsidy")
class RdSubsidy(CostShareInstrument):
    """Pays ``share`` of the targeted firms' R&D spending."""

    name = "rd_subsidy"
    use = "rd"

    @dataclass
    class Params:
        """R&D subsidy parameters."""

        share: float = param(0.3, low=0.0, high=0.9, unit="share",
            meaning="share of R&D cost paid by the state",
            source="C (R&D cost subsidies and super-deductions, seed 003 §5)")
        target: str = param("smes", choices=("all", "smes", "specialised"), unit="choice",
            meaning="who is eligible: all firms, SMEs, or specialised SMEs (专精特新)",
            source="spec §4; seed 001")
        tech_percentile: float = param(0.7, low=0.0, high=1.0, unit="share",
            meaning="specialised: technology at or above this quantile of its tier",
            source="assumption (high technology)")
        niche_quantile: float = param(0.5, low=0.0, high=1.0, unit="share",
            meaning="specialised: its product has at most this quantile of the tier's "
                    "firms-per-product counts", source="assumption (narrow niche)")

    params_type = Params

    def wanted_share(self, world: World) -> np.ndarray:
        """``share`` for the targeted firms, 0 elsewhere."""
        firms = world.firms
        if self.params.target == "all":
            eligible = firms.alive
        else:
            eligible = firms.alive & ~firms.chain_leader
            if self.params.target == "specialised":
                eligible = eligible & specialised(world, self.params.tech_percentile,
                                                  self.params.niche_quantile)
        return self.params.share * eligible


def specialised(world: World, tech_percentile: float, niche_quantile: float) -> np.ndarray:
    """Firms with high technology in a narrow product niche (see the module docstring)."""
    firms = world.firms
    log_tech = world.observe("log_technology")
    if log_tech is None:  # no behaviour, no technology differences: nobody stands out
        return np.zeros(firms.n, dtype=bool)
    alive = firms.alive
    n_products = int(firms.product.max()) + 1
    niche = firms.tier * n_products + firms.product
    count = np.bincount(niche, weights=alive, minlength=N_TIERS * n_products)
    high = np.zeros(firms.n, dtype=bool)
    narrow = np.zeros(firms.n, dtype=bool)
    for tier in range(N_TIERS):  # a handful of tiers: vectorised within each
        members = alive & (firms.tier == tier)
        if not members.any():
            continue
        high |= members & (log_tech >= np.quantile(log_tech[members], tech_percentile))
        counts = count[tier * n_products:(tier + 1) * n_products]
        counts = counts[counts > 0]
        narrow |= members & (count[niche] <= np.quantile(counts, niche_quantile))
    return high & narrow
