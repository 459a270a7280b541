"""Optuna policy search: reproducible trials, resume without re-running, clear errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("optuna")

from experiments.experiment import load_experiment, run_experiment
from experiments.policy_search import SearchError, best_trials, run_search
from experiments.sweep import SweepStore

# A tiny search: 3 trials x 2 seeds on a small network with an early shock.
SMALL = ["size=ci", "size.seeds=2", "design.trials=3", "executor.kind=serial",
         "size.base=['network.n_firms=120','ticks=78',"
         "'scenario.shocks.regional_disaster.onset=40']"]


def _search(root: Path) -> pd.DataFrame:
    _, report = run_experiment("policy_search", [*SMALL, f"out={root}"], progress=False)
    assert report is not None and report.exists() and (root / "report" / "trials.csv").exists()
    return pd.read_parquet(root / "trials.parquet")


@pytest.mark.slow
def test_same_config_same_trials_and_resume_reruns_nothing(tmp_path: Path) -> None:
    first = _search(tmp_path / "a")
    assert len(first) == 3 and set(first["trial"]) == {0, 1, 2}
    done = first[first["state"] == "complete"]
    assert len(done), first["state"].tolist()
    # the objective is loss avoided per million spent, from the paired parts
    ratio = done["loss_avoided"] / (done["spent"] / 1e6)
    assert (abs(done["objective"] - ratio) <= 1e-9 * ratio.abs().clip(lower=1)).all()
    assert (done["n_seeds"] == 2).all() and (done["spent"] > 0).all()
    assert (done["loss_avoided_ci_low"] <= done["loss_avoided"]).all()
    second = _search(tmp_path / "b")  # a fresh directory: the seeded sampler repeats itself
    pd.testing.assert_frame_equal(first, second)
    parts = sorted((tmp_path / "a" / "runs" / "summaries").glob("part-*.parquet"))
    again = _search(tmp_path / "a")  # resume: the same trials, every run already stored
    pd.testing.assert_frame_equal(first, again)
    assert sorted((tmp_path / "a" / "runs" / "summaries").glob("part-*.parquet")) == parts
    runs = SweepStore(tmp_path / "a" / "runs").summaries()
    assert runs["run_id"].is_unique and (runs["status"] == "ok").all()
    assert best_trials(first, 1)["objective"].iloc[0] == done["objective"].max()


@pytest.mark.parametrize("override,key", [
    ("design.budget_per_year=[0,10]", "design.budget_per_year"),
    ("design.instruments.rd_subsidy.share=[0.9,0.1]", "design.instruments.rd_subsidy.share"),
    ("design.trials=0", "design.trials")])
def test_bad_search_space_names_the_key(tmp_path: Path, override: str, key: str) -> None:
    cfg = load_experiment("policy_search", [*SMALL, override])
    with pytest.raises(SearchError, match=key.replace(".", r"\.")):
        run_search(cfg, tmp_path, progress=False)
    assert not (tmp_path / "runs").exists()  # nothing written before the error
