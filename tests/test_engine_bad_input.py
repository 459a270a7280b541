"""Bad input: a one-paragraph message naming the key and the allowed values, exit code 2,
and no output directory that looks complete."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from abm import ConfigError, simulate
from abm.config.compose import compose_config


def _run(tmp_path: Path, *overrides: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "abm.run", *overrides,
                           f"hydra.run.dir={tmp_path / 'out'}"], capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "ECOSIM_OUTPUT_ROOT": str(tmp_path)})


@pytest.mark.parametrize(("override", "must_mention"), [
    ("network.n_firmz=100", ["network.n_firmz", "n_firms"]),
    ("ticks=abc", ["ticks", "integer"]),
    ("network.n_firms=-5", ["network.n_firms", "between 20 and"]),
    ("scenario=meteor", ["scenario=meteor", "regional_disaster", "pandemic"]),
    ("market.rationing=lottery", ["market.rationing", "proportional", "priority"]),
    ("scenario.shocks.regional_disaster.magnitude=1.5", ["magnitude", "between 0.0 and 1.0"]),
    ("market.export_share=nan", ["market.export_share", "finite"]),
    ("scenario.shocks.regional_disaster.onset=300", ["onset", "ticks=260"]),
])
def test_bad_override_fails_clearly_without_output(tmp_path: Path, override: str,
                                                   must_mention: list[str]) -> None:
    done = _run(tmp_path, override)
    assert done.returncode == 2
    message = done.stderr.strip()
    assert message.startswith("error: Invalid")
    assert len(message.splitlines()) == 1  # one paragraph
    for text in must_mention:
        assert text in message
    assert "Traceback" not in done.stderr
    assert not list(tmp_path.rglob("summary.json"))


def _write_network(tmp_path: Path, firms: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    firms.to_csv(tmp_path / "firms.csv", index=False)
    links.to_csv(tmp_path / "links.csv", index=False)
    return ["network=file", f"network.firms_path={tmp_path / 'firms.csv'}",
            f"network.links_path={tmp_path / 'links.csv'}"]


def _tiny_network() -> tuple[pd.DataFrame, pd.DataFrame]:
    firms = pd.DataFrame({"firm_id": ["r", "c", "m", "a"], "chain": 0, "tier": [0, 1, 2, 3],
                          "product": 0, "region": 0})
    links = pd.DataFrame({"buyer_id": ["c", "m", "a"], "supplier_id": ["r", "c", "m"]})
    return firms, links


@pytest.mark.parametrize(("break_it", "must_mention"), [
    (lambda f, li: (f.drop(columns="tier"), li), ["missing column", "tier"]),
    (lambda f, li: (f.assign(tier=[0, 1, 2, 7]), li), ["tier", "0 to 3"]),
    (lambda f, li: (f, li.assign(supplier_id=["r", "c", "zz"])), ["zz", "firm_id"]),
    (lambda f, li: (f, li.assign(supplier_id=["r", "r", "m"])), ["tier t to a buyer"]),
])
def test_malformed_network_file_fails_clearly(tmp_path: Path, break_it, must_mention) -> None:
    firms, links = break_it(*_tiny_network())
    done = _run(tmp_path, *_write_network(tmp_path, firms, links), "scenario=none")
    assert done.returncode == 2, done.stderr
    assert "Malformed network file" in done.stderr
    for text in must_mention:
        assert text in done.stderr
    assert not list(tmp_path.rglob("summary.json"))


def test_well_formed_network_file_runs(tmp_path: Path) -> None:
    overrides = _write_network(tmp_path, *_tiny_network())
    # A run shorter than the default metric windows (26 ticks) sets shorter windows.
    result = simulate([*overrides, "scenario=none", "ticks=20", "metrics.warmup=5",
                       "metrics.late_window=10"])
    assert result.timeseries["performance"].min() > 0.99


def test_api_raises_config_error() -> None:
    with pytest.raises(ConfigError, match=r"network\.n_firms"):
        simulate(["network.n_firms=-1"])


# One case per class of bad input that used to run silently (issue 8 §3): (overrides, key that
# the message must name, words that say what is allowed).
SILENT_BEFORE = [
    # NaN and infinity in every kind of numeric key, with and without an upper bound.
    (["market.export_share=nan"], "market.export_share", "finite"),
    (["scenario.shocks.regional_disaster.magnitude=nan"], "magnitude", "finite"),
    (["finance.credit_line_weeks=inf"], "finance.credit_line_weeks", "finite"),
    (["market.final_demand_per_assembler=-inf"], "final_demand_per_assembler", "finite"),
    (["behaviour.esg.fine_weeks=nan"], "behaviour.esg.fine_weeks", "finite"),
    (["behaviour.esg.emission_route_factor=[0.01,inf,0.02]"], "emission_route_factor",
     "finite"),
    # Shares of firms per tier: NaN, or not summing to 1.
    (["network.tier_shares=[nan,0.3,0.2,0.15]"], "network.tier_shares", "finite"),
    (["network.tier_shares=[0.5,0.5,0.5,0.5]"], "network.tier_shares", "sum to 1"),
    # A shock that starts at or after the horizon.
    (["ticks=104"], "scenario.shocks.regional_disaster.onset", "before the horizon"),
    # A scope that names nothing that exists, or a negative id.
    (["scenario.shocks.regional_disaster.scope.chains=[9]"], "scope.chains", "between 0 and"),
    (["scenario.shocks.regional_disaster.scope.chains=[-1]"], "scope.chains", "at least 0"),
    (["scenario.shocks.regional_disaster.scope.regions=[4]"], "scope.regions",
     "between 0 and"),
    # More chain leaders than a chain has assemblers.
    (["network.n_firms=200", "network.chain_leaders_per_chain=1000"],
     "network.chain_leaders_per_chain", "at most"),
    # Metric windows longer than the run.
    (["metrics.warmup=300"], "metrics.warmup", "shorter than the run"),
    (["metrics.late_window=261"], "metrics.late_window", "at most the run's length"),
    # Network tables named while the network is generated.
    (["network.firms_path=firms.csv"], "network.firms_path", "network.source=generated"),
    (["network.links_path=links.csv"], "network.links_path", "network.source=generated"),
]


@pytest.mark.parametrize(("overrides", "key", "allowed"), SILENT_BEFORE)
def test_inputs_that_ran_silently_are_refused(overrides: list[str], key: str,
                                              allowed: str) -> None:
    with pytest.raises(ConfigError) as caught:
        compose_config(overrides)
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    assert key in message and allowed in message


def test_every_declared_number_refuses_nan_and_inf() -> None:
    from abm.config.fields import spec_of, walk
    from abm.config.schema import SimulationConfig
    from abm.config.validate import check_tree

    checked = 0
    for key, field, _ in walk(SimulationConfig):
        spec = spec_of(field)
        default = field.default
        if spec is None or spec.choices or isinstance(default, bool) or not isinstance(
                default, int | float):
            continue
        for bad in (float("nan"), float("inf"), float("-inf")):
            config = SimulationConfig()
            parent, _, name = key.rpartition(".")
            owner = config
            for part in parent.split(".") if parent else []:
                owner = getattr(owner, part)
            setattr(owner, name, bad)
            with pytest.raises(ConfigError, match="finite"):
                check_tree(config)
        checked += 1
    assert checked > 150  # every numeric key of the schema
