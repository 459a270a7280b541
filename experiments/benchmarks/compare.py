"""Engine speed before and after a change: two checkouts timed alternately on one machine.

Usage:
    python -m experiments.benchmarks.compare --before 733e252 [--after DIR] \\
        [--sizes 10000 100000] [--ticks 200 40] [--reps 5] \\
        [--after-set platforms.acting=false]

``--before`` (and ``--after``, default: this checkout) is a directory holding a checkout or a git
revision of this repository, which is materialised in a temporary worktree. Each repetition
runs :mod:`experiments.benchmarks.bench_engine` once per size for "before", then for "after",
each in a fresh process of this interpreter with that checkout first on ``PYTHONPATH``.
Alternating spreads a change of machine load over both sides; the one-minute load average is
printed with every run, and the medians at the end. Speed figures are only comparable within
one invocation. ``--after-set`` gives Hydra overrides to the "after" side only: to time the
same model on both sides when a default changed since "before" (``platforms.acting=false``: the
platforms of the engine before issue 9), or a key "before" does not know.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def checkout(spec: str, stack: ExitStack) -> Path:
    """A directory holding ``spec``: itself if it is one, else a temporary git worktree."""
    path = Path(spec)
    if path.is_dir():
        return path.resolve()
    tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-"))) / "tree"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(tmp), spec],
                   check=True)
    stack.callback(subprocess.run, ["git", "-C", str(REPO), "worktree", "remove", "--force",
                                    str(tmp)], check=False)
    return tmp


def ticks_per_second(tree: Path, size: int, ticks: int, overrides: list[str]) -> float:
    """One benchmark run of ``tree`` at ``size`` firms (with Hydra ``overrides``): ticks/s."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-m", "experiments.benchmarks.bench_engine", "--sizes", str(size),
         "--ticks", str(ticks), *overrides], cwd=tree, env=env, capture_output=True, text=True,
        check=True)
    return float(out.stdout.strip().splitlines()[-1].split()[3])


def main(argv: list[str] | None = None) -> dict[tuple[str, int], list[float]]:
    """Print every run and the medians; returns ticks/s per (side, size)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="checkout directory or git revision")
    parser.add_argument("--after", default=str(REPO), help="checkout directory or git revision")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--ticks", type=int, nargs="+", default=[200, 40],
                        help="ticks per size (one value for all, or one per size)")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--after-set", action="append", default=[], metavar="KEY=VALUE",
                        help="Hydra override for the after side only (repeatable)")
    opts = parser.parse_args(argv)
    ticks = opts.ticks * len(opts.sizes) if len(opts.ticks) == 1 else opts.ticks
    if len(ticks) != len(opts.sizes):
        parser.error(f"--ticks takes one value or one per size ({len(opts.sizes)}), "
                     f"got {len(ticks)}")
    results: dict[tuple[str, int], list[float]] = {}
    with ExitStack() as stack:
        trees = {"before": checkout(opts.before, stack), "after": checkout(opts.after, stack)}
        overrides = {"before": [], "after": opts.after_set}
        for rep in range(1, opts.reps + 1):
            for side, tree in trees.items():
                for size, n_ticks in zip(opts.sizes, ticks, strict=True):
                    load = os.getloadavg()[0]
                    rate = ticks_per_second(tree, size, n_ticks, overrides[side])
                    results.setdefault((side, size), []).append(rate)
                    print(f"rep={rep} side={side} firms={size} ticks={n_ticks} "
                          f"load={load:.2f} ticks/s={rate:.1f}", flush=True)
    for size in opts.sizes:
        before, after = results[("before", size)], results[("after", size)]
        print(f"firms={size}: median ticks/s before {statistics.median(before):.1f} "
              f"({min(before):.1f}-{max(before):.1f}), after {statistics.median(after):.1f} "
              f"({min(after):.1f}-{max(after):.1f}), {opts.reps} alternated runs each")
    return results


if __name__ == "__main__":
    main()
