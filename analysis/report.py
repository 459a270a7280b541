"""One HTML report per sweep: effects with bootstrap CIs, figures with captions, discovery.

Usage:
    python -m analysis.report outputs/experiments/policy_comparison/quick
"""

from __future__ import annotations

import argparse
import html
import json
from pathlib import Path

import pandas as pd

from analysis import figures
from analysis.discovery import discover
from analysis.effects import paired_effects
from experiments.sweep.design import SAMPLERS
from experiments.sweep.store import SweepStore

DEFAULT_METRICS = ["resilience_loss", "resistance", "recovery_time", "sme_survival_rate"]
SERIES = ["performance", "mean_esg_true", "mean_trust", "digital_adoption_rate"]


def load_sweep(root: Path | str) -> tuple[SweepStore, pd.DataFrame, pd.DataFrame]:
    """(store, ok runs of the current design, failed runs of the current design)."""
    store = SweepStore(root)
    design = pd.read_parquet(store.root / "design.parquet", columns=["run_id"])
    table = store.summaries()
    table = table[table["run_id"].isin(set(design["run_id"]))]
    return store, table[table["status"] == "ok"].copy(), table[table["status"] != "ok"].copy()


def _commit(meta: dict) -> str:
    git = (meta.get("provenance") or {}).get("git") or {}
    return f"{git.get('commit', 'unknown')}{' (with local changes)' if git.get('dirty') else ''}"


def _onset(table: pd.DataFrame) -> int | None:
    onsets = []
    for text in table["config_json"].head(20):
        shocks = json.loads(text).get("scenario", {}).get("shocks", {})
        onsets += [int(s["onset"]) for s in shocks.values()]
    return min(onsets) if onsets else None


