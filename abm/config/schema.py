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
    entry_elasticity: float = 2.0  # entry rate x (niche load) ** this: entry follows demand
    exit_patience: int = 26  # ticks a viable firm may stay beyond its credit line before exit


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


# --------------------------------------------------------------------------- firm behaviour
# Each mechanism of docs/odd_firm_behaviour.md has its own section with an ``enabled`` switch;
# ``behaviour.enabled=false`` switches all of them off at once. Decisions are taken every
# ``behaviour.period`` ticks (a month); per-tick rules are marked (tick).


@dataclass
class EsgConfig:
    """ESG signal transmission: true vs disclosed ESG, audits, greenwashing (seed 000)."""

    enabled: bool = True  # false: no ESG signals (buyers see a neutral rating 0.5)
    weights: list[float] = field(default_factory=lambda: [0.4, 0.3, 0.3])  # E, S, G in the score
    initial_mean: float = 0.45  # mean true ESG level of an SME (Beta distributed)
    initial_sd: float = 0.15  # s.d. of SMEs' true ESG level across firms
    component_sd: float = 0.05  # s.d. of E, S and G around a firm's level (pillars correlate)
    leader_bonus: float = 0.2  # chain leaders' true ESG above the SME mean
    initial_greenwash_share: float = 0.15  # firms starting with the greenwash strategy
    initial_improve_share: float = 0.2  # firms starting with the improve strategy
    initial_gap: float = 0.1  # mean disclosed-minus-true gap of an initial greenwasher
    improve_efficiency: float = 1.5  # true-ESG gain per unit of ESG spend / period revenue
    greenwash_efficiency: float = 6.0  # disclosure gain per unit of greenwash spend / revenue
    greenwash_cost_share: float = 0.25  # greenwashers spend this share of the ESG budget
    decay: float = 0.004  # per period: true ESG erodes toward 0.2 without upkeep
    gap_decay: float = 0.05  # per period: an unmaintained greenwash claim fades
    gap_tolerance: float = 0.05  # disclosed - true above this counts as greenwashing
    audit_rate: float = 0.03  # per period probability of a third-party audit
    platform_audit_rate: float = 0.15  # per period probability a platform verifies a member
    detection_probability: float = 0.5  # an audit of a greenwasher uncovers the gap
    verified_ticks: int = 52  # an audit's verified score is valid this long
    unverified_weight: float = 0.5  # credibility weight on an unverified disclosure
    unverified_noise: float = 0.05  # s.d. of buyers' reading of an unverified disclosure
    reputation_learning: float = 0.05  # per period: reputation moves toward the ESG rating
    reputation_penalty: float = 0.5  # share of reputation lost when greenwashing is detected
    trust_penalty: float = 0.3  # trust cut on every customer link of a detected firm
    fine_weeks: float = 1.0  # fine on detection, in weeks of revenue
    end_market_sensitivity: float = 1.0  # extra ESG sensitivity of an assembler vs raw tier
    large_buyer_sensitivity: float = 1.0  # extra ESG sensitivity of a (very) large buyer
    preference_weight: float = 0.5  # log order-share premium per unit of ESG rating
    leader_requirement: float = 0.5  # chain leaders screen suppliers below this rating
    sme_requirement: float = 0.3  # SME assemblers' screening level (x tier / 3 upstream)
    revision_rate: float = 0.1  # per period share of firms that revise their ESG strategy
    imitation_temperature: float = 0.01  # Fermi-rule noise, in payoff units (per revenue)
    valuation_periods: float = 12.0  # periods over which a rating advantage is valued
    mutation_rate: float = 0.02  # a revising firm tries a random strategy instead
    emission_tier_factor: list[float] = field(
        default_factory=lambda: [2.0, 1.2, 0.8, 0.5])  # emissions per unit value added, by tier
    emission_route_factor: list[float] = field(
        default_factory=lambda: [0.01, 0.03, 0.02])  # per unit shipped: local, domestic, sea


@dataclass
class TrustConfig:
    """Per-link trust and the supplier-choice rule (seed 000, trust building)."""

    enabled: bool = True
    gain: float = 0.02  # (tick) weight of a delivery better than expected
    loss: float = 0.05  # (tick) weight of a delivery worse than expected (negativity bias)
    prior_base: float = 0.3  # trust in a new supplier with rating and reputation zero
    prior_rating_weight: float = 0.25  # prior trust per unit of the supplier's ESG rating
    prior_reputation_weight: float = 0.25  # prior trust per unit of the supplier's reputation
    initial_tenure: float = 0.5  # initial links: share of the way from prior to full trust
    forgiveness: float = 0.8  # share of a shock-caused shortfall forgiven at full reputation
    shock_memory: float = 0.9  # (tick) decay of a recognised disruption while it recovers
    priority_threshold: float = 0.8  # (tick) market.rationing=priority: trusted above this first
    switch_sensitivity: float = 1.0  # switch threshold scales with 1 - s * (trust - 0.5)
    distrust_threshold: float = 0.15  # below this trust the buyer replaces the supplier
    share_weight: float = 1.0  # exponent of trust in the order-share target
    quality_weight: float = 1.0  # log order-share premium per unit of log technology
    share_adjustment: float = 0.25  # per review: order shares move this far to their target


