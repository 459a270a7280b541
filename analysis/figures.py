"""Report figures (seaborn): each returns (PNG path, caption), or None if there is nothing."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # reports are written headless
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

UNITS = {
    "performance": "share of demand delivered on time (0-1)",
    "resilience_loss": "ticks of lost full performance",
    "recovery_time": "weeks",
    "resistance": "1 - max performance drop (0-1)",
    "subsidy_spent": "currency units",
    "mean_esg_true": "true ESG level (0-1)",
    "mean_trust": "mean link trust (0-1)",
    "digital_adoption_rate": "share of firms adopted (0-1)",
}

Figure = tuple[Path, str]


def _label(column: str) -> str:
    unit = UNITS.get(column)
    return f"{column} [{unit}]" if unit else column


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")  # keeps a legend placed below the axes
    plt.close(fig)
    return path


def bands(data: pd.DataFrame, keys: list[str], column: str) -> pd.DataFrame:
    """Median and 5-95% range of ``column`` per ``keys`` + step, in one vectorised groupby.

    The same numbers as seaborn's ``estimator="median", errorbar=("pi", 90)`` (linear
    interpolation), which applies a Python function per group and took about a minute for a
    quick-size sweep's series.
    """
    grouped = data.groupby([*keys, "step"], sort=True, observed=True)[column]
    frame = grouped.quantile([0.05, 0.5, 0.95]).unstack()
    frame.columns = ["low", "median", "high"]
    return frame.reset_index()


def _band_plot(ax: plt.Axes, data: pd.DataFrame, hue: str, column: str,
               palette: dict[str, tuple[float, float, float]]) -> None:
    """Median line and 5-95% band per hue level on one axis."""
    for level, part in bands(data, [hue], column).groupby(hue, sort=True):
        colour = palette[str(level)]
        ax.plot(part["step"], part["median"], color=colour, lw=1.4, label=str(level))
        ax.fill_between(part["step"], part["low"], part["high"], color=colour, alpha=0.18,
                        lw=0)


def _palette(levels: list[str]) -> dict[str, tuple[float, float, float]]:
    """Distinct colours per level (the default palette repeats after 10)."""
    colours = sns.color_palette("tab20" if len(levels) > 10 else None, n_colors=len(levels))
    return dict(zip(levels, colours, strict=True))


def _legend_below(fig: plt.Figure, ax: plt.Axes, title: str) -> None:
    """One legend for all panels, under the figure, so it hides no curve."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3,
               fontsize=7, title=title, title_fontsize=7, frameon=False)


def resilience_curves(series: pd.DataFrame, factor: str, facet: str | None, out: Path,
                      onset: int | None) -> Figure | None:
    """performance(t): median per level with a 5-95% band over seeds, one panel per facet."""
    if series.empty or "performance" not in series:
        return None
    data = series.assign(**{factor: series[factor].astype(str)})
    if onset is not None:  # the interesting part: a little before the shock to the end
        data = data[data["step"] >= max(0, onset - 12)]
    cols = facet if facet and facet in data and data[facet].nunique() > 1 else None
    panels = sorted(data[cols].astype(str).unique()) if cols else [None]
    palette = _palette(sorted(data[factor].unique()))
    ncol = min(3, len(panels))
    nrow = -(-len(panels) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.9 * ncol, 3.0 * nrow + 0.4), squeeze=False)
    for ax, panel in zip(axes.flat, panels, strict=False):
        part = data if panel is None else data[data[cols].astype(str) == panel]
        _band_plot(ax, part, factor, "performance", palette)
        ax.set_xlabel("week (tick)")
        ax.set_ylabel("performance [share of demand on time]")
        if panel is not None:
            ax.set_title(f"{cols} = {panel}", fontsize=9)
        if onset is not None:
            ax.axvline(onset, color="grey", ls=":", lw=1)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    fig.suptitle("Resilience curves: performance over time")
    _legend_below(fig, axes.flat[0], factor)
    path = _save(fig, out / "resilience_curves.png")
    n = data.groupby(factor)["seed"].nunique().min()
    return path, (f"Performance P(t) of the shocked runs by {factor}"
                  f"{' and ' + facet if cols else ''}: median over {n} seeds (line) and the "
                  "5-95% range over seeds (band); the dotted line marks the shock onset.")


