"""Sweep designs, store, resume after SIGKILL, failed runs, executors agreeing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.sweep import ExecutorConfig, SweepStore, design_points, expand, run_sweep
from experiments.sweep.design import DesignError

ROOT = Path(__file__).resolve().parents[1]
TINY = ("network.n_firms=150", "ticks=80", "scenario.shocks.regional_disaster.onset=40")


def tiny_runs(n_seeds: int = 3) -> list:
    """2 design points x n seeds of a tiny model."""
    points = design_points({"kind": "grid",
                            "parameters": {"market.safety_stock_weeks": [0.5, 2.0]}})
    return expand(points, list(range(n_seeds)), base=TINY)


def aggregate(root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Metrics and time series of a sweep in a canonical order (provenance columns dropped)."""
    store = SweepStore(root)
    table = store.summaries().drop(columns=["batch", "wall_seconds", "sim_seconds", "worker"])
    table = table.sort_values("run_id").reset_index(drop=True)
    series = store.timeseries(arm=None).sort_values(["run_id", "arm", "step"])
    return table, series.reset_index(drop=True)


def test_designs_cross_seeds_and_are_stable() -> None:
    grid = design_points({"kind": "grid", "parameters": {"a": [1, 2, 3], "policy": ["x", "y"]}})
    assert len(grid) == 6
    runs = expand(grid, [0, 1], base=["ticks=80"])
    assert len(runs) == 12 and len({r.run_id for r in runs}) == 12
    assert [r.run_id for r in expand(grid, [0, 1], base=["ticks=80"])] == [r.run_id
                                                                          for r in runs]
    ranges = {"x": {"low": 0.0, "high": 1.0}, "k": {"low": 1, "high": 3, "integer": True}}
    lhs = design_points({"kind": "lhs", "parameters": ranges, "n": 10,
                         "fixed": {"scenario": ["a", "b"]}})
    assert len(lhs) == 20 and all(0 <= p["x"] <= 1 and p["k"] in (1, 2, 3) for p in lhs)
    assert len(design_points({"kind": "sobol", "parameters": ranges, "n": 8})) == 8 * (2 + 2)
    assert len(design_points({"kind": "morris", "parameters": ranges, "n": 4})) == 4 * 3
    with pytest.raises(DesignError, match="low"):
        design_points({"kind": "lhs", "parameters": {"x": {"low": 2, "high": 1}}, "n": 4})
    with pytest.raises(DesignError, match="grid"):
        design_points({"kind": "factorial", "parameters": {}})


