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

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from abm.config.compose import compose_config
from abm.config.schema import SimulationConfig
from abm.config.validate import validate_config
from abm.metrics import summarise
from abm.model import EcosystemModel
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
    """

    summary: dict[str, float]
    timeseries: pd.DataFrame
    twin_timeseries: pd.DataFrame | None
    config: SimulationConfig
    provenance: dict[str, object] = field(default_factory=dict)


def run_config(config: SimulationConfig, progress: bool = False) -> SimulationResult:
    """Run a validated configuration: the scenario and, if it has shocks, its twin.

    Args:
        config: the configuration (validated again here; it is cheap).
        progress: show a progress bar for runs longer than a second.

    Returns:
        The result with summary, series and provenance.
    """
    config = validate_config(config)
    started = time.perf_counter()
    model = EcosystemModel(config=config)
    model.run(progress=progress)
    series = model.timeseries()
    twin_series = None
    if config.twin and model.shocks_enabled:
        twin = EcosystemModel(config=config, shocks=False, network=model.spec)
        twin.run(progress=progress)
        twin_series = twin.timeseries()
    summary = summarise(series, twin_series, model.shock_window, config.metrics,
                        model.firm_outcomes())
    return SimulationResult(summary=summary, timeseries=series, twin_timeseries=twin_series,
                            config=config,
                            provenance=provenance(config.seed, time.perf_counter() - started))


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
