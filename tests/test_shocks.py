"""Scenario shocks: profiles, composition, and that each kind does what it says."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from abm import simulate
from abm.config.compose import compose_config
from abm.config.schema import RecoveryConfig, ShockConfig
from abm.shocks.scenario import strength

FAST = ["network.n_firms=600", "ticks=120"]


@pytest.mark.parametrize("profile", ["step", "linear", "exponential"])
def test_strength_profile(profile: str) -> None:
    shock = ShockConfig(onset=10, duration=5, recovery=RecoveryConfig(profile=profile, ticks=6))
    levels = [strength(shock, t) for t in range(0, 40)]
    assert levels[:10] == [0.0] * 10
    assert levels[10:15] == [1.0] * 5
    assert all(a >= b for a, b in itertools.pairwise(levels[15:]))
    assert levels[-1] == 0.0
    assert (levels[15] == 0.0) == (profile == "step")


def test_scenarios_compose_by_merging_their_shocks() -> None:
    both = compose_config(["scenario=[regional_disaster,pandemic]"])
    assert set(both.scenario.shocks) == {"regional_disaster", "pandemic"}
    assert set(compose_config(["scenario=compound"]).scenario.shocks) == {
        "regional_disaster", "logistics_chokepoint"}


@pytest.mark.parametrize("scenario", ["regional_disaster", "key_input_embargo",
                                      "export_demand_drop", "pandemic", "logistics_chokepoint"])
def test_every_scenario_hurts_relative_to_its_twin(scenario: str) -> None:
    result = simulate([*FAST, f"scenario={scenario}", f"scenario.shocks.{scenario}.onset=40",
                       "seed=1"])
    run, twin = result.timeseries, result.twin_timeseries
    assert run["step"].tolist() == twin["step"].tolist()
    before = run["step"] < 40
    assert np.array_equal(run["performance"][before], twin["performance"][before])
    after = ~before
    if scenario == "export_demand_drop":
        # Less is demanded, not less delivered: output falls while the share met stays high.
        assert run["value_added"][after].sum() < 0.98 * twin["value_added"][after].sum()
    else:
        assert result.summary["resilience_loss"] > 0.05
        assert result.summary["resistance"] < 1.0


def test_chokepoint_adds_about_two_weeks_to_export_deliveries() -> None:
    result = simulate([*FAST, "scenario=logistics_chokepoint",
                       "scenario.shocks.logistics_chokepoint.onset=40", "seed=2"])
    run = result.timeseries
    assert run["extra_sea_lead"].max() == 2
    config = compose_config([])
    assert config.market.lead_time_sea >= 4  # several weeks by sea (seed 002: 25-40 days)
    # Export goods due in the delay window arrive late: performance dips below the twin.
    window = (run["step"] >= 40) & (run["step"] < 50)
    assert run["performance"][window].min() < 0.9


def test_embargo_blocks_only_the_scoped_supply() -> None:
    from abm.model import EcosystemModel

    config = compose_config([*FAST, "scenario=key_input_embargo",
                             "scenario.shocks.key_input_embargo.onset=1"])
    model = EcosystemModel(config=config)
    model.step()
    links, firms = model.links, model.firms
    blocked = links.flow_availability < 1.0
    assert blocked.any()
    assert np.all(firms.tier[links.supplier[blocked]] == 0)
    assert np.all(firms.product[links.supplier[blocked]] == 0)
    assert np.all(firms.region[links.supplier[blocked]] == 3)
    assert not np.any(firms.region[links.buyer[blocked]] == 3)


def test_shock_added_to_a_running_model_equals_the_scheduled_scenario() -> None:
    from abm.model import EcosystemModel

    scheduled = compose_config([*FAST, "scenario=compound", "ticks=70",
                                "scenario.shocks.regional_disaster.onset=30",
                                "scenario.shocks.logistics_chokepoint.onset=30"])
    planned = EcosystemModel(config=scheduled)
    planned.run()
    live = EcosystemModel(config=compose_config([*FAST, "scenario=none", "ticks=70"]))
    live.run(29)
    names = live.add_shocks(scheduled.scenario.shocks)
    assert names == ["regional_disaster@30", "logistics_chokepoint@30"]
    live.run(41)
    expected, got = planned.timeseries(), live.timeseries()
    for column in ("performance", "production", "in_transit", "extra_sea_lead"):
        np.testing.assert_allclose(got[column], expected[column], rtol=1e-12, err_msg=column)