def test_sigkill_then_resume_equals_uninterrupted(tmp_path: Path) -> None:
    runs = tiny_runs(3)
    killed = tmp_path / "killed"
    script = textwrap.dedent(f"""
        from experiments.sweep import ExecutorConfig, design_points, expand, run_sweep
        points = design_points({{"kind": "grid",
                                "parameters": {{"market.safety_stock_weeks": [0.5, 2.0]}}}})
        runs = expand(points, [0, 1, 2], base={TINY!r})
        run_sweep({str(killed)!r}, runs, {{"name": "t"}}, ExecutorConfig("serial"),
                  batch_size=1, progress=False)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=tmp_path)
    deadline = time.monotonic() + 120
    parts = killed / "summaries"
    while time.monotonic() < deadline and proc.poll() is None:
        if parts.exists() and len(list(parts.glob("part-*.parquet"))) >= 2:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the sweep finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = len(list(parts.glob("part-*.parquet")))
    assert 2 <= before < len(runs)
    outcome = run_sweep(killed, runs, {"name": "t"}, ExecutorConfig("serial"), batch_size=1,
                        progress=False)
    assert outcome.skipped == before and outcome.ran == len(runs) - before
    fresh = tmp_path / "fresh"
    run_sweep(fresh, runs, {"name": "t"}, ExecutorConfig("serial"), batch_size=2,
              progress=False)
    raw = pd.concat(pd.read_parquet(p) for p in parts.glob("part-*.parquet"))
    assert len(raw) == len(runs) and raw["run_id"].is_unique  # nothing lost or duplicated
    assert not list(killed.rglob("*.tmp"))
    (table_k, series_k), (table_f, series_f) = aggregate(killed), aggregate(fresh)
    pd.testing.assert_frame_equal(table_k, table_f)
    pd.testing.assert_frame_equal(series_k, series_f)
    assert set(series_k["arm"]) == {"shocked", "twin"}


def test_raising_run_is_recorded_and_sweep_continues(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import abm.api

    real = abm.api.run_config

    def flaky(config, progress=False):
        if config.seed == 1:
            raise RuntimeError("boom in the model")
        return real(config, progress=progress)

    runs = tiny_runs(2)
    monkeypatch.setattr(abm.api, "run_config", flaky)
    outcome = run_sweep(tmp_path, runs, {"name": "t"}, ExecutorConfig("serial"),
                        progress=False)
    assert outcome.failed == 2 and outcome.ran == 4
    table = SweepStore(tmp_path).summaries()
    bad = table[table["status"] == "failed"]
    assert set(bad["seed"]) == {1}
    assert bad["traceback"].str.contains("boom in the model").all()
    assert bad["config_json"].str.contains('"seed": 1').all()
    assert (table[table["status"] == "ok"]["resilience_loss"].notna()).all()
    # a plain resume keeps the failures; retry_failed reruns them and supersedes the rows
    assert run_sweep(tmp_path, runs, {"name": "t"}, ExecutorConfig("serial"),
                     progress=False).ran == 0
    monkeypatch.setattr(abm.api, "run_config", real)
    again = run_sweep(tmp_path, runs, {"name": "t"}, ExecutorConfig("serial"),
                      retry_failed=True, progress=False)
    assert again.ran == 2 and again.failed == 0
    table = SweepStore(tmp_path).summaries()
    assert len(table) == 4 and (table["status"] == "ok").all()


def test_joblib_matches_serial(tmp_path: Path) -> None:
    runs = tiny_runs(2)
    run_sweep(tmp_path / "serial", runs, {"name": "t"}, ExecutorConfig("serial"),
              progress=False)
    run_sweep(tmp_path / "joblib", runs, {"name": "t"}, ExecutorConfig("joblib", n_jobs=2),
              batch_size=1, progress=False)
    (table_s, series_s), (table_j, series_j) = aggregate(tmp_path / "serial"), aggregate(
        tmp_path / "joblib")
    pd.testing.assert_frame_equal(table_s, table_j)
    pd.testing.assert_frame_equal(series_s, series_j)


def test_bad_model_key_fails_before_any_run(tmp_path: Path) -> None:
    from abm.config.validate import ConfigError

    runs = expand([{"market.safety_stok_weeks": 1.0}], [0], base=TINY)
    with pytest.raises(ConfigError, match="safety_stock_weeks"):
        run_sweep(tmp_path, runs, {"name": "t"}, ExecutorConfig("serial"), progress=False)
    assert not (tmp_path / "summaries").exists()


def test_fast_point_config_equals_full_composition() -> None:
    import dataclasses

    from abm.config.compose import compose_config
    from experiments.sweep.worker import QUIET, _point_config

    for overrides in (("scenario=pandemic", "network.n_firms=200", "market.safety_stock_weeks=0.7"),
                      ("network.tier_shares=[0.4,0.3,0.2,0.1]", "policy=baseline",
                       "scenario.shocks.regional_disaster.recovery.profile=step",
                       "behaviour.upgrading.enabled=false", "platforms.mode=full_managed"),
                      ("scenario=[pandemic,regional_disaster]", "ticks=130")):  # both onsets inside
        fast = _point_config(overrides)
        full = compose_config([*overrides, *QUIET])
        assert dataclasses.asdict(fast) == dataclasses.asdict(full), overrides
