"""``ecosim replicate``: run the hypothesis registry as one sweep and write the verdict table.

Every arm of every testable hypothesis runs on the same seeds (one sweep store, so a re-run
resumes); each hypothesis' contrast is computed per seed and its mean gets a bootstrap 95% CI.
``--check`` compares the table with the stored reference (``reference_<size>.csv``, written with
``--write-reference`` and carrying the commit that made it) and fails on any difference.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.effects import bootstrap_mean_ci, verdict
from experiments.replication.hypotheses import ARMS, DISASTER, HYPOTHESES, Hypothesis
from experiments.replication.tails import ARM_PREFIX, FailureDesign, tail_fit, tail_verdict
from experiments.sweep import ExecutorConfig, RunSpec, SweepStore, expand, run_sweep

HERE = Path(__file__).resolve().parent
SIZES: dict[str, dict[str, object]] = {
    # ci: small networks and few seeds, a few minutes on 2 cores
    "ci": {"seeds": 5, "base": ("network.n_firms=200", "ticks=104", f"{DISASTER}.onset=52"),
           "failures": FailureDesign(networks=1, firms=40, n_firms=200, onset=52, ticks=104)},
    # full: the default network, horizon and onset (2,000 firms, 260 ticks, onset 104)
    "full": {"seeds": 20, "base": (),
             "failures": FailureDesign(networks=2, firms=100, n_firms=2000, onset=104,
                                       ticks=260)},
}
COLUMNS = ["hypothesis", "claim", "source", "metric", "expected", "effect", "ci_low", "ci_high",
           "seeds", "verdict"]


def _selected(only: Sequence[str] | None) -> list[Hypothesis]:
    known = {h.id for h in HYPOTHESES}
    unknown = sorted(set(only or ()) - known)
    if unknown:
        raise SystemExit(f"error: unknown hypothesis {', '.join(unknown)}; known: "
                         f"{', '.join(sorted(known))}")
    return [h for h in HYPOTHESES if not only or h.id in only]


def run_suite(size: str = "ci", out: Path | None = None, only: Sequence[str] | None = None,
              executor: ExecutorConfig | None = None, progress: bool = True) -> pd.DataFrame:
    """Run the arms of the selected hypotheses and return the verdict table."""
    spec = SIZES[size]
    chosen = _selected(only)
    seeds = list(range(int(spec["seeds"])))  # type: ignore[call-overload]
    plan: dict[str, tuple[tuple[str, ...], list[int]]] = {}  # arm -> (overrides, seeds)
    for hyp in chosen:
        plan.update({arm: (ARMS[arm], seeds) for _, arm, _ in hyp.terms})
        if hyp.tail:
            failures: FailureDesign = spec["failures"]  # type: ignore[assignment]
            plan.update({arm: (overrides, list(range(failures.networks)))
                         for arm, overrides in failures.arms(DISASTER).items()})
    arms = sorted(plan)
    runs = []
    for point, arm in enumerate(arms):  # the arm label is a column; its overrides go into the run
        overrides, arm_seeds = plan[arm]
        for run in expand([{}], arm_seeds, base=[*spec["base"], *overrides]):  # type: ignore[misc]
            runs.append(RunSpec(run_id=run.run_id, overrides=run.overrides,
                                params={"arm": arm}, seed=run.seed, point=point))
    root = out or Path("outputs") / "replication" / size
    run_sweep(root, runs, {"experiment": "replication", "size": size}, executor,
              progress=progress)
    table = SweepStore(root).summaries()
    table = table[table["run_id"].isin({r.run_id for r in runs})]
    rows = []
    for hyp in chosen:
        row = {"hypothesis": hyp.id, "claim": hyp.claim, "source": hyp.source,
               "metric": hyp.metric, "expected": hyp.direction}
        if hyp.needs:
            rows.append({**row, "effect": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                         "seeds": 0, "verdict": f"not testable yet (needs {hyp.needs})"})
            continue
        if hyp.tail:
            failed = table[table["arm"].str.startswith(ARM_PREFIX) & (table["status"] == "ok")]
            fit = tail_fit(failed[hyp.tail].to_numpy(dtype=float))
            rows.append({**row, "effect": fit.xi, "ci_low": fit.low, "ci_high": fit.high,
                         "seeds": len(failed), "verdict": tail_verdict(fit)})
            continue
        effect = None
        for coef, arm, metric in hyp.terms:
            ok = table[(table["arm"] == arm) & (table["status"] == "ok")]
            term = coef * ok.set_index("seed")[metric].astype(float)
            effect = term if effect is None else effect + term  # aligned on seed
        values = effect.dropna().to_numpy()  # type: ignore[union-attr]
        low, high = bootstrap_mean_ci(values)
        rows.append({**row, "effect": float(values.mean()) if len(values) else np.nan,
                     "ci_low": low, "ci_high": high, "seeds": len(values),
                     "verdict": verdict(float(np.mean(values)) if len(values) else np.nan,
                                        low, high, hyp.direction)})
    return pd.DataFrame(rows, columns=COLUMNS)


def to_markdown(table: pd.DataFrame) -> str:
    """The table as Markdown (numbers to 4 significant digits)."""
    lines = ["| hypothesis | source | metric | effect | 95% CI | seeds | verdict |",
             "|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        ci = "" if np.isnan(r.ci_low) else f"[{r.ci_low:.4g}, {r.ci_high:.4g}]"
        effect = "" if np.isnan(r.effect) else f"{r.effect:.4g}"
        lines.append(f"| {r.claim} | {r.source} | {r.metric} | {effect} | {ci} | {r.seeds} | "
                     f"{r.verdict} |")
    return "\n".join(lines)


def reference_path(size: str) -> Path:
    """Where the stored reference table of a size lives."""
    return HERE / f"reference_{size}.csv"


def compare(table: pd.DataFrame, reference: pd.DataFrame) -> list[str]:
    """Differences between a table and the reference (exact; empty when they agree)."""
    ref = reference.set_index("hypothesis")
    problems = []
    for row in table.itertuples():
        if row.hypothesis not in ref.index:
            problems.append(f"{row.hypothesis}: not in the reference")
            continue
        old = ref.loc[row.hypothesis]
        for col in ("effect", "ci_low", "ci_high", "seeds", "verdict"):
            new, was = getattr(row, col), old[col]
            same = (new == was) or (isinstance(new, float) and np.isnan(new)
                                    and pd.isna(was))
            if not same:
                problems.append(f"{row.hypothesis}.{col}: {new!r} != reference {was!r}")
    return problems


def main(argv: list[str] | None = None) -> None:
    """Run the suite, write table.csv and table.md, optionally check or store the reference."""
    parser = argparse.ArgumentParser(prog="ecosim replicate", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="ci")
    parser.add_argument("--only", nargs="+", help="hypothesis ids (default: all)")
    parser.add_argument("--out", type=Path, help="sweep directory (default outputs/replication/"
                        "<size>)")
    parser.add_argument("--executor", choices=["serial", "joblib", "ray"], default="joblib")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--check", action="store_true", help="compare with the stored reference")
    parser.add_argument("--write-reference", action="store_true")
    opts = parser.parse_args(argv)
    table = run_suite(opts.size, opts.out, opts.only, ExecutorConfig(opts.executor, opts.n_jobs))
    root = opts.out or Path("outputs") / "replication" / opts.size
    table.to_csv(root / "table.csv", index=False, float_format="%.17g")
    (root / "table.md").write_text(to_markdown(table) + "\n")
    print(to_markdown(table))
    print(f"[ecosim] replication table: {root / 'table.md'}")
    if opts.write_reference:
        commit = SweepStore(root).meta()["provenance"]["git"]  # type: ignore[index]
        table.assign(commit=commit["commit"], dirty=commit["dirty"]).to_csv(
            reference_path(opts.size), index=False, float_format="%.17g")
        print(f"[ecosim] reference written: {reference_path(opts.size)}")
    if opts.check:
        problems = compare(table, pd.read_csv(reference_path(opts.size)))
        if problems:
            print("reference check FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
            raise SystemExit(1)
        print("[ecosim] reference check: identical")
