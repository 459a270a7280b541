"""Write a run's results atomically: nothing looks complete until ``summary.json`` exists.

Every file is written under a temporary name and renamed into place; ``summary.json`` comes
last, so a directory with a ``summary.json`` is a complete result and one without is not.
Parquet files carry the resolved config and provenance in their metadata too.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from omegaconf import OmegaConf

from abm.api import SimulationResult

SUMMARY_FILE = "summary.json"
#: Files a run writes; a reused run directory loses them before the new run starts.
RESULT_FILES = (SUMMARY_FILE, "timeseries.parquet", "twin_timeseries.parquet",
                "firm_recovery.parquet", "config.yaml", "provenance.json", "performance.png",
                "error.txt")


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write through ``write(tmp)`` and rename into place, so readers never see half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def _json_safe(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


def _write_parquet(frame: pd.DataFrame, path: Path, meta: dict[str, str]) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           **{k.encode(): v.encode() for k, v in meta.items()}})
    _atomic_write(path, lambda tmp: pq.write_table(table, tmp))


def clear_result(directory: Path) -> None:
    """Remove a previous run's result files from ``directory`` (summary first).

    A run directory reused after a run (e.g. a fixed ``hydra.run.dir``) would otherwise keep the
    old ``summary.json`` next to the new run's config when the new run fails, which looks like a
    complete result of the new configuration.
    """
    for name in RESULT_FILES:
        (directory / name).unlink(missing_ok=True)
        (directory / f".{name}.tmp").unlink(missing_ok=True)


def write_result(result: SimulationResult, directory: Path, plot: bool = True) -> Path:
    """Write series, config, provenance, plot and (last) the summary into ``directory``.

    Args:
        result: the simulation result.
        directory: the run directory (created if needed).
        plot: also draw ``performance.png``.

    Returns:
        The path of ``summary.json``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    config = asdict(result.config)
    meta = {"ecosim.config": json.dumps(config), "ecosim.provenance":
            json.dumps(result.provenance), "ecosim.seed": str(result.config.seed)}
    _write_parquet(result.timeseries, directory / "timeseries.parquet", meta)
    if result.twin_timeseries is not None:
        _write_parquet(result.twin_timeseries, directory / "twin_timeseries.parquet", meta)
    if result.firm_recovery is not None:
        _write_parquet(result.firm_recovery, directory / "firm_recovery.parquet", meta)
    yaml_text = OmegaConf.to_yaml(OmegaConf.create(config))
    _atomic_write(directory / "config.yaml", lambda tmp: tmp.write_text(yaml_text))
    prov_text = json.dumps(result.provenance, indent=2)
    _atomic_write(directory / "provenance.json", lambda tmp: tmp.write_text(prov_text))
    if plot:
        from abm.viz.plots import plot_run

        _atomic_write(directory / "performance.png",
                      lambda tmp: plot_run(result, tmp, fmt="png"))
    summary = {"scenario": "+".join(result.config.scenario.shocks) or "none",
               "seed": result.config.seed, "metrics": _json_safe(result.summary),
               "provenance": result.provenance}
    text = json.dumps(summary, indent=2)
    path = directory / SUMMARY_FILE
    _atomic_write(path, lambda tmp: tmp.write_text(text))
    return path
