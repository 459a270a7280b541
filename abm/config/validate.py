"""Turn a composed config into a checked :class:`SimulationConfig`, or explain what is wrong.

Every error names the full key, the value given and what is allowed, in one paragraph, so that
a user running a sweep can fix the override without reading code.
"""

from __future__ import annotations

import difflib
from dataclasses import fields, is_dataclass
from typing import Any

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from abm.config.schema import ShockConfig, SimulationConfig
from abm.policies import POLICIES


class ConfigError(ValueError):
    """A configuration value or input file that the model cannot use."""


SHOCK_KINDS = (
    "regional_disaster",
    "logistics_chokepoint",
    "key_input_embargo",
    "export_demand_drop",
    "pandemic",
)
RECOVERY_PROFILES = ("step", "linear", "exponential")

# key -> (low, high) inclusive; None = unbounded on that side.
_RANGES: dict[str, tuple[float | None, float | None]] = {
    "ticks": (1, 100_000),
    "network.n_firms": (20, 5_000_000),
    "network.n_chains": (1, 100),
    "network.n_products": (1, 8),
    "network.n_regions": (1, 1000),
    "network.chain_leaders_per_chain": (0, 1000),
    "network.chain_leader_size": (1.0, 1000.0),
    "network.suppliers_per_input": (1, 20),
    "network.concentration": (0.0, 10.0),
    "network.size_dispersion": (0.0, 5.0),
    "network.regional_bias": (0.0, 1000.0),
    "network.tech_share": (0.0, 1.0),
    "network.inputs_labour": (1, 8),
    "network.inputs_technology": (1, 8),
    "market.final_demand_per_assembler": (1e-9, None),
    "market.export_share": (0.0, 1.0),
    "market.demand_noise_common": (0.0, 1.0),
    "market.demand_noise_idiosyncratic": (0.0, 1.0),
    "market.forecast_smoothing": (0.0, 1.0),
    "market.forecast_noise": (0.0, 1.0),
    "market.inventory_adjustment": (0.01, 1.0),
    "market.safety_stock_weeks": (0.0, 52.0),
    "market.finished_goods_weeks": (0.0, 52.0),
    "market.capacity_slack": (0.0, 10.0),
    "market.capacity_adjustment": (0.0, 1.0),
    "market.lead_time_local": (1, 52),
    "market.lead_time_domestic": (1, 52),
    "market.lead_time_sea": (1, 52),
    "market.lead_time_market": (1, 52),
    "finance.value_added_share_labour": (0.01, 0.95),
    "finance.value_added_share_technology": (0.01, 0.95),
    "finance.labour_cost_share": (0.0, 1.0),
    "finance.fixed_cost_share": (0.0, 1.0),
    "finance.holding_cost_rate": (0.0, 1.0),
    "finance.initial_cash_weeks": (0.0, None),
    "finance.credit_line_weeks": (0.0, None),
    "finance.interest_rate": (0.0, 1.0),
    "finance.payout_rate": (0.0, 1.0),
    "finance.entry_rate": (0.0, 1.0),
    "finance.entry_elasticity": (0.0, 10.0),
    "finance.exit_patience": (0, 520),
    "sourcing.search_ticks": (1, 520),
    "sourcing.switch_threshold": (0.0, 1.0),
    "sourcing.fill_memory": (1e-9, 1.0),
    "sourcing.min_availability": (0.0, 1.0),
    "policy.budget_per_year": (0.0, None),
    "platforms.n_platforms": (0, 100),
    "platforms.membership_rate": (0.0, 1.0),
    "platforms.commission_rate": (0.0, 1.0),
    "metrics.warmup": (0, None),
    "metrics.baseline_window": (1, None),
    "metrics.recovery_level": (0.0, 1.0),
    "metrics.late_window": (1, None),
}
# Firm behaviour (docs/odd_firm_behaviour.md): rates and shares in [0, 1], weights >= 0.
_UNIT = (0.0, 1.0)
_POSITIVE = (0.0, None)
_RANGES.update({
    "behaviour.period": (1, 52),
    "behaviour.review_periods": (1, 52),
    **{f"behaviour.esg.{k}": _UNIT for k in (
        "initial_mean", "initial_greenwash_share", "initial_improve_share", "initial_gap",
        "greenwash_cost_share", "decay", "gap_decay", "gap_tolerance", "audit_rate",
        "platform_audit_rate", "detection_probability", "unverified_weight",
        "reputation_learning", "reputation_penalty", "trust_penalty", "leader_bonus",
        "leader_requirement", "sme_requirement", "revision_rate", "mutation_rate")},
    **{f"behaviour.esg.{k}": _POSITIVE for k in (
        "improve_efficiency", "greenwash_efficiency", "fine_weeks", "end_market_sensitivity",
        "large_buyer_sensitivity", "preference_weight", "unverified_noise")},
    "behaviour.esg.initial_sd": (0.0, 0.45),
    "behaviour.esg.component_sd": (0.0, 0.45),
    "behaviour.esg.verified_ticks": (1, None),
    "behaviour.esg.imitation_temperature": (1e-9, None),
    "behaviour.esg.valuation_periods": (0.0, 520.0),
    **{f"behaviour.trust.{k}": _UNIT for k in (
        "gain", "loss", "prior_base", "prior_rating_weight", "prior_reputation_weight",
        "initial_tenure", "forgiveness", "shock_memory", "priority_threshold",
        "distrust_threshold",
        "share_adjustment")},
    **{f"behaviour.trust.{k}": _POSITIVE for k in (
        "switch_sensitivity", "share_weight", "quality_weight")},
    **{f"behaviour.finance.{k}": _POSITIVE for k in (
        "rating_credit_weight", "size_credit_weight", "rating_spread", "size_spread",
        "trade_credit_weeks")},
    **{f"behaviour.finance.{k}": _UNIT for k in (
        "trade_credit_trust", "leader_rate_factor", "investment_credit_use")},
    **{f"behaviour.innovation.{k}": _POSITIVE for k in (
        "initial_dispersion", "technology_premium", "success_scale", "step", "absorptive_half",
        "joint_step", "cost_elasticity", "value_elasticity")},
    **{f"behaviour.innovation.{k}": _UNIT for k in (
        "knowledge_depreciation", "spillover_rate", "joint_rate", "joint_trust")},
    **{f"behaviour.digital.{k}": _UNIT for k in (
        "initial_mean", "leader_level", "platform_boost", "adoption_threshold", "depreciation",
        "legacy_forecast_noise", "information_delay", "visibility", "search_speedup",
        "platform_search_factor", "early_warning")},
    "behaviour.digital.initial_sd": (0.0, 0.45),
    "behaviour.digital.initial_shift_sd": (-5.0, 5.0),
    "behaviour.digital.efficiency": _POSITIVE,
    "behaviour.digital.lag_periods": (0, 52),
    "behaviour.upgrading.threshold": (1e-9, None),
    "behaviour.upgrading.cost_weeks": _POSITIVE,
    "behaviour.upgrading.max_wait": (0, 520),
    "behaviour.upgrading.ramp_periods": (1, 52),
    "behaviour.upgrading.max_new_suppliers": (1, 20),
    **{f"behaviour.investment.{k}": _UNIT for k in (
        "budget_share", "max_intensity", "buffer_adjustment")},
    **{f"behaviour.investment.{k}": _POSITIVE for k in (
        "profit_weight", "leader_weight", "disruption_weight", "requirement_weight",
        "maturity_weight", "max_buffer_weeks")},
    **{f"behaviour.investment.{k}": (-20.0, 20.0) for k in (
        "rd_base", "digital_base", "esg_base", "buffer_base")},
})
# List-valued behaviour keys: (expected length, low, high) of every entry.
_LISTS: dict[str, tuple[int, float, float | None]] = {
    "behaviour.esg.weights": (3, 0.0, 1.0),
    "behaviour.esg.emission_tier_factor": (4, 0.0, None),
    "behaviour.esg.emission_route_factor": (3, 0.0, None),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "network.source": ("generated", "file"),
    "market.rationing": ("proportional", "priority"),
    "platforms.mode": ("marketplace", "full_managed"),
    "policy.name": tuple(POLICIES),
}
_SHOCK_RANGES: dict[str, tuple[float | None, float | None]] = {
    "onset": (0, None),
    "duration": (1, None),
    "magnitude": (0.0, 1.0),
    "extra_lead_time": (0, 52),
    "outage_ticks": (1, 520),
    "scope.share": (0.0, 1.0),
    "recovery.ticks": (1, 520),
}


