"""Early warning and re-dispatch in the default regional disaster (issue 10 leftover).

Per seed, the default regional disaster with the policy baseline, ``early_warning`` and
``resource_dispatch`` (paired on the seed: the same network and draws), each with its own
unshocked twin. Per run: ``resilience_loss``, the loss avoided against the baseline,
``recovered`` (the rule of :mod:`experiments.calibration.recovery`: the 13-tick rolling ratio
of performance to the twin's is >= 0.95 from some tick within two years of the shock's end to
the horizon), the end performance relative to the twin (last 26 ticks) and firm-level
recovery. Single process::

    python -m experiments.calibration.low_throughput --seeds 20 --set network.n_firms=1000 \
        --runs-out /tmp/low.csv
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from abm.api import compose_config, run_config
from experiments.calibration.recovery import recovered, shock_end, write_csv

POLICIES = ("baseline", "early_warning", "resource_dispatch")
LATE = 26


def campaign(seeds: Sequence[int], extra: Sequence[str], level: float) -> pd.DataFrame:
    """One row per (policy, seed)."""
    base = ["scenario=regional_disaster", "policy.budget_per_year=300000",
            "output.progress=false", *extra]
    configs = {p: compose_config([*base, f"policy={p}"]) for p in POLICIES}
    rows = []
    for seed in seeds:
        for policy, config in configs.items():
            config = replace(config, seed=seed)
            result = run_config(config)
            perf = result.timeseries["performance"].to_numpy()
            ref = result.twin_timeseries["performance"].to_numpy()
            s = result.summary
            rows.append({"policy": policy, "seed": seed,
                         "resilience_loss": s["resilience_loss"],
                         "recovery_time": s["recovery_time"],
                         "recovered": recovered(perf, ref, shock_end(config), level),
                         "end_perf": float(perf[-LATE:].mean() / ref[-LATE:].mean()),
                         "firm_recovery_mean": s["firm_recovery_mean"],
                         "subsidy_spent": s["subsidy_spent"]})
    runs = pd.DataFrame(rows)
    baseline = runs[runs.policy == "baseline"].set_index("seed")["resilience_loss"]
    runs["avoided"] = runs["seed"].map(baseline) - runs["resilience_loss"]
    return runs


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """Per policy: distribution of loss and loss avoided, runs not recovered, runs worse."""
    def q(p: float) -> Callable[[pd.Series], float]:
        return lambda s: float(s.quantile(p))
    table = runs.groupby("policy", sort=False).agg(
        runs=("seed", "size"),
        loss_median=("resilience_loss", "median"), loss_q25=("resilience_loss", q(0.25)),
        loss_q75=("resilience_loss", q(0.75)), loss_max=("resilience_loss", "max"),
        avoided_median=("avoided", "median"), avoided_q25=("avoided", q(0.25)),
        avoided_q75=("avoided", q(0.75)), avoided_min=("avoided", "min"),
        worse=("avoided", lambda v: int((v < 0).sum())),
        not_recovered=("recovered", lambda v: int((~v.astype(bool)).sum())),
        end_perf_min=("end_perf", "min"),
        firm_recovery_median=("firm_recovery_mean", "median"))
    return table.reset_index()


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="seeds 0..N-1")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--level", type=float, default=0.95)
    parser.add_argument("--runs-out", type=Path, help="CSV for the per-run rows")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be >= 1")
    runs = campaign(range(args.seeds), args.set, args.level)
    with pd.option_context("display.width", 220, "display.max_columns", 30):
        print(summarise(runs).round(3).to_string(index=False))
    if args.runs_out:
        write_csv(runs, args.runs_out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
