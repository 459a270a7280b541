"""Executors with one API: ``map_batches(batches)`` yields each batch's records as it finishes.

* ``serial``: in this process (debugging, tiny sweeps).
* ``joblib``: local processes (loky); loky keeps its workers alive between tasks, so each worker
  imports the model once.
* ``ray``: a local Ray (bound to 127.0.0.1, no dashboard) or a cluster at ``address``; Ray keeps
  its workers warm too. Install with ``pip install -e .[ray]``.

Results do not depend on the executor: a run's outcome is a function of its configuration and
seed only (tested for joblib and Ray).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from experiments.sweep.design import RunSpec
from experiments.sweep.store import RunRecord
from experiments.sweep.worker import run_batch

EXECUTORS = ("serial", "joblib", "ray")


class ExecutorError(ValueError):
    """An executor that cannot run here (unknown kind, Ray not installed)."""


@dataclass
class ExecutorConfig:
    """How to run batches.

    Attributes:
        kind: serial | joblib | ray.
        n_jobs: worker processes (joblib) or concurrent tasks (ray); -1 = all cores.
        address: Ray cluster address (None: start a local Ray on 127.0.0.1).
    """

    kind: str = "joblib"
    n_jobs: int = 2
    address: str | None = None


def _workers(n_jobs: int) -> int:
    return max(1, os.cpu_count() or 1) if n_jobs < 1 else n_jobs


def _serial(batches: Sequence[Sequence[RunSpec]]) -> Iterator[list[RunRecord]]:
    for batch in batches:
        yield run_batch(batch)


def _joblib(batches: Sequence[Sequence[RunSpec]], n_jobs: int) -> Iterator[list[RunRecord]]:
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=_workers(n_jobs), backend="loky", return_as="generator_unordered",
                        pre_dispatch="2*n_jobs")
    yield from parallel(delayed(run_batch)(list(batch)) for batch in batches)


def _ray(batches: Sequence[Sequence[RunSpec]], n_jobs: int, address: str | None
         ) -> Iterator[list[RunRecord]]:
    try:
        import ray
    except ImportError:
        raise ExecutorError("executor.kind=ray needs Ray: pip install -e .[ray] "
                           "(ray[default]==2.60.0).") from None
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    started_here = not ray.is_initialized()
    if started_here:
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=_workers(n_jobs), include_dashboard=False,
                     _node_ip_address="127.0.0.1", log_to_driver=False)
    remote = ray.remote(run_batch)
    window = 2 * _workers(n_jobs)
    queue = list(batches)
    pending = [remote.remote(list(b)) for b in queue[:window]]
    queue = queue[window:]
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            if queue:
                pending.append(remote.remote(list(queue.pop(0))))
            yield ray.get(done[0])
    finally:
        if started_here:
            ray.shutdown()


def check_executor(executor: ExecutorConfig) -> None:
    """Fail before anything is written when the executor cannot run here.

    Raises:
        ExecutorError: unknown kind, or Ray requested but not installed.
    """
    if executor.kind not in EXECUTORS:
        raise ExecutorError(f"Unknown executor `{executor.kind}`; executor.kind must be one of: "
                            f"{', '.join(EXECUTORS)}.")
    if executor.kind == "ray":
        import importlib.util

        if importlib.util.find_spec("ray") is None:
            raise ExecutorError("executor.kind=ray needs Ray: pip install -e .[ray] "
                                "(ray[default]==2.60.0).")


def map_batches(batches: Sequence[Sequence[RunSpec]], executor: ExecutorConfig
                ) -> Iterator[list[RunRecord]]:
    """Run batches with the chosen executor, yielding each batch's records when it finishes."""
    if executor.kind == "serial":
        return _serial(batches)
    if executor.kind == "joblib":
        return _joblib(batches, executor.n_jobs)
    if executor.kind == "ray":
        return _ray(batches, executor.n_jobs, executor.address)
    raise ExecutorError(f"Unknown executor `{executor.kind}`; executor.kind must be one of: "
                     f"{', '.join(EXECUTORS)}.")
