"""Issue 9 platform features (``platforms.acting``): each a direction averaged over the same
8 seeds (common random numbers), plus the conservation of the new flows.

The figures in ODD §7.13 come from the same set-ups (mean paired difference over the seeds).
"""

from __future__ import annotations

import numpy as np
import pytest

from abm import simulate
from abm.config.compose import compose_config
from abm.core.levers import MatchLevers, PlatformLevers
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
    assert process.match(process.world, MatchLevers()).attraction is None  # nobody supported
    members = np.flatnonzero((model.firms.platform >= 0) & ~model.firms.chain_leader)
    supported = np.zeros(model.firms.n, dtype=bool)
    supported[members[: len(members) // 2]] = True
    supported[np.flatnonzero(model.firms.platform < 0)[:5]] = True  # non-members: not routed
    model.platform_levers = PlatformLevers().with_routing(supported)  # the engine's fold
    levers = process.match(process.world, MatchLevers())
    assert levers.attraction is not None
    boosted = np.flatnonzero(levers.attraction > 1.0)
    np.testing.assert_array_equal(boosted, np.sort(members[: len(members) // 2]))


def test_orders_and_tools_subsidy_routes_orders_to_supported_members() -> None:
    # Routing alone: no fee relief, no SaaS share, membership fixed; the same seeds.
    base = [*ACTING, *DISASTER, "platforms.review_ticks=0", "platforms.membership_rate=0.3",
            "policy.budget_per_year=1e9"]
    diff = paired("platform_member_wins_total", base, ["policy=baseline"],
                  ["policy=digital_subsidy",
                   "policy.instruments.digital_subsidy.delivery=orders_and_tools",
                   "policy.instruments.digital_subsidy.fee_relief=0",
                   "policy.instruments.digital_subsidy.share=0"])
    assert diff.mean() > 0


CHOKEPOINT = ("scenario=logistics_chokepoint", "scenario.shocks.logistics_chokepoint.onset=30")


def test_overseas_warehouses_cut_members_chokepoint_losses() -> None:
    base = [*ACTING, *CHOKEPOINT]
    diff = paired("chokepoint_surcharge_members_total", base, ["platforms.warehouse_weeks=0"],
                  ["platforms.warehouse_weeks=4"])
    assert diff.mean() < 0


def test_new_flows_are_conserved_platform_revenue_equals_fees_paid() -> None:
    """Every tick through a chokepoint: what the platforms collect (take + warehouse fees) is
    what members booked as ``platform_fees``; freight booked is what the logistics charged."""
    model = EcosystemModel(config=compose_config([*ACTING, *CHOKEPOINT, "seed=3", "ticks=50",
                                                  "platforms.membership_rate=0.4"]))
    process = model.platform_process
    assert process is not None
    surcharged = False
    for _ in range(50):
        model.step()
        other = model.last_ledger.other
        assert sum(p.revenue_last for p in model.platforms) == pytest.approx(
            other["platform_fees"], rel=1e-12, abs=1e-12)
        assert other["logistics"] == pytest.approx(float(process.freight_due.sum()),
                                                   rel=1e-12, abs=1e-12)
        surcharged |= model.effects.extra_sea_lead > 0
    assert surcharged and process.logistics.served_from_stock > 0
    assert process.logistics.stock.sum() > 0


def test_route_optimisation_lowers_logistics_emissions() -> None:
    base = [*ACTING, "scenario=none"]
    diff = paired("emissions_total", base, ["platforms.route_optimisation=0"],
                  ["platforms.route_optimisation=0.15"])
    assert diff.mean() < 0


def test_platform_finance_keeps_members_in_the_market() -> None:
    """A total 26-week outage pushes firms out; credit lines priced on platform sales keep
    some members in (the exit rule counts distress beyond the credit line). Under the
    going-concern test (issue 8) no member exits in this outage at all, so platform finance
    has nothing to prevent there (a finding); the direction is checked under the
    patience-only rule, where lenders end distress by a clock (finance.max_debt_years=0)."""
    base = [*ACTING, "scenario=regional_disaster", "scenario.shocks.regional_disaster.onset=30",
            "scenario.shocks.regional_disaster.magnitude=1.0",
            "scenario.shocks.regional_disaster.duration=26", "platforms.membership_rate=0.5",
            "platforms.review_ticks=0", "finance.max_debt_years=0"]
    diff = paired("platform_member_exits_total", base, ["platforms.finance_weeks=0"],
                  ["platforms.finance_weeks=8"])
    assert diff.mean() < 0 and diff.max() <= 0


def test_green_consumers_shift_demand_to_verified_green_assemblers() -> None:
    base = [*ACTING, "scenario=none"]
    diff = paired("green_verified_demand_share", base, ["platforms.green_demand_share=0"],
                  ["platforms.green_demand_share=0.3"])
    assert diff.mean() > 0


def test_green_reallocation_keeps_each_chains_final_demand() -> None:
    model = EcosystemModel(config=compose_config([*ACTING, "scenario=none", "seed=2",
                                                  "ticks=30",
                                                  "platforms.green_demand_share=0.5"]))
    model.run()
    base = model.base_final_demand
    chains = model.firms.chain
    assert model.platform_process.green_share_ticks > 0
    # Demand noise aside, reallocation moves demand within chains: every chain keeps
    # demand of the order of its base (a leak would drain one).
    for c in np.unique(chains[base > 0]):
        got = model.firms.final_demand[chains == c].sum()
        assert got == pytest.approx(base[chains == c].sum(), rel=0.5)
