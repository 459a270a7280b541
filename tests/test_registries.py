"""Shock kinds are registered by name: a new kind is one class, and validation, the engine and
the generated docs pick it up from the registry."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest

from abm.config import docs
from abm.config.compose import compose_config
from abm.config.schema import ShockConfig
from abm.config.validate import validate_config
from abm.core.errors import ConfigError
from abm.core.registry import SHOCK_KINDS
from abm.model import EcosystemModel
from abm.shocks.kinds import ShockKind, kind


@pytest.fixture
def domestic_drop() -> Iterator[str]:
    @kind("domestic_demand_drop")
    class DomesticDemandDrop(ShockKind):
        meaning = "domestic final demand falls"

        def apply(self, shock, level, hit, out, firms, links, effects, rng) -> None:
            effects.domestic_demand *= 1.0 - shock.magnitude * level

    yield "domestic_demand_drop"
    SHOCK_KINDS.unregister("domestic_demand_drop")


def test_default_kinds_are_registered() -> None:
    assert set(SHOCK_KINDS) >= {"regional_disaster", "logistics_chokepoint",
                                "key_input_embargo", "export_demand_drop", "pandemic"}


def test_a_registered_kind_validates_runs_and_is_documented(domestic_drop: str) -> None:
    base = compose_config(["network.n_firms=300", "scenario=none", "ticks=60",
                           "behaviour.enabled=false"])
    shock = ShockConfig(kind=domestic_drop, onset=20, duration=10, magnitude=0.5)
    config = validate_config(replace(base, scenario=replace(base.scenario,
                                                            shocks={"drop": shock})))
    shocked = EcosystemModel(config=config)
    shocked.run()
    twin = EcosystemModel(config=config, shocks=False)
    twin.run()
    a, b = shocked.timeseries(), twin.timeseries()
    during = a["step"].between(20, 29)
    assert np.all(a.loc[during, "final_demand"] < b.loc[during, "final_demand"])
    assert np.array_equal(a.loc[a["step"] < 20, "final_demand"],
                          b.loc[b["step"] < 20, "final_demand"])
    assert "`domestic_demand_drop` (domestic final demand falls)" in docs.table(
        "scenario.shocks.<name>")


def test_unknown_kind_is_refused_with_the_registered_ones() -> None:
    with pytest.raises(ConfigError, match="pandemic"):
        compose_config(["scenario.shocks.regional_disaster.kind=meteor"])
