"""Digital subsidy: the state pays a share of firms' digital investment (spec §4; seeds 002, 004).

Seed 002: cross-border e-commerce pilot zones raised SME digitalisation by about 35% with tax
relief and infrastructure subsidies. Two deliveries (``delivery``):

* ``direct``: at each investment decision the targeted firms are offered ``share`` of their
  digital investment, so their own money buys ``1 / (1 - share)`` as much (faster digital
  maturity through the digital mechanism), and the regulator refunds that share of what they
  book, within its yearly budget (see :mod:`abm.policies.cost_share`).
* ``orders_and_tools`` (seed 004's "orders + tools", delivered through the acting platforms):
  the subsidy reaches the targeted SMEs only when they join a platform. Members get the
  ``share`` of their digital investment (the platform's SaaS tools) as above, and the state
  pays ``fee_relief`` of the platform fees they are charged, which the membership decision
  sees (:class:`~abm.core.levers.PlatformLevers`), so more SMEs join, and members also get
  the platforms' own digital boost. Fees are refunded as they are charged, within the budget
  (pro rata when it runs out; with nothing left no relief is offered, so firms decide as
  without it). While budget is left, the platforms also route searching buyers' orders to
  the idle capacity of the targeted SMEs that are members (:mod:`abm.platforms.routing`,
  through ``PlatformLevers.routed``). Needs ``platforms.acting=true``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from abm.config.fields import param
from abm.core.errors import ConfigError
from abm.core.levers import AccountLevers, PlatformLevers
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.policies import Budget
from abm.policies.cost_share import CostShareInstrument


@INSTRUMENTS.register("digital_subsidy")
class DigitalSubsidy(CostShareInstrument):
    """Pays ``share`` of the targeted firms' digital investment (and, delivered through the
    platforms, ``fee_relief`` of their platform fees)."""

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
        delivery: str = param("direct", choices=("direct", "orders_and_tools"), unit="choice",
            meaning="`direct`: to every eligible firm; `orders_and_tools`: through the "
                    "platforms, to eligible firms that are members (SaaS share + fee relief)",
            source="seed 004 (\"orders + tools\")")
        fee_relief: float = param(0.5, low=0.0, high=1.0, unit="share",
            meaning="orders_and_tools: share of eligible members' platform fees paid by the "
                    "state", source="assumption (subsidised platform membership, seed 004)")

    params_type = Params

    def __init__(self, world: World, params: Any, budget: Budget) -> None:
        super().__init__(world, params, budget)
        self.relief = np.zeros(world.firms.n)  # fee share offered this tick, per firm

    @classmethod
    def check_config(cls, config: Any, params: Any) -> None:
        """Delivery through the platforms needs acting platforms."""
        if params.delivery == "orders_and_tools" and not (
                config.platforms.acting and config.platforms.n_platforms > 0):
            raise ConfigError(
                "Invalid configuration: `policy.instruments.digital_subsidy.delivery` = "
                "'orders_and_tools' needs `platforms.acting=true` and "
                f"`platforms.n_platforms` > 0 (got acting={config.platforms.acting}, "
                f"n_platforms={config.platforms.n_platforms}): it is delivered through the "
                "platforms' membership. Set platforms.acting=true or use delivery=direct.")

    def eligible(self, world: World) -> np.ndarray:
        """Alive firms of the target group."""
        firms = world.firms
        return firms.alive if self.params.target == "all" else firms.alive & ~firms.chain_leader

    def wanted_share(self, world: World) -> np.ndarray:
        """``share`` for the targeted firms (members only through the platforms), 0 else."""
        eligible = self.eligible(world)
        if self.params.delivery == "orders_and_tools":
            eligible = eligible & (world.firms.platform >= 0)
        return self.params.share * eligible

    def platform_rules(self, world: World, levers: PlatformLevers) -> PlatformLevers:
        """Offer fee relief and routed orders to eligible firms while the budget lasts."""
        if self.params.delivery != "orders_and_tools" or self.budget.left <= 0:
            self.relief = np.zeros(world.firms.n)
            return levers
        eligible = self.eligible(world)
        self.relief = self.params.fee_relief * eligible
        return levers.with_fee_relief(self.relief).with_routing(eligible)

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Refund the digital share, then the offered share of members' platform fees."""
        levers = super().account(world, levers)
        charged = world.observe("platform_fees")
        if charged is None or not self.relief.any():
            return levers
        return self.refund(levers, self.relief * charged * world.firms.alive)
