"""Engine speed before and after a change: two checkouts stepped in lockstep on one machine.

Usage:
    python -m experiments.benchmarks.compare --before 733e252 [--after DIR] \\
        [--sizes 10000 100000] [--ticks 200 40] [--chunk 10 2] [--reps 3] \\
        [--after-set platforms.acting=false]

``--before`` (and ``--after``, default: this checkout) is a directory holding a checkout or a git
revision of this repository, which is materialised in a temporary worktree. For every size and
repetition both sides build their model in a process of their own
(:mod:`experiments.benchmarks.lockstep_worker`, with that checkout first on ``PYTHONPATH``);
then they take turns: ``--chunk`` ticks of one, the same ticks of the other, the first side
alternating from chunk to chunk, until each has run ``--ticks``. Only one side computes at a
time, and a change of machine load lasting longer than a chunk (a tenth of a second at 10,000
firms) falls on both sides alike: on a shared machine, timing whole runs one after the other
left ±20% between runs of the same code, which hid any difference smaller than that.

Printed: every repetition's ticks/s per side (wall clock; CPU seconds too) and their ratio,
then per size the medians over repetitions and the distribution of the per-chunk speed ratios
(after/before on the same ticks). ``--after-set`` gives Hydra overrides to the "after" side only:
to time the same model on both sides when a default changed since "before"
(``platforms.acting=false``: the platforms of the engine before issue 9).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("lockstep_worker.py")
SIDES = ("before", "after")
LONG_TICKS, SHORT_TICKS, SHORT_FROM = 200, 40, 50_000  # default ticks timed, by size


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


class Worker:
    """A model of one checkout in its own process, stepped on request."""

    def __init__(self, tree: Path, size: int, horizon: int, overrides: list[str],
                 stack: ExitStack, cpu: int | None = None) -> None:
        self.cmd = [sys.executable, str(WORKER), str(size), str(horizon), *overrides]
        env = {**os.environ, "PYTHONPATH": str(tree)}
        pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
        self.proc = subprocess.Popen(self.cmd, cwd=tree, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     preexec_fn=pin)
        stack.callback(self.close)
        self.n_firms = int(self._answer().split()[1])

    def _answer(self) -> str:
        line = self.proc.stdout.readline()
        if not line:  # the worker died: its own error message says why
            self.proc.wait()
            raise subprocess.CalledProcessError(self.proc.returncode, self.cmd,
                                                stderr=self.proc.stderr.read())
        return line

    def step(self, ticks: int) -> tuple[float, float]:
        """Run ``ticks`` ticks; returns (wall, CPU) seconds."""
        self.proc.stdin.write(f"{ticks}\n")
        self.proc.stdin.flush()
        wall, cpu = self._answer().split()
        return float(wall), float(cpu)

    def close(self) -> None:
        """End the worker (end of input), or kill it if it does not stop."""
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@dataclass
class Repetition:
    """Seconds spent by each side on the same chunks of ticks."""

    ticks: int
    wall: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SIDES})
    cpu: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SIDES})

    def rate(self, side: str, clock: str = "wall") -> float:
        """Ticks per second of ``side`` over the whole repetition."""
        seconds = getattr(self, clock)[side]
        return self.ticks / sum(seconds)

    def chunk_ratios(self) -> list[float]:
        """Speed after / before on each chunk (> 1: after is faster)."""
        return [b / a for b, a in zip(self.wall["before"], self.wall["after"], strict=True)]


def lockstep(trees: dict[str, Path], overrides: dict[str, list[str]], size: int, ticks: int,
             chunk: int, cpu: int | None = None) -> Repetition:
    """One repetition: both sides built (on core ``cpu`` if given), then stepped in
    alternating chunks of ``chunk`` ticks."""
    rep = Repetition(ticks=ticks)
    with ExitStack() as stack:
        horizon = max(ticks + 20, 260)  # validation needs the scenario's onset inside the run
        workers = {side: Worker(trees[side], size, horizon, overrides[side], stack, cpu)
                   for side in SIDES}
        done = 0
        while done < ticks:
            k = min(chunk, ticks - done)
            order = SIDES if (done // chunk) % 2 == 0 else SIDES[::-1]
            for side in order:
                wall, cpu = workers[side].step(k)
                rep.wall[side].append(wall)
                rep.cpu[side].append(cpu)
            done += k
    return rep


def quartiles(values: list[float]) -> tuple[float, float, float]:
    """Lower quartile, median, upper quartile."""
    q1, q2, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return q1, q2, q3


def main(argv: list[str] | None = None) -> dict[tuple[str, int], list[float]]:
    """Print every repetition and the summaries; returns wall-clock ticks/s per (side, size)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="checkout directory or git revision")
    parser.add_argument("--after", default=str(REPO), help="checkout directory or git revision")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--ticks", type=int, nargs="+",
                        help="ticks per size (one value for all, or one per size; default: "
                             f"{LONG_TICKS}, {SHORT_TICKS} from {SHORT_FROM:,} firms)")
    parser.add_argument("--chunk", type=int, nargs="+",
                        help="ticks per turn, per size (one value for all, or one per size; "
                             "default: a twentieth of the ticks)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--cpu", type=int, default=min(os.sched_getaffinity(0)),
                        help="core both sides run on (default: the first this process may use; "
                             "-1: let the system place them)")
    parser.add_argument("--after-set", action="append", default=[], metavar="KEY=VALUE",
                        help="Hydra override for the after side only (repeatable)")
    opts = parser.parse_args(argv)
    per_size = {}
    for name in ("ticks", "chunk"):
        default = ([LONG_TICKS if size < SHORT_FROM else SHORT_TICKS for size in opts.sizes]
                   if name == "ticks" else [max(1, t // 20) for t in per_size["ticks"]])
        values = getattr(opts, name) or default
        values = values * len(opts.sizes) if len(values) == 1 else values
        if len(values) != len(opts.sizes) or min(values) < 1:
            parser.error(f"--{name} takes one positive value or one per size "
                         f"({len(opts.sizes)}), got {getattr(opts, name)}")
        per_size[name] = values
    results: dict[tuple[str, int], list[float]] = {}
    with ExitStack() as stack:
        trees = {"before": checkout(opts.before, stack), "after": checkout(opts.after, stack)}
        overrides = {"before": [], "after": opts.after_set}
        for size, ticks, chunk in zip(opts.sizes, per_size["ticks"], per_size["chunk"],
                                      strict=True):
            ratios: list[float] = []
            for number in range(1, opts.reps + 1):
                load = os.getloadavg()[0]
                rep = lockstep(trees, overrides, size, ticks, chunk,
                               None if opts.cpu < 0 else opts.cpu)
                ratios += rep.chunk_ratios()
                for side in SIDES:
                    results.setdefault((side, size), []).append(rep.rate(side))
                print(f"rep={number} firms={size} ticks={ticks} chunk={chunk} load={load:.2f} "
                      f"ticks/s before={rep.rate('before'):.1f} after={rep.rate('after'):.1f} "
                      f"(CPU clock {rep.rate('before', 'cpu'):.1f} / "
                      f"{rep.rate('after', 'cpu'):.1f}) "
                      f"after/before={rep.rate('after') / rep.rate('before'):.3f}", flush=True)
            before, after = results[("before", size)], results[("after", size)]
            q1, q2, q3 = quartiles(ratios)
            faster = sum(r > 1 for r in ratios)
            print(f"firms={size}: median ticks/s before {statistics.median(before):.1f} "
                  f"({min(before):.1f}-{max(before):.1f}), after {statistics.median(after):.1f} "
                  f"({min(after):.1f}-{max(after):.1f}), {opts.reps} repetitions; "
                  f"per-chunk speed after/before median {q2:.3f} [IQR {q1:.3f}-{q3:.3f}], "
                  f"after faster on {faster}/{len(ratios)} chunks", flush=True)
    return results


if __name__ == "__main__":
    main()
