"""Turn a composed config into a checked :class:`SimulationConfig`, or explain what is wrong.

Field checks are generated from the schema's declarations (:mod:`abm.config.fields`): every
number must be finite (NaN and infinity are refused everywhere) and within its range, every
choice one of its choices, every list of its length. Rules that relate several keys are
written out in :func:`_check_consistency`. Shock kinds and policy instruments are whatever
is registered (``abm.core.registry``). Every error names the full key, the value given and
what is allowed, in one paragraph, so that a user running a sweep can fix the override
without reading code.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from dataclasses import fields, is_dataclass
from typing import Any

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from abm.config.fields import Spec, spec_of, walk
from abm.config.schema import ShockConfig, SimulationConfig
from abm.core.errors import ConfigError
from abm.core.registry import INSTRUMENTS, SHOCK_KINDS, load_plugins
from abm.core.rules import max_chain_leaders

__all__ = ["ConfigError", "schema_keys", "suggest_key", "validate_config", "validate_instrument",
           "validate_shock"]

TIER_SHARE_TOLERANCE = 0.01  # network.tier_shares must sum to 1 within this


def _fail(key: str, value: Any, allowed: str, hint: str = "") -> ConfigError:
    extra = f" {hint}" if hint else ""
    return ConfigError(
        f"Invalid configuration: `{key}` = {value!r} is not allowed; {key} must be "
        f"{allowed}.{extra} Fix it in the config file or override it, e.g. `{key}=<value>`."
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _within(value: float, spec: Spec) -> bool:
    return (math.isfinite(value) and (spec.low is None or value >= spec.low)
            and (spec.high is None or value <= spec.high))


def check_field(key: str, value: Any, spec: Spec) -> None:
    """Check one value against its declaration.

    Raises:
        ConfigError: naming the key and what is allowed.
    """
    if spec.choices:
        if value not in spec.choices:
            raise _fail(key, value, spec.allowed())
    elif isinstance(value, list | tuple):
        if (spec.length is not None and len(value) != spec.length) or not all(
                _is_number(v) and _within(v, spec) for v in value):
            raise _fail(key, list(value), spec.allowed())
    elif _is_number(value) and not _within(value, spec):
        raise _fail(key, value, spec.allowed())


def check_tree(obj: Any, prefix: str = "") -> None:
    """Check every declared field of a dataclass tree (``prefix`` + dotted key)."""
    for key, f, _ in walk(type(obj)):
        spec = spec_of(f)
        if spec is not None:
            check_field(prefix + key, _get(obj, key), spec)


def _get(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def schema_keys(cls: type = SimulationConfig, prefix: str = "") -> list[str]:
    """All dotted keys the schema allows (sub-dataclasses expanded)."""
    keys: list[str] = []
    for f in fields(cls):
        key = f"{prefix}{f.name}"
        default = f.default_factory() if callable(f.default_factory) else f.default  # type: ignore[misc]
        keys.append(key)
        if is_dataclass(default):
            keys.extend(schema_keys(type(default), key + "."))
    return keys


def suggest_key(key: str) -> str:
    """A one-paragraph message for an unknown key, listing its siblings and a close match."""
    parent, _, _ = key.rpartition(".")
    all_keys = schema_keys()
    parts = key.split(".")
    if parts[:2] == ["scenario", "shocks"] and len(parts) > 3:
        # Keys inside a named shock are the shock schema's keys.
        shock_prefix = ".".join(parts[:3]) + "."
        all_keys = [shock_prefix + k for k in schema_keys(ShockConfig)]
    siblings = [k for k in all_keys if k.rpartition(".")[0] == parent]
    close = difflib.get_close_matches(key, all_keys, n=1)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    names = ", ".join(s.rpartition(".")[2] for s in siblings)
    where = f"under `{parent}`" if parent else "at the top level"
    return (
        f"Invalid configuration: unknown key `{key}`. Allowed keys {where} are: {names}.{hint}"
        " Scenario shocks live under `scenario.shocks.<name>.`; see docs/ODD.md for every key."
    )


def validate_shock(name: str, shock: ShockConfig, conf: SimulationConfig) -> None:
    """Check one shock's kind, ranges, scope and timing against the rest of the config."""
    load_plugins()
    prefix = f"scenario.shocks.{name}"
    if shock.kind not in SHOCK_KINDS:
        raise _fail(f"{prefix}.kind", shock.kind, "one of " + ", ".join(SHOCK_KINDS))
    check_tree(shock, prefix + ".")
    if shock.onset >= conf.ticks:
        raise _fail(f"{prefix}.onset", shock.onset,
                    f"a tick before the horizon ticks={conf.ticks} (at most {conf.ticks - 1})",
                    "A shock that starts after the run ends would be reported as no damage.")
    net = conf.network
    for part, top, what in (("regions", net.n_regions, "network.n_regions"),
                            ("chains", net.n_chains, "network.n_chains"),
                            ("products", net.n_products, "network.n_products")):
        ids = getattr(shock.scope, part)
        if any(not 0 <= i < top for i in ids):
            raise _fail(f"{prefix}.scope.{part}", ids,
                        f"ids between 0 and {what}-1 = {top - 1} ([] means all)",
                        "An id outside the network would make a shock that hits nothing.")
    if net.source != "file" and any(not 0 <= i < net.n_firms for i in shock.scope.firms):
        raise _fail(f"{prefix}.scope.firms", shock.scope.firms,
                    f"firm rows between 0 and network.n_firms-1 = {net.n_firms - 1} ([] means "
                    "all)", "A row outside the network would make a shock that hits nothing.")


