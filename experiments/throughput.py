"""Sweep throughput: runs per minute serial vs joblib, and the overhead per run beyond simulating.

Usage (default-size runs; numbers are only comparable on an otherwise idle machine, so the
load average is printed with them)::

    python -m experiments.throughput --runs 6 --n-jobs 2
    python -m experiments.throughput --runs 8 --base network.n_firms=300 ticks=156  # quick size

Each executor first runs one warm-up run per worker (other seeds), as a long sweep's warm
workers would have: worker start-up (imports, composing the point's config) is reported once,
as ``startup_s``, not spread over the timed runs. Then ``--runs`` seeds are swept with the
sweep's own batching (about four batches per worker) into a temporary store.

* ``sim_s_per_run``: time inside ``abm.api.run_config`` (the shocked run, its twin, summary);
* ``overhead_s_per_run`` = (wall x workers - simulated time) / runs: everything the sweep adds,
  i.e. ``in_worker`` (config from the per-worker cache, hashing, catching errors) plus the rest
  (moving results between processes, writing Parquet, idle workers at the end of the sweep);
* ``overhead_share`` = overhead / simulated time per run (the issue's aim: well under 10%).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from experiments.sweep import ExecutorConfig, SweepStore, expand, run_sweep


def measure(kind: str, n_jobs: int, runs: int, base: list[str]) -> dict[str, float]:
    """Warm the workers, then sweep ``runs`` seeds with one executor and time it."""
    workers = 1 if kind == "serial" else n_jobs
    executor = ExecutorConfig(kind, n_jobs)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        warm = expand([{}], list(range(10_000, 10_000 + workers)), base=base)
        run_sweep(Path(tmp) / "warm", warm, {"name": "warm-up"}, executor, batch_size=1,
                  progress=False, validate=False)
        warm_table = SweepStore(Path(tmp) / "warm").summaries()
        startup = time.perf_counter() - started - float(warm_table["sim_seconds"].max())
        specs = expand([{}], list(range(runs)), base=base)
        load = os.getloadavg()[0]
        started = time.perf_counter()
        run_sweep(Path(tmp) / "timed", specs, {"name": "throughput"}, executor,
                  progress=False, validate=False)
        wall = time.perf_counter() - started
        table = SweepStore(Path(tmp) / "timed").summaries()
    if (table["status"] != "ok").any():
        raise RuntimeError(f"failed runs: {table.loc[table['status'] != 'ok', 'error'].tolist()}")
    sim = float(table["sim_seconds"].sum())
    in_worker = float(table["wall_seconds"].sum()) - sim
    overhead = (wall * workers - sim) / runs
    return {"runs_per_minute": 60 * runs / wall, "wall_s": wall, "startup_s": startup,
            "sim_s_per_run": sim / runs, "overhead_s_per_run": overhead,
            "in_worker_s_per_run": in_worker / runs, "overhead_share": overhead / (sim / runs),
            "load_before": load, "load_after": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> None:
    """Print throughput for serial and joblib on the same runs, and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--base", nargs="*", default=[], help="model overrides (default size)")
    opts = parser.parse_args(argv)
    if opts.runs < 1:
        parser.error("--runs must be >= 1")
    results = {}
    for kind in ("serial", "joblib"):
        results[kind] = res = measure(kind, opts.n_jobs, opts.runs, opts.base)
        print(f"{kind:7s} n_jobs={1 if kind == 'serial' else opts.n_jobs}: "
              + "  ".join(f"{k}={v:.3g}" for k, v in res.items()), flush=True)
    print(f"speed-up joblib({opts.n_jobs}) / serial: "
          f"{results['joblib']['runs_per_minute'] / results['serial']['runs_per_minute']:.2f}x "
          f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
