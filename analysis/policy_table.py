"""The policy table of a sweep: per policy, level and paired effect of the key outcomes.

Usage:
    python -m analysis.policy_table SWEEP_DIR [--where scenario=regional_disaster] [--out table.md]

For each policy level of a ``policy_comparison``-style sweep (factor ``policy``, reference
``baseline``) and each metric it prints the policy's mean and the paired effect against the
baseline on the same seeds with its bootstrap 95% interval (:mod:`analysis.effects`), plus
the cost-effectiveness of each policy: resilience loss avoided per million spent,
``(loss(baseline) - loss(policy)) / spent * 1e6`` per seed pair, averaged over the pairs
that spent something (the same definition as the run summary's ``cost_effectiveness``, ODD
§7.12, computed from the sweep's own baseline runs instead of a per-run shocked baseline).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.effects import bootstrap_mean_ci, paired_differences
from analysis.report import load_sweep

METRICS = ("resilience_loss", "recovery_time", "firm_recovery_mean", "firm_recovery_censored",
           "structural_upgrading", "digital_adoption_rate", "subsidy_spent")
FACTOR, REFERENCE = "policy", "baseline"


def _cell(values: np.ndarray, digits: int) -> str:
    """``mean [low, high]`` of finite values, or ``–`` when there are none."""
    values = values[np.isfinite(values)]
    if not len(values):
        return "–"
    low, high = bootstrap_mean_ci(values)
    return f"{values.mean():.{digits}g} [{low:.{digits}g}, {high:.{digits}g}]"


def policy_table(table: pd.DataFrame, params: list[str], digits: int = 3) -> pd.DataFrame:
    """One row per policy: level (mean [95% CI]) and paired effect of each metric.

    Args:
        table: ok runs of the sweep (one row per run, swept parameters, ``seed``, metrics).
        params: the swept parameter columns.
        digits: significant digits in the cells.
    """
    rows: dict[str, dict[str, str]] = {}
    for policy, runs in table.groupby(FACTOR, sort=False):
        row = rows.setdefault(str(policy), {"seeds": str(runs["seed"].nunique())})
        for metric in METRICS:
            if metric in runs:
                row[metric] = _cell(runs[metric].to_numpy(dtype=float), digits)
    for metric in METRICS:
        if metric not in table:
            continue
        pairs = paired_differences(table, FACTOR, REFERENCE, metric, params)
        for policy, group in pairs.groupby(FACTOR, sort=False):
            rows[str(policy)][f"Δ {metric}"] = _cell(group["diff"].to_numpy(dtype=float),
                                                    digits)
    loss = paired_differences(table, FACTOR, REFERENCE, "resilience_loss", params)
    spent = paired_differences(table, FACTOR, REFERENCE, "subsidy_spent", params)
    keys = [p for p in params if p != FACTOR] + ["seed", FACTOR]
    both = loss.merge(spent[[*keys, "subsidy_spent"]], on=keys)
    both = both[both["subsidy_spent"] > 0]
    for policy, group in both.groupby(FACTOR, sort=False):
        avoided = -group["diff"].to_numpy(dtype=float)
        per_million = avoided / group["subsidy_spent"].to_numpy(dtype=float) * 1e6
        rows[str(policy)]["cost_effectiveness"] = _cell(per_million, digits)
    order = [REFERENCE, *sorted(p for p in rows if p != REFERENCE)]
    return pd.DataFrame.from_dict(rows, orient="index").reindex(order).fillna("–")


def select(table: pd.DataFrame, where: list[str]) -> pd.DataFrame:
    """The runs whose columns equal every ``KEY=VALUE`` of ``where`` (compared as text).

    Raises:
        SystemExit: a key that is not a column, or a value no run has (the message lists
            the allowed ones).
    """
    for condition in where:
        key, sep, value = condition.partition("=")
        if not sep or key not in table.columns:
            raise SystemExit(f"error: --where takes KEY=VALUE with KEY one of the sweep's "
                             f"columns, got {condition!r}")
        values = table[key].astype(str)
        if not (values == value).any():
            raise SystemExit(f"error: no run has {key}={value!r}; values present: "
                             f"{sorted(values.unique())}")
        table = table[values == value]
    return table


def to_markdown(frame: pd.DataFrame) -> str:
    """A Markdown table with the index as the first column."""
    lines = ["| policy | " + " | ".join(frame.columns) + " |",
             "|---" * (len(frame.columns) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(map(str, row)) + " |"
              for name, row in zip(frame.index, frame.to_numpy(), strict=True)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Print (and optionally write) the policy table of a sweep as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep", type=Path, help="sweep directory (ecosim sweep ... out=DIR)")
    parser.add_argument("--where", action="append", default=[], metavar="KEY=VALUE",
                        help="keep only the runs with this value (repeatable), e.g. "
                        "scenario=regional_disaster")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    opts = parser.parse_args(argv)
    store, table, failed = load_sweep(opts.sweep)
    table = select(table, opts.where)
    design = pd.read_parquet(store.root / "design.parquet")
    params = [c for c in design.columns if c not in ("run_id", "point", "seed", "overrides")
              and c in table.columns]
    if FACTOR not in params:
        raise SystemExit(f"error: {opts.sweep} has no swept `{FACTOR}` column")
    text = to_markdown(policy_table(table, params))
    if len(failed):
        text += f"\n\n{len(failed)} failed runs are not in the table."
    print(text)
    if opts.out:
        opts.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
