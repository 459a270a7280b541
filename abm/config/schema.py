"""Typed schema of a simulation's configuration.

Every Hydra config under ``configs/`` is merged onto these dataclasses, so OmegaConf rejects
unknown keys and wrong types while composing. Ranges and cross-field rules are checked by
:func:`abm.config.validate.validate_config`, which turns the composed config into these objects.
Each field's comment gives its meaning; ``docs/ODD.md`` gives its source.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class NetworkConfig:
    """How the supply network is built (spec §2)."""

    source: str = "generated"  # "generated" (tiered generator) or "file" (firms + links tables)
    n_firms: int = 2000  # total firms over all chains
    n_chains: int = 2  # industrial chains; firms trade only within their chain
    tier_shares: list[float] = field(default_factory=lambda: [0.35, 0.30, 0.20, 0.15])
    n_products: int = 3  # distinct products per tier (an input slot per product)
    n_regions: int = 4  # regions that shocks can hit
    overseas_regions: list[int] = field(default_factory=lambda: [3])  # reached by sea routes
    chain_leaders_per_chain: int = 3  # chain masters (链主) at the assembly tier, seed 001
    chain_leader_size: float = 8.0  # a chain leader's final demand relative to an SME assembler
    suppliers_per_input: int = 2  # suppliers a buyer holds for each input product
    concentration: float = 1.0  # preferential-attachment exponent on supplier size (0 = uniform)
    size_dispersion: float = 0.8  # sigma of log firm size (lognormal)
    regional_bias: float = 2.0  # attachment weight multiplier for a supplier in the buyer's region
    tech_share: float = 0.3  # share of firms in the technology-intensive segment
    inputs_labour: int = 2  # input products a labour-intensive firm needs
    inputs_technology: int = 3  # input products a technology-intensive firm needs (complexity)
    firms_path: str | None = None  # source=file: CSV/Parquet table of firms
    links_path: str | None = None  # source=file: CSV/Parquet table of buyer-supplier links


@dataclass
class MarketConfig:
    """Demand, ordering, production and logistics (spec §3 phases 3-6)."""

    final_demand_per_assembler: float = 10.0  # units per tick for an SME assembler
    export_share: float = 0.3  # share of final demand from the export market
    demand_noise_common: float = 0.03  # s.d. of the chain-wide multiplicative demand shock
    demand_noise_idiosyncratic: float = 0.08  # s.d. of each assembler's own demand noise
    forecast_smoothing: float = 0.2  # exponential-smoothing weight on the newest demand
    inventory_adjustment: float = 0.4  # share of the inventory-position gap ordered per tick
    forecast_noise: float = 0.0  # s.d. of multiplicative error on each firm's forecast
    safety_stock_weeks: float = 2.0  # input safety stock, in ticks of expected use
    finished_goods_weeks: float = 1.0  # finished-goods buffer, in ticks of expected demand
    capacity_slack: float = 0.15  # capacity above normal output (capacity buffer)
    capacity_adjustment: float = 0.02  # per-tick speed at which capacity follows demand
    rationing: str = "proportional"  # "proportional" or "priority" (strategic buyers first)
    lead_time_local: int = 1  # ticks, supplier and buyer in the same region
    lead_time_domestic: int = 2  # ticks, different domestic regions
    lead_time_sea: int = 5  # ticks, overseas links and export deliveries (25-40 days, seed 002)
    lead_time_market: int = 1  # ticks, domestic final delivery


@dataclass
class FinanceConfig:
    """Prices, costs, cash and credit (spec §3 phase 7)."""

    value_added_share_labour: float = 0.30  # value added / price, labour-intensive segment
    value_added_share_technology: float = 0.45  # value added / price, technology-intensive
    labour_cost_share: float = 0.50  # labour cost as a share of unit value added
    fixed_cost_share: float = 0.25  # capital cost per tick as a share of normal value added
    holding_cost_rate: float = 0.002  # per tick, on inventory value
    initial_cash_weeks: float = 8.0  # starting cash in ticks of fixed cost
    credit_line_weeks: float = 2.0  # overdraft allowed, in ticks of normal revenue
    interest_rate: float = 0.002  # per tick on overdraft
    payout_rate: float = 0.1  # share of cash above target paid out each tick
    entry_rate: float = 0.02  # per tick probability that a vacant firm slot gets an entrant


@dataclass
class SourcingConfig:
    """Supplier replacement (spec §3 phase 9)."""

    search_ticks: int = 4  # ticks to find and qualify a replacement supplier
    switch_threshold: float = 0.3  # fill-rate average below which a buyer starts a search
    fill_memory: float = 0.1  # weight of the newest fill rate in its moving average
    min_availability: float = 0.5  # a candidate supplier must run at least this share


@dataclass
class ScopeConfig:
    """Which firms or links a shock touches; empty lists mean "all"."""

    regions: list[int] = field(default_factory=list)
    tiers: list[int] = field(default_factory=list)
    chains: list[int] = field(default_factory=list)
    products: list[int] = field(default_factory=list)
    share: float = 1.0  # share of in-scope firms hit (pandemic: share out at any time)


@dataclass
class RecoveryConfig:
    """How a shock fades after its duration."""

    profile: str = "linear"  # "step", "linear" or "exponential"
    ticks: int = 8  # ticks to (95%) full recovery; ignored by "step"


@dataclass
class ShockConfig:
    """One scenario event (spec §5)."""

    kind: str = "regional_disaster"  # see abm.shocks.SHOCK_KINDS
    onset: int = 104  # first tick of the shock
    duration: int = 8  # ticks at full magnitude
    magnitude: float = 0.8  # share of capacity / flow / demand lost at full strength
    extra_lead_time: int = 2  # logistics_chokepoint: ticks added to sea routes
    outage_ticks: int = 4  # pandemic: mean length of one firm's outage
    scope: ScopeConfig = field(default_factory=ScopeConfig)
    recovery: RecoveryConfig = field(default_factory=RecoveryConfig)


@dataclass
class ScenarioConfig:
    """A set of named shocks; selecting several scenario files merges their shocks."""

    shocks: dict[str, ShockConfig] = field(default_factory=dict)


@dataclass
class PolicyConfig:
    """Industrial policy regime (spec §4); only the baseline exists so far."""

    name: str = "baseline"
    budget_per_year: float = 0.0  # regulator budget, currency units per 52 ticks


@dataclass
class PlatformConfig:
    """Digital platforms (spec §1); behaviour beyond membership and fees comes later."""

    n_platforms: int = 2
    membership_rate: float = 0.15  # share of SMEs that are platform members at the start
    commission_rate: float = 0.05  # platform fee on export sales through the platform
    mode: str = "marketplace"  # "marketplace" or "full_managed"


@dataclass
class MetricsConfig:
    """Windows for the resilience metrics (spec §6)."""

    warmup: int = 26  # ticks ignored by variance-based metrics (bullwhip)
    baseline_window: int = 26  # pre-shock ticks averaged into the baseline
    recovery_level: float = 0.95  # share of baseline that counts as recovered
    late_window: int = 26  # final ticks used for creativity-type comparisons


@dataclass
class OutputConfig:
    """What a run writes besides its data."""

    plot: bool = True
    progress: bool = True


@dataclass
class SimulationConfig:
    """The whole configuration of one simulation (and its unshocked twin)."""

    seed: int = 42
    ticks: int = 260  # 5 years of weekly ticks
    twin: bool = True  # also run the unshocked twin on the same seed
    network: NetworkConfig = field(default_factory=NetworkConfig)
    market: MarketConfig = field(default_factory=MarketConfig)
    finance: FinanceConfig = field(default_factory=FinanceConfig)
    sourcing: SourcingConfig = field(default_factory=SourcingConfig)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    platforms: PlatformConfig = field(default_factory=PlatformConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
