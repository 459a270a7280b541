"""Extreme shocks: where recovery fails (the threshold grid quoted in ``docs/ODD.md`` §7.10).

Runs the recovery campaign (``recovery.py``: shocked run, unshocked twin, recovered within two
years of the shock's end, exits, firms hit) over a grid of regional disasters (magnitude x
duration, region 0) and pandemics (outage share x duration), one summary CSV per cell, then
prints the two tables. Single-process. Default size as in the ODD (2,000 firms, 312 ticks,
5 seeds; about 2 x 10 runs per cell)::

    python -m experiments.calibration.threshold --seeds 5 \
        --out experiments/calibration/results/threshold
    python -m experiments.calibration.threshold --only rd_m0.8_d26 --seeds 2 \
        --set network.n_firms=300 --out outputs/threshold_small   # one cell, small
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from experiments.calibration.recovery import campaign, summarise
from experiments.calibration.tables import (
    PD_DURATIONS,
    PD_SHARES,
    RD_DURATIONS,
    RD_MAGNITUDES,
    threshold_tables,
    threshold_tag,
)

RD = "scenario.shocks.regional_disaster"
PD = "scenario.shocks.pandemic"


def grid() -> dict[str, tuple[str, list[str]]]:
    """Cell tag -> (scenario, overrides) for every cell of the two tables."""
    cells = {threshold_tag("rd", m, d): ("regional_disaster",
                                         [f"{RD}.magnitude={m}", f"{RD}.duration={d}"])
             for m in RD_MAGNITUDES for d in RD_DURATIONS}
    cells.update({threshold_tag("pd", s, d): ("pandemic",
                                              [f"{PD}.scope.share={s}", f"{PD}.duration={d}"])
                  for s in PD_SHARES for d in PD_DURATIONS})
    return cells


def main(argv: Sequence[str] | None = None) -> None:
    """Run the selected cells, write one CSV each and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 1..N")
    parser.add_argument("--ticks", type=int, default=312)
    parser.add_argument("--only", nargs="+", choices=sorted(grid()), help="cells to run")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="extra config override (repeatable)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the cell CSVs")
    opts = parser.parse_args(argv)
    if opts.seeds < 1:
        parser.error("--seeds must be >= 1")
    opts.out.mkdir(parents=True, exist_ok=True)
    for tag, (scenario, overrides) in grid().items():
        if opts.only and tag not in opts.only:
            continue
        runs = campaign([scenario], range(1, opts.seeds + 1),
                        [f"ticks={opts.ticks}", *overrides, *opts.set], 0.95, 26)
        summarise(runs).round(4).to_csv(opts.out / f"{tag}.csv", index=False)
        print(f"[threshold] {tag} done", flush=True)
    print(threshold_tables(opts.out))


if __name__ == "__main__":
    main()
