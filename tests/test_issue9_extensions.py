"""Issue 9 extensions: member-specific sea lead times, green consumers in assemblers' ESG
decisions, chain-leader support for rebuilding. Each a direction averaged over the same 8
seeds (common random numbers) on a small economy, plus invariants.

The configuration is composed once per test (Hydra is slow) and only the seed and the
parameter under test change.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np

from abm.config.compose import compose_config
from abm.config.schema import SimulationConfig
from abm.core.state import ASSEMBLY_TIER
from abm.metrics.resilience import summarise
from abm.model import EcosystemModel
from abm.platforms import green

SEEDS = range(8)
SMALL = ("network.n_firms=100", "twin=false", "output.plot=false", "output.progress=false")


def _platforms(config: SimulationConfig, seed: int, **changes: float) -> SimulationConfig:
    return replace(config, seed=seed, platforms=replace(config.platforms, **changes))


def _summary(config: SimulationConfig) -> tuple[EcosystemModel, dict[str, float]]:
    model = EcosystemModel(config=config)
    model.run()
    return model, summarise(model.timeseries(), None, model.shock_window, config.metrics,
                            model.firm_outcomes())


def test_members_sea_links_are_faster_and_soften_a_chokepoint() -> None:
    """Members' sea shipments leave from overseas warehouses: shorter transit than
    non-members' on the same routes, and the economy keeps more value added through a
    logistics chokepoint than when members' shipments take the route's time."""
    base = compose_config([*SMALL, "ticks=45", "platforms.acting=true",
                           "platforms.membership_rate=0.3", "platforms.review_ticks=0",
                           "scenario=logistics_chokepoint",
                           "scenario.shocks.logistics_chokepoint.onset=15"])
    gain = []
    for seed in SEEDS:
        _, fast = _summary(_platforms(base, seed, member_sea_lead_factor=0.6))
        _, slow = _summary(_platforms(base, seed, member_sea_lead_factor=1.0))
        assert fast["sea_transit_members"] < fast["sea_transit_nonmembers"]
        assert fast["sea_transit_members"] < slow["sea_transit_members"]
        gain.append(fast["risk_resistance"] - slow["risk_resistance"])
    assert np.mean(gain) > 0


def test_green_requirement_counts_only_assemblers_short_of_the_green_rating() -> None:
    firms = SimpleNamespace(tier=np.array([ASSEMBLY_TIER, ASSEMBLY_TIER, ASSEMBLY_TIER, 0]),
                            alive=np.array([True, True, False, True]))
    rating = np.array([0.4, 0.7, 0.1, 0.1])
    gap = green.requirement_gap(firms, rating, 0.6, 0.3, 2.0)  # type: ignore[arg-type]
    np.testing.assert_allclose(gap, [2.0 * 0.3 * 0.2, 0.0, 0.0, 0.0])
    # The payoff term is a benefit for a demand gain and a cost for a loss.
    term = green.payoff_term(np.array([0.5, -0.3, 0.0]), np.array([0.2, 0.2, -0.1]), 1.0)
    np.testing.assert_allclose(term, [0.1, -0.06, 0.0])


def test_green_consumers_raise_assemblers_true_esg() -> None:
    """With green consumers in their ESG decisions, assemblers end with higher true ESG
    than when they ignore them (same green demand, same seeds)."""
    base = compose_config([*SMALL, "ticks=70", "platforms.acting=true", "scenario=none",
                           "platforms.green_demand_share=0.3"])
    diff = []
    for seed in SEEDS:
        level = {}
        for weight in (0.0, 1.0):
            model = EcosystemModel(config=_platforms(base, seed, green_esg_weight=weight))
            model.run()
            firms = model.firms
            assemblers = firms.alive & (firms.tier == ASSEMBLY_TIER)
            level[weight] = float(model.behaviour.esg.state.level[assemblers].mean())
        diff.append(level[1.0] - level[0.0])
    assert np.mean(diff) > 0


def _leaders(config: SimulationConfig, seed: int, share: float) -> SimulationConfig:
    leaders = replace(config.programmes.chain_leaders, rebuild_share=share)
    return replace(config, seed=seed, programmes=replace(config.programmes,
                                                         chain_leaders=leaders))


def _connected_damage(config: SimulationConfig) -> tuple[float, dict[str, float]]:
    """Destroyed capacity of connected suppliers summed over ticks, and the outcomes."""
    model = EcosystemModel(config=config)
    programme = next(p for p in model.processes if p.name == "programmes.chain_leaders")
    rebuilt = model.schedule.reconstruction
    assert rebuilt is not None
    area = 0.0
    for _ in range(config.ticks):
        model.step()
        area += float(rebuilt.damage[programme.rollout.connected & model.firms.alive].sum())
    return area, model.firm_outcomes()


def test_chain_leaders_help_connected_suppliers_rebuild() -> None:
    """Leaders paying part of connected suppliers' reconstruction: the suppliers' destroyed
    capacity comes back sooner and firm-level recovery is faster; the leaders pay."""
    base = compose_config([*SMALL, "ticks=50", "scenario=regional_disaster",
                           "scenario.recovery_mode=endogenous",
                           "scenario.shocks.regional_disaster.onset=20",
                           "programmes.chain_leaders.enabled=true",
                           "programmes.chain_leaders.pace=20"])
    area, recovery = [], []
    for seed in SEEDS:
        with_support, helped = _connected_damage(_leaders(base, seed, 0.6))
        without, alone = _connected_damage(_leaders(base, seed, 0.0))
        assert helped["cl_rebuild_support_total"] > 0
        assert alone["cl_rebuild_support_total"] == 0
        area.append(with_support - without)
        recovery.append(helped["firm_recovery_mean"] - alone["firm_recovery_mean"])
    assert np.mean(area) < 0
    assert np.mean(recovery) < 0


def test_rebuilding_support_needs_endogenous_recovery() -> None:
    """In the exogenous mode the share changes nothing (no reconstruction to pay for)."""
    base = compose_config([*SMALL, "ticks=40", "scenario=regional_disaster",
                           "scenario.shocks.regional_disaster.onset=10",
                           "programmes.chain_leaders.enabled=true",
                           "programmes.chain_leaders.pace=20"])
    runs = []
    for share in (0.0, 0.6):
        model = EcosystemModel(config=_leaders(base, 1, share))
        model.run()
        runs.append(model.timeseries())
    np.testing.assert_array_equal(runs[0].to_numpy(), runs[1].to_numpy())
