"""Python API: run a simulation (and its unshocked twin) and get its results.

Example:
    >>> from abm import simulate
    >>> result = simulate(["scenario=regional_disaster", "seed=3", "ticks=156"])
    >>> round(result.summary["resistance"], 2) <= 1.0
    True
    >>> result.timeseries[["step", "performance"]].head(2).shape
    (2, 2)
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from abm.config.compose import compose_config
from abm.config.schema import SimulationConfig
from abm.config.validate import validate_config
from abm.metrics import summarise
from abm.model import EcosystemModel
from abm.network import NetworkSpec
from abm.provenance import provenance


@dataclass
class SimulationResult:
    """What one simulation produced.

    Attributes:
        summary: scalar metrics (spec §6), see ``docs/ODD.md``.
        timeseries: per-tick series of the (shocked) run, one row per ``step``.
        twin_timeseries: the unshocked twin's series (None without shocks or twin).
        config: the validated configuration.
        provenance: seed, git commit, package versions, wall time.
        firm_recovery: one row per firm hit directly by a shock, with its firm-level recovery
            (``abm.metrics.firm_recovery``; None without shocks).
    """

    summary: dict[str, float]
    timeseries: pd.DataFrame
    twin_timeseries: pd.DataFrame | None
    config: SimulationConfig
    provenance: dict[str, object] = field(default_factory=dict)
    firm_recovery: pd.DataFrame | None = None


#: Spending unit of ``cost_effectiveness``: loss avoided per million currency units spent.
PER_SPENT = 1e6


def _simulate(config: SimulationConfig, progress: bool, network: NetworkSpec | None = None
              ) -> tuple[EcosystemModel, pd.DataFrame, pd.DataFrame | None, dict[str, float]]:
    """One configuration and (with ``twin`` and shocks) its unshocked twin, summarised."""
    model = EcosystemModel(config=config, network=network)
    model.run(progress=progress)
    series = model.timeseries()
    twin_series = None
    if config.twin and model.shocks_enabled:
        twin = EcosystemModel(config=config, shocks=False, network=model.spec)
        twin.run(progress=progress)
        twin_series = twin.timeseries()
    summary = summarise(series, twin_series, model.shock_window, config.metrics,
                        model.firm_outcomes())
    return model, series, twin_series, summary


def against_baseline(summary: dict[str, float], baseline: dict[str, float] | None
                     ) -> dict[str, float]:
    """What a policy gained against the baseline on the same seed and network.

    Args:
        summary: the policy run's summary.
        baseline: the baseline run's summary (no instruments); None when the run *is* the
            baseline (no instruments: nothing gained, nothing spent).

    Returns:
        ``resilience_loss_avoided`` (baseline ``resilience_loss`` minus the policy's, ticks of
        lost full performance), ``upgrading_gained`` (policy ``structural_upgrading`` minus the
        baseline's) and ``cost_effectiveness`` (loss avoided per million spent; NaN when nothing
        was spent, where a ratio would be undefined or infinite).
    """
    if baseline is None:
        baseline = summary
    avoided = baseline["resilience_loss"] - summary["resilience_loss"]
    gained = (summary.get("structural_upgrading", math.nan)
              - baseline.get("structural_upgrading", math.nan))
    spent = summary["subsidy_spent"]
    return {"resilience_loss_avoided": avoided, "upgrading_gained": gained,
            "cost_effectiveness": avoided / (spent / PER_SPENT) if spent > 0 else math.nan}


def run_config(config: SimulationConfig, progress: bool = False) -> SimulationResult:
    """Run a validated configuration: the scenario and, if it has shocks, its twin.

    With policy instruments and ``metrics.policy_baseline`` on, the shocked baseline (the same
    configuration without instruments, same seed and network, with its own twin) runs too, and
    the summary reports what the policy gained against it (:func:`against_baseline`).

    Args:
        config: the configuration (validated again here; it is cheap).
        progress: show a progress bar for runs longer than a second.

    Returns:
        The result with summary, series and provenance.
    """
    config = validate_config(config)
    started = time.perf_counter()
    model, series, twin_series, summary = _simulate(config, progress)
    if not config.policy.instruments:
        summary.update(against_baseline(summary, None))
    elif config.metrics.policy_baseline:
        baseline = replace(config, policy=replace(config.policy, instruments={}))
        summary.update(against_baseline(
            summary, _simulate(baseline, progress, network=model.spec)[3]))
    else:  # no reference run: the comparison is undefined (catalogued NaN)
        summary.update(dict.fromkeys(
            ("resilience_loss_avoided", "upgrading_gained", "cost_effectiveness"), math.nan))
    recovery = (model.firm_recovery.table(model.firms, model.spec.names)
                if model.firm_recovery.active else None)
    return SimulationResult(summary=summary, timeseries=series, twin_timeseries=twin_series,
                            config=config,
                            provenance=provenance(config.seed, time.perf_counter() - started),
                            firm_recovery=recovery)


def simulate(overrides: Sequence[str] | SimulationConfig = (), *, progress: bool = False
             ) -> SimulationResult:
    """Run one simulation from Hydra-style overrides (or a config object).

    Args:
        overrides: e.g. ``["scenario=regional_disaster", "seed=3"]``, or a SimulationConfig.
        progress: show a progress bar for runs longer than a second.

    Returns:
        A :class:`SimulationResult` with ``.summary`` and ``.timeseries``.

    Raises:
        abm.config.ConfigError: if an override names an unknown key or a bad value.
    """
    config = overrides if isinstance(overrides, SimulationConfig) else compose_config(overrides)
    return run_config(config, progress=progress)
