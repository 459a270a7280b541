"""The calibration tables quoted in ``docs/ODD.md`` §7.10, formatted from the result CSVs.

The campaigns write CSVs (``recovery.py``, ``threshold.py``); this prints them in the shape the
ODD quotes, so a re-run's tables can be pasted (or compared) as they are::

    cd experiments/calibration/results
    python -m experiments.calibration.tables recovery recovery_after.csv
    python -m experiments.calibration.tables threshold threshold
    python -m experiments.calibration.tables variants default=recovery_after_runs.csv \
        canvassing=embargo_canvass4_runs.csv

Columns of the recovery table: end performance median, IQR, min-max; runs recovered; exits
median (max); twin exits median; firms hit median; induced exits / hit, median (max).
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

RECOVERY_HEADER = ("| scenario | median | IQR | min–max | recovered | exits | twin | hit | "
                   "induced/hit |\n|---|---|---|---|---|---|---|---|---|")
# threshold.py's grid: file tag -> (table, row label, column label)
RD_DURATIONS, PD_DURATIONS = (13, 26, 52, 104), (26, 52, 104)
RD_MAGNITUDES, PD_SHARES = (0.8, 1.0), (0.3, 0.5, 0.8)


def _count(value: float) -> str:
    """A median count as the ODD prints it: halves round up (500.5 -> 501)."""
    return str(math.floor(float(value) + 0.5))


def recovery_row(row: pd.Series) -> str:
    """One scenario row of the §7.10 recovery table."""
    return (f"| {row['scenario']} | {row['perf_median']:.3f} | {row['perf_q25']:.3f}–"
            f"{row['perf_q75']:.3f} | {row['perf_min']:.3f}–{row['perf_max']:.3f} | "
            f"{int(row['recovered'])}/{int(row['runs'])} | {_count(row['exits_median'])} "
            f"({_count(row['exits_max'])}) | {_count(row['twin_exits_median'])} | "
            f"{_count(row['hit_median'])} | {row['induced_share_median']:.3f} "
            f"({row['induced_share_max']:.3f}) |")


def recovery_table(summary: pd.DataFrame) -> str:
    """The §7.10 recovery table (Before/After) from a ``recovery.py --out`` CSV."""
    return "\n".join([RECOVERY_HEADER, *(recovery_row(r) for _, r in summary.iterrows())])


def threshold_tag(kind: str, level: float, duration: int) -> str:
    """File stem of one cell of the extreme-shock grid (``rd_m0.8_d26``, ``pd_s0.3_d52``)."""
    return f"{'rd_m' if kind == 'rd' else 'pd_s'}{level}_d{duration}"


def threshold_cell(summary: pd.DataFrame) -> str:
    """``recovered/runs, median (min), exits median`` of one grid cell."""
    row = summary.iloc[0]
    return (f"{int(row['recovered'])}/{int(row['runs'])}, {row['perf_median']:.3f} "
            f"({row['perf_min']:.3f}), {_count(row['exits_median'])}")


def threshold_tables(folder: Path) -> str:
    """The two extreme-shock tables of §7.10 from ``threshold.py``'s CSVs in ``folder``."""
    def cell(kind: str, level: float, duration: int) -> str:
        path = folder / f"{threshold_tag(kind, level, duration)}.csv"
        return threshold_cell(pd.read_csv(path)) if path.exists() else "(not run)"

    lines = ["| regional disaster (region 0, ~500 firms) | "
             + " | ".join(f"{d} weeks" for d in RD_DURATIONS) + " |",
             "|---" * (len(RD_DURATIONS) + 1) + "|"]
    lines += [f"| magnitude {m} | " + " | ".join(cell("rd", m, d) for d in RD_DURATIONS) + " |"
              for m in RD_MAGNITUDES]
    lines += ["", "| pandemic (outage share; all firms) | "
              + " | ".join(f"{d} weeks" for d in PD_DURATIONS) + " |",
              "|---" * (len(PD_DURATIONS) + 1) + "|"]
    lines += [f"| {s} | " + " | ".join(cell("pd", s, d) for d in PD_DURATIONS) + " |"
              for s in PD_SHARES]
    return "\n".join(lines)


def variants_table(runs: dict[str, pd.DataFrame], scenario: str = "key_input_embargo") -> str:
    """The §7.10 "Tried" table: per variant, from its per-run CSV (``--runs-out``)."""
    lines = ["| variant | recovered | end perf. | exits | induced/hit |", "|---|---|---|---|---|"]
    for label, frame in runs.items():
        part = frame[frame["scenario"] == scenario]
        rec = part["recovered"].astype(str).str.lower().eq("true").sum()
        lines.append(f"| {label} | {rec}/{len(part)} | {part['end_perf'].median():.3f} | "
                     f"{_count(part['exits'].median())} ({_count(part['exits'].max())}) | "
                     f"{part['induced_share'].median():.3f} "
                     f"({part['induced_share'].max():.3f}) |")
    return "\n".join(lines)


def odd_rows(text: str, first_cell: str) -> list[str]:
    """Table rows of a Markdown text whose first cell matches ``first_cell`` (a regex)."""
    return [line.strip() for line in text.splitlines()
            if re.match(rf"\|\s*{first_cell}\s*\|", line.strip())]


def main(argv: Sequence[str] | None = None) -> None:
    """Print one of the §7.10 tables from result CSVs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="table", required=True)
    sub.add_parser("recovery").add_argument("csv", type=Path)
    sub.add_parser("threshold").add_argument("folder", type=Path)
    sub.add_parser("variants").add_argument("runs", nargs="+", metavar="LABEL=RUNS_CSV")
    opts = parser.parse_args(argv)
    if opts.table == "recovery":
        print(recovery_table(pd.read_csv(opts.csv)))
    elif opts.table == "threshold":
        print(threshold_tables(opts.folder))
    else:
        pairs = [item.split("=", 1) for item in opts.runs]
        if any(len(p) != 2 for p in pairs):
            parser.error("variants take LABEL=RUNS_CSV arguments")
        print(variants_table({label: pd.read_csv(path) for label, path in pairs}))


if __name__ == "__main__":
    main()