def effect_heatmap(effects: pd.DataFrame, factor: str, reference: object, out: Path
                   ) -> Figure | None:
    """Level x metric: paired effect over |reference mean| (colour), raw effect and CI (text)."""
    if effects.empty:
        return None
    pooled = (effects.groupby(["level", "metric"], as_index=False)
              .agg(effect=("effect", "mean"), ref=("reference_mean", "mean")))
    sig = effects.assign(sig=(effects["ci_low"] > 0) | (effects["ci_high"] < 0))
    share = sig.groupby(["level", "metric"], as_index=False)["sig"].mean()
    pooled = pooled.merge(share.rename(columns={"sig": "significant"}), on=["level", "metric"])
    pooled["relative"] = pooled["effect"] / pooled["ref"].abs().replace(0, np.nan)
    colour = pooled.pivot(index="level", columns="metric", values="relative")
    text = pooled.assign(t=pooled["effect"].map("{:.3g}".format)
                         + np.where(pooled["significant"] > 0.5, "*", "")
                         ).pivot(index="level", columns="metric", values="t")
    fig, ax = plt.subplots(figsize=(1.4 * colour.shape[1] + 2.5, 0.6 * colour.shape[0] + 2.2))
    limit = np.nanmax(np.abs(colour.to_numpy())) if np.isfinite(colour.to_numpy()).any() else 1
    sns.heatmap(colour, annot=text, fmt="", cmap="RdBu_r", center=0, vmin=-limit, vmax=limit,
                cbar_kws={"label": "effect / |reference mean| [relative]"}, ax=ax)
    ax.set_title(f"Paired effects vs {factor}={reference}")
    ax.set_xlabel("metric")
    ax.set_ylabel(f"{factor} level")
    ax.tick_params(axis="x", rotation=35)
    return _save(fig, out / "effect_heatmap.png"), (
        f"Mean paired difference (level minus {factor}={reference}, same seeds and other "
        "settings) for each metric, pooled over the other swept settings; colour is the effect "
        "relative to the reference mean, text the raw effect in the metric's units; * marks "
        "effects whose bootstrap 95% CI excludes zero in most groups. Full table below.")


def cost_vs_resilience(table: pd.DataFrame, factor: str, out: Path) -> Figure | None:
    """Budget spent vs resilience loss per level, with the efficient frontier of the means."""
    if "subsidy_spent" not in table or "resilience_loss" not in table:
        return None
    means = table.groupby(table[factor].astype(str))[["subsidy_spent", "resilience_loss"]].mean()
    ordered = means.sort_values(["subsidy_spent", "resilience_loss"])
    frontier = ordered[ordered["resilience_loss"] <= ordered["resilience_loss"].cummin()]
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    data = table.assign(**{factor: table[factor].astype(str)})
    sns.scatterplot(data=data, x="subsidy_spent", y="resilience_loss", hue=factor, alpha=0.45,
                    palette=_palette(sorted(data[factor].unique())), ax=ax)
    ax.plot(frontier["subsidy_spent"], frontier["resilience_loss"], "k-o", lw=1.5,
            label="efficient frontier (means)")
    ax.set_xlabel(_label("subsidy_spent"))
    ax.set_ylabel(_label("resilience_loss"))
    ax.set_title("Cost vs resilience")
    ax.get_legend().remove()  # below the axes, where it hides no dot
    _legend_below(fig, ax, factor)
    zero = bool((table["subsidy_spent"] == 0).all())
    note = (" Every run spent nothing (no instrument with a budget is active yet), so the "
            "cost axis carries no information and the frontier is a single point."
            if zero else "")
    return _save(fig, out / "cost_vs_resilience.png"), (
        f"Policy budget spent over the run vs resilience loss, one dot per run coloured by "
        f"{factor}; the line joins the level means not dominated by a cheaper, less lossy "
        f"one.{note}")


