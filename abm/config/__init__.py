"""Configuration schema, validation and composition."""

from abm.config.schema import SimulationConfig
from abm.config.validate import ConfigError, validate_config

__all__ = ["ConfigError", "SimulationConfig", "validate_config"]
