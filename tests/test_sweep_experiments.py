"""Named experiments: configs compose, instruments are checked, bad input exits with code 2."""

from __future__ import annotations

import pytest

from abm.core.registry import INSTRUMENTS, load_plugins
from experiments.experiment import (
    ExperimentError,
    build_runs,
    check_instruments,
    experiment_names,
    load_experiment,
)

NAMED = {"policy_comparison", "buffers_vs_efficiency", "digital_agility", "esg_signalling",
         "platform_power", "early_warning", "green_transition", "chain_leader_system"}


def test_every_named_experiment_composes_in_both_sizes() -> None:
    assert set(experiment_names()) >= NAMED
    for name in NAMED:
        quick, full = load_experiment(name), load_experiment(name, ["size=full"])
        assert quick["size"]["name"] == "quick" and full["size"]["seeds"] >= 20
        assert quick["analysis"]["factor"]


def test_policy_comparison_expands_the_registry_and_crosses_seeds() -> None:
    load_plugins()
    cfg = load_experiment("policy_comparison", ["size.seeds=3"])
    check_instruments(cfg)
    runs = build_runs(cfg)
    scenarios = cfg["design"]["parameters"]["scenario"]
    applicable = set(INSTRUMENTS)  # platforms act by default, so platform_regulation applies
    policies = {"baseline", *applicable, *("[" + ",".join(m) + "]" for m in cfg["mixes"])}
    assert {r.params["policy"] for r in runs} == policies
    assert len(runs) == len(scenarios) * len(policies) * 3
    assert all("network.n_firms=300" in r.overrides for r in runs)


def test_registry_leaves_out_instruments_the_base_config_refuses() -> None:
    load_plugins()
    cfg = load_experiment("policy_comparison", ["size.seeds=1", 'base=["platforms.acting=false"]'])
    left_out: dict[str, str] = {}
    policies = {r.params["policy"] for r in build_runs(cfg, left_out)}
    assert "platform_regulation" not in policies
    assert "platforms.acting" in left_out["platform_regulation"]  # the reason is kept
    acting = load_experiment("policy_comparison", ["size.seeds=1"])  # acting by default
    assert "platform_regulation" in {r.params["policy"] for r in build_runs(acting)}


def test_missing_instruments_stop_with_their_names() -> None:
    cfg = load_experiment("chain_leader_system")
    check_instruments(cfg)  # the instrument exists now
    cfg["requires"] = [*cfg["requires"], "no_such_instrument"]
    with pytest.raises(ExperimentError, match="no_such_instrument"):
        check_instruments(cfg)


def test_cli_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    from abm.cli import main

    for argv in (["sweep", "no_such_experiment"],
                 ["sweep", "policy_comparison", "sise=full"],
                 ["sweep", "policy_comparison", f"out={tmp_path}", "executor.kind=dask"],
                 ["sweep", "buffers_vs_efficiency", f"out={tmp_path}",
                  "base=[scenario=regional_disaster,market.safety_stok_weeks=1]"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("error: ") and len(err.splitlines()) == 1, err
    assert not (tmp_path / "summaries").exists()
