"""Collect a sweep's run directories into one table, and summarise it with confidence intervals.

Usage:
    python -m analysis.collect outputs/sweeps/2026-11-23_18-05-14 [--by scenario] [--out t.csv]
    python -m analysis.collect --list-metrics   # the summary keys, units and ranges

Only complete runs count (a directory is complete when it has ``summary.json``; failed jobs
leave ``error.txt`` instead and are listed). Each row holds the run's scenario, seed, every
summary metric and, from its ``config.yaml``, the values of the keys that vary across runs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from abm.metrics.catalogue import SUMMARY, markdown_table, names


def _flatten(tree: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value if not isinstance(value, list) else str(value)
    return flat


def collect(root: Path) -> pd.DataFrame:
    """One row per complete run below ``root``: scenario, seed, metrics, varying config keys."""
    rows, configs = [], []
    for path in sorted(root.rglob("summary.json")):
        summary = json.loads(path.read_text())
        rows.append({"run": str(path.parent.relative_to(root)), "scenario": summary["scenario"],
                     "seed": summary["seed"], **summary["metrics"]})
        config = OmegaConf.to_container(OmegaConf.load(path.parent / "config.yaml"))
        configs.append(_flatten(config))  # type: ignore[arg-type]
    table = pd.DataFrame(rows)
    if configs:
        settings = pd.DataFrame(configs)
        varying = [c for c in settings.columns
                   if c != "seed" and settings[c].astype(str).nunique() > 1]
        table = pd.concat([table, settings[varying]], axis=1)
    return table


def summarise_groups(table: pd.DataFrame, by: list[str], metrics: list[str]) -> pd.DataFrame:
    """Mean, standard deviation, count and normal-approximation 95% CI per group."""
    grouped = table.groupby(by)[metrics]
    mean, std, count = grouped.mean(), grouped.std(), grouped.count()
    half = 1.96 * std / np.sqrt(count)
    return pd.concat({"mean": mean, "ci_low": mean - half, "ci_high": mean + half,
                      "n": count}, axis=1)


def main(argv: list[str] | None = None) -> None:
    """Print the summary of a sweep and optionally save the full table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, nargs="?",
                        help="a sweep directory (or any parent of runs)")
    parser.add_argument("--by", nargs="+", default=["scenario"], help="grouping columns")
    parser.add_argument("--metrics", nargs="+", choices=names(SUMMARY), metavar="METRIC",
                        default=["resistance", "recovery_time", "resilience_loss"],
                        help="summary keys of the metrics catalogue (see --list-metrics)")
    parser.add_argument("--list-metrics", action="store_true",
                        help="print the catalogue of summary keys and exit")
    parser.add_argument("--out", type=Path, help="save the full table (.csv or .parquet)")
    opts = parser.parse_args(argv)
    if opts.list_metrics:
        print(markdown_table(SUMMARY))
        return
    if opts.root is None:
        parser.error("a sweep directory is required")
    table = collect(opts.root)
    failed = sorted(p.parent for p in opts.root.rglob("error.txt"))
    if table.empty:
        raise SystemExit(f"error: no complete run (summary.json) below {opts.root}")
    print(summarise_groups(table, opts.by, opts.metrics).to_string())
    for path in failed:
        print(f"failed: {path}: {(path / 'error.txt').read_text().strip()}")
    if opts.out:
        (table.to_parquet if opts.out.suffix == ".parquet" else table.to_csv)(opts.out)


if __name__ == "__main__":
    main()
