"""ecosim-abm: an agent-based model of an industrial ecosystem on Mesa.

Quick start:
    >>> from abm import simulate
    >>> result = simulate(["scenario=regional_disaster", "seed=3"])  # doctest: +SKIP
    >>> result.summary["resistance"], result.timeseries.head()  # doctest: +SKIP

The names below are imported on first use, so that ``import abm.core`` (the contracts every
plug-in imports) loads neither Hydra nor the engine.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ConfigError": "abm.core.errors",
    "EcosystemModel": "abm.model",
    "SimulationConfig": "abm.config.schema",
    "SimulationResult": "abm.api",
    "simulate": "abm.api",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'abm' has no attribute {name!r}")
