"""Paired direction measurements of the acting platforms' features (issue 9), as reported in
ODD §7.13: per seed, a summary key under condition B minus under condition A (same seeds, so
common random numbers), then the mean, s.d., min and max of the differences.

    PYTHONPATH=. python scripts/platform_directions.py [FEATURE ...] [--seeds N]

FEATURE is one of: pool, routing, warehouses, routes, finance, green (default: all).
"""

from __future__ import annotations

import argparse

import numpy as np

from abm import simulate

ACTING = ["network.n_firms=400", "ticks=104", "output.plot=false", "output.progress=false",
          "platforms.acting=true"]
OUTAGE = ["scenario=regional_disaster", "scenario.shocks.regional_disaster.onset=30",
          "scenario.shocks.regional_disaster.magnitude=1.0"]
FEATURES: dict[str, tuple[str, list[str], list[str], list[str]]] = {
    # name: (summary key, base overrides, condition A, condition B)
    "pool": ("digital_agility",
             [*OUTAGE, "scenario.shocks.regional_disaster.duration=20",
              "platforms.n_platforms=1", "platforms.review_ticks=0",
              "platforms.membership_rate=0"],
             ["platforms.digital_reach=0"], ["platforms.digital_reach=0.6"]),
    "routing": ("platform_member_wins_total",
                [*OUTAGE, "scenario.shocks.regional_disaster.duration=20",
                 "platforms.review_ticks=0", "platforms.membership_rate=0.3"],
                ["platforms.order_routing=false"], ["platforms.order_routing=true"]),
    "warehouses": ("chokepoint_surcharge_members_total",
                   ["scenario=logistics_chokepoint",
                    "scenario.shocks.logistics_chokepoint.onset=30"],
                   ["platforms.warehouse_weeks=0"], ["platforms.warehouse_weeks=4"]),
    "routes": ("emissions_total", ["scenario=none"], ["platforms.route_optimisation=0"],
               ["platforms.route_optimisation=0.15"]),
    "finance": ("platform_member_exits_total",
                [*OUTAGE, "scenario.shocks.regional_disaster.duration=26",
                 "platforms.membership_rate=0.5", "platforms.review_ticks=0"],
                ["platforms.finance_weeks=0"], ["platforms.finance_weeks=8"]),
    "green": ("green_verified_demand_share", ["scenario=none"],
              ["platforms.green_demand_share=0"], ["platforms.green_demand_share=0.3"]),
}


def measure(name: str, seeds: int) -> str:
    """One feature's paired differences over ``seeds`` seeds, as a line of text."""
    key, base, a, b = FEATURES[name]
    va = np.array([simulate([*ACTING, *base, *a, f"seed={s}"]).summary[key]
                   for s in range(seeds)])
    vb = np.array([simulate([*ACTING, *base, *b, f"seed={s}"]).summary[key]
                   for s in range(seeds)])
    d = vb - va
    return (f"{name}: {key} A={np.nanmean(va):.4g} B={np.nanmean(vb):.4g} "
            f"B-A mean={np.nanmean(d):.4g} sd={np.nanstd(d, ddof=1):.3g} "
            f"min={np.nanmin(d):.4g} max={np.nanmax(d):.4g} n={int(np.isfinite(d).sum())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("features", nargs="*", default=list(FEATURES), choices=list(FEATURES))
    parser.add_argument("--seeds", type=int, default=8)
    args = parser.parse_args()
    for name in args.features:
        print(measure(name, args.seeds), flush=True)


if __name__ == "__main__":
    main()
