"""The static plot written with every run: how a shock propagates and recovers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt

from abm.network.spec import N_TIERS, TIER_NAMES

if TYPE_CHECKING:
    from abm.api import SimulationResult


def plot_run(result: SimulationResult, path: Path | str, fmt: str = "png") -> None:
    """Performance against the twin, and output by tier relative to the twin.

    Args:
        result: a simulation result (with or without twin).
        path: where to write the figure.
        fmt: image format for matplotlib.
    """
    run, twin = result.timeseries, result.twin_timeseries
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True)
    top.plot(run["step"], run["performance"], color="C3", label="shocked run")
    if twin is not None:
        top.plot(twin["step"], twin["performance"], color="0.5", lw=1, label="unshocked twin")
    for shock in result.config.scenario.shocks.values():
        for axis in (top, bottom):
            axis.axvspan(shock.onset, shock.onset + shock.duration, color="C1", alpha=0.12)
    top.set_ylabel("performance P(t)\n(share of final demand met)")
    top.set_ylim(min(0.0, float(run["performance"].min()) - 0.05), 1.05)
    top.legend(loc="lower left")
    scenario = "+".join(result.config.scenario.shocks) or "no shock"
    top.set_title(f"{scenario}, seed {result.config.seed}: "
                  f"resistance {result.summary['resistance']:.2f}, "
                  f"recovery {result.summary['recovery_time']:.0f} ticks")
    reference = twin if twin is not None else run
    for tier in range(N_TIERS):
        column = f"production_tier{tier}"
        base = reference[column].where(reference[column] > 0)
        bottom.plot(run["step"], run[column] / base.to_numpy(), lw=1.2,
                    label=TIER_NAMES[tier].replace("_", " "))
    bottom.axhline(1.0, color="0.5", lw=0.8)
    bottom.set_ylabel("output relative to twin")
    bottom.set_xlabel("tick (week)")
    bottom.legend(loc="lower left", ncol=4, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, format=fmt, dpi=110)
    plt.close(fig)
