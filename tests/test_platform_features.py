"""Issue 9 platform features (``platforms.acting``): each a direction averaged over the same
8 seeds (common random numbers), plus the conservation of the new flows.

The figures in ODD §7.13 come from the same set-ups (mean paired difference over the seeds).
"""

from __future__ import annotations

import numpy as np

from abm import simulate
from abm.config.compose import compose_config
from abm.core.levers import MatchLevers
from abm.model import EcosystemModel

SEEDS = range(8)
ACTING = ("network.n_firms=400", "ticks=104", "output.plot=false", "output.progress=false",
          "platforms.acting=true")
# A total 20-week regional outage: buyers in the hit region must re-source (the default
# 6-week disaster is bridged by stocks in a 400-firm economy).
DISASTER = ("scenario=regional_disaster", "scenario.shocks.regional_disaster.onset=30",
            "scenario.shocks.regional_disaster.magnitude=1.0",
            "scenario.shocks.regional_disaster.duration=20")


def paired(key: str, base: list[str], a: list[str], b: list[str]) -> np.ndarray:
    """Per seed, summary ``key`` under ``b`` minus under ``a``."""
    return np.array([simulate([*base, *b, f"seed={s}"]).summary[key]
                     - simulate([*base, *a, f"seed={s}"]).summary[key] for s in SEEDS])


def test_digital_maturity_widens_the_visible_pool_and_speeds_resourcing() -> None:
    base = [*ACTING, *DISASTER, "platforms.n_platforms=1", "platforms.review_ticks=0",
            "platforms.membership_rate=0"]
    diff = paired("digital_agility", base, ["platforms.digital_reach=0"],
                  ["platforms.digital_reach=0.6"])
    assert diff.mean() < 0


def test_order_routing_sends_searching_buyers_to_member_smes() -> None:
    base = [*ACTING, *DISASTER, "platforms.review_ticks=0", "platforms.membership_rate=0.3"]
    diff = paired("platform_member_wins_total", base, ["platforms.order_routing=false"],
                  ["platforms.order_routing=true"])
    assert diff.mean() > 0


def test_an_instrument_can_route_orders_to_the_smes_it_supports() -> None:
    model = EcosystemModel(config=compose_config([*ACTING, "scenario=none", "seed=1",
                                                  "platforms.membership_rate=0.5"]))
    process = model.platform_process
    assert process is not None and not process.order_routing
    members = np.flatnonzero((model.firms.platform >= 0) & ~model.firms.chain_leader)
    supported = members[: len(members) // 2]
    process.route_orders_to(supported)
    levers = process.match(process.world, MatchLevers())
    assert levers.attraction is not None
    boosted = np.flatnonzero(levers.attraction > 1.0)
    np.testing.assert_array_equal(boosted, np.sort(supported))
