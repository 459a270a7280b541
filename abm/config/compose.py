"""Compose Hydra configs into checked :class:`SimulationConfig` objects, with clear errors.

Hydra's own messages for a mistyped key or value are accurate but terse; here they become one
paragraph that names the key and lists what is allowed, before any output directory exists.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import DictConfig
from omegaconf.errors import OmegaConfBaseException

from abm.config.schema import ShockConfig, SimulationConfig
from abm.config.validate import ConfigError, schema_keys, suggest_key, validate_config

SCHEMA_NAME = "simulation_schema"
CONFIG_GROUPS = ("network", "scenario", "policy")


def config_dir() -> Path:
    """The Hydra config directory: ``$ECOSIM_CONFIG_DIR`` or the package's ``abm/conf/``.

    The configs ship inside the package (``pyproject.toml`` package data), so an installed
    wheel finds them through :mod:`importlib.resources` wherever it is run from.
    """
    override = os.environ.get("ECOSIM_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(str(resources.files("abm").joinpath("conf"))).resolve()


@cache  # the ConfigStore outlives GlobalHydra.clear(); storing again cost ~0.3 s per compose
def register_schema() -> None:
    """Make the typed schema available to Hydra's defaults lists."""
    ConfigStore.instance().store(name=SCHEMA_NAME, node=SimulationConfig)


def group_options(group: str) -> list[str]:
    """Names of the configs available in a config group."""
    return sorted(p.stem for p in (config_dir() / group).glob("*.yaml"))


def _explain(exc: Exception) -> ConfigError:
    """Translate a Hydra/OmegaConf composition error into a one-paragraph ConfigError."""
    text = f"{exc}\n{exc.__cause__ or ''}"
    missing = re.search(r"Could not find '(\w+)/([^']*)'", text)
    if missing:
        group, option = missing.groups()
        return ConfigError(
            f"Invalid configuration: {group}={option} is not a known option; {group} must be one "
            f"of: {', '.join(group_options(group))} (several scenarios compose as "
            "scenario=[a,b]).")
    unknown = re.search(r"Could not override '([^']+)'", text) or re.search(
        r"Key '[^']+' is not in struct\s+full_key: (\S+)", text)
    if unknown:
        return ConfigError(suggest_key(unknown.group(1)))
    typed = re.search(r"full_key: (\S+)", text)
    key = typed.group(1) if typed else "?"
    cause = str(exc.__cause__ or exc).splitlines()[0].strip()
    return ConfigError(
        f"Invalid configuration: `{key}` has a value of the wrong type ({cause}). "
        f"{key} must be {_type_of(key)}; e.g. ticks=260, market.export_share=0.3.")


def _type_of(key: str) -> str:
    node: type = SimulationConfig
    from dataclasses import fields  # local: only needed for error messages

    hint = "a value of the schema's type"
    parts = key.split(".")
    if parts[:2] == ["scenario", "shocks"] and len(parts) > 3:
        node, parts = ShockConfig, parts[3:]
    for part in parts:
        match = [f for f in fields(node) if f.name == part]
        if not match:
            return hint
        hint = str(match[0].type)
        factory = match[0].default_factory
        default = factory() if callable(factory) else None
        if default is not None and hasattr(default, "__dataclass_fields__"):
            node = type(default)
    return {"int": "an integer", "float": "a number", "bool": "true or false",
            "str": "a string"}.get(hint, f"of type {hint}")


def compose_raw(overrides: Sequence[str] = ()) -> DictConfig:
    """Compose ``abm/conf/config.yaml`` with overrides (no validation beyond types)."""
    register_schema()
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(config_dir()), version_base=None):
            return compose(config_name="config", overrides=list(overrides))
    except (HydraException, OmegaConfBaseException) as exc:
        raise _explain(exc) from None


def compose_config(overrides: Sequence[str] = ()) -> SimulationConfig:
    """Compose and validate a configuration from Hydra-style overrides.

    Args:
        overrides: e.g. ``["scenario=pandemic", "seed=3", "network.n_firms=500"]``.

    Returns:
        The checked configuration.

    Raises:
        ConfigError: naming the offending key and the allowed values.
    """
    return validate_config(compose_raw(overrides))


def check_cli_overrides(overrides: Sequence[str]) -> None:
    """Validate command-line overrides (each sweep value separately) before Hydra runs.

    Raises:
        ConfigError: for the first override that cannot work.
    """
    parser = OverridesParser.create()
    try:
        parsed = parser.parse_overrides(list(overrides))
    except HydraException as exc:
        raise ConfigError(f"Invalid override syntax: {str(exc).splitlines()[0]}. Overrides look "
                          "like key=value, e.g. scenario=pandemic seed=3.") from None
    plain = [o.input_line for o in parsed if not o.is_sweep_override()]
    keys = set(schema_keys())
    for override in parsed:
        key = override.key_or_group
        if key.startswith("hydra") or override.is_add() or override.is_delete():
            continue
        # Keys inside a named shock or instrument are checked when the config is composed.
        if key not in keys and key not in CONFIG_GROUPS and not key.startswith(
                ("scenario.shocks.", "policy.instruments.")):
            raise ConfigError(suggest_key(key))
    config = compose_config([o for o in plain if not o.startswith("hydra")])
    if config.network.source == "file":
        from abm.network import load_network  # the file is read only when one is named

        load_network(str(config.network.firms_path), str(config.network.links_path))
    for override in parsed:
        if override.is_sweep_override():
            for value in override.sweep_string_iterator():
                line = f"{override.key_or_group}={value}"
                skip = ("hydra", override.key_or_group + "=")
                rest = [p for p in plain if not p.startswith(skip)]
                compose_config([*rest, line])
