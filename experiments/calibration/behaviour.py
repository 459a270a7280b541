"""Behaviour calibration figures of ``docs/odd_firm_behaviour.md`` §10, from summary metrics.

Each row of that table that is a contrast of run summaries is declared here with the size,
seeds and conditions the document states; the script runs every condition on the same seeds
(common random numbers) through the sweep store and prints, per row and condition, the mean,
median and range over seeds of each metric, and how many seeds moved in each direction
between the first two conditions::

    python -m experiments.calibration.behaviour --list
    python -m experiments.calibration.behaviour greenwashing_detection --out outputs/cal_gw
    python -m experiments.calibration.behaviour --all --out outputs/cal_behaviour
    python -m experiments.calibration.behaviour digital_plus_1sd --seeds 3 \
        --set network.n_firms=300 --out outputs/cal_small            # a small check

Rows the document reports from per-link or per-firm traces (trust fall and recovery rates,
innovation collaboration in detail, upgraded firms' inputs) are not summary contrasts and are
listed by ``--list`` with what they need. Single-process by default (``--n-jobs``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from experiments.sweep import ExecutorConfig, RunSpec, SweepStore, expand, run_sweep


@dataclass(frozen=True)
class Row:
    """One table row: conditions (label -> overrides) on common seeds, metrics to report."""

    pattern: str
    size: tuple[str, ...]
    seeds: int
    conditions: dict[str, tuple[str, ...]]
    metrics: tuple[str, ...]
    first_tick: tuple[str, ...] = ()  # series reported at tick 0 too (``<name>@first_tick``)


NO_SHOCK = ("scenario=none",)
ROWS: dict[str, Row] = {
    "digital_adoption": Row(
        "baseline SME digital adoption (2000 firms, 8 seeds, 5 years)",
        ("network.n_firms=2000", "ticks=260"), 8, {"default": NO_SHOCK},
        ("digital_adoption_rate_start", "digital_adoption_rate")),
    "greenwashing_detection": Row(
        "greenwashing rate (late window), detection probability 0.1 vs 0.9",
        ("network.n_firms=2000", "ticks=260"), 10,
        {"detection_0.1": (*NO_SHOCK, "behaviour.esg.detection_probability=0.1"),
         "detection_0.9": (*NO_SHOCK, "behaviour.esg.detection_probability=0.9")},
        ("greenwashing_rate",), first_tick=("greenwashing_rate",)),
    "no_enforcement": Row(
        "no detection and no verification: greenwashing spreads (start vs late window)",
        ("network.n_firms=600", "ticks=150"), 6,
        {"no_enforcement": (*NO_SHOCK, "behaviour.esg.detection_probability=0.0",
                            "behaviour.esg.audit_rate=0.0",
                            "platforms.audit_rate=0.0")},
        ("greenwashing_rate",), first_tick=("greenwashing_rate",)),
    "esg_stability": Row(
        "high vs low true-ESG suppliers keep customer links through the default disaster",
        ("network.n_firms=1500",), 10, {"default": ()},
        ("relationship_stability_high_esg", "relationship_stability_low_esg")),
    "digital_plus_1sd": Row(
        "digital maturity +1 s.d. (1500 firms, 150 ticks, 8 seeds)",
        ("network.n_firms=1500", "ticks=150"), 8,
        {"default": (), "digital_+1sd": ("behaviour.digital.initial_shift_sd=1.0",)},
        ("recovery_time", "resilience_loss", "bullwhip_ratio")),
    "digital_plus_1sd_default_scale": Row(
        "digital maturity +1 s.d. (default scale: 2000 firms, 260 ticks, 10 seeds)",
        ("network.n_firms=2000", "ticks=260"), 10,
        {"default": (), "digital_+1sd": ("behaviour.digital.initial_shift_sd=1.0",)},
        ("recovery_time", "resilience_loss", "bullwhip_ratio")),
    "behaviour_vs_engine": Row(
        "default shocked run, behaviour on vs the engine alone (2000 firms, 260 ticks)",
        ("network.n_firms=2000", "ticks=260"), 10,
        {"behaviour_on": (), "engine_alone": ("behaviour.enabled=false",)},
        ("recovery_time", "resilience_loss", "bullwhip_ratio", "relationship_stability",
         "exits_total")),
    "structural_upgrading": Row(
        "structural upgrading over 5 years (technology share of value added)",
        ("network.n_firms=2000", "ticks=260"), 3, {"default": NO_SHOCK},
        ("structural_upgrading", "innovation_collaboration")),
}
NOT_SUMMARY = {
    "trust falls faster than it rises": "per-link trust on hit suppliers' links per tick",
    "innovation collaboration: exactly 0 without spillovers": "a switch-off test "
    "(tests/test_behaviour_*.py asserts it)",
    "upgraded firms' inputs and unit value added": "per-firm traces of upgraded firms",
}


def runs_of(row: Row, seeds: int, extra: Sequence[str]) -> list[RunSpec]:
    """Every condition of a row on the same seeds; the condition label is a column."""
    runs: list[RunSpec] = []
    for index, (label, overrides) in enumerate(row.conditions.items()):
        for run in expand([{}], list(range(1, seeds + 1)),
                          base=[*row.size, *overrides, *extra]):
            runs.append(RunSpec(run_id=run.run_id, overrides=run.overrides,
                                params={"condition": label}, seed=run.seed, point=index))
    return runs


def with_first_tick(store: SweepStore, table: pd.DataFrame, columns: Sequence[str]
                    ) -> pd.DataFrame:
    """Add ``<series>@first_tick`` columns: each run's series value at its first tick."""
    if not columns:
        return table
    series = store.timeseries(list(columns))
    first = (series.sort_values("step").groupby("run_id")[list(columns)].first()
             .add_suffix("@first_tick").reset_index())
    return table.merge(first, on="run_id", how="left")


