"""ecosim-abm: an agent-based model of an industrial ecosystem on Mesa.

Quick start:
    >>> from abm import simulate
    >>> result = simulate(["scenario=regional_disaster", "seed=3"])  # doctest: +SKIP
    >>> result.summary["resistance"], result.timeseries.head()  # doctest: +SKIP
"""

from abm.api import SimulationResult, simulate
from abm.config import ConfigError, SimulationConfig
from abm.model import EcosystemModel

__all__ = ["ConfigError", "EcosystemModel", "SimulationConfig", "SimulationResult", "simulate"]
