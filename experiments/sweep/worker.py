"""What runs inside a worker: a batch of runs through :mod:`abm.api`, failures caught.

The model is imported once per worker process (module-level cache), and the configuration of a
design point is composed once per worker and re-seeded for each seed, so Hydra's composition
is not paid for every run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import socket
import time
import traceback
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from experiments.sweep.design import RunSpec
from experiments.sweep.store import RunRecord

QUIET = ("output.progress=false", "output.plot=false")


@lru_cache(maxsize=8)
def _raw_config(structural: tuple[str, ...]) -> Any:
    from abm.config.compose import compose_raw

    return compose_raw(list(structural))


def _is_plain(override: str) -> bool:
    """A ``dotted.key=value`` override that a merge applies exactly as Hydra would."""
    from abm.config.compose import CONFIG_GROUPS

    key = override.split("=", 1)[0]
    return ("=" in override and not key.startswith(("+", "~", "hydra"))
            and key not in CONFIG_GROUPS)


@lru_cache(maxsize=64)
def _point_config(overrides: tuple[str, ...]) -> Any:
    """The validated config of a design point.

    Hydra composition is the slow part of setting up a run, so it is done once per set of
    structural overrides (config groups, size) and the plain ``key=value`` overrides of each
    point are merged onto it (tested equal to a full composition).
    """
    from omegaconf import OmegaConf

    from abm.config.validate import validate_config

    structural = tuple(o for o in overrides if not _is_plain(o))
    plain = [o for o in overrides if _is_plain(o)]
    raw = _raw_config((*structural, *QUIET))
    return validate_config(OmegaConf.merge(raw, OmegaConf.from_dotlist(plain)))


def config_hash(config: Any) -> tuple[str, str]:
    """(sha256 prefix, JSON) of a resolved configuration."""
    text = json.dumps(dataclasses.asdict(config), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16], text


def run_one(spec: RunSpec) -> RunRecord:
    """Run one simulation (and its twin); a raised error becomes a failed record."""
    started = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    point = tuple(o for o in spec.overrides if not o.startswith("seed="))
    digest, text = "", ""
    try:
        from abm.api import run_config

        config = dataclasses.replace(_point_config(point), seed=spec.seed)
        digest, text = config_hash(config)
        simulated = time.perf_counter()
        result = run_config(config)
        simulated = time.perf_counter() - simulated
        bad = [k for k, v in result.summary.items()
               if isinstance(v, float) and v in (float("inf"), float("-inf"))]
        if bad:
            raise FloatingPointError(f"non-finite summary metrics: {', '.join(bad)}")
        return RunRecord(spec=spec, status="ok", summary=dict(result.summary),
                         timeseries=result.timeseries, twin_timeseries=result.twin_timeseries,
                         firm_recovery=result.firm_recovery,
                         config_hash=digest, config_json=text, sim_seconds=simulated,
                         wall_seconds=time.perf_counter() - started, worker=worker)
    except Exception as exc:  # a failed run is a result; the sweep goes on
        return RunRecord(spec=spec, status="failed", config_hash=digest, config_json=text,
                         error=f"{type(exc).__name__}: {exc}",
                         traceback=traceback.format_exc(),
                         wall_seconds=time.perf_counter() - started, worker=worker)


def run_batch(specs: Sequence[RunSpec]) -> list[RunRecord]:
    """Run a batch of runs in order."""
    return [run_one(spec) for spec in specs]