def _figure_html(figure: tuple[Path, str] | None, title: str, missing: str) -> str:
    if figure is None:
        return f"<h3>{html.escape(title)}</h3><p><em>{html.escape(missing)}</em></p>"
    path, caption = figure
    return (f"<h3>{html.escape(title)}</h3><figure><img src='{path.name}' style='max-width:100%'>"
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _sensitivity_html(table: pd.DataFrame, cfg: dict, spec: dict, out: Path) -> list[str]:
    """Morris/Sobol ranking for sampled designs (nothing for grids)."""
    design = cfg.get("design") or {}
    if design.get("kind") not in ("morris", "sobol"):
        return []
    from analysis.sensitivity import ranking_figure, sweep_sensitivity

    metrics = [m for m in spec.get("sensitivity_metrics", spec["metrics"]) if m in table]
    try:
        results = sweep_sensitivity(table, design, metrics)
    except ValueError as exc:
        return [f"<h3>Sensitivity</h3><p><em>{html.escape(str(exc))}</em></p>"]
    parts = [_figure_html(ranking_figure(results, design["kind"], out), "Sensitivity", "")]
    for metric, frame in results.items():
        frame.to_csv(out / f"sensitivity_{metric}.csv", index=False)
        parts.append(f"<h4>{html.escape(metric)}</h4>"
                     + frame.to_html(index=False, float_format="{:.4g}".format))
    return parts


def write_report(root: Path | str) -> Path:
    """Write ``report.html`` (figures as PNG, tables as CSV) into the sweep directory."""
    store, table, failed = load_sweep(root)
    meta = store.meta()
    cfg = meta.get("config", {}) or {}
    params = store.param_names()
    spec = {**{"metrics": DEFAULT_METRICS}, **(cfg.get("analysis") or {})}
    factor = spec.get("factor") or (params[0] if params else "seed")
    reference = spec.get("reference", table[factor].iloc[0] if len(table) else None)
    facet = spec.get("facet") if spec.get("facet") in params else None
    sampled = (cfg.get("design") or {}).get("kind") in SAMPLERS
    if sampled:  # every point is its own level: analyse by sensitivity and discovery instead
        factor, reference, facet = "design", None, None
        table = table.assign(design=cfg["design"]["kind"])
    metrics = [m for m in spec["metrics"] if m in table.columns]
    out = store.root / "report"
    out.mkdir(exist_ok=True)
    effects = paired_effects(table, factor, reference, metrics, params,
                             by=[facet] if facet else [])
    effects.to_csv(out / "effects.csv", index=False)
    series = store.timeseries([c for c in SERIES])
    if sampled:
        series = series.assign(design=cfg["design"]["kind"])
    title = cfg.get("title") or meta.get("experiment") or store.root.name
    parts = [f"<h1>{html.escape(str(title))}</h1>",
             f"<p>Sweep <code>{html.escape(str(store.root))}</code>: {len(table)} ok runs, "
             f"{len(failed)} failed, {table['seed'].nunique() if len(table) else 0} seeds per "
             f"design point; swept: {html.escape(', '.join(params))}. Commit "
             f"<code>{html.escape(_commit(meta))}</code>.</p>"]
    levels = table[factor].astype(str).unique() if len(table) else []
    if sampled:
        parts.append(f"<p>A sampled ({cfg['design']['kind']}) design: every run has its own "
                     "parameter values, so the figures pool all runs and the parameters' "
                     "roles are in the sensitivity ranking and the discovery boxes.</p>")
    elif len(levels) < 2:
        parts.append(f"<p><strong>Only one level of {html.escape(factor)} "
                     f"({html.escape(', '.join(levels))}) exists, so there is no effect to "
                     "estimate yet; the figures show the distributions of that level.</strong>"
                     "</p>")
    parts.append(_figure_html(figures.resilience_curves(series, factor, facet, out,
                                                        _onset(table)) if len(table) else None,
                              "Resilience curves", "No completed run."))
    parts.append(_figure_html(figures.effect_heatmap(effects, factor, reference, out),
                              "Effects", f"No level of {factor} other than the reference "
                              f"{reference}: no paired effect to show."))
    if len(effects):
        parts.append(effects.to_html(index=False, float_format="{:.4g}".format))
    parts.append(_figure_html(
        figures.metric_distributions(table, factor, facet, metrics[0], out)
        if metrics else None, "Distribution over seeds", "No metric."))
    parts.append(_figure_html(figures.cost_vs_resilience(table, factor, out),
                              "Cost vs resilience", "No cost metric."))
    parts.append(_figure_html(figures.trajectories(series, factor, out),
                              "ESG, trust and digital adoption", "No trajectory columns."))
    parts.append(_figure_html(figures.firm_recovery(store.firm_recovery(), factor, facet, out)
                              if not sampled else None, "Firm-level recovery",
                              "No firm was hit directly (no shocked run), or a sampled design "
                              "(no levels to compare)."))
    rule = spec.get("discovery")
    if rule and rule.get("metric") in table.columns:
        boxes, description = discover(table, params, rule)
        boxes.to_csv(out / "discovery.csv", index=False)
        parts.append(f"<h3>Scenario discovery: where does {html.escape(description)} "
                     "happen?</h3>")
        parts.append(boxes.to_html(index=False, float_format="{:.3g}".format) if len(boxes)
                     else "<p><em>No split: the swept parameters do not separate failures "
                     "from successes (or nothing fails).</em></p>")
        parts.append("<p>Boxes from a depth-3 classification tree over the swept parameters; "
                     "coverage = share of all failures inside the box, density = share of the "
                     "box's runs that fail.</p>")
    parts += _sensitivity_html(table, cfg, spec, out)
    if len(failed):
        parts.append("<h3>Failed runs</h3>" + failed[["run_id", "seed", *params, "error"]]
                     .to_html(index=False))
    return write_page(out / "report.html", str(title), parts)


def write_page(path: Path, title: str, parts: list[str]) -> Path:
    """Write one self-contained HTML report page (title, the parts in order) to ``path``."""
    page = ("<html><head><meta charset='utf-8'><title>" + html.escape(title)
            + "</title><style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
            "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;"
            "padding:2px 6px}figcaption{font-size:13px;color:#333}</style></head><body>"
            + "\n".join(parts) + "</body></html>")
    path.write_text(page)
    return path


def main(argv: list[str] | None = None) -> None:
    """Write the report of a sweep directory and print its path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    print(write_report(parser.parse_args(argv).root))


if __name__ == "__main__":
    main()