def trajectories(series: pd.DataFrame, factor: str, out: Path) -> Figure | None:
    """ESG, trust and digital adoption over time, median per level with 5-95% band."""
    columns = [c for c in ("mean_esg_true", "mean_trust", "digital_adoption_rate")
               if c in series]
    if series.empty or not columns:
        return None
    data = series.assign(**{factor: series[factor].astype(str)})
    palette = _palette(sorted(data[factor].unique()))
    fig, axes = plt.subplots(1, len(columns), figsize=(4.6 * len(columns), 3.6))
    for ax, column in zip(np.atleast_1d(axes), columns, strict=True):
        _band_plot(ax, data, factor, column, palette)
        ax.set_xlabel("week (tick)")
        ax.set_ylabel(UNITS.get(column, column))  # the panel title names the series
        ax.set_title(column)
    fig.suptitle("ESG, trust and digital adoption trajectories")
    _legend_below(fig, np.atleast_1d(axes)[0], factor)
    return _save(fig, out / "trajectories.png"), (
        f"True ESG level, mean link trust and digital adoption over time by {factor} "
        "(shocked runs; median and 5-95% range over seeds and other settings).")


def metric_distributions(table: pd.DataFrame, factor: str, facet: str | None,
                         metric: str, out: Path) -> Figure | None:
    """Distribution of a metric over seeds per level (and facet)."""
    if metric not in table:
        return None
    data = table.assign(**{factor: table[factor].astype(str)})
    fig, ax = plt.subplots(figsize=(7, 4))
    hue = facet if facet and facet in data and facet != factor else None
    if hue:
        data[hue] = data[hue].astype(str)
    sns.boxplot(data=data, x=factor, y=metric, hue=hue, ax=ax)
    ax.set_xlabel(factor)
    ax.set_ylabel(_label(metric))
    ax.set_title(f"{metric} by {factor}")
    ax.tick_params(axis="x", rotation=20)
    if hue:
        ax.legend(fontsize=7, title=hue, title_fontsize=7)
    return _save(fig, out / f"distribution_{metric}.png"), (
        f"Distribution of {metric} over seeds by {factor}{' and ' + hue if hue else ''} "
        "(box: quartiles and median; whiskers 1.5 IQR).")


def firm_recovery(firms: pd.DataFrame, factor: str, facet: str | None, out: Path
                  ) -> Figure | None:
    """Per-firm recovery ticks of the firms hit directly, distribution per level (and facet)."""
    if firms.empty or "recovery_ticks" not in firms or factor not in firms:
        return None
    data = firms.assign(**{factor: firms[factor].astype(str)})
    hue = facet if facet and facet in data and facet != factor else None
    if hue:
        data[hue] = data[hue].astype(str)
    levels = sorted(data[factor].unique())
    boxes = len(levels) * (data[hue].nunique() if hue else 1)
    fig, ax = plt.subplots(figsize=(8.0, 0.16 * boxes + 0.3 * len(levels) + 1.6))
    sns.boxplot(data=data, y=factor, x="recovery_ticks", hue=hue, order=levels, orient="h",
                ax=ax, fliersize=1.2, linewidth=0.7)
    censored = data.groupby(factor)["censored"].mean().reindex(levels)
    top = float(data["recovery_ticks"].max())
    for i, share in enumerate(censored):  # one share per level, pooled over the hue
        ax.text(top * 1.02 if top > 0 else 1.02, i, f"{share:.0%}", va="center", fontsize=7)
    ax.set_xlim(left=0, right=top * 1.12 if top > 0 else 1.2)
    ax.set_ylabel(factor)
    ax.set_xlabel("firm-level recovery [weeks (ticks) from first hit]")
    ax.set_title("Firm-level recovery of the firms hit directly (right: share censored)")
    if hue:
        _legend_below(fig, ax, hue)
        ax.get_legend().remove()
    runs = data.groupby(factor)["run_id"].nunique().min()
    return _save(fig, out / "firm_recovery.png"), (
        "Ticks from each directly hit firm's first hit until its smoothed output (mean over "
        "metrics.firm_smoothing ticks, default 4) regains metrics.recovery_level (default 95%) "
        "of its pre-shock mean (abm.metrics.firm_recovery), one value per firm and run, "
        f"by {factor}{' and ' + hue if hue else ''}; box: quartiles and median, whiskers 1.5 "
        f"IQR, dots beyond. Firms that never regain it are counted at the horizon (censored); "
        f"the percentage right of each level is its censored share"
        f"{' pooled over ' + hue if hue else ''}. At least {runs} shocked runs per level, "
        "pooled over seeds and other settings.")
