"""Recovery after temporary shocks: the pattern-oriented calibration table (issue 8 §1).

For every scenario and seed this runs the shocked model and its unshocked twin (the twin is
shared by all scenarios of a seed: it ignores the scenario and draws the same numbers), and
reports per scenario the distribution over seeds of

* ``end_perf``: mean performance over the last ``--late`` ticks relative to the twin's;
* ``recovered``: the run returns to >= ``--level`` of the twin's performance within two years
  (104 ticks) of the shock's end (end of the latest shock's recovery profile) and stays there:
  the 13-tick rolling mean of ``P / R`` is >= level from some tick <= end + 104 to the horizon;
* ``exits`` of the shocked run and of the twin, and ``induced_share``: (shocked exits - twin
  exits) / firms hit, where "hit" means directly touched by a shock (availability below 1,
  an end of an embargoed or delayed link, or an assembler whose export market shrank).

The pattern targets (Grimm et al. 2005) are >= 80% of runs recovered and a small induced-exit
share. Runs single-process. Example::

    python -m experiments.calibration.recovery --seeds 20 --out docs/tables/recovery_after.csv
    python -m experiments.calibration.recovery --seeds 8 --scenarios pandemic \
        --set network.n_firms=400 --set behaviour.enabled=false
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from abm.api import compose_config
from abm.config.schema import SimulationConfig
from abm.core.state import ROUTE_SEA
from abm.model import EcosystemModel
from abm.network.spec import ASSEMBLY_TIER

DEFAULT_SCENARIOS = ("regional_disaster", "pandemic", "key_input_embargo",
                     "logistics_chokepoint", "export_demand_drop", "compound")
TWO_YEARS = 104
ROLLING = 13


def shock_end(config: SimulationConfig) -> int:
    """Tick at which the latest shock has fully faded (duration plus recovery profile)."""
    return max(s.onset + s.duration + (0 if s.recovery.profile == "step" else s.recovery.ticks)
               for s in config.scenario.shocks.values())


def run_shocked(config: SimulationConfig) -> tuple[pd.DataFrame, np.ndarray, dict[str, float]]:
    """Run the shocked model tick by tick, recording which firms the shocks touch directly.

    Returns the time series, the mask of firms hit and the firm-level outcomes (firm-level
    recovery among them).
    """
    model = EcosystemModel(config=config)
    firms, links = model.firms, model.links
    hit = np.zeros(firms.n, dtype=bool)
    for _ in range(config.ticks):
        model.step()
        hit |= firms.availability < 1.0
        n = links.n
        touched = links.flow_availability[:n] < 1.0
        if model.effects.extra_sea_lead > 0:
            touched |= links.route[:n] == ROUTE_SEA
        hit[links.buyer[:n][touched]] = True
        hit[links.supplier[:n][touched]] = True
        if model.effects.export_demand < 1.0 or model.effects.extra_sea_lead > 0:
            hit |= firms.tier == ASSEMBLY_TIER
    return model.timeseries(), hit, model.firm_outcomes()


def recovered(perf: np.ndarray, ref: np.ndarray, end: int, level: float) -> bool:
    """True if the rolling ratio is >= level from some tick <= end + 104 to the horizon.

    A run still below the level at its last tick has not recovered, even when the run ends
    before the two-year window does (a horizon too short for the shock must not read as
    recovery).
    """
    ratio = pd.Series(np.divide(perf, ref, out=np.ones_like(perf), where=ref > 0))
    rolling = ratio.rolling(ROLLING).mean().to_numpy()
    below = np.flatnonzero(rolling < level)
    last_below = int(below[-1]) if len(below) else -1
    return last_below + 1 <= end + TWO_YEARS and last_below + 1 < len(rolling)


def campaign(scenarios: Sequence[str], seeds: Sequence[int], extra: Sequence[str],
             level: float, late: int) -> pd.DataFrame:
    """One row per (scenario, seed)."""
    rows = []
    # Composing is slow (Hydra): once per scenario, then only the seed changes.
    configs = {name: compose_config([f"scenario={name}", *extra]) for name in scenarios}
    for seed in seeds:
        # The twin ignores the scenario, so one twin per seed serves every scenario.
        twin = EcosystemModel(config=replace(configs[scenarios[0]], seed=seed), shocks=False)
        twin.run()
        ts_twin = twin.timeseries()
        for scenario in scenarios:
            config = replace(configs[scenario], seed=seed)
            ts, hit, outcomes = run_shocked(config)
            perf, ref = ts["performance"].to_numpy(), ts_twin["performance"].to_numpy()
            end = shock_end(config)
            if end + TWO_YEARS > config.ticks:
                print(f"warning: {scenario}: horizon {config.ticks} < shock end {end} + 104; "
                      "use --set ticks=...", file=sys.stderr)
            exits, twin_exits = float(ts["exits"].sum()), float(ts_twin["exits"].sum())
            rows.append({
                "scenario": scenario, "seed": seed,
                "end_perf": float(perf[-late:].mean() / ref[-late:].mean()),
                "recovered": recovered(perf, ref, end, level),
                "exits": exits, "twin_exits": twin_exits, "firms_hit": int(hit.sum()),
                "induced_share": (exits - twin_exits) / max(1, int(hit.sum())),
                "alive_end": float(ts["firms_alive"].iloc[-1]),
                "twin_perf_end": float(ref[-late:].mean()),
                "firm_recovery_mean": outcomes["firm_recovery_mean"],
                "firm_recovery_censored": outcomes["firm_recovery_censored"],
            })
    return pd.DataFrame(rows)


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: distribution of end performance, recovery count, exits."""
    def q(p: float) -> Callable[[pd.Series], float]:
        return lambda s: float(s.quantile(p))
    grouped = runs.groupby("scenario", sort=False)
    table = grouped.agg(
        runs=("seed", "size"),
        perf_median=("end_perf", "median"), perf_q25=("end_perf", q(0.25)),
        perf_q75=("end_perf", q(0.75)), perf_min=("end_perf", "min"),
        perf_max=("end_perf", "max"),
        recovered=("recovered", "sum"),
        exits_median=("exits", "median"), exits_max=("exits", "max"),
        twin_exits_median=("twin_exits", "median"),
        hit_median=("firms_hit", "median"),
        induced_share_median=("induced_share", "median"),
        induced_share_max=("induced_share", "max"),
        twin_perf_end_min=("twin_perf_end", "min"),
        firm_recovery_median=("firm_recovery_mean", "median"),
        firm_recovery_max=("firm_recovery_mean", "max"),
        censored_median=("firm_recovery_censored", "median"),
    )
    table["not_recovered"] = table["runs"] - table["recovered"]
    return table.reset_index()


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a result table to ``path`` (its folder created), rounded to 4 decimals."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.round(4).to_csv(path, index=False)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="seeds 1..N")
    parser.add_argument("--scenarios", nargs="+", default=list(DEFAULT_SCENARIOS))
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="extra config override (repeatable)")
    parser.add_argument("--level", type=float, default=0.95)
    parser.add_argument("--late", type=int, default=26, help="ticks of the end window")
    parser.add_argument("--out", type=Path, help="CSV for the summary table")
    parser.add_argument("--runs-out", type=Path, help="CSV for the per-run rows")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be >= 1")
    runs = campaign(args.scenarios, range(1, args.seeds + 1), args.set, args.level, args.late)
    table = summarise(runs)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(table.round(3).to_string(index=False))
    if args.out:
        write_csv(table, args.out)
    if args.runs_out:
        write_csv(runs, args.runs_out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
