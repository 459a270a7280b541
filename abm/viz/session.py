"""What the browser app builds a model from: settings, configurations and the model class.

The app's controls edit a :class:`Settings`; Mesa's ``ModelController`` rebuilds the model on
Reset by calling ``VizModel(**settings.as_kwargs())``. Extra Hydra overrides for every model of
the app come from the environment variable ``ECOSIM_VIZ_OVERRIDES`` (space-separated, e.g.
``"network.n_firms=400 market.export_share=0.4"``); overrides of keys the controls own (seed,
network size, scenario, policy) become the controls' starting values instead.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import os
import shlex
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from omegaconf import OmegaConf

from abm.config.compose import compose_config, config_dir, group_options
from abm.config.schema import PolicyConfig, SimulationConfig
from abm.core.registry import INSTRUMENTS, load_plugins
from abm.model import EcosystemModel

#: Environment variable with extra Hydra overrides for every model the app builds.
OVERRIDES_ENV = "ECOSIM_VIZ_OVERRIDES"

# Hydra's global state is process-wide: sessions must not compose at the same time.
_COMPOSE_LOCK = threading.Lock()
_CONTROLLED = ("seed=", "network.n_firms=", "scenario=", "policy=", "policy.")


@dataclass(frozen=True)
class Settings:
    """The model settings the app's controls edit.

    Attributes:
        seed: random seed of the model.
        n_firms: number of firms in the generated network.
        scenario_name: name of a scenario config (its shocks happen at their configured onsets;
            not ``scenario``, which Mesa >= 3.5 reserves for its own Scenario on Reset).
        policy: ``baseline`` or a registered policy instrument with a config file.
        policy_params: numeric fields of ``PolicyConfig`` (e.g. ``budget_per_year``).
    """

    seed: int
    n_firms: int
    scenario_name: str
    policy: str
    policy_params: dict[str, float] = field(default_factory=dict)

    def as_kwargs(self) -> dict[str, object]:
        """Keyword arguments for :class:`VizModel`."""
        return dataclasses.asdict(self)


def env_overrides() -> list[str]:
    """Overrides from ``$ECOSIM_VIZ_OVERRIDES`` (empty when unset)."""
    return shlex.split(os.environ.get(OVERRIDES_ENV, ""))


@functools.lru_cache(maxsize=64)
def _composed(overrides: tuple[str, ...]) -> SimulationConfig:
    """Compose once per distinct overrides (callers get copies from :func:`compose`)."""
    with _COMPOSE_LOCK:
        return compose_config(list(overrides))


def compose(overrides: Sequence[str]) -> SimulationConfig:
    """A validated configuration (a private copy: callers may change it).

    Args:
        overrides: Hydra overrides, e.g. ``["scenario=pandemic", "seed=3"]``.

    Returns:
        The composed configuration; identical overrides are composed only once per process.
    """
    return copy.deepcopy(_composed(tuple(overrides)))


def _base_overrides() -> list[str]:
    """Environment overrides of keys the controls do not own."""
    return [o for o in env_overrides() if not o.startswith(_CONTROLLED)]


def _default_scenario() -> str:
    """The scenario of ``$ECOSIM_VIZ_OVERRIDES`` or else of ``abm/conf/config.yaml``'s defaults."""
    for override in env_overrides():
        if override.startswith("scenario="):
            return override.split("=", 1)[1]
    defaults = OmegaConf.to_container(OmegaConf.load(config_dir() / "config.yaml"))
    for entry in defaults.get("defaults", []) if isinstance(defaults, dict) else []:
        if isinstance(entry, dict) and "scenario" in entry:
            return str(entry["scenario"])
    return "none"


def policy_overrides(policy: str, params: Mapping[str, float] | None = None) -> list[str]:
    """Overrides selecting a policy (its config file) and numeric ``policy.*`` parameters.

    Args:
        policy: one of :func:`policy_names`.
        params: values for numeric ``policy.*`` fields.

    Returns:
        Hydra overrides, e.g. ``["policy=baseline", "policy.budget_per_year=0.0"]``.
    """
    return [f"policy={policy}", *(f"policy.{key}={value}" for key, value in (params or {}).items())]


def policy_parameters(policy: PolicyConfig) -> dict[str, float]:
    """The numeric fields of a policy config: one control each, so new fields appear by themselves.

    Args:
        policy: a composed policy config.

    Returns:
        Field name to value (int or float as in the schema), without non-numeric fields.
    """
    return {
        f.name: getattr(policy, f.name)
        for f in dataclasses.fields(policy)
        if isinstance(getattr(policy, f.name), int | float)
        and not isinstance(getattr(policy, f.name), bool)
    }


def policy_defaults(policy: str) -> dict[str, float]:
    """Default parameters of a policy.

    Args:
        policy: one of :func:`policy_names`.

    Returns:
        Its numeric config fields as composed (from its config file, if any).
    """
    return policy_parameters(compose([*_base_overrides(), *policy_overrides(policy)]).policy)


def policy_names() -> list[str]:
    """``baseline`` (no instruments) and every registered instrument that has a config file."""
    load_plugins()
    files = set(group_options("policy"))
    return ["baseline", *(name for name in INSTRUMENTS if name in files)]


def policy_label(policy: PolicyConfig) -> str:
    """A policy's name: ``baseline`` for no instruments, else its instruments joined."""
    return ",".join(sorted(policy.instruments)) or "baseline"


def scenario_names() -> list[str]:
    """Scenario configs available in ``abm/conf/scenario``."""
    return group_options("scenario")


def default_settings() -> Settings:
    """Starting values of the controls: the default configuration plus the environment's."""
    scenario = _default_scenario()
    cfg = compose([*env_overrides()])
    return Settings(seed=cfg.seed, n_firms=cfg.network.n_firms, scenario_name=scenario,
                    policy=policy_label(cfg.policy), policy_params=policy_parameters(cfg.policy))


def build_config(settings: Settings) -> SimulationConfig:
    """The validated configuration of a model built from ``settings``.

    Args:
        settings: the controls' values.

    Returns:
        The configuration.

    Raises:
        abm.config.ConfigError: if a setting is out of range.
    """
    return compose([*_base_overrides(), f"seed={settings.seed}",
                    f"network.n_firms={settings.n_firms}", f"scenario={settings.scenario_name}",
                    *policy_overrides(settings.policy, settings.policy_params)])


class VizModel(EcosystemModel):
    """The ecosystem model built from the app's settings (what Mesa's Reset button calls).

    Args:
        seed: random seed.
        n_firms: number of firms.
        scenario_name: scenario config name.
        policy: policy name (see :func:`policy_names`).
        policy_params: numeric policy fields.
    """

    def __init__(self, *, seed: int, n_firms: int, scenario_name: str, policy: str,
                 policy_params: Mapping[str, float] | None = None) -> None:
        settings = Settings(seed=int(seed), n_firms=int(n_firms), scenario_name=scenario_name,
                            policy=policy, policy_params=dict(policy_params or {}))
        super().__init__(config=build_config(settings))
        self.settings = settings
