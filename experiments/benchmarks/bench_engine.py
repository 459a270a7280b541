"""Engine speed: ticks/s and firm-ticks/s for several network sizes, one core.

Usage:
    python -m experiments.benchmarks.bench_engine [--sizes 1000 10000 100000] [--ticks 200]
    ecosim bench --sizes 1000 10000

Each size builds the default model (regional disaster scenario, so shocks, switching and
rationing are exercised) and times ``--ticks`` steps after a short warm-up; it also reports
build time and the process's peak memory. Any Hydra overrides after ``--`` apply to all sizes.
"""

from __future__ import annotations

import argparse
import resource
import time

from abm.config.compose import compose_config
from abm.model import EcosystemModel


def bench(n_firms: int, ticks: int, overrides: list[str]) -> dict[str, float]:
    """Time one network size; returns build seconds, ticks/s and firm-ticks/s."""
    # The horizon is the default run's (or longer), so that validation accepts the scenario's
    # onset and the metric windows whatever --ticks is; only warm-up + --ticks steps are run.
    horizon = max(ticks + 10, 260)
    config = compose_config([f"network.n_firms={n_firms}", f"ticks={horizon}", *overrides])
    start = time.perf_counter()
    model = EcosystemModel(config=config)
    built = time.perf_counter() - start
    for _ in range(10):  # warm-up: first-touch allocations, caches
        model.step()
    start = time.perf_counter()
    for _ in range(ticks):
        model.step()
    elapsed = time.perf_counter() - start
    return {"firms": float(model.firms.n), "links": float(model.links.n), "build_s": built,
            "ticks_per_s": ticks / elapsed, "firm_ticks_per_s": ticks * model.firms.n / elapsed}


def main(argv: list[str] | None = None) -> None:
    """Print a table of speed figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--ticks", type=int, default=200)
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. scenario=none")
    opts = parser.parse_args(argv)
    print(f"{'firms':>8} {'links':>9} {'build s':>8} {'ticks/s':>9} {'firm-ticks/s':>13} "
          f"{'peak RSS MB':>11}")
    for size in opts.sizes:
        row = bench(size, opts.ticks, opts.overrides)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{row['firms']:>8.0f} {row['links']:>9.0f} {row['build_s']:>8.2f} "
              f"{row['ticks_per_s']:>9.1f} {row['firm_ticks_per_s']:>13.3g} {peak_mb:>11.0f}",
              flush=True)


if __name__ == "__main__":
    main()
