"""Configuration: the declared schema, its validation, composition and generated docs."""

from abm.config.schema import SimulationConfig
from abm.config.validate import ConfigError, validate_config

__all__ = ["ConfigError", "SimulationConfig", "validate_config"]
