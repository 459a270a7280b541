"""Sweeps: designs crossed with seeds, run by one of several executors into a Parquet store."""

from experiments.sweep.design import RunSpec, design_points, expand
from experiments.sweep.executors import ExecutorConfig
from experiments.sweep.runner import SweepOutcome, run_sweep
from experiments.sweep.store import SweepStore

__all__ = ["ExecutorConfig", "RunSpec", "SweepOutcome", "SweepStore", "design_points", "expand",
           "run_sweep"]