def describe(table: pd.DataFrame, row: Row) -> pd.DataFrame:
    """Per condition and metric: seeds, mean, median, min, max; and seeds up/down vs the first."""
    ok = table[table["status"] == "ok"]
    out = []
    labels = list(row.conditions)
    for metric in (*(f"{c}@first_tick" for c in row.first_tick), *row.metrics):
        first = ok[ok["condition"] == labels[0]].set_index("seed")[metric].astype(float)
        for label in labels:
            values = ok[ok["condition"] == label].set_index("seed")[metric].astype(float)
            diff = (values - first).dropna()
            out.append({"condition": label, "metric": metric, "seeds": int(values.notna().sum()),
                        "mean": values.mean(), "median": values.median(),
                        "min": values.min(), "max": values.max(),
                        "higher_than_first": int((diff > 0).sum()) if label != labels[0] else 0,
                        "lower_than_first": int((diff < 0).sum()) if label != labels[0] else 0})
    return pd.DataFrame(out)


def run_row(name: str, out: Path, seeds: int | None, extra: Sequence[str],
            executor: ExecutorConfig) -> pd.DataFrame:
    """Run (or resume) one row into ``out/<name>`` and return its description."""
    row = ROWS[name]
    runs = runs_of(row, seeds or row.seeds, extra)
    run_sweep(out / name, runs, {"experiment": f"calibration/{name}"}, executor,
              progress=False)
    store = SweepStore(out / name)
    table = store.summaries()
    table = with_first_tick(store, table[table["run_id"].isin({r.run_id for r in runs})],
                            row.first_tick)
    if (table["status"] != "ok").any():
        failed = table.loc[table["status"] != "ok", "error"].iloc[0]
        print(f"warning: {name}: {int((table['status'] != 'ok').sum())} failed runs, e.g. "
              f"{failed}")
    return describe(table, row)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the selected rows and print each one's table (also saved as CSV under --out)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="*", metavar="ROW", help="rows (see --list)")
    parser.add_argument("--all", action="store_true", help="every row")
    parser.add_argument("--list", action="store_true", help="list rows and exit")
    parser.add_argument("--seeds", type=int, help="override the row's seed count")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("outputs/calibration/behaviour"))
    opts = parser.parse_args(argv)
    if opts.list or not (opts.rows or opts.all):
        for name, row in ROWS.items():
            print(f"{name:32s} {row.pattern} [{row.seeds} seeds; {' '.join(row.size)}]")
        for pattern, need in NOT_SUMMARY.items():
            print(f"{'(no script)':32s} {pattern}: needs {need}")
        return
    unknown = sorted(set(opts.rows) - set(ROWS))
    if unknown:
        parser.error(f"unknown row(s) {', '.join(unknown)}; rows are: {', '.join(sorted(ROWS))}")
    executor = ExecutorConfig("serial" if opts.n_jobs == 1 else "joblib", opts.n_jobs)
    for name in sorted(ROWS) if opts.all else opts.rows:
        table = run_row(name, opts.out, opts.seeds, opts.set, executor)
        table.to_csv(opts.out / name / "table.csv", index=False)
        print(f"\n{name}: {ROWS[name].pattern}")
        with pd.option_context("display.width", 160, "display.max_columns", 12):
            print(table.to_string(index=False, float_format="{:.4g}".format))


if __name__ == "__main__":
    main()
