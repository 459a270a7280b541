"""Global sensitivity of a sampled sweep: Morris screening or Sobol indices (SALib).

The design's sample matrix is rebuilt from its declaration (same sampler seed), each point's
metric is the median over its seeds, and SALib's analysers rank the parameters. Morris gives
mu* (mean absolute elementary effect) with a bootstrap interval and sigma (interactions and
non-linearity); Sobol gives first-order and total indices with bootstrap intervals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.sweep.design import sample_matrix


def indices(kind: str, problem: Mapping[str, object], matrix: np.ndarray, y: np.ndarray
            ) -> pd.DataFrame:
    """Sensitivity indices per parameter, sorted by importance (mu* or ST)."""
    from SALib.analyze import morris, sobol

    if kind == "morris":
        res = morris.analyze(dict(problem), matrix, y, num_levels=4, seed=0)
        frame = pd.DataFrame({"parameter": res["names"], "mu_star": res["mu_star"],
                              "mu_star_conf": res["mu_star_conf"], "sigma": res["sigma"]})
        return frame.sort_values("mu_star", ascending=False, ignore_index=True)
    if kind == "sobol":
        res = sobol.analyze(dict(problem), y, calc_second_order=False, seed=0)
        frame = pd.DataFrame({"parameter": problem["names"], "S1": res["S1"],
                              "S1_conf": res["S1_conf"], "ST": res["ST"],
                              "ST_conf": res["ST_conf"]})
        return frame.sort_values("ST", ascending=False, ignore_index=True)
    raise ValueError(f"Sensitivity needs a morris or sobol design, not `{kind}`.")


def sweep_sensitivity(table: pd.DataFrame, design: Mapping[str, object],
                      metrics: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Indices per metric for a sweep's ok runs (``point`` = row of the sample matrix).

    Raises:
        ValueError: when a design point has no ok run (SALib needs every row).
    """
    kind = str(design["kind"])
    problem, matrix = sample_matrix(kind, design["parameters"], int(design["n"]),  # type: ignore[arg-type]
                                    int(design.get("sample_seed", 0)))  # type: ignore[call-overload]
    if design.get("fixed"):
        raise ValueError("Sensitivity of a design with `fixed` lists: analyse one fixed "
                         "setting per sweep.")
    results = {}
    for metric in metrics:
        y = table.groupby("point")[metric].median().reindex(range(len(matrix)))
        if y.isna().any():
            missing = int(y.isna().sum())
            raise ValueError(f"{missing} design points have no ok run with a finite {metric}; "
                             "re-run the failed points (retry_failed=true) first.")
        results[metric] = indices(kind, problem, matrix, y.to_numpy())
    return results


def ranking_figure(results: Mapping[str, pd.DataFrame], kind: str, out: Path
                   ) -> tuple[Path, str]:
    """One bar panel per metric: mu* (Morris) or ST (Sobol) with its bootstrap interval."""
    value, conf = ("mu_star", "mu_star_conf") if kind == "morris" else ("ST", "ST_conf")
    fig, axes = plt.subplots(1, len(results), figsize=(4.8 * len(results), 3.8), squeeze=False)
    for ax, (metric, frame) in zip(axes[0], results.items(), strict=True):
        ordered = frame.iloc[::-1]
        ax.barh(ordered["parameter"], ordered[value], xerr=ordered[conf], color="tab:blue")
        ax.set_xlabel(f"{value} [{'metric units' if kind == 'morris' else 'share of variance'}]")
        ax.set_title(metric)
        ax.tick_params(axis="y", labelsize=7)
    fig.suptitle(f"Parameter ranking ({kind})")
    fig.tight_layout()
    path = out / "sensitivity.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    what = ("mu* = mean absolute elementary effect, in the metric's units"
            if kind == "morris" else "total-order Sobol index ST, share of output variance")
    return path, (f"Parameters ranked by {what}, with bootstrap 95% intervals; each design "
                  "point's metric is the median over its seeds.")
