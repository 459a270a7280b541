"""Digital subsidy: the state pays a share of firms' digital investment (spec §4; seed 002).

Seed 002: cross-border e-commerce pilot zones raised SME digitalisation by about 35% with tax
relief and infrastructure subsidies. This is the plain variant: at each investment decision
the targeted firms are offered ``share`` of their digital investment, so their own money buys
``1 / (1 - share)`` as much (faster digital maturity through the digital mechanism), and the
regulator refunds that share of what they book, within its yearly budget (see
:mod:`abm.policies.cost_share`). The "orders + tools" variant, delivered through platforms
(tools plus routed orders for SMEs that join), comes with the acting platforms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.config.fields import param
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.policies.cost_share import CostShareInstrument


@INSTRUMENTS.register("digital_subsidy")
class DigitalSubsidy(CostShareInstrument):
    """Pays ``share`` of the targeted firms' digital investment."""

    name = "digital_subsidy"
    use = "digital"

    @dataclass
    class Params:
        """Digital subsidy parameters."""

        share: float = param(0.3, low=0.0, high=0.9, unit="share",
            meaning="share of digital investment paid by the state",
            source="C (pilot-zone subsidies, seed 002)")
        target: str = param("smes", choices=("all", "smes"), unit="choice",
            meaning="who is eligible: all firms or SMEs", source="seed 002 (SME digitalisation)")

    params_type = Params

    def wanted_share(self, world: World) -> np.ndarray:
        """``share`` for the targeted firms, 0 elsewhere."""
        firms = world.firms
        eligible = firms.alive if self.params.target == "all" else (
            firms.alive & ~firms.chain_leader)
        return self.params.share * eligible
