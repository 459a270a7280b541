"""Every behaviour mechanism can be switched off; all off, the engine computes what it computes
without the behaviour layer at all (bit for bit); behaviour keys are validated."""

from __future__ import annotations

import numpy as np
import pytest

from abm.behaviour import MECHANISMS, BehaviourLayer
from abm.config import ConfigError
from abm.config.compose import compose_config
from abm.core.levers import SourcingLevers
from abm.metrics import summarise
from abm.model import EcosystemModel

ALL_OFF = tuple(f"behaviour.{m}.enabled=false" for m in MECHANISMS)
# A shock, demand noise, searches, exits and entries: every engine path the hooks touch runs.
SHOCKED = ("network.n_firms=500", "ticks=120", "scenario.shocks.regional_disaster.onset=40",
           "scenario.shocks.regional_disaster.duration=26",
           "scenario.shocks.regional_disaster.magnitude=1.0", "seed=3",
           # The patience-only exit rule: with the going-concern test firms survive this
           # shock, and the exit path must run here too.
           "finance.max_debt_years=0",
           # The engine before platforms acted (their data and membership are not behaviour).
           "platforms.acting=false")


def _run(overrides: tuple[str, ...], behaviour: bool = True) -> EcosystemModel:
    model = EcosystemModel(config=compose_config(list(overrides)), behaviour=behaviour)
    model.run()
    return model


def _summary(model: EcosystemModel) -> dict[str, float]:
    return summarise(model.timeseries(), None, model.shock_window, model.config.metrics,
                     model.firm_outcomes())


@pytest.mark.parametrize("switch_off", [ALL_OFF, ("behaviour.enabled=false",)])
def test_all_mechanisms_off_reproduce_the_engine_without_the_layer(
        switch_off: tuple[str, ...]) -> None:
    layered = _run((*SHOCKED, *switch_off))
    bare = _run((*SHOCKED, *switch_off), behaviour=False)
    # The check is real: the layer ran its hooks and handed the engine arrays, not nothing.
    assert isinstance(layered.behaviour, BehaviourLayer)
    assert bare.behaviour is None
    assert layered.behaviour.hook_calls == layered.config.ticks
    assert layered.behaviour.source(layered.world, SourcingLevers()).threshold.shape == (
        layered.links.n,)
    ours, theirs = layered.timeseries(), bare.timeseries()
    assert ours["links_rewired"].sum() > 0 and ours["exits"].sum() > 0
    for column in theirs.columns:
        np.testing.assert_array_equal(ours[column].to_numpy(), theirs[column].to_numpy(),
                                      err_msg=column)
    # Only measurement series are added (emissions and the technology share of value added).
    assert set(ours.columns) - set(theirs.columns) == {
        "emissions_total", "emission_intensity", "tech_va_share"}
    ours_summary, theirs_summary = _summary(layered), _summary(bare)
    for key, value in theirs_summary.items():
        assert ours_summary[key] == pytest.approx(value, rel=0, abs=0, nan_ok=True), key


def test_behaviour_on_changes_the_run() -> None:
    # Guards the test above against comparing two runs that could never differ.
    on, off = _run(SHOCKED), _run((*SHOCKED, *ALL_OFF))
    assert not np.array_equal(on.timeseries()["production"], off.timeseries()["production"])


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_each_mechanism_switches_off_alone(mechanism: str) -> None:
    model = _run(("network.n_firms=300", "ticks=60", "scenario=none", "seed=1",
                  f"behaviour.{mechanism}.enabled=false"))
    layer = model.behaviour
    assert isinstance(layer, BehaviourLayer)
    assert not layer.on[mechanism]
    assert all(layer.on[m] for m in MECHANISMS if m != mechanism)
    series = model.timeseries()
    own_series = {"esg": "greenwashing_rate", "trust": "mean_trust",
                  "finance": "mean_interest_rate", "innovation": "mean_technology",
                  "digital": "digital_adoption_rate", "upgrading": "mean_inputs",
                  "investment": "mean_buffer_weeks"}
    for name, column in own_series.items():
        assert (column in series) == (name != mechanism), column
    assert series["performance"].between(0.0, 1.0).all()


def test_a_mechanism_that_is_off_leaves_its_state_alone() -> None:
    model = EcosystemModel(config=compose_config([
        "network.n_firms=300", "ticks=40", "scenario=none", "seed=2",
        "behaviour.esg.enabled=false", "behaviour.trust.enabled=false",
        "behaviour.innovation.enabled=false", "behaviour.digital.enabled=false"]))
    layer = model.behaviour
    assert isinstance(layer, BehaviourLayer)
    strategy, trust = layer.esg.state.strategy.copy(), layer.trust.state.trust.copy()
    tech, maturity = layer.innovation.state.log_tech.copy(), layer.digital.state.maturity.copy()
    model.run()
    np.testing.assert_array_equal(layer.esg.state.strategy, strategy)
    np.testing.assert_array_equal(layer.trust.state.trust[: len(trust)], trust)
    np.testing.assert_array_equal(layer.innovation.state.log_tech, tech)
    np.testing.assert_array_equal(layer.digital.state.maturity, maturity)
    assert np.all(layer.esg.state.rating == 0.5)


def test_all_off_noise_free_run_is_exactly_stationary() -> None:
    model = _run(("scenario=none", "ticks=80", "network.n_firms=400", "platforms.acting=false",
                  "market.demand_noise_common=0", "market.demand_noise_idiosyncratic=0",
                  *ALL_OFF))
    series = model.timeseries()
    for column in ("production", "value_added", "orders_tier0", "inventory_inputs",
                   "cash_total", "emissions_total"):
        values = series[column].to_numpy()
        assert np.allclose(values, values[0], rtol=1e-9), column


def test_behaviour_keys_are_overridable_and_checked() -> None:
    config = compose_config(["behaviour.esg.detection_probability=0.3",
                             "behaviour.trust.loss=0.2", "behaviour.period=8"])
    assert config.behaviour.esg.detection_probability == 0.3
    assert config.behaviour.trust.loss == 0.2
    assert config.behaviour.period == 8
    with pytest.raises(ConfigError, match=r"behaviour\.esg\.detection_probability"):
        compose_config(["behaviour.esg.detection_probability=1.5"])
    with pytest.raises(ConfigError, match=r"behaviour\.esg\.weights"):
        compose_config(["behaviour.esg.weights=[1,2]"])
    with pytest.raises(ConfigError, match="detection_probability"):
        compose_config(["behaviour.esg.detection_probabilty=0.3"])
