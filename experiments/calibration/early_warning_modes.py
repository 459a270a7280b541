"""Early warning under each platform and recovery mode (issue 9's default choice, issue 10).

Per seed, the regional disaster moved to week 52 of a two-year run, the resilience loss the
``early_warning`` instrument avoids against its paired baseline on the same seed
(``resilience_loss_avoided``; positive: the instrument helps), with passive or acting
platforms and exogenous or endogenous recovery. Seeds 0..N-1, the size and budget of the
instrument tests (``tests/test_instruments_resilience.py``)::

    python -m experiments.calibration.early_warning_modes --seeds 8 --response stock
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pandas as pd

from abm.api import simulate

BASE = ("network.n_firms=300", "ticks=104", "scenario=regional_disaster",
        "scenario.shocks.regional_disaster.onset=52", "policy.budget_per_year=100000",
        "policy=early_warning", "output.progress=false")
MODES = {
    "passive, exogenous": ("platforms.acting=false", "scenario.recovery_mode=exogenous"),
    "acting, exogenous": ("platforms.acting=true", "scenario.recovery_mode=exogenous"),
    "passive, endogenous": ("platforms.acting=false", "scenario.recovery_mode=endogenous"),
    "acting, endogenous": ("platforms.acting=true", "scenario.recovery_mode=endogenous"),
}


def avoided(seeds: Sequence[int], response: str, extra: Sequence[str]) -> pd.DataFrame:
    """One row per mode and seed: the loss the instrument avoided."""
    rows = []
    for mode, overrides in MODES.items():
        for seed in seeds:
            summary = simulate([*BASE, *overrides, f"seed={seed}",
                                f"policy.instruments.early_warning.response={response}",
                                *extra]).summary
            rows.append({"mode": mode, "seed": seed,
                         "avoided": summary["resilience_loss_avoided"]})
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point: prints per mode the mean, median and seeds helped."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=8, help="seeds 0..N-1")
    parser.add_argument("--response", choices=("both", "resource", "stock"), default="stock")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be >= 1")
    runs = avoided(range(args.seeds), args.response, args.set)
    table = runs.groupby("mode", sort=False)["avoided"].agg(
        mean="mean", median="median", helped=lambda v: f"{int((v > 0).sum())}/{len(v)}")
    print(table.round(4).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