@dataclass
class CreditConfig:
    """Resource empowerment: credit access, rates and chain-leader trade credit (seed 000)."""

    enabled: bool = True
    rating_credit_weight: float = 1.0  # credit line x (1 + w * (rating - 0.5))
    size_credit_weight: float = 0.2  # credit line x (size / median size) ** w
    rating_spread: float = 0.5  # interest rate x (1 + spread * (1 - 2 * rating))
    size_spread: float = 0.3  # interest rate x (size / median size) ** -spread
    trade_credit_trust: float = 0.7  # trust a chain leader needs to back a supplier's credit
    trade_credit_weeks: float = 2.0  # extra credit, weeks of sales to backing chain leaders
    leader_rate_factor: float = 0.7  # backed suppliers borrow at most at this x the base rate
    investment_credit_use: float = 0.05  # per period share of free credit used for investment


@dataclass
class InnovationConfig:
    """R&D, absorptive capacity and knowledge spill-overs (seeds 000, 001)."""

    enabled: bool = True
    spillovers: bool = True  # spill-overs along links and joint projects with chain leaders
    initial_dispersion: float = 0.1  # s.d. of initial log technology
    technology_premium: float = 0.15  # initial log technology of the technology segment
    success_scale: float = 1.5  # success prob = 1 - exp(-scale * R&D intensity * (1 + AC))
    step: float = 0.02  # log technology gained by a successful innovation
    knowledge_depreciation: float = 0.05  # per period, of the R&D knowledge stock
    absorptive_half: float = 0.2  # knowledge stock at which absorptive capacity is one half
    spillover_rate: float = 0.03  # per period share of a trusted partner's lead absorbed
    joint_rate: float = 0.05  # per period probability of a joint project per leader link
    joint_trust: float = 0.6  # trust a chain leader needs to start a joint project
    joint_step: float = 0.02  # log technology a joint project gives the supplier
    cost_elasticity: float = 0.5  # unit labour cost falls as technology ** -elasticity
    value_elasticity: float = 0.3  # unit value added rises as technology ** elasticity


@dataclass
class DigitalConfig:
    """Digital maturity: adoption, forecasting, search and visibility (seeds 002, 004)."""

    enabled: bool = True
    initial_mean: float = 0.32  # mean SME digital maturity (Beta distributed)
    initial_sd: float = 0.15  # s.d. of SME digital maturity
    leader_level: float = 0.85  # mean digital maturity of chain leaders
    platform_boost: float = 0.1  # platform members start this much higher (SaaS tools)
    initial_shift_sd: float = 0.0  # experiments: shift everyone's start by k s.d.
    adoption_threshold: float = 0.5  # maturity at which a firm counts as adopted
    efficiency: float = 1.0  # maturity gain per unit of digital spend / period revenue
    lag_periods: int = 3  # periods from digital spending to effect (implementation lag)
    depreciation: float = 0.004  # per period, technology ageing
    legacy_forecast_noise: float = 0.05  # (tick) forecast error s.d. at maturity 0
    information_delay: float = 1.0  # (tick) weight of last tick's orders at maturity 0
    visibility: float = 0.5  # (tick) weight on customers' planned use at maturity 1
    search_speedup: float = 0.5  # search ticks x (1 - speedup * maturity)
    platform_search_factor: float = 0.75  # platform members search this much faster
    early_warning: float = 0.7  # (tick) adopters see a supplier below this availability


@dataclass
class UpgradingConfig:
    """Structural upgrading to the technology-intensive segment (seed 001)."""

    enabled: bool = True
    threshold: float = 1.3  # technology level at which a labour-intensive firm upgrades
    cost_weeks: float = 2.0  # one-off cost, in weeks of revenue
    max_wait: int = 12  # ticks to stock the new input before production switches anyway
    ramp_periods: int = 6  # steps (at most one per period) phasing the new input in
    max_new_suppliers: int = 4  # suppliers drawn at most to cover the new input's need


@dataclass
class InvestmentConfig:
    """The period budget and its split over R&D, digital, ESG and buffers."""

    enabled: bool = True
    budget_share: float = 0.25  # share of the period's operating profit invested
    max_intensity: float = 0.03  # budget cap, as a share of period revenue
    rd_base: float = 0.0  # logit intercepts of the four uses
    digital_base: float = 0.0
    esg_base: float = 0.0
    buffer_base: float = -1.0
    profit_weight: float = 5.0  # R&D utility per unit of profit margin
    leader_weight: float = 0.5  # R&D utility of a trusted chain-leader customer
    disruption_weight: float = 4.0  # digital and buffer utility per unit of recent shortfall
    requirement_weight: float = 5.0  # ESG utility per unit of customers' unmet requirement
    maturity_weight: float = 1.0  # digital utility falls with maturity (diminishing returns)
    max_buffer_weeks: float = 2.0  # extra safety stock when the whole budget goes to buffers
    buffer_adjustment: float = 0.25  # per period: extra safety stock moves toward its target


@dataclass
class BehaviourConfig:
    """Firm behaviour (docs/odd_firm_behaviour.md); one switch per mechanism."""

    enabled: bool = True  # false switches every mechanism off
    period: int = 4  # ticks between decisions (audits, investment, learning): a month
    review_periods: int = 3  # periods between reviews of prices, order shares, credit terms
    # and upgrading (a quarter)
    esg: EsgConfig = field(default_factory=EsgConfig)
    trust: TrustConfig = field(default_factory=TrustConfig)
    finance: CreditConfig = field(default_factory=CreditConfig)
    innovation: InnovationConfig = field(default_factory=InnovationConfig)
    digital: DigitalConfig = field(default_factory=DigitalConfig)
    upgrading: UpgradingConfig = field(default_factory=UpgradingConfig)
    investment: InvestmentConfig = field(default_factory=InvestmentConfig)


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
    behaviour: BehaviourConfig = field(default_factory=BehaviourConfig)
