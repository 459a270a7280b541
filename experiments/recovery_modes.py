"""Endogenous vs exogenous recovery (issue 9): the collapse threshold and digital maturity.

``threshold``: a magnitude x duration grid of the regional disaster with endogenous recovery;
per cell the share of seeds that recover (the pattern rule of
``experiments.calibration.recovery``: back at >= 95% of the twin within two years of the
shock's end, for good), end performance, firm-level recovery and exits. This looks for the
failure ARIO's reconstruction mode shows (recovery below ~0.2% damage, collapse from ~1%).

``digital``: the effect of +1 s.d. of everyone's starting digital maturity
(``behaviour.digital.initial_shift_sd=1``) on firm-level recovery, per seed against the same
seed at 0 (common random numbers), in both recovery modes.

``extensions``: the paired directions (B - A per seed) of three issue-9 extensions, on the
set-ups of ``tests/test_issue9_extensions.py`` (100 firms): members' sea lead time
(``platforms.member_sea_lead_factor`` 1 -> 0.6, logistics chokepoint: ``risk_resistance``),
green consumers in ESG decisions (``platforms.green_esg_weight`` 0 -> 1, green share 0.3:
assemblers' mean true ESG) and chain-leader support for rebuilding
(``programmes.chain_leaders.rebuild_share`` 0 -> 0.6, endogenous recovery:
``firm_recovery_mean``). Runs single-process::

    python -m experiments.recovery_modes threshold --seeds 5 --set network.n_firms=300
    python -m experiments.recovery_modes digital --seeds 20
    python -m experiments.recovery_modes extensions --seeds 8
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from abm.api import compose_config
from abm.core.state import ASSEMBLY_TIER
from abm.metrics.resilience import summarise
from abm.model import EcosystemModel
from experiments.calibration.recovery import recovered, shock_end

DISASTER = "scenario.shocks.regional_disaster"


def threshold(magnitudes: Sequence[float], durations: Sequence[int], seeds: Sequence[int],
              extra: Sequence[str], onset: int = 40) -> pd.DataFrame:
    """One row per (magnitude, duration, seed) with endogenous recovery."""
    horizon = onset + max(durations) + 8 + 104 + 8
    base = compose_config(["scenario=regional_disaster", "scenario.recovery_mode=endogenous",
                           f"{DISASTER}.onset={onset}", f"ticks={horizon}", *extra])
    rows = []
    for seed in seeds:
        twin = EcosystemModel(config=replace(base, seed=seed), shocks=False)
        twin.run()
        ref = twin.timeseries()["performance"].to_numpy()
        for magnitude in magnitudes:
            for duration in durations:
                config = compose_config([
                    "scenario=regional_disaster", "scenario.recovery_mode=endogenous",
                    f"{DISASTER}.onset={onset}", f"ticks={horizon}", *extra,
                    f"{DISASTER}.magnitude={magnitude}", f"{DISASTER}.duration={duration}"])
                model = EcosystemModel(config=replace(config, seed=seed))
                model.run()
                ts, out = model.timeseries(), model.firm_outcomes()
                perf = ts["performance"].to_numpy()
                damage = model.schedule.reconstruction.damage  # type: ignore[union-attr]
                rows.append({
                    "magnitude": magnitude, "duration": duration, "seed": seed,
                    "recovered": recovered(perf, ref, shock_end(config), 0.95),
                    "end_perf": float(perf[-26:].mean() / ref[-26:].mean()),
                    "firm_recovery_mean": out["firm_recovery_mean"],
                    "firm_recovery_censored": out["firm_recovery_censored"],
                    "exits": float(ts["exits"].sum()), "firms_hit": out["firms_hit"],
                    "damage_left": float(damage.sum() / max(1.0, out["firms_hit"])),
                })
    return pd.DataFrame(rows)


def digital(seeds: Sequence[int], extra: Sequence[str]) -> pd.DataFrame:
    """One row per (mode, seed): firm-level recovery at shift 0 and +1 s.d."""
    rows = []
    for mode in ("exogenous", "endogenous"):
        configs = {shift: compose_config([
            "scenario=regional_disaster", f"scenario.recovery_mode={mode}",
            f"behaviour.digital.initial_shift_sd={shift}", *extra]) for shift in (0, 1)}
        for seed in seeds:
            row: dict[str, float | str] = {"mode": mode, "seed": seed}
            for shift, config in configs.items():
                model = EcosystemModel(config=replace(config, seed=seed))
                model.run()
                out = model.firm_outcomes()
                row[f"mean_{shift}"] = out["firm_recovery_mean"]
                row[f"median_{shift}"] = out["firm_recovery_median"]
                row[f"censored_{shift}"] = out["firm_recovery_censored"]
            row["change"] = float(row["mean_1"]) / float(row["mean_0"]) - 1.0
            rows.append(row)
    return pd.DataFrame(rows)


SMALL = ("network.n_firms=100", "twin=false")
EXTENSIONS = {  # name -> (set-up, parameter, A, B, key)
    "member_sea_lead": (
        [*SMALL, "ticks=45", "platforms.acting=true", "platforms.membership_rate=0.3",
         "platforms.review_ticks=0", "scenario=logistics_chokepoint",
         "scenario.shocks.logistics_chokepoint.onset=15"],
        "platforms.member_sea_lead_factor", 1.0, 0.6, "risk_resistance"),
    "green_esg": (
        [*SMALL, "ticks=70", "platforms.acting=true", "scenario=none",
         "platforms.green_demand_share=0.3"],
        "platforms.green_esg_weight", 0.0, 1.0, "assembler_true_esg"),
    "leader_rebuild": (
        [*SMALL, "ticks=50", "scenario=regional_disaster", "scenario.recovery_mode=endogenous",
         "scenario.shocks.regional_disaster.onset=20", "programmes.chain_leaders.enabled=true",
         "programmes.chain_leaders.pace=20"],
        "programmes.chain_leaders.rebuild_share", 0.0, 0.6, "firm_recovery_mean"),
}


def extensions(seeds: Sequence[int], extra: Sequence[str]) -> pd.DataFrame:
    """One row per (extension, seed): the key under A and B and the difference."""
    rows = []
    for name, (setup, key_path, a, b, key) in EXTENSIONS.items():
        configs = {v: compose_config([*setup, *extra, f"{key_path}={v}"]) for v in (a, b)}
        for seed in seeds:
            row: dict[str, float | str] = {"extension": name, "seed": seed, "key": key}
            for label, config in zip(("a", "b"), configs.values(), strict=True):
                model = EcosystemModel(config=replace(config, seed=seed))
                model.run()
                firms = model.firms
                if key == "assembler_true_esg":
                    assemblers = firms.alive & (firms.tier == ASSEMBLY_TIER)
                    row[label] = float(model.behaviour.esg.state.level[assemblers].mean())
                else:
                    row[label] = summarise(model.timeseries(), None, model.shock_window,
                                           config.metrics, model.firm_outcomes())[key]
            row["diff"] = float(row["b"]) - float(row["a"])
            rows.append(row)
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("threshold", "digital", "extensions"))
    parser.add_argument("--seeds", type=int, default=5, help="seeds 1..N")
    parser.add_argument("--magnitudes", type=float, nargs="+",
                        default=[0.05, 0.2, 0.4, 0.6, 0.8, 1.0])
    parser.add_argument("--durations", type=int, nargs="+", default=[2, 6, 13, 26])
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--out", help="CSV for the per-run rows")
    args = parser.parse_args(argv)
    seeds = range(1, args.seeds + 1)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        if args.what == "threshold":
            runs = threshold(args.magnitudes, args.durations, seeds, args.set)
            table = runs.groupby(["magnitude", "duration"]).agg(
                recovered=("recovered", "sum"), runs=("seed", "size"),
                end_perf_median=("end_perf", "median"), end_perf_min=("end_perf", "min"),
                firm_recovery_median=("firm_recovery_mean", "median"),
                censored_median=("firm_recovery_censored", "median"),
                exits_median=("exits", "median"), exits_max=("exits", "max"),
                damage_left_median=("damage_left", "median"))
        elif args.what == "extensions":
            runs = extensions(range(args.seeds), args.set)  # seeds 0..N-1, as the tests
            table = runs.groupby("extension", sort=False).agg(
                key=("key", "first"), a_mean=("a", "mean"), b_mean=("b", "mean"),
                diff_mean=("diff", "mean"), diff_sd=("diff", "std"),
                diff_min=("diff", "min"), diff_max=("diff", "max"), runs=("seed", "size"))
        else:
            runs = digital(seeds, args.set)
            table = runs.groupby("mode").agg(
                change_median=("change", "median"),
                change_q25=("change", lambda s: s.quantile(.25)),
                change_q75=("change", lambda s: s.quantile(.75)),
                faster_seeds=("change", lambda s: int((s < 0).sum())), runs=("seed", "size"),
                mean_0_median=("mean_0", "median"), mean_1_median=("mean_1", "median"))
        print(table.round(3).to_string())
    if args.out:
        runs.round(4).to_csv(args.out, index=False)
    return int(np.isnan(runs.select_dtypes("number").to_numpy()).any())


if __name__ == "__main__":
    raise SystemExit(main())
