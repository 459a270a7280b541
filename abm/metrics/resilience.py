"""Summary metrics of a run (spec §6), computed from its per-tick series.

Performance ``P(t)`` is the share of final demand delivered on schedule. A shocked run is
compared tick by tick with its unshocked twin (same seed, same demand path: common random
numbers), whose performance ``R(t)`` is the reference; without a twin the reference is the
pre-shock baseline (mean ``P`` over ``baseline_window`` ticks before onset). With
``d(t) = max(0, 1 - P(t) / R(t))`` for ``t >= onset``:

* ``resistance = 1 - max d(t)``;
* ``recovery_time``: ticks from onset until ``P >= recovery_level * R`` holds for good
  (censored at the horizon; ``recovery_censored`` says so);
* ``resilience_loss = sum d(t)``: the resilience triangle, in ticks of lost full performance;
* ``risk_resistance``: value added in the shock window relative to the twin's (without a twin:
  to the mean of the ``baseline_window`` ticks before onset, or, when the shock starts at tick
  0, to the initial steady state's value added per tick, ``steady_value_added``).

Without shocks the resilience metrics take their no-loss values (1, 0, 0, 1).

``bullwhip_ratio`` compares the relative variance (squared coefficient of variation) of the
orders received by the raw-material tier with that of final demand, after ``warmup`` ticks;
``bullwhip_tier{k}`` does the same for each tier below assembly. Each series is divided by its
largest value first, so the ratio does not depend on the units and cannot overflow however
large the flows are.

Direct, indirect and total value-added losses: :mod:`abm.metrics.losses`.

``relationship_stability`` (the yearly share of links kept, :mod:`abm.metrics.stability`) and
the digital-agility figures come with the model's ``firm_outcomes``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from abm.config.schema import MetricsConfig
from abm.metrics.losses import split_losses
from abm.network.spec import ASSEMBLY_TIER


@dataclass
class ShockWindow:
    """First shocked tick and last tick at full strength (None without shocks)."""

    onset: int | None
    end: int | None


def relative_variance(series: pd.Series | np.ndarray) -> float:
    """Squared coefficient of variation, computed scale-free (NaN if the mean is not positive).

    The series is divided by its largest magnitude first: CV^2 does not change, and neither
    the mean nor the squares can overflow however large the values (1e300 units is valid).
    """
    values = np.asarray(series, dtype=float)
    top = float(np.abs(values).max(initial=0.0))
    if not top > 0:
        return float("nan")
    scaled = values / top
    mean = float(scaled.mean())
    return float(scaled.var() / mean**2) if mean > 0 else float("nan")


def _variance_ratio(series: pd.Series, demand: pd.Series) -> float:
    """Bullwhip ratio on relative variances (CV^2): orders upstream are in other units, since
    one final unit needs several units of each input. NaN if final demand never varies."""
    base = relative_variance(demand)
    if not base > 0:
        return float("nan")
    return relative_variance(series) / base


def _resilience(run: pd.DataFrame, twin: pd.DataFrame | None, window: ShockWindow,
                cfg: MetricsConfig, steady_value_added: float) -> dict[str, float]:
    onset = window.onset
    steps = run["step"].to_numpy()
    if onset is None or onset > steps[-1]:
        return {"resistance": 1.0, "recovery_time": 0.0, "recovery_censored": 0.0,
                "resilience_loss": 0.0, "risk_resistance": 1.0, "baseline_performance":
                float(run["performance"].mean())}
    perf = run["performance"].to_numpy()
    pre = perf[(steps < onset) & (steps >= onset - cfg.baseline_window)]
    baseline = float(pre.mean()) if len(pre) else 1.0
    if twin is not None:
        reference = twin.set_index("step")["performance"].reindex(steps).to_numpy()
    else:
        reference = np.full(len(steps), baseline)
    after = steps >= onset
    ratio = np.divide(perf, reference, out=np.ones_like(perf), where=reference > 0)
    drop = np.maximum(0.0, 1.0 - ratio[after])
    below = np.flatnonzero(ratio[after] < cfg.recovery_level)
    censored = len(below) > 0 and below[-1] == after.sum() - 1
    recovery = float(below[-1] + 1) if len(below) else 0.0
    out = {
        "resistance": float(1.0 - drop.max()),
        "recovery_time": recovery,
        "recovery_censored": float(censored),
        "resilience_loss": float(drop.sum()),
        "baseline_performance": baseline,
    }
    end = window.end if window.end is not None else onset
    in_window = (steps >= onset) & (steps <= end)
    if twin is not None:
        va = float(run["value_added"][in_window].sum())
        reference = float(twin.set_index("step")["value_added"].reindex(steps[in_window]).sum())
    else:
        va = float(run["value_added"][in_window].mean())
        pre = run["value_added"][(steps < onset)].tail(cfg.baseline_window)
        reference = float(pre.mean()) if len(pre) else steady_value_added
    out["risk_resistance"] = va / reference if reference > 0 else float("nan")
    return out


def creativity(run: pd.DataFrame, twin: pd.DataFrame | None, window: ShockWindow,
               late_window: int) -> dict[str, float]:
    """Post-shock improvement against the unshocked twin (S002's "creativity").

    ``creativity`` is the relative difference of late-window value added (run vs twin);
    ``creativity_technology`` the same for mean technology when that series exists. Without
    shocks both are 0 (no difference); a shocked run without a twin gives NaN.
    """
    out = {"creativity": float("nan"), "creativity_technology": float("nan")}
    if window.onset is None:
        return {key: 0.0 for key in out}
    if twin is None:
        return out
    for key, column in (("creativity", "value_added"),
                        ("creativity_technology", "mean_technology")):
        if column in run and column in twin:
            late = run[column].tail(late_window).mean()
            reference = twin[column].tail(late_window).mean()
            out[key] = float(late / reference - 1.0) if reference > 0 else float("nan")
    return out


def summarise(run: pd.DataFrame, twin: pd.DataFrame | None, window: ShockWindow,
              cfg: MetricsConfig, firm_outcomes: dict[str, float]) -> dict[str, float]:
    """All summary scalars of a run.

    Args:
        run: the run's per-tick series.
        twin: the unshocked twin's series, or None.
        window: when the shocks happened.
        cfg: metric windows.
        firm_outcomes: scalars only the model can compute (survival, margins, agility,
            relationship stability, the steady state's value added).

    Returns:
        A flat dict of named floats (NaN where a metric is undefined, e.g. no replacements).
    """
    summary = _resilience(run, twin, window, cfg,
                          firm_outcomes.get("steady_value_added", float("nan")))
    summary.update(creativity(run, twin, window, cfg.late_window))
    steady = run[run["step"] > cfg.warmup]
    if len(steady) < 2:
        steady = run
    demand = steady["final_demand"]
    summary["bullwhip_ratio"] = _variance_ratio(steady["orders_tier0"], demand)
    for tier in range(ASSEMBLY_TIER):
        summary[f"bullwhip_tier{tier}"] = _variance_ratio(steady[f"orders_tier{tier}"], demand)
    summary["supplier_hhi"] = float(run["supplier_hhi"].mean())
    summary["performance_mean"] = float(run["performance"].mean())
    summary["value_added_mean"] = float(run["value_added"].mean())
    summary["exits_total"] = float(run["exits"].sum())
    summary["entries_total"] = float(run["entries"].sum())
    summary["subsidy_spent"] = float(run["subsidy_spent"].sum())
    summary.update(firm_outcomes)
    summary.update(split_losses(run, twin, window.onset, cfg.baseline_window,
                                firm_outcomes.get("steady_value_added", float("nan")),
                                firm_outcomes.get("loss_direct", 0.0)))
    return summary