def _instrument_params(name: str, given: Any) -> Any:
    """A policy instrument's parameters as its ``Params`` object, checked."""
    key = f"policy.instruments.{name}"
    if name not in INSTRUMENTS:
        raise _fail(key, name, "a registered policy instrument: one of "
                    + (", ".join(INSTRUMENTS) or "(none registered yet)"),
                    "policy=baseline is the empty set; see docs/policy_instruments.md.")
    params_type = INSTRUMENTS[name].params_type
    if isinstance(given, params_type):
        params = given
    else:
        try:
            merged = OmegaConf.merge(OmegaConf.structured(params_type), given or {})
            params = OmegaConf.to_object(merged)
        except OmegaConfBaseException as exc:
            bad = getattr(exc, "full_key", None) or "?"
            allowed = ", ".join(f.name for f in fields(params_type)) or "(no parameters)"
            raise ConfigError(
                f"Invalid configuration: `{key}.{bad}` is not a parameter of this instrument "
                f"or has the wrong type ({str(exc).splitlines()[0]}). Its parameters are: "
                f"{allowed}.") from None
    check_tree(params, key + ".")
    return params


def validate_instrument(name: str, given: Any, conf: SimulationConfig) -> Any:
    """A policy instrument's parameters, checked alone and against the rest of ``conf``
    (the instrument's ``check_config``); used for config input and for instruments switched
    on mid-run.

    Raises:
        ConfigError: naming the key and what is allowed.
    """
    params = _instrument_params(name, given)
    INSTRUMENTS[name].check_config(conf, params)
    return params


