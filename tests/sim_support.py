"""Shared helpers for model tests: small, fast configurations and seed averaging."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from abm import simulate

# A small network and a shock early enough that the run stays short (~0.2 s per run).
SMALL = ("network.n_firms=800", "ticks=160", "scenario.shocks.regional_disaster.onset=60")
SEEDS = range(6)


def mean_metric(overrides: Sequence[str], key: str, seeds: Sequence[int] = SEEDS) -> float:
    """Average of one summary metric over seeds (common random numbers across conditions)."""
    return float(np.mean([simulate([*overrides, f"seed={s}"]).summary[key] for s in seeds]))