def _fail(key: str, value: Any, allowed: str, hint: str = "") -> ConfigError:
    extra = f" {hint}" if hint else ""
    return ConfigError(
        f"Invalid configuration: `{key}` = {value!r} is not allowed; {key} must be "
        f"{allowed}.{extra} Fix it in the config file or override it, e.g. `{key}=<value>`."
    )


def _get(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _check_range(key: str, value: float, bounds: tuple[float | None, float | None]) -> None:
    low, high = bounds
    if (low is not None and value < low) or (high is not None and value > high):
        allowed = (
            f"between {low} and {high}"
            if low is not None and high is not None
            else (f"at least {low}" if low is not None else f"at most {high}")
        )
        raise _fail(key, value, allowed)


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


def validate_shock(name: str, shock: ShockConfig, n_regions: int) -> None:
    """Check one shock's kind, ranges and scope."""
    prefix = f"scenario.shocks.{name}"
    if shock.kind not in SHOCK_KINDS:
        raise _fail(f"{prefix}.kind", shock.kind, "one of " + ", ".join(SHOCK_KINDS))
    if shock.recovery.profile not in RECOVERY_PROFILES:
        raise _fail(
            f"{prefix}.recovery.profile", shock.recovery.profile,
            "one of " + ", ".join(RECOVERY_PROFILES),
        )
    for key, bounds in _SHOCK_RANGES.items():
        _check_range(f"{prefix}.{key}", _get(shock, key), bounds)
    for region in shock.scope.regions:
        if not 0 <= region < n_regions:
            raise _fail(f"{prefix}.scope.regions", shock.scope.regions,
                        f"region ids between 0 and network.n_regions-1 = {n_regions - 1}")
    for tier in shock.scope.tiers:
        if not 0 <= tier <= 3:
            raise _fail(f"{prefix}.scope.tiers", shock.scope.tiers,
                        "tier ids 0 (raw) to 3 (assembly)")


def validate_config(cfg: DictConfig | SimulationConfig) -> SimulationConfig:
    """Check a composed config and return it as a :class:`SimulationConfig`.

    Args:
        cfg: a Hydra/OmegaConf config (possibly with a ``hydra`` node) or a schema object.

    Returns:
        The validated configuration object.

    Raises:
        ConfigError: with a one-paragraph explanation naming the key and the allowed values.
    """
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
    for key, bounds in _RANGES.items():
        _check_range(key, _get(conf, key), bounds)
    for key, choices in _CHOICES.items():
        if _get(conf, key) not in choices:
            raise _fail(key, _get(conf, key), "one of " + ", ".join(choices))
    net = conf.network
    shares = net.tier_shares
    if len(shares) != 4 or any(s <= 0 for s in shares):
        raise _fail("network.tier_shares", shares, "four positive numbers (raw, components, "
                    "modules, assembly)")
    for key in ("inputs_labour", "inputs_technology"):
        if getattr(net, key) > net.n_products:
            raise _fail(f"network.{key}", getattr(net, key),
                        f"at most network.n_products = {net.n_products}")
    if any(not 0 <= r < net.n_regions for r in net.overseas_regions):
        raise _fail("network.overseas_regions", net.overseas_regions,
                    f"region ids between 0 and {net.n_regions - 1}")
    if net.source == "file" and not net.firms_path:
        raise _fail("network.firms_path", net.firms_path,
                    "a path to a CSV or Parquet table of firms when network.source=file")
    if net.source == "file" and not net.links_path:
        raise _fail("network.links_path", net.links_path,
                    "a path to a CSV or Parquet table of links when network.source=file")
    min_firms = net.n_chains * 4 * net.n_products
    if net.source == "generated" and net.n_firms < min_firms:
        raise _fail("network.n_firms", net.n_firms,
                    f"at least n_chains*4*n_products = {min_firms} so every tier has every product")
    for key, (length, low, high) in _LISTS.items():
        values = _get(conf, key)
        if len(values) != length or any(v < low or (high is not None and v > high)
                                         for v in values):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise _fail(key, values, f"a list of {length} numbers, each {bound}")
    if sum(conf.behaviour.esg.weights) <= 0:
        raise _fail("behaviour.esg.weights", conf.behaviour.esg.weights,
                    "three weights (E, S, G) with a positive sum")
    for name, shock in conf.scenario.shocks.items():
        validate_shock(name, shock, net.n_regions)
    return conf


def _strip_hydra(cfg: DictConfig) -> DictConfig:
    plain = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(plain, dict)
    plain.pop("hydra", None)
    return OmegaConf.create(plain)
