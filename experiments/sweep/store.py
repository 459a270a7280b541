"""The sweep store: one dataset of partitioned Parquet per sweep, written as batches finish.

Layout of a sweep directory::

    sweep.json                  experiment, design, base overrides, provenance (commit, versions)
    design.parquet              every planned run: run_id, point, seed, swept parameters
    summaries/part-<B>.parquet  one row per run of batch B (status ok or failed; metrics,
                                swept parameters, config hash, traceback of a failure)
    timeseries/part-<B>.parquet per-tick rows of batch B's runs (arm = shocked | twin)
    firms/part-<B>.parquet      one row per firm hit directly in batch B's runs: its
                                firm-level recovery (abm.metrics.firm_recovery), run_id

A batch is complete when its summary file exists. Files are written to a temporary name and
renamed (atomic on POSIX), time series and firm tables first, so a crash leaves either a whole
batch or a temporary/orphan file that :meth:`SweepStore.clean` removes before a resume.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.sweep.design import RunSpec

SUMMARIES, TIMESERIES, FIRMS = "summaries", "timeseries", "firms"


@dataclass
class RunRecord:
    """What a worker returns for one run (ok or failed)."""

    spec: RunSpec
    status: str
    summary: dict[str, float] = field(default_factory=dict)
    timeseries: pd.DataFrame | None = None
    twin_timeseries: pd.DataFrame | None = None
    firm_recovery: pd.DataFrame | None = None
    config_hash: str = ""
    config_json: str = ""
    error: str = ""
    traceback: str = ""
    wall_seconds: float = 0.0
    sim_seconds: float = 0.0
    worker: str = ""


def _param_value(value: object) -> object:
    return json.dumps(value) if isinstance(value, list | tuple | dict) else value


def _atomic_parquet(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    frame.to_parquet(tmp, index=False)
    with open(tmp, "rb") as handle:  # data on disk before the rename makes it visible
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class SweepStore:
    """Read and write one sweep directory."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    @property
    def meta_path(self) -> Path:
        """The sweep's metadata file."""
        return self.root / "sweep.json"

    def initialise(self, meta: dict[str, object], runs: Sequence[RunSpec]) -> None:
        """Create the directories and write the metadata and the design (kept on resume)."""
        for sub in (SUMMARIES, TIMESERIES, FIRMS):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        if self.meta_path.exists():
            old = json.loads(self.meta_path.read_text())
            meta = {**meta, "created": old.get("created", meta.get("created")),
                    "resumed": [*old.get("resumed", []), meta.get("created")]}
        tmp = self.meta_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(meta, indent=2, default=str))
        os.replace(tmp, self.meta_path)
        design = pd.DataFrame([{"run_id": r.run_id, "point": r.point, "seed": r.seed,
                                "overrides": json.dumps(list(r.overrides)),
                                **{k: _param_value(v) for k, v in r.params.items()}}
                               for r in runs])
        _atomic_parquet(design, self.root / "design.parquet")

    def meta(self) -> dict[str, object]:
        """The sweep's metadata."""
        return json.loads(self.meta_path.read_text())

    def clean(self) -> list[Path]:
        """Remove temporary files and time-series or firm parts whose batch never completed."""
        subs = (SUMMARIES, TIMESERIES, FIRMS)
        removed = [p for sub in subs for p in (self.root / sub).glob(".*.tmp")]
        done = {p.name for p in (self.root / SUMMARIES).glob("part-*.parquet")}
        removed += [p for sub in subs[1:] for p in (self.root / sub).glob("part-*.parquet")
                    if p.name not in done]
        for path in removed:
            path.unlink()
        return removed

    def write_batch(self, records: Sequence[RunRecord], commit: str) -> Path:
        """Write one batch: its time series, then (making it count) its summaries."""
        name = f"part-{uuid.uuid4().hex[:12]}.parquet"
        series = []
        for rec in records:
            for arm, frame in (("shocked", rec.timeseries), ("twin", rec.twin_timeseries)):
                if frame is not None:
                    series.append(frame.assign(run_id=rec.spec.run_id, arm=arm))
        if series:
            _atomic_parquet(pd.concat(series, ignore_index=True), self.root / TIMESERIES / name)
        firms = [rec.firm_recovery.assign(run_id=rec.spec.run_id) for rec in records
                 if rec.firm_recovery is not None and len(rec.firm_recovery)]
        if firms:
            (self.root / FIRMS).mkdir(exist_ok=True)  # stores made before firm tables existed
            _atomic_parquet(pd.concat(firms, ignore_index=True), self.root / FIRMS / name)
        rows = [{"run_id": rec.spec.run_id, "point": rec.spec.point, "seed": rec.spec.seed,
                 "status": rec.status,
                 **{k: _param_value(v) for k, v in rec.spec.params.items()},
                 **rec.summary, "config_hash": rec.config_hash, "config_json": rec.config_json,
                 "overrides": json.dumps(list(rec.spec.overrides)), "error": rec.error,
                 "traceback": rec.traceback, "wall_seconds": rec.wall_seconds,
                 "sim_seconds": rec.sim_seconds,
                 "worker": rec.worker, "git_commit": commit, "batch": name}
                for rec in records]
        path = self.root / SUMMARIES / name
        _atomic_parquet(pd.DataFrame(rows), path)
        return path

    def _parts(self, sub: str) -> list[Path]:
        return sorted((self.root / sub).glob("part-*.parquet"))

    def summaries(self, include_failed: bool = True) -> pd.DataFrame:
        """One row per run: the ok record if there is one, else the latest failed one."""
        parts = [pd.read_parquet(p) for p in self._parts(SUMMARIES)]
        if not parts:
            return pd.DataFrame(columns=["run_id", "status"])
        table = pd.concat(parts, ignore_index=True)
        table["_ok"] = table["status"].eq("ok")
        table = (table.sort_values(["run_id", "_ok"], kind="stable")
                 .drop_duplicates("run_id", keep="last").drop(columns="_ok"))
        if not include_failed:
            table = table[table["status"] == "ok"]
        return table.sort_values(["point", "seed"], kind="stable").reset_index(drop=True)

    def completed_ids(self, retry_failed: bool = False) -> set[str]:
        """Runs a resume skips: ok runs, and failed ones unless they are retried."""
        table = self.summaries()
        if table.empty:
            return set()
        keep = table if not retry_failed else table[table["status"] == "ok"]
        return set(keep["run_id"])

    def timeseries(self, columns: Sequence[str] | None = None, arm: str | None = "shocked"
                   ) -> pd.DataFrame:
        """Per-tick rows of the counted runs (from the batches their summaries name).

        Args:
            columns: series to load besides run_id, arm and step (None: all).
            arm: "shocked", "twin" or None for both.
        """
        summaries = self.summaries(include_failed=False)
        wanted = None if columns is None else ["run_id", "arm", "step", *columns]
        frames = []
        for batch, ids in summaries.groupby("batch")["run_id"]:
            path = self.root / TIMESERIES / str(batch)
            if not path.exists():
                continue
            frame = pd.read_parquet(path, columns=wanted)
            frame = frame[frame["run_id"].isin(set(ids))]
            frames.append(frame if arm is None else frame[frame["arm"] == arm])
        if not frames:
            return pd.DataFrame(columns=wanted or ["run_id", "arm", "step"])
        series = pd.concat(frames, ignore_index=True)
        keys = [c for c in summaries.columns if c in self.param_names() or c in ("seed",
                                                                                 "point")]
        return series.merge(summaries[["run_id", *keys]], on="run_id", how="left")

    def firm_recovery(self) -> pd.DataFrame:
        """Per-firm recovery rows of the counted runs, with their swept parameters and seed
        (empty when no run hit a firm directly)."""
        summaries = self.summaries(include_failed=False)
        frames = []
        for batch, ids in summaries.groupby("batch")["run_id"]:
            path = self.root / FIRMS / str(batch)
            if path.exists():
                frame = pd.read_parquet(path)
                frames.append(frame[frame["run_id"].isin(set(ids))])
        if not frames:
            return pd.DataFrame(columns=["run_id", "recovery_ticks", "censored"])
        keys = [c for c in summaries.columns if c in self.param_names() or c in ("seed",
                                                                                 "point")]
        return pd.concat(frames, ignore_index=True).merge(summaries[["run_id", *keys]],
                                                          on="run_id", how="left")

    def param_names(self) -> list[str]:
        """The swept parameters (store columns), from the metadata."""
        return list(self.meta().get("parameters", []))  # type: ignore[arg-type]