def _check_consistency(conf: SimulationConfig) -> None:
    """Rules that relate several keys."""
    net = conf.network
    shares = net.tier_shares
    if any(s <= 0 for s in shares) or abs(sum(shares) - 1.0) > TIER_SHARE_TOLERANCE:
        raise _fail("network.tier_shares", shares,
                    f"four positive shares (raw, components, modules, assembly) that sum to 1 "
                    f"(within {TIER_SHARE_TOLERANCE})")
    for key in ("inputs_labour", "inputs_technology"):
        if getattr(net, key) > net.n_products:
            raise _fail(f"network.{key}", getattr(net, key),
                        f"at most network.n_products = {net.n_products}")
    if any(not 0 <= r < net.n_regions for r in net.overseas_regions):
        raise _fail("network.overseas_regions", net.overseas_regions,
                    f"region ids between 0 and {net.n_regions - 1}")
    if net.source == "file":
        for key, what in (("firms_path", "firms"), ("links_path", "links")):
            if not getattr(net, key):
                raise _fail(f"network.{key}", getattr(net, key),
                            f"a path to a CSV or Parquet table of {what} when "
                            "network.source=file")
    else:
        for key in ("firms_path", "links_path"):
            if getattr(net, key):
                raise _fail(f"network.{key}", getattr(net, key),
                            "null (empty) when network.source=generated",
                            "To use your own tables, also set network=file (or "
                            "network.source=file).")
        min_firms = net.n_chains * 4 * net.n_products
        if net.n_firms < min_firms:
            raise _fail("network.n_firms", net.n_firms,
                        f"at least n_chains*4*n_products = {min_firms} so every tier has "
                        "every product")
        most = max_chain_leaders(net.n_firms, net.n_chains, shares, net.n_products)
        if net.chain_leaders_per_chain > most:
            raise _fail("network.chain_leaders_per_chain", net.chain_leaders_per_chain,
                        f"at most {most}: all but one of the assemblers of the smallest chain "
                        f"({net.n_firms} firms in {net.n_chains} chains, tier_shares {shares})")
    metrics = conf.metrics
    if metrics.warmup >= conf.ticks:
        raise _fail("metrics.warmup", metrics.warmup,
                    f"shorter than the run, ticks={conf.ticks} (at most {conf.ticks - 1})",
                    "For a run this short, also set a shorter metrics.warmup.")
    if metrics.late_window > conf.ticks:
        raise _fail("metrics.late_window", metrics.late_window,
                    f"at most the run's length, ticks={conf.ticks}",
                    "For a run this short, also set a shorter metrics.late_window.")
    if sum(conf.behaviour.esg.weights) <= 0:
        raise _fail("behaviour.esg.weights", conf.behaviour.esg.weights,
                    "three weights (E, S, G) with a positive sum")


def validate_config(cfg: DictConfig | SimulationConfig) -> SimulationConfig:
    """Check a composed config and return it as a :class:`SimulationConfig`.

    Args:
        cfg: a Hydra/OmegaConf config (possibly with a ``hydra`` node) or a schema object.

    Returns:
        The validated configuration object (policy instruments' parameters as objects).

    Raises:
        ConfigError: with a one-paragraph explanation naming the key and the allowed values.
    """
    load_plugins()
    if isinstance(cfg, DictConfig):
        try:
            merged = OmegaConf.merge(OmegaConf.structured(SimulationConfig), _strip_hydra(cfg))
            conf: SimulationConfig = OmegaConf.to_object(merged)  # type: ignore[assignment]
        except OmegaConfBaseException as exc:
            key = getattr(exc, "full_key", None) or "?"
            if "not in struct" in str(exc) or "Key '" in str(exc):
                raise ConfigError(suggest_key(str(key))) from None
            raise ConfigError(
                f"Invalid configuration at `{key}`: {str(exc).splitlines()[0]}. "
                "Check the type of the value (integers for counts and ticks, numbers for rates)."
            ) from None
    else:
        conf = cfg
    check_tree(conf)
    _check_consistency(conf)
    for name, shock in conf.scenario.shocks.items():
        validate_shock(name, shock, conf)
    instruments = {name: validate_instrument(name, given, conf)
                   for name, given in conf.policy.instruments.items()}
    return dataclasses.replace(conf, policy=dataclasses.replace(conf.policy,
                                                                instruments=instruments))


def _strip_hydra(cfg: DictConfig) -> DictConfig:
    plain = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(plain, dict)
    plain.pop("hydra", None)
    return OmegaConf.create(plain)
