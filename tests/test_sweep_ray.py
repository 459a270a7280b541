"""Ray executor: a local Ray on 127.0.0.1 gives the same sweep as serial/joblib (needs Ray)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

ray = pytest.importorskip("ray")

from test_sweep import aggregate, tiny_runs  # noqa: E402

from experiments.sweep import ExecutorConfig, run_sweep  # noqa: E402


def test_ray_matches_serial_and_joblib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    monkeypatch.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    root = Path(__file__).resolve().parents[1]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(root), os.environ.get("PYTHONPATH",
                                                                                   "")]))
    runs = tiny_runs(1)  # serial == joblib is tested in test_sweep.py, so this closes the loop
    run_sweep(tmp_path / "joblib", runs, {"name": "t"}, ExecutorConfig("serial"),
              progress=False)
    run_sweep(tmp_path / "ray", runs, {"name": "t"}, ExecutorConfig("ray", n_jobs=2),
              batch_size=1, progress=False)
    assert not ray.is_initialized()  # the executor shuts down the Ray it started
    (table_j, series_j), (table_r, series_r) = aggregate(tmp_path / "joblib"), aggregate(
        tmp_path / "ray")
    pd.testing.assert_frame_equal(table_j, table_r)
    pd.testing.assert_frame_equal(series_j, series_r)
