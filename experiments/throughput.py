"""Sweep throughput: runs per minute serial vs joblib, and the overhead per run beyond simulating.

Usage (default-size runs; keep the machine otherwise idle for numbers worth quoting):
    python -m experiments.throughput --runs 6 --n-jobs 2

Overhead per run = (wall time x workers - time spent inside ``abm.api.run_config``) / runs:
composing and hashing configs, moving results between processes, writing Parquet, the progress
bar and worker start-up (imports), i.e. everything the sweep adds to the simulations.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from experiments.sweep import ExecutorConfig, SweepStore, expand, run_sweep


def measure(kind: str, n_jobs: int, runs: int, base: list[str]) -> dict[str, float]:
    """Run ``runs`` seeds with one executor into a temporary store and time it."""
    specs = expand([{}], list(range(runs)), base=base)
    with tempfile.TemporaryDirectory() as tmp:
        load = os.getloadavg()[0]
        started = time.perf_counter()
        run_sweep(Path(tmp), specs, {"name": "throughput"}, ExecutorConfig(kind, n_jobs),
                  batch_size=1, progress=False, validate=False)
        wall = time.perf_counter() - started
        sim = float(SweepStore(tmp).summaries()["sim_seconds"].sum())
    workers = 1 if kind == "serial" else n_jobs
    overhead = (wall * workers - sim) / runs
    return {"runs_per_minute": 60 * runs / wall, "wall_s": wall,
            "sim_s_per_run": sim / runs, "overhead_s_per_run": overhead,
            "overhead_share": overhead / (sim / runs), "load_before": load,
            "load_after": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> None:
    """Print throughput for serial and joblib on the same runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--base", nargs="*", default=[], help="model overrides (default size)")
    opts = parser.parse_args(argv)
    for kind in ("serial", "joblib"):
        res = measure(kind, opts.n_jobs, opts.runs, opts.base)
        print(f"{kind:7s} n_jobs={1 if kind == 'serial' else opts.n_jobs}: "
              + "  ".join(f"{k}={v:.3g}" for k, v in res.items()), flush=True)


if __name__ == "__main__":
    main()
