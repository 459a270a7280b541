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


@lru_cache(maxsize=64)
def _point_config(overrides: tuple[str, ...]) -> Any:
    from abm.config.compose import compose_config

    return compose_config([*overrides, *QUIET])


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
