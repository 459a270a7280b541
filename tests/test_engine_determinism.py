"""Same config and seed give identical results, through the API and through Hydra."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from abm import simulate
from analysis.collect import collect, summarise_groups

FAST = ["network.n_firms=300", "ticks=80", "scenario.shocks.regional_disaster.onset=30"]


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(
        (np.isnan(a[k]) and np.isnan(b[k])) or a[k] == b[k] for k in a)


def test_same_seed_same_results_and_other_seed_differs() -> None:
    first, second = simulate([*FAST, "seed=5"]), simulate([*FAST, "seed=5"])
    assert _same(first.summary, second.summary)
    pd.testing.assert_frame_equal(first.timeseries, second.timeseries)
    pd.testing.assert_frame_equal(first.twin_timeseries, second.twin_timeseries)
    other = simulate([*FAST, "seed=6"])
    assert not first.timeseries["final_demand"].equals(other.timeseries["final_demand"])


def test_twin_shares_the_demand_path_before_and_after_the_shock() -> None:
    # Passive platforms: acting ones re-allocate demand to green assemblers by their spare
    # plant, which a shock changes (chain totals equal only up to rounding).
    result = simulate([*FAST, "seed=2", "platforms.acting=false"])
    np.testing.assert_array_equal(result.timeseries["final_demand"],
                                  result.twin_timeseries["final_demand"])


def _metrics(path: Path) -> dict[str, float]:
    raw = json.loads(path.read_text())["metrics"]
    return {k: float("nan") if v is None else v for k, v in raw.items()}


def test_hydra_single_run_and_joblib_sweep_match_the_api(tmp_path: Path) -> None:
    run_dir, sweep_dir = tmp_path / "run", tmp_path / "sweep"
    base = [sys.executable, "-m", "abm.run", *FAST, "output.plot=false"]
    env = {**os.environ, "ECOSIM_OUTPUT_ROOT": str(tmp_path)}  # outputs outside ./outputs
    subprocess.run([*base, "seed=7", f"hydra.run.dir={run_dir}"], check=True,
                   capture_output=True, timeout=300, env=env)
    subprocess.run([*base, "-m", "seed=7,8", "hydra/launcher=joblib",
                    "hydra.launcher.n_jobs=2", f"hydra.sweep.dir={sweep_dir}"], check=True,
                   capture_output=True, timeout=300, env=env)
    api = simulate([*FAST, "seed=7"]).summary
    assert _same(_metrics(run_dir / "summary.json"), api)
    swept = sorted(sweep_dir.glob("*/summary.json"))
    assert len(swept) == 2
    by_seed = {json.loads(p.read_text())["seed"]: _metrics(p) for p in swept}
    assert _same(by_seed[7], api)
    assert not _same(by_seed[8], api)
    frame = pd.read_parquet(run_dir / "timeseries.parquet")
    pd.testing.assert_frame_equal(frame, simulate([*FAST, "seed=7"]).timeseries)
    table = collect(sweep_dir)  # the sweep as one table, seed the only varying key
    assert sorted(table["seed"]) == [7, 8]
    assert table.set_index("seed").loc[7, "resistance"] == api["resistance"]
    groups = summarise_groups(table, ["scenario"], ["resistance"])
    assert groups[("n", "resistance")].iloc[0] == 2
