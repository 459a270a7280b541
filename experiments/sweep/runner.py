"""Run a sweep into its store: validate, skip what is done, run the rest in batches.

Resume rule: a run counts as done when a summary row with its ``run_id`` (hash of its
overrides) is in a completed batch file; failed runs are done too unless ``retry_failed``.
Everything else (never started, or in a batch that a crash interrupted) is run again. Since a
run's outcome depends only on its configuration and seed, the resumed aggregate equals an
uninterrupted one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from tqdm.auto import tqdm

from experiments.sweep.design import RunSpec
from experiments.sweep.executors import ExecutorConfig, check_executor, map_batches
from experiments.sweep.store import RunRecord, SweepStore


@dataclass
class SweepOutcome:
    """What a call to :func:`run_sweep` did."""

    root: Path
    total: int
    skipped: int
    ran: int
    failed: int


def sweep_provenance() -> dict[str, object]:
    """Git commit and package versions, once per sweep (not per run)."""
    from abm.provenance import git_commit, package_versions

    versions = package_versions()
    for extra in ("SALib", "joblib", "ray", "scikit-learn", "seaborn"):
        try:
            from importlib import metadata

            versions[extra] = metadata.version(extra)
        except Exception:  # not installed: say so rather than fail
            versions[extra] = "not installed"
    return {"git": git_commit(), "packages": versions}


def validate_points(runs: Sequence[RunSpec]) -> None:
    """Compose the configurations at the extremes of every swept value before running.

    Raises:
        abm.config.ConfigError: naming the key and its allowed values.
    """
    from abm.config.compose import compose_config

    chosen: dict[str, RunSpec] = {}
    if runs:
        chosen[runs[0].run_id] = runs[0]
    keys = {k for r in runs for k in r.params}
    for key in keys:
        values = {json.dumps(r.params.get(key), default=str): r for r in runs}
        numeric = [r for r in values.values() if isinstance(r.params.get(key), int | float)]
        if len(numeric) == len(values) and numeric:
            picks = [min(numeric, key=lambda r: r.params[key]),  # type: ignore[arg-type,return-value]
                     max(numeric, key=lambda r: r.params[key])]  # type: ignore[arg-type,return-value]
        else:
            picks = list(values.values())
        chosen.update({r.run_id: r for r in picks})
    checked: set[tuple[str, ...]] = set()
    for spec in chosen.values():
        point = tuple(o for o in spec.overrides if not o.startswith("seed="))
        if point not in checked:
            checked.add(point)
            compose_config(list(point))


def _batch_size(pending: int, workers: int, requested: int | None) -> int:
    if requested:
        return max(1, requested)
    # ~4 batches per worker: few files, a lively progress bar, little lost in a crash.
    return max(1, min(25, math.ceil(pending / (4 * workers))))


def _write_run_dir(root: Path, record: RunRecord) -> None:
    out = root / "runs" / record.spec.run_id
    out.mkdir(parents=True, exist_ok=True)
    if record.timeseries is not None:
        record.timeseries.to_parquet(out / "timeseries.parquet", index=False)
    if record.twin_timeseries is not None:
        record.twin_timeseries.to_parquet(out / "twin_timeseries.parquet", index=False)
    (out / "summary.json").write_text(json.dumps(
        {"status": record.status, "overrides": list(record.spec.overrides),
         "metrics": record.summary, "error": record.error}, indent=2, default=str))


def run_sweep(root: Path | str, runs: Sequence[RunSpec], meta: dict[str, object],
              executor: ExecutorConfig | None = None, *, batch_size: int | None = None,
              retry_failed: bool = False, per_run_dirs: bool = False, progress: bool = True,
              validate: bool = True) -> SweepOutcome:
    """Run the runs not yet in the store at ``root``.

    Args:
        root: the sweep directory (created; an existing one is resumed).
        runs: the design crossed with seeds.
        meta: experiment description kept in ``sweep.json`` (name, design, base overrides).
        executor: serial | joblib | ray settings (default joblib with 2 workers).
        batch_size: runs per task and per Parquet file (None: about 4 batches per worker).
        retry_failed: run failed runs again (their old rows are superseded).
        per_run_dirs: also write one directory per run (small sweeps only).
        progress: show one progress bar for the whole sweep.
        validate: compose the configurations at the design's extremes first.

    Returns:
        Counts of what was skipped, run and failed.
    """
    executor = executor or ExecutorConfig()
    check_executor(executor)
    if validate:
        validate_points(runs)
    store = SweepStore(root)
    provenance = sweep_provenance()
    params = sorted({k for r in runs for k in r.params})
    store.initialise({**meta, "parameters": params, "n_runs": len(runs),
                      "executor": asdict(executor), "provenance": provenance,
                      "created": datetime.now(UTC).isoformat(timespec="seconds")}, runs)
    store.clean()
    done = store.completed_ids(retry_failed=retry_failed)
    pending = [r for r in runs if r.run_id not in done]
    workers = 1 if executor.kind == "serial" else max(1, executor.n_jobs)
    size = _batch_size(len(pending), workers, batch_size)
    batches = [pending[i:i + size] for i in range(0, len(pending), size)]
    commit = str(provenance["git"]["commit"])  # type: ignore[index]
    failed = 0
    bar = tqdm(total=len(runs), initial=len(runs) - len(pending), desc="sweep", unit="run",
               disable=not progress, dynamic_ncols=True, smoothing=0.1)
    try:
        for records in map_batches(batches, executor):
            store.write_batch(records, commit)
            if per_run_dirs:
                for record in records:
                    _write_run_dir(store.root, record)
            failed += sum(r.status != "ok" for r in records)
            bar.update(len(records))
            bar.set_postfix(failed=failed, refresh=False)
    finally:
        bar.close()
    return SweepOutcome(root=store.root, total=len(runs), skipped=len(runs) - len(pending),
                        ran=len(pending), failed=failed)
