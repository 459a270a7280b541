"""Acting platforms' calibration checks (issue 9): supplier margins by mode, re-sourcing by
membership after a regional disaster, overseas warehouses in a logistics chokepoint.

``margins``: per seed, the supplier margin on platform sales (``platform_margin_mean``) at the
defaults with ``platforms.acting=true`` in ``marketplace`` and in ``full_managed`` mode (seed
002: full-managed squeezes it below 15%; marketplace should stay clearly higher).

``resourcing``: after the default regional disaster, mean search time (ticks from a
supplier's failure to a new supplier found by search, ``resourcing_ticks_members`` /
``_nonmembers``) and return time (to the supplier that failed, relationship memory,
``return_ticks_*``) of buyers on a platform and on none, in the same runs at the default
membership, with the numbers of links searched and returned; and across configurations: every
SME on one platform against no platform members (membership fixed; ``digital_agility``, the
mean search time of all buyers). A default 6-week disaster is bridged by stocks in small
economies (no link re-sourced); the issue's 20-week total outage is::

    python -m experiments.calibration.recovery_platforms resourcing --seeds 12 \
        --set scenario.shocks.regional_disaster.magnitude=1.0 \
        --set scenario.shocks.regional_disaster.duration=20
``warehouses``: the default logistics chokepoint with ``platforms.warehouse_weeks`` 0 and 4
(same seeds): the economy's ``resilience_loss``, members' ``export_loss_members`` and members'
on-time export share over the ticks whose export deliveries the chokepoint can delay (from its
first tick to its last + the export route's lead + the delay), with per-seed paired changes.

Single-process; seeds 1..N; no twin (nothing here needs one)::

    python -m experiments.calibration.recovery_platforms margins --seeds 12
    python -m experiments.calibration.recovery_platforms resourcing --seeds 12
    python -m experiments.calibration.recovery_platforms warehouses --seeds 20
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from abm.api import compose_config
from abm.metrics.resilience import summarise
from abm.model import EcosystemModel

BASE = ("platforms.acting=true", "twin=false", "output.plot=false", "output.progress=false")
EVERYONE = ("platforms.n_platforms=1", "platforms.membership_rate=1.0",
            "platforms.review_ticks=0")
NOBODY = ("platforms.membership_rate=0.0", "platforms.review_ticks=0")


def _outcomes(overrides: Sequence[str], seeds: Sequence[int]) -> list[dict[str, float]]:
    """Firm-level outcomes of one configuration per seed (composed once)."""
    config = compose_config(list(overrides))
    out = []
    for seed in seeds:
        model = EcosystemModel(config=replace(config, seed=seed))
        model.run()
        out.append(model.firm_outcomes())
    return out


def margins(seeds: Sequence[int], extra: Sequence[str]) -> pd.DataFrame:
    """One row per (mode, seed): the supplier margin on platform sales."""
    rows = []
    for mode in ("marketplace", "full_managed"):
        for seed, out in zip(seeds, _outcomes([*BASE, f"platforms.mode={mode}", *extra], seeds),
                             strict=True):
            rows.append({"what": mode, "seed": seed, "value": out["platform_margin_mean"]})
    return pd.DataFrame(rows)


def resourcing(seeds: Sequence[int], extra: Sequence[str]) -> pd.DataFrame:
    """One row per (comparison, seed): mean re-sourcing ticks."""
    disaster = [*BASE, "scenario=regional_disaster", *extra]
    rows = []
    for seed, out in zip(seeds, _outcomes(disaster, seeds), strict=True):
        for label, key in (("default: search, member buyers", "resourcing_ticks_members"),
                           ("default: search, non-member buyers",
                            "resourcing_ticks_nonmembers"),
                           ("default: return, member buyers", "return_ticks_members"),
                           ("default: return, non-member buyers", "return_ticks_nonmembers"),
                           ("default: links searched", "resourcing_searches_total"),
                           ("default: links returned", "resourcing_returns_total")):
            rows.append({"what": label, "seed": seed, "value": out[key]})
    for label, overrides in (("every SME on one platform", EVERYONE),
                             ("no platform members", NOBODY)):
        for seed, out in zip(seeds, _outcomes([*disaster, *overrides], seeds), strict=True):
            rows.append({"what": label, "seed": seed, "value": out["digital_agility"]})
    return pd.DataFrame(rows)


def warehouses(seeds: Sequence[int], extra: Sequence[str]) -> pd.DataFrame:
    """One row per (warehouse weeks, metric, seed) in the default logistics chokepoint."""
    rows = []
    for weeks in (0, 4):
        config = compose_config([*BASE, "scenario=logistics_chokepoint",
                                 f"platforms.warehouse_weeks={weeks}", *extra])
        for seed in seeds:
            model = EcosystemModel(config=replace(config, seed=seed))
            model.run()
            run = model.timeseries()
            summary = summarise(run, None, model.shock_window, config.metrics,
                                model.firm_outcomes())
            choked = run.index[run["extra_sea_lead"] > 0]
            last = choked[-1] + config.market.lead_time_sea + int(run["extra_sea_lead"].max())
            window = run.loc[choked[0]:last, "export_performance_members"]
            for metric, value in (("resilience_loss", summary["resilience_loss"]),
                                  ("export_loss_members", summary["export_loss_members"]),
                                  ("members_on_time_export", float(window.mean())),
                                  ("surcharge_members", summary[
                                      "chokepoint_surcharge_members_total"])):
                rows.append({"what": f"{metric} w={weeks}", "seed": seed, "value": value,
                             "metric": metric, "weeks": weeks})
    return pd.DataFrame(rows)


def _paired(runs: pd.DataFrame) -> None:
    """Print, per metric, the median change 0 -> 4 weeks and the seeds it lowers."""
    for metric, part in runs.groupby("metric", sort=False):
        wide = part.pivot(index="seed", columns="weeks", values="value")
        change = wide[4] - wide[0]
        print(f"{metric}: change 0 -> 4 weeks median {change.median():.4f} "
              f"[IQR {change.quantile(0.25):.4f}, {change.quantile(0.75):.4f}], lower in "
              f"{int((change < 0).sum())}/{len(change)} seeds, higher in "
              f"{int((change > 0).sum())}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("margins", "resourcing", "warehouses"))
    parser.add_argument("--seeds", type=int, default=12, help="seeds 1..N")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--out", help="CSV for the per-run rows")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be >= 1")
    seeds = range(1, args.seeds + 1)
    runs = {"margins": margins, "resourcing": resourcing,
            "warehouses": warehouses}[args.what](seeds, args.set)
    table = runs.groupby("what", sort=False)["value"].describe(
        percentiles=[0.25, 0.5, 0.75])[["count", "min", "25%", "50%", "75%", "max"]]
    with pd.option_context("display.width", 200):
        print(table.round(4).to_string())
    if args.what == "margins":
        wide = runs.pivot(index="seed", columns="what", values="value")
        print(f"full_managed < 0.15 in {int((wide['full_managed'] < 0.15).sum())}/"
              f"{len(wide)} seeds; marketplace > full_managed in "
              f"{int((wide['marketplace'] > wide['full_managed']).sum())}/{len(wide)}")
    if args.what == "warehouses":
        _paired(runs)
    if args.out:
        runs.round(4).to_csv(args.out, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
