"""Effects as paired differences against a reference level, on the same seeds, with bootstrap CIs.

Two runs are a pair when they share the seed and every swept parameter except the factor, so
the difference removes the seed's own luck (common random numbers): the effect of level L on a
metric is the mean over pairs of ``metric(L) - metric(reference)``, with a bootstrap 95%
confidence interval (``scipy.stats.bootstrap``, BCa; percentile when BCa is undefined).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

N_RESAMPLES = 2000


def bootstrap_mean_ci(values: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """95% CI of the mean (NaN with fewer than 2 values; a point when all values are equal)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) < 2:
        return float("nan"), float("nan")
    if np.ptp(values) == 0:
        return float(values[0]), float(values[0])
    for method in ("BCa", "percentile"):
        res = stats.bootstrap((values,), np.mean, confidence_level=0.95,
                              n_resamples=N_RESAMPLES, method=method,
                              rng=np.random.default_rng(seed))
        low, high = res.confidence_interval
        if np.isfinite(low) and np.isfinite(high):
            return float(low), float(high)
    return float("nan"), float("nan")


def is_level(column: pd.Series, value: object) -> pd.Series:
    """Rows of ``column`` equal to ``value`` (numbers compared as numbers)."""
    numeric = pd.to_numeric(column, errors="coerce")
    try:
        target = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return column.astype(str) == str(value)
    return np.isclose(numeric, target) & numeric.notna()


def paired_differences(table: pd.DataFrame, factor: str, reference: object, metric: str,
                       params: Sequence[str]) -> pd.DataFrame:
    """Per pair: the other parameters, seed, level and ``metric(level) - metric(reference)``."""
    keys = [p for p in params if p != factor] + ["seed"]
    ref = table[is_level(table[factor], reference)][[*keys, metric]]
    others = table[~is_level(table[factor], reference)][[*keys, factor, metric]]
    merged = others.merge(ref, on=keys, suffixes=("", "_ref"))
    merged["diff"] = merged[metric] - merged[f"{metric}_ref"]
    return merged


def paired_effects(table: pd.DataFrame, factor: str, reference: object,
                   metrics: Sequence[str], params: Sequence[str],
                   by: Sequence[str] = ()) -> pd.DataFrame:
    """Effect of every non-reference level of ``factor`` on every metric.

    Args:
        table: one row per ok run with parameter columns, ``seed`` and metrics.
        factor: the swept column whose levels are compared.
        reference: the level everything is compared with (e.g. "baseline").
        metrics: summary columns.
        params: all swept columns (pairs share all of them except ``factor``).
        by: columns to report separately (e.g. scenario); others are pooled.

    Returns:
        Rows of (by..., level, metric, n_seeds, reference_mean, effect, ci_low, ci_high).
    """
    rows = []
    for metric in metrics:
        if metric not in table.columns:
            continue
        pairs = paired_differences(table, factor, reference, metric, params)
        groups = pairs.groupby([*by, factor], dropna=False, sort=True) if len(pairs) else []
        for key, group in groups:
            key = key if isinstance(key, tuple) else (key,)
            low, high = bootstrap_mean_ci(group["diff"].to_numpy())
            rows.append({**dict(zip([*by, "level"], key, strict=True)), "metric": metric,
                         "n_seeds": int(group["seed"].nunique()),
                         "n_pairs": len(group),
                         "reference_mean": float(group[f"{metric}_ref"].mean()),
                         "effect": float(group["diff"].mean()), "ci_low": low,
                         "ci_high": high})
    return pd.DataFrame(rows)


def verdict(effect: float, low: float, high: float, direction: str) -> str:
    """supported / not supported / inconclusive for an expected sign ("+" or "-")."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return "inconclusive"
    sign = 1 if direction == "+" else -1
    if sign * low > 0 and sign * high > 0:
        return "supported"
    if sign * low < 0 and sign * high < 0:
        return "not supported"
    return "inconclusive"
