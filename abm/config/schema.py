"""Typed schema of a simulation's configuration: every parameter declared once.

Every Hydra config under ``abm/conf/`` is merged onto these dataclasses, so OmegaConf rejects
unknown keys and wrong types while composing. Each field is a :func:`~abm.config.fields.param`
carrying its range or choices, unit, meaning and source; :func:`abm.config.validate.
validate_config` checks them (and the cross-field rules) and ``python -m abm.config.docs
--write`` generates the parameter tables of ``docs/ODD.md`` and ``docs/odd_firm_behaviour.md``
from them. Sources: S000-S004 seed notes; L literature; C calibration choice of this model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from abm.config.fields import param


@dataclass
class NetworkConfig:
    """How the supply network is built (spec §2)."""

    source: str = param("generated", choices=("generated", "file"), unit="choice",
        meaning="`generated` or `file`", source="spec §2")
    n_firms: int = param(2000, low=20, high=5000000, unit="count",
        meaning="firms over all chains", source="C")
    n_chains: int = param(2, low=1, high=100, unit="count", meaning="industrial chains",
        source="spec §2")
    tier_shares: list[float] = param(
        factory=lambda: [0.35, 0.30, 0.20, 0.15], length=4, low=0.0, high=1.0, unit="share",
        meaning="share of firms per tier (raw → assembly)", source="C (pyramid)")
    n_products: int = param(3, low=1, high=8, unit="count", meaning="products per tier", source="C")
    n_regions: int = param(4, low=1, high=1000, unit="count",
        meaning="regions that shocks can hit", source="C")
    overseas_regions: list[int] = param(factory=lambda: [3], low=0, unit="region ids",
        meaning="reached by sea routes", source="C")
    chain_leaders_per_chain: int = param(3, low=0, high=1000, unit="count",
        meaning="chain masters per chain", source="S001 (3–4 链主)")
    chain_leader_size: float = param(8.0, low=1.0, high=1000.0, unit="–",
        meaning="leader demand relative to an SME assembler", source="C")
    suppliers_per_input: int = param(2, low=1, high=20, unit="count",
        meaning="suppliers per input product (dual sourcing)", source="S002 (diversification)")
    concentration: float = param(1.0, low=0.0, high=10.0, unit="–",
        meaning="preferential-attachment exponent", source="L: Bianconi and Barabási 2001")
    size_dispersion: float = param(0.8, low=0.0, high=5.0, unit="–", meaning="σ of log size",
        source="L: lognormal firm sizes (Axtell 2001 reports heavier tails)")
    regional_bias: float = param(2.0, low=0.0, high=1000.0, unit="–",
        meaning="preference for same-region suppliers", source="C")
    tech_share: float = param(0.3, low=0.0, high=1.0, unit="share",
        meaning="technology-intensive share", source="S001")
    inputs_labour: int = param(2, low=1, high=8, unit="count",
        meaning="input products a labour-intensive firm needs", source="S001 (complexity)")
    inputs_technology: int = param(3, low=1, high=8, unit="count",
        meaning="input products a technology-intensive firm needs (complexity)",
        source="S001 (complexity)")
    firms_path: str | None = param(None, unit="path",
        meaning="source=file: CSV/Parquet table of firms", source="–")
    links_path: str | None = param(None, unit="path",
        meaning="source=file: CSV/Parquet table of buyer-supplier links", source="–")


@dataclass
class MarketConfig:
    """Demand, ordering, production and logistics (spec §3 phases 3-6)."""

    final_demand_per_assembler: float = param(10.0, low=1e-09, unit="units/tick",
        meaning="units per tick per unit of size", source="C (scale only)")
    export_share: float = param(0.3, low=0.0, high=1.0, unit="share",
        meaning="share of final demand exported", source="C")
    demand_noise_common: float = param(0.03, low=0.0, high=1.0, unit="share",
        meaning="s.d. of the chain-wide multiplicative demand shock", source="C")
    demand_noise_idiosyncratic: float = param(0.08, low=0.0, high=1.0, unit="share",
        meaning="s.d. of each assembler's own demand noise", source="C")
    forecast_smoothing: float = param(0.2, low=0.0, high=1.0, unit="share",
        meaning="exponential smoothing α", source="L: Chen et al. 2000")
    inventory_adjustment: float = param(0.4, low=0.01, high=1.0, unit="share",
        meaning="β, share of the inventory gap ordered per tick",
        source="L: Disney and Towill 2003")
    forecast_noise: float = param(0.0, low=0.0, high=1.0, unit="share",
        meaning="s.d. of forecast error", source="S002 (legacy ERP, <15% predictive)")
    safety_stock_weeks: float = param(2.0, low=0.0, high=52.0, unit="weeks",
        meaning="input safety stock", source="S002 (buffers)")
    finished_goods_weeks: float = param(1.0, low=0.0, high=52.0, unit="weeks",
        meaning="finished-goods buffer", source="C")
    capacity_slack: float = param(0.15, low=0.0, high=10.0, unit="–",
        meaning="capacity buffer above normal output", source="S002 (capacity buffers)")
    capacity_adjustment: float = param(0.02, low=0.0, high=1.0, unit="share",
        meaning="max relative capacity change per tick", source="C")
    rationing: str = param("proportional", choices=("proportional", "priority"), unit="choice",
        meaning="or `priority`", source="spec §3")
    lead_time_local: int = param(1, low=1, high=52, unit="ticks",
        meaning="ticks, supplier and buyer in the same region", source="C")
    lead_time_domestic: int = param(2, low=1, high=52, unit="ticks",
        meaning="ticks, different domestic regions", source="C")
    lead_time_sea: int = param(5, low=1, high=52, unit="ticks",
        meaning="ticks by sea (overseas links, export)", source="S002 (25–40 days)")
    lead_time_market: int = param(1, low=1, high=52, unit="ticks",
        meaning="domestic final delivery", source="C")


@dataclass
class FinanceConfig:
    """Prices, costs, cash and credit (spec §3 phase 7)."""

    value_added_share_labour: float = param(0.30, low=0.01, high=0.95, unit="share",
        meaning="value added / price, labour-intensive segment",
        source="S001 (tech segments add more value)")
    value_added_share_technology: float = param(0.45, low=0.01, high=0.95, unit="share",
        meaning="value added / price, technology-intensive",
        source="S001 (tech segments add more value)")
    labour_cost_share: float = param(0.50, low=0.0, high=1.0, unit="share",
        meaning="labour share of value added", source="C")
    fixed_cost_share: float = param(0.25, low=0.0, high=1.0, unit="share",
        meaning="capital cost share of normal value added",
        source="C (SME margins ≈ 14%; S002: <15% under full-managed)")
    holding_cost_rate: float = param(0.002, low=0.0, high=1.0, unit="share",
        meaning="per tick on stock value (~10%/year)", source="L: standard carrying cost")
    initial_cash_weeks: float = param(8.0, low=0.0, unit="weeks",
        meaning="cash target in ticks of fixed cost", source="C")
    credit_line_weeks: float = param(2.0, low=0.0, unit="weeks",
        meaning="overdraft in ticks of normal revenue", source="C")
    interest_rate: float = param(0.002, low=0.0, high=1.0, unit="share",
        meaning="per tick on overdraft", source="C")
    payout_rate: float = param(0.1, low=0.0, high=1.0, unit="share",
        meaning="share of excess cash paid out per tick", source="C")
    entry_rate: float = param(0.02, low=0.0, high=1.0, unit="share",
        meaning="per tick probability of an entrant per vacant niche at normal load", source="C")
    entry_elasticity: float = param(2.0, low=0.0, high=10.0, unit="1",
        meaning="entry probability = entry_rate x (niche load) ** this: entry follows demand",
        source="C (Dunne, Roberts & Samuelson 1988: entry responds to demand)")
    exit_patience: int = param(26, low=0, high=520, unit="ticks",
        meaning="ticks a viable firm may stay in distress (beyond its credit line) before its "
                "lenders test whether its debt is serviceable (max_debt_years)",
        source="C (Bernanke 1983: liquidity vs solvency)")
    max_debt_years: float = param(4.0, low=0.0, high=100.0, unit="years",
        meaning="after exit_patience ticks in distress a firm exits if its net debt exceeds "
                "this many years of its operating margin at long-run demand (0 = at once)",
        source="L: debt/EBITDA covenants of 3-5 (Greenwald 2019; Chodorow-Reich & Falato "
               "2022)")


@dataclass
class SourcingConfig:
    """Supplier replacement (spec §3 phase 9)."""

    search_ticks: int = param(4, low=1, high=520, unit="ticks",
        meaning="ticks to find and qualify a supplier", source="S002/S004 (agility)")
    switch_threshold: float = param(0.3, low=0.0, high=1.0, unit="share",
        meaning="fill-rate average (of the volume due) that triggers a search", source="C")
    fill_memory: float = param(0.1, low=1e-09, high=1.0, unit="share",
        meaning="weight of the newest fill rate", source="C")
    min_availability: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="candidates must run at least this share", source="C")
    canvass_ticks: int = param(0, low=0, high=520, unit="ticks",
        meaning="an idle supplier wins one link from an overloaded rival every this many "
                "ticks (0 = off, the default: see ODD 7.10)",
        source="C (a monthly sales cycle; Arkolakis 2010; Eaton, Jinkins, Tybout & Xu 2022)")
    canvass_below: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="a supplier canvasses when its regular customers' expected volume is below "
                "this share of its normal output", source="C")
    relationship_memory: int = param(52, low=0, high=520, unit="ticks",
        meaning="a buyer that left a supplier for a failure returns to it within this many "
                "ticks once it can deliver again (0 = never: switching is permanent)",
        source="C (sticky relationships: Martin, Mejean & Parenti 2023; Monarch & "
               "Schmidt-Eisenlohr 2023)")


@dataclass
class ScopeConfig:
    """Which firms or links a shock touches; empty lists mean "all"."""

    regions: list[int] = param(factory=list, low=0, unit="region ids",
        meaning="regions hit ([] = all; below network.n_regions)", source="spec §5")
    tiers: list[int] = param(factory=list, low=0, high=3, unit="tier ids",
        meaning="tiers hit ([] = all; 0 raw material to 3 assembly)", source="spec §5")
    chains: list[int] = param(factory=list, low=0, unit="chain ids",
        meaning="chains hit ([] = all; below network.n_chains)", source="spec §5")
    products: list[int] = param(factory=list, low=0, unit="product ids",
        meaning="products hit ([] = all; below network.n_products)", source="spec §5")
    share: float = param(1.0, low=0.0, high=1.0, unit="share",
        meaning="share of in-scope firms hit (pandemic: share out at any time)", source="spec §5")
    firms: list[int] = param(factory=list, low=0, unit="firm rows",
        meaning="firm rows hit ([] = all; below the network's firm count; e.g. one firm's "
        "failure)", source="Inoue & Todo 2019; Diem et al. 2022")


@dataclass
class RecoveryConfig:
    """How a shock fades after its duration."""

    profile: str = param("linear", choices=("step", "linear", "exponential"), unit="choice",
        meaning="\"step\", \"linear\" or \"exponential\"", source="spec §5")
    ticks: int = param(8, low=1, high=520, unit="ticks",
        meaning="ticks to (95%) full recovery; ignored by \"step\"", source="spec §5")


@dataclass
class ShockConfig:
    """One scenario event (spec §5)."""

    kind: str = param("regional_disaster", unit="choice",
        meaning="what the shock does: a registered shock kind (abm.shocks.kinds)",
        source="spec §5")
    onset: int = param(104, low=0, unit="ticks", meaning="first tick of the shock",
        source="spec §5")
    duration: int = param(8, low=1, unit="ticks", meaning="ticks at full magnitude",
        source="spec §5")
    magnitude: float = param(0.8, low=0.0, high=1.0, unit="share",
        meaning="share of capacity / flow / demand lost at full strength", source="spec §5")
    extra_lead_time: int = param(2, low=0, high=52, unit="ticks",
        meaning="logistics_chokepoint: ticks added to sea routes", source="spec §5")
    outage_ticks: int = param(4, low=1, high=520, unit="ticks",
        meaning="pandemic: mean length of one firm's outage", source="spec §5")
    scope: ScopeConfig = field(default_factory=ScopeConfig)
    recovery: RecoveryConfig = field(default_factory=RecoveryConfig)


@dataclass
class ReconstructionConfig:
    """Endogenous recovery: destroyed capacity is rebuilt by investment (issue 9)."""

    cost_weeks: float = param(26.0, low=0.0, unit="weeks",
        meaning="cost of rebuilding all of a firm's capacity, in weeks of its normal revenue",
        source="assumption (capital cost share 0.25 of value added at ~15%/year)")
    insured_share: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="share of rebuilding paid by insurance and relief from outside the model",
        source="assumption (insured share of industrial property losses)")
    digital_speedup: float = param(1.0, low=0.0, unit="–",
        meaning="rebuilding pace x (1 + speedup x digital maturity)",
        source="assumption (seed 002: digital firms recover faster)")
    loan_weeks: float = param(8.0, low=0.0, unit="weeks",
        meaning="reconstruction loan limit, in weeks of normal revenue", source="assumption")
    platform_loan_weeks: float = param(4.0, low=0.0, unit="weeks",
        meaning="extra reconstruction loan for platform members (platform finance)",
        source="seeds 002/004 (supply-chain finance on platform data)")
    loan_ticks: int = param(260, low=1, high=5200, unit="ticks",
        meaning="the loan's extension of the credit line is amortised over this many ticks",
        source="assumption (five years)")


@dataclass
class ScenarioConfig:
    """A set of named shocks; selecting several scenario files merges their shocks."""

    shocks: dict[str, ShockConfig] = field(default_factory=dict)
    recovery_mode: str = param("exogenous", choices=("exogenous", "endogenous"),
        unit="choice",
        meaning="exogenous: capacity returns on the shock's recovery profile; endogenous: "
                "destroyed capacity is rebuilt by investment (abm/shocks/reconstruction.py)",
        source="issue 9")
    reconstruction: ReconstructionConfig = field(default_factory=ReconstructionConfig)


@dataclass
class PolicyConfig:
    """Industrial policy (spec §4): a set of instruments under one yearly budget."""

    budget_per_year: float = param(0.0, low=0.0, unit="currency/year",
        meaning="regulator budget, currency units per model year", source="spec §4")
    instruments: dict[str, Any] = field(default_factory=dict)  # name -> its parameters


@dataclass
class PlatformConfig:
    """Digital platforms (spec §1, §7; mechanisms in ``abm.platforms``, ODD "Platforms")."""

    acting: bool = param(True, unit="flag",
        meaning="platforms act: fees on all platform sales, modes, membership dynamics, data "
        "sharing, visible pool (issue 9); off, they only collect the commission on members' "
        "exports (the engine before issue 9)",
        source="issue 9; meets the recovery pattern targets (ODD 7.15)")
    n_platforms: int = param(2, low=0, high=100, unit="count",
        meaning="platforms (0: no platform process; the engine alone)", source="S004")
    membership_rate: float = param(0.15, low=0.0, high=1.0, unit="share",
        meaning="SMEs on a platform at start", source="S004 (10–20% use SCM systems)")
    commission_rate: float = param(0.05, low=0.0, high=1.0, unit="share",
        meaning="marketplace fee on members' platform sales (acting: exports + sales to "
        "members of the same platform; passive: exports only)",
        source="C (typical cross-border marketplace 5–15%)")
    mode: str = param("marketplace", choices=("marketplace", "full_managed"), unit="choice",
        meaning="`marketplace`: commission; `full_managed`: the platform sets the supplier "
        "price on platform sales", source="S002")
    managed_bargaining_power: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="full-managed: share of the supplier's gross margin on platform sales the "
        "platform keeps by setting the price", source="symmetric Nash bargaining (0.5); "
        "S002's <15% is the check, not the input")
    review_ticks: int = param(13, low=0, high=520, unit="ticks",
        meaning="ticks between membership reviews (0: membership fixed)", source="C (quarter)")
    switch_rate: float = param(0.25, low=0.0, high=1.0, unit="share",
        meaning="share of firms with a net gain (loss) that join (leave) at a review",
        source="C (inertia)")
    sales_uplift: float = param(0.2, low=0.0, high=10.0, unit="share",
        meaning="extra sales expected per unit of the platform's member share of firms "
        "(indirect network effect)", source="C (keeps membership within S004's 10–20% over "
        "the first years; 0.5 tips to ~60%)")
    tools_value: float = param(0.01, low=0.0, high=1.0, unit="share of revenue",
        meaning="value of SaaS tools, visibility and finance to a member", source="C (S004)")
    membership_cost: float = param(0.02, low=0.0, high=1.0, unit="share of revenue",
        meaning="fixed cost of being a member (onboarding, listing, compliance)", source="C")
    taste_sd: float = param(0.01, low=0.0, high=1.0, unit="share of revenue",
        meaning="s.d. of a firm's persistent idiosyncratic value of membership", source="C")
    data_sharing: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="weight members' forecasts put on end-market demand shared by the platform",
        source="S004 (shared demand data); Lee et al. 1997")
    visibility: bool = param(True, unit="flag",
        meaning="buyers search a visible pool (contacts, own region, own platform, "
        "discoveries) rather than the whole tier", source="spec §3.9")
    discovery_rate: float = param(0.1, low=0.0, high=1.0, unit="share",
        meaning="per tick of search, chance a buyer sees a candidate outside its pool",
        source="C")
    digital_reach: float = param(0.3, low=0.0, high=1.0, unit="share",
        meaning="acting: extra per-tick chance of seeing a candidate outside the pool per "
        "unit of the buyer's digital maturity", source="spec §3.9; C")
    order_routing: bool = param(False, unit="flag",
        meaning="acting: the platform routes searching buyers' unmet orders to SME members' "
        "idle capacity (\"orders + tools\"; a policy instrument may switch it on for the SMEs "
        "it supports)", source="issue 9; S002/S004 (platform order matching)")
    routing_weight: float = param(1.0, low=0.0, high=100.0, unit="–",
        meaning="acting, with order routing: extra weight of a routed member in a searching "
        "buyer's draw (1: twice as likely per unit of idle plant)", source="C")
    logistics_cost: float = param(0.03, low=0.0, high=1.0, unit="share of list value",
        meaning="acting: sea freight per export unit", source="S002 (~$2,000 per container "
        "of ~$65,000 goods); C")
    chokepoint_surcharge: float = param(0.012, low=0.0, high=1.0,
        unit="share of list value",
        meaning="acting: extra freight per export unit shipped during a logistics chokepoint",
        source="S002 (port closure: ~$800 per container, ~+15 days)")
    warehouse_weeks: float = param(4.0, low=0.0, high=52.0, unit="weeks of exports",
        meaning="acting: members' forward stock in the platform's overseas warehouse "
        "(0: no warehouses)", source="S002 (overseas warehouses); C")
    warehouse_fee: float = param(0.002, low=0.0, high=1.0, unit="share of stock value/week",
        meaning="acting: warehouse fee members pay their platform on the forward stock",
        source="C (~10% of stock value a year)")
    member_sea_lead_factor: float = param(0.6, low=0.0, high=1.0, unit="share",
        meaning="acting: transit lead time of sea links from a platform member (its "
        "overseas warehouse ships from near the buyer), chokepoint delay included, "
        "relative to nominal (rounded up, at least one tick; 1: none)",
        source="S002 (overseas warehouses: local delivery instead of 25–40 days by sea, "
        "restocked in bulk); C")
    route_optimisation: float = param(0.15, low=0.0, high=1.0, unit="share",
        meaning="acting: kilometres members' shipments save by platform route optimisation "
        "(transport emissions fall alike)", source="S003 (~15% fewer km)")
    finance_weeks: float = param(4.0, low=0.0, high=52.0, unit="weeks of platform sales",
        meaning="acting: supply-chain finance: a member's credit line is at least this many "
        "weeks of its average platform sales value (0: none)", source="S002/S004 "
        "(supply-chain finance on platform data); C")
    green_demand_share: float = param(0.1, low=0.0, high=1.0, unit="share",
        meaning="acting: share of final demand from green consumers, who buy only from "
        "verified-green assemblers (with `behaviour.esg` on)", source="S000/S003 (green "
        "consumer preference); C")
    green_rating: float = param(0.6, low=0.0, high=1.0, unit="rating",
        meaning="acting: ESG rating from which an audited assembler counts as verified green",
        source="C")
    green_rank_boost: float = param(1.0, low=0.0, high=100.0, unit="–",
        meaning="acting: extra weight platforms give verified-green members in green "
        "consumers' choice (ranking)", source="S003 (platforms rank green products); C")
    green_esg_weight: float = param(1.0, low=0.0, high=10.0, unit="–",
        meaning="acting: weight of green consumers' demand in assemblers' ESG decisions: in "
        "the strategy payoff, gross margin x relative demand gain from green consumers (a "
        "quarter's moving mean, per unit of revenue); in the ESG budget utility, the green "
        "share x the rating shortfall from `green_rating` as an unmet customer requirement "
        "(0: ESG decisions ignore green consumers)",
        source="S000/S003 (green demand rewards verified ESG); C")
    # Platform services, active whether or not ``acting`` is on (they predate issue 9).
    audit_rate: float = param(0.15, low=0.0, high=1.0, unit="share",
        meaning="per period probability a platform verifies a member's ESG data (with "
        "`behaviour.esg` on)", source="seed 003 (platforms verify ESG data, blockchain "
        "traceability)")
    saas_boost: float = param(0.1, low=0.0, high=1.0, unit="share",
        meaning="members' SaaS tools: digital maturity a member starts with on top of its "
        "own", source="seed 004 (platform SaaS tools)")
    search_factor: float = param(0.75, low=0.0, high=1.0, unit="share",
        meaning="members' search time x this (platform matching; with `behaviour.digital` "
        "on)", source="seed 004 (platform matching)")


@dataclass
class ChainLeaderProgrammeConfig:
    """Chain-leader programmes (issue 9 "Chain leaders"; mechanisms in ``abm.programmes``,
    ODD "Chain-leader programmes")."""

    enabled: bool = param(False, unit="flag",
        meaning="chain leaders run their programmes (requirements, backup lists, supplier "
        "development); the `chain_leader_system` instrument switches them on too",
        source="staged landing (off: bit-identical to the engine without them)")
    leaders_per_chain: int = param(3, low=1, high=1000, unit="count",
        meaning="assemblers per chain the programme designates by score when it runs alone",
        source="S001 (3–4 链主)")
    score_size: float = param(1.0, low=0.0, high=10.0, unit="weight",
        meaning="designation score weight of log revenue scale (z-score within chain and tier)",
        source="S001 (chain masters are the largest firms)")
    score_technology: float = param(1.0, low=0.0, high=10.0, unit="weight",
        meaning="designation score weight of log technology (z-score within chain and tier)",
        source="S001 (technological leadership)")
    score_centrality: float = param(1.0, low=0.0, high=10.0, unit="weight",
        meaning="designation score weight of log(1 + live links) (z-score within chain and tier)",
        source="S001 (chain masters integrate the chain)")
    review_ticks: int = param(52, low=1, high=520, unit="ticks",
        meaning="ticks between designation and backup-list reviews", source="S001 (yearly)")
    esg_requirement: float = param(0.6, low=0.0, high=1.0, unit="rating",
        meaning="ESG rating a designated firm requires of its direct suppliers",
        source="S000/S001 (leaders' ESG codes for suppliers); C")
    quality_requirement: float = param(0.9, low=0.0, high=1.0, unit="share",
        meaning="delivery reliability (mean fill rate) a designated firm requires of new "
        "suppliers", source="C")
    strictness: float = param(0.8, low=0.0, high=1.0, unit="share",
        meaning="share of its own requirement a supplier passes down to its suppliers per tier",
        source="C (requirements weaken upstream)")
    requirement_penalty: float = param(0.05, low=0.0, high=1.0, unit="share of revenue",
        meaning="revenue at stake per unit of ESG rating shortfall, counted in the ESG "
        "strategy payoff of suppliers in a leader's tree", source="C")
    backup_size: int = param(2, low=0, high=20, unit="count",
        meaning="backup suppliers per input slot on a framework list (0: no lists)",
        source="S001/S004 (framework agreements)")
    backup_scope: str = param("leaders", choices=("leaders", "chain"), unit="choice",
        meaning="who keeps backup lists: designated firms, or every buyer in their trees",
        source="S001 (the instrument obliges chain-wide re-matching)")
    backup_search_ticks: int = param(1, low=1, high=52, unit="ticks",
        meaning="longest search of a buyer with a backup list", source="C (a call-off)")
    pace: float = param(1.0, low=0.0, high=52.0, unit="share of a tier per year",
        meaning="SaaS roll-out speed: share of the current tier's suppliers connected per year",
        source="S004 (500 → 1,500 → 10,000 suppliers over four years)")
    advance_share: float = param(0.8, low=0.0, high=1.0, unit="share",
        meaning="connected share of a tier at which the roll-out moves to the next tier",
        source="C")
    lead_time_factor: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="transit lead time of connected links relative to nominal (rounded up, at "
        "least one tick)", source="S004 (raw-material lead time 20 → 10 days)")
    data_sharing: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="weight connected suppliers' forecasts put on their chain's end-market demand",
        source="S004 (shared demand data)")
    tech_transfer_share: float = param(0.3, low=0.0, high=0.9, unit="share",
        meaning="share of connected suppliers' R&D spending the leaders pay (technology "
        "transfer)", source="S001 (leaders' supplier development); C")
    saas_share: float = param(0.5, low=0.0, high=0.9, unit="share",
        meaning="share of connected suppliers' digital spending the leaders pay (SaaS tools)",
        source="S004 (leader's supply-chain SaaS); C")
    trade_credit_weeks: float = param(4.0, low=0.0, high=52.0, unit="weeks of revenue",
        meaning="trade credit that extends connected suppliers' credit lines",
        source="S001/S004 (supply-chain finance); C")
    rebuild_share: float = param(0.3, low=0.0, high=0.9, unit="share",
        meaning="endogenous recovery: share of connected suppliers' reconstruction spending "
        "the leaders pay (a cost share: the supplier's own money rebuilds more per tick)",
        source="S001/S004 (chain masters help core suppliers restart after disruptions); C")


@dataclass
class ProgrammesConfig:
    """Programmes run by firms (``abm.programmes``)."""

    chain_leaders: ChainLeaderProgrammeConfig = field(
        default_factory=ChainLeaderProgrammeConfig)


@dataclass
class MetricsConfig:
    """Windows for the resilience metrics (spec §6)."""

    warmup: int = param(26, low=0, unit="ticks", meaning="ticks skipped by the bullwhip",
        source="C")
    baseline_window: int = param(26, low=1, unit="ticks",
        meaning="pre-shock ticks in the baseline", source="spec §6")
    recovery_level: float = param(0.95, low=0.0, high=1.0, unit="share",
        meaning="recovered share", source="spec §6")
    late_window: int = param(26, low=1, unit="ticks", meaning="final ticks for late comparisons",
        source="spec §6")
    firm_smoothing: int = param(4, low=1, high=52, unit="ticks",
        meaning="firm-level recovery: ticks in the moving mean of each firm's output",
        source="assumption (a month: weekly output is lumpy)")
    policy_baseline: bool = param(True, unit="switch",
        meaning="with policy instruments, also run the shocked baseline (no instruments, same "
                "seed and network) for cost_effectiveness", source="spec §6 (issue 10)")


@dataclass
class OutputConfig:
    """What a run writes besides its data."""

    plot: bool = param(True, unit="switch", meaning="write the plot; progress bar", source="–")
    progress: bool = param(True, unit="switch", meaning="write the plot; progress bar", source="–")


# --------------------------------------------------------------------------- firm behaviour
# Each mechanism of docs/odd_firm_behaviour.md has its own section with an ``enabled`` switch;
# ``behaviour.enabled=false`` switches all of them off at once. Decisions are taken every
# ``behaviour.period`` ticks (a month); per-tick rules are marked (tick).


@dataclass
class EsgConfig:
    """ESG signal transmission: true vs disclosed ESG, audits, greenwashing (seed 000)."""

    enabled: bool = param(True, unit="switch",
        meaning="false: no ESG signals (buyers see a neutral rating 0.5)", source="switch")
    weights: list[float] = param(factory=lambda: [0.4, 0.3, 0.3], length=3, low=0.0, high=1.0,
        unit="–", meaning="E, S, G in the score",
        source="assumption (E weighted most: seed 000, consumers weigh E over S)")
    initial_mean: float = param(0.45, low=0.0, high=1.0, unit="share",
        meaning="mean true ESG level of an SME (Beta distributed)", source="assumption")
    initial_sd: float = param(0.15, low=0.0, high=0.45, unit="share",
        meaning="s.d. of SMEs' true ESG level across firms", source="assumption")
    component_sd: float = param(0.05, low=0.0, high=0.45, unit="share",
        meaning="s.d. of E, S and G around a firm's level (pillars correlate)",
        source="assumption (ESG pillars correlate)")
    leader_bonus: float = param(0.2, low=0.0, high=1.0, unit="share",
        meaning="chain leaders' true ESG above the SME mean",
        source="seed 000/001 (large firms: better ESG, more disclosure)")
    initial_greenwash_share: float = param(0.15, low=0.0, high=1.0, unit="share",
        meaning="firms starting with the greenwash strategy", source="assumption")
    initial_improve_share: float = param(0.2, low=0.0, high=1.0, unit="share",
        meaning="firms starting with the improve strategy", source="assumption")
    initial_gap: float = param(0.1, low=0.0, high=1.0, unit="share",
        meaning="mean disclosed-minus-true gap of an initial greenwasher", source="assumption")
    improve_efficiency: float = param(1.5, low=0.0, unit="–",
        meaning="true-ESG gain per unit of ESG spend / period revenue", source="assumption")
    greenwash_efficiency: float = param(6.0, low=0.0, unit="–",
        meaning="disclosure gain per unit of greenwash spend / revenue",
        source="assumption (greenwashing is cheaper per point: the temptation)")
    greenwash_cost_share: float = param(0.25, low=0.0, high=1.0, unit="share",
        meaning="greenwashers spend this share of the ESG budget", source="assumption")
    decay: float = param(0.004, low=0.0, high=1.0, unit="share",
        meaning="per period: true ESG erodes toward 0.2 without upkeep", source="assumption")
    gap_decay: float = param(0.05, low=0.0, high=1.0, unit="share",
        meaning="per period: an unmaintained greenwash claim fades", source="assumption")
    gap_tolerance: float = param(0.05, low=0.0, high=1.0, unit="share",
        meaning="disclosed - true above this counts as greenwashing", source="assumption")
    audit_rate: float = param(0.03, low=0.0, high=1.0, unit="share",
        meaning="per period probability of a third-party audit",
        source="assumption (later policy issues add mandates)")
    detection_probability: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="an audit of a greenwasher uncovers the gap",
        source="issue; seed 003 (greenwashing detection)")
    verified_ticks: int = param(52, low=1, unit="ticks",
        meaning="an audit's verified score is valid this long",
        source="assumption (annual verification)")
    unverified_weight: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="credibility weight on an unverified disclosure",
        source="signalling: Bayesian shrinkage of a noisy signal")
    unverified_noise: float = param(0.05, low=0.0, unit="–",
        meaning="s.d. of buyers' reading of an unverified disclosure", source="assumption")
    reputation_learning: float = param(0.05, low=0.0, high=1.0, unit="share",
        meaning="per period: reputation moves toward the ESG rating", source="assumption")
    reputation_penalty: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="share of reputation lost when greenwashing is detected",
        source="seed 000 (greenwashing destroys reputation)")
    trust_penalty: float = param(0.3, low=0.0, high=1.0, unit="share",
        meaning="trust cut on every customer link of a detected firm", source="seed 000")
    fine_weeks: float = param(1.0, low=0.0, unit="weeks",
        meaning="fine on detection, in weeks of revenue", source="assumption")
    end_market_sensitivity: float = param(1.0, low=0.0, unit="–",
        meaning="extra ESG sensitivity of an assembler vs raw tier",
        source="seed 000 (stronger near the end market)")
    large_buyer_sensitivity: float = param(1.0, low=0.0, unit="–",
        meaning="extra ESG sensitivity of a (very) large buyer",
        source="seed 000 (stronger for large buyers)")
    preference_weight: float = param(0.5, low=0.0, unit="–",
        meaning="log order-share premium per unit of ESG rating",
        source="assumption (ESG enters supplier choice, seed 000)")
    leader_requirement: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="chain leaders screen suppliers below this rating",
        source="spec §1 (chain leaders set ESG requirements)")
    sme_requirement: float = param(0.3, low=0.0, high=1.0, unit="share",
        meaning="SME assemblers' screening level (x tier / 3 upstream)", source="assumption")
    revision_rate: float = param(0.1, low=0.0, high=1.0, unit="share",
        meaning="per period share of firms that revise their ESG strategy",
        source="evolutionary imitation (Szabó & Tőke 1998)")
    imitation_temperature: float = param(0.01, low=1e-09, unit="–",
        meaning="Fermi-rule noise, in payoff units (per revenue)",
        source="Fermi rule (Traulsen et al. 2006)")
    valuation_periods: float = param(12.0, low=0.0, high=520.0, unit="periods",
        meaning="periods over which a rating advantage is valued", source="assumption")
    mutation_rate: float = param(0.02, low=0.0, high=1.0, unit="share",
        meaning="a revising firm tries a random strategy instead", source="assumption")
    emission_tier_factor: list[float] = param(
        factory=lambda: [2.0, 1.2, 0.8, 0.5], length=4, low=0.0, unit="per unit value added",
        meaning="emissions per unit of value added, by tier (raw -> assembly)",
        source="assumption (upstream materials pollute most)")
    emission_route_factor: list[float] = param(
        factory=lambda: [0.01, 0.03, 0.02], length=3, low=0.0, unit="per unit shipped",
        meaning="emissions per unit shipped: local, domestic, sea route",
        source="assumption; seed 003 (logistics emissions)")


@dataclass
class TrustConfig:
    """Per-link trust and the supplier-choice rule (seed 000, trust building)."""

    enabled: bool = param(True, unit="switch", meaning="false switches the mechanism off",
        source="switch")
    gain: float = param(0.02, low=0.0, high=1.0, unit="share",
        meaning="(tick) weight of a delivery better than expected",
        source="negativity bias (Slovic 1993)")
    loss: float = param(0.05, low=0.0, high=1.0, unit="share",
        meaning="(tick) weight of a delivery worse than expected (negativity bias)",
        source="negativity bias (Slovic 1993; Lewicki & Bunker 1995)")
    prior_base: float = param(0.3, low=0.0, high=1.0, unit="share",
        meaning="trust in a new supplier with rating and reputation zero", source="assumption")
    prior_rating_weight: float = param(0.25, low=0.0, high=1.0, unit="share",
        meaning="prior trust per unit of the supplier's ESG rating",
        source="issue (prior set by ESG rating)")
    prior_reputation_weight: float = param(0.25, low=0.0, high=1.0, unit="share",
        meaning="prior trust per unit of the supplier's reputation",
        source="issue (prior set by reputation)")
    initial_tenure: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="initial links: share of the way from prior to full trust", source="assumption")
    forgiveness: float = param(0.8, low=0.0, high=1.0, unit="share",
        meaning="share of a shock-caused shortfall forgiven at full reputation",
        source="seed 000 (reputation buffers blame in crises)")
    shock_memory: float = param(0.9, low=0.0, high=1.0, unit="share",
        meaning="(tick) decay of a recognised disruption while it recovers", source="assumption")
    priority_threshold: float = param(0.8, low=0.0, high=1.0, unit="share",
        meaning="(tick) market.rationing=priority: trusted above this first",
        source="spec §3 phase 5")
    switch_sensitivity: float = param(1.0, low=0.0, unit="–",
        meaning="switch threshold scales with 1 - s * (trust - 0.5)", source="assumption")
    distrust_threshold: float = param(0.15, low=0.0, high=1.0, unit="share",
        meaning="below this trust the buyer replaces the supplier", source="assumption")
    share_weight: float = param(1.0, low=0.0, unit="–",
        meaning="exponent of trust in the order-share target", source="assumption")
    quality_weight: float = param(1.0, low=0.0, unit="–",
        meaning="log order-share premium per unit of log technology", source="assumption")
    share_adjustment: float = param(0.25, low=0.0, high=1.0, unit="share",
        meaning="per review: order shares move this far to their target", source="assumption")


@dataclass
class CreditConfig:
    """Resource empowerment: credit access, rates and chain-leader trade credit (seed 000)."""

    enabled: bool = param(True, unit="switch", meaning="false switches the mechanism off",
        source="switch")
    rating_credit_weight: float = param(1.0, low=0.0, unit="–",
        meaning="credit line x (1 + w * (rating - 0.5))",
        source="seed 000 (ESG raises financing capacity); seed 003 (green credit ratings)")
    size_credit_weight: float = param(0.2, low=0.0, unit="–",
        meaning="credit line x (size / median size) ** w", source="issue (credit by size)")
    rating_spread: float = param(0.5, low=0.0, unit="–",
        meaning="interest rate x (1 + spread * (1 - 2 * rating))", source="seed 000/003")
    size_spread: float = param(0.3, low=0.0, unit="–",
        meaning="interest rate x (size / median size) ** -spread", source="assumption")
    trade_credit_trust: float = param(0.7, low=0.0, high=1.0, unit="share",
        meaning="trust a chain leader needs to back a supplier's credit",
        source="issue (trade credit to trusted suppliers)")
    trade_credit_weeks: float = param(2.0, low=0.0, unit="weeks",
        meaning="extra credit, weeks of sales to backing chain leaders",
        source="seed 000 (commercial credit); seed 004 (supply-chain finance)")
    leader_rate_factor: float = param(0.7, low=0.0, high=1.0, unit="share",
        meaning="backed suppliers borrow at most at this x the base rate", source="assumption")
    investment_credit_use: float = param(0.05, low=0.0, high=1.0, unit="share",
        meaning="per period share of free credit used for investment", source="assumption")


@dataclass
class InnovationConfig:
    """R&D, absorptive capacity and knowledge spill-overs (seeds 000, 001)."""

    enabled: bool = param(True, unit="switch", meaning="false switches the mechanism off",
        source="switch")
    spillovers: bool = param(True, unit="switch",
        meaning="spill-overs along links and joint projects with chain leaders",
        source="switch (issue test)")
    initial_dispersion: float = param(0.1, low=0.0, unit="–",
        meaning="s.d. of initial log technology", source="assumption")
    technology_premium: float = param(0.15, low=0.0, unit="–",
        meaning="initial log technology of the technology segment", source="assumption")
    success_scale: float = param(1.5, low=0.0, unit="–",
        meaning="success prob = 1 - exp(-scale * R&D intensity * (1 + AC))",
        source="assumption (calibrated: ~1%/yr own technology growth)")
    step: float = param(0.02, low=0.0, unit="–",
        meaning="log technology gained by a successful innovation", source="assumption")
    knowledge_depreciation: float = param(0.05, low=0.0, high=1.0, unit="share",
        meaning="per period, of the R&D knowledge stock", source="assumption")
    absorptive_half: float = param(0.2, low=0.0, unit="–",
        meaning="knowledge stock at which absorptive capacity is one half",
        source="absorptive capacity (Cohen & Levinthal 1990)")
    spillover_rate: float = param(0.03, low=0.0, high=1.0, unit="share",
        meaning="per period share of a trusted partner's lead absorbed",
        source="seed 000 (trust promotes technology diffusion)")
    joint_rate: float = param(0.05, low=0.0, high=1.0, unit="share",
        meaning="per period probability of a joint project per leader link",
        source="seed 000/001 (leaders build SME capability)")
    joint_trust: float = param(0.6, low=0.0, high=1.0, unit="share",
        meaning="trust a chain leader needs to start a joint project", source="assumption")
    joint_step: float = param(0.02, low=0.0, unit="–",
        meaning="log technology a joint project gives the supplier", source="assumption")
    cost_elasticity: float = param(0.5, low=0.0, unit="–",
        meaning="unit labour cost falls as technology ** -elasticity",
        source="issue (technology lowers unit cost)")
    value_elasticity: float = param(0.3, low=0.0, unit="–",
        meaning="unit value added rises as technology ** elasticity",
        source="issue (raises value added)")


@dataclass
class DigitalConfig:
    """Digital maturity: adoption, forecasting, search and visibility (seeds 002, 004)."""

    enabled: bool = param(True, unit="switch", meaning="false switches the mechanism off",
        source="switch")
    initial_mean: float = param(0.32, low=0.0, high=1.0, unit="share",
        meaning="mean SME digital maturity (Beta distributed)",
        source="seed 004 (10-20% of SMEs use SCM systems)")
    initial_sd: float = param(0.15, low=0.0, high=0.45, unit="share",
        meaning="s.d. of SME digital maturity", source="seed 004")
    leader_level: float = param(0.85, low=0.0, high=1.0, unit="share",
        meaning="mean digital maturity of chain leaders", source="spec §1; seed 004")
    initial_shift_sd: float = param(0.0, low=-5.0, high=5.0, unit="–",
        meaning="experiments: shift everyone's start by k s.d.",
        source="experiments (seed 002: +1 s.d.)")
    adoption_threshold: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="maturity at which a firm counts as adopted", source="seed 004")
    efficiency: float = param(1.0, low=0.0, unit="–",
        meaning="maturity gain per unit of digital spend / period revenue", source="assumption")
    lag_periods: int = param(3, low=0, high=52, unit="periods",
        meaning="periods from digital spending to effect (implementation lag)",
        source="issue (implementation lags)")
    depreciation: float = param(0.004, low=0.0, high=1.0, unit="share",
        meaning="per period, technology ageing", source="assumption")
    legacy_forecast_noise: float = param(0.05, low=0.0, high=1.0, unit="share",
        meaning="(tick) forecast error s.d. at maturity 0",
        source="seed 002 (73% of SMEs on legacy ERP, <15% predictive)")
    information_delay: float = param(1.0, low=0.0, high=1.0, unit="share",
        meaning="(tick) weight of last tick's orders at maturity 0",
        source="Lee et al. (1997); seed 000")
    visibility: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="(tick) weight on customers' planned use at maturity 1",
        source="Lee et al. (1997): shared demand data")
    search_speedup: float = param(0.5, low=0.0, high=1.0, unit="share",
        meaning="search ticks x (1 - speedup * maturity)",
        source="seed 000/004 (digital agility)")
    early_warning: float = param(0.7, low=0.0, high=1.0, unit="share",
        meaning="(tick) adopters see a supplier below this availability",
        source="seed 004 (in-event monitoring)")


@dataclass
class UpgradingConfig:
    """Structural upgrading to the technology-intensive segment (seed 001)."""

    enabled: bool = param(True, unit="switch", meaning="false switches the mechanism off",
        source="switch")
    threshold: float = param(1.3, low=1e-09, unit="–",
        meaning="technology level at which a labour-intensive firm upgrades",
        source="assumption (calibrated: ~0.5%/yr of labour firms upgrade)")
    cost_weeks: float = param(2.0, low=0.0, unit="weeks",
        meaning="one-off cost, in weeks of revenue", source="assumption")
    max_wait: int = param(12, low=0, high=520, unit="ticks",
        meaning="ticks to stock the new input before production switches anyway",
        source="assumption")
    ramp_periods: int = param(6, low=1, high=52, unit="periods",
        meaning="steps (at most one per period) phasing the new input in", source="assumption")
    max_new_suppliers: int = param(4, low=1, high=20, unit="count",
        meaning="suppliers drawn at most to cover the new input's need", source="assumption")


@dataclass
class InvestmentConfig:
    """The period budget and its split over R&D, digital, ESG and buffers."""

    enabled: bool = param(True, unit="switch", meaning="false switches the mechanism off",
        source="switch")
    budget_share: float = param(0.25, low=0.0, high=1.0, unit="share",
        meaning="share of the period's operating profit invested", source="assumption")
    max_intensity: float = param(0.03, low=0.0, high=1.0, unit="share",
        meaning="budget cap, as a share of period revenue",
        source="assumption (R&D+digital+ESG ≈ 1-3% of revenue)")
    rd_base: float = param(0.0, low=-20.0, high=20.0, unit="–",
        meaning="logit intercept of R&D spending", source="assumption")
    digital_base: float = param(0.0, low=-20.0, high=20.0, unit="–",
        meaning="logit intercept of digital spending", source="assumption")
    esg_base: float = param(0.0, low=-20.0, high=20.0, unit="–",
        meaning="logit intercept of ESG spending", source="assumption")
    buffer_base: float = param(-1.0, low=-20.0, high=20.0, unit="–",
        meaning="logit intercept of buffer stock",
        source="assumption")
    profit_weight: float = param(5.0, low=0.0, unit="–",
        meaning="R&D utility per unit of profit margin", source="assumption")
    leader_weight: float = param(0.5, low=0.0, unit="–",
        meaning="R&D utility of a trusted chain-leader customer",
        source="seed 001 (chain-leader programmes)")
    disruption_weight: float = param(4.0, low=0.0, unit="–",
        meaning="digital and buffer utility per unit of recent shortfall",
        source="seed 002 (buffers and digital after disruptions)")
    requirement_weight: float = param(5.0, low=0.0, unit="–",
        meaning="ESG utility per unit of customers' unmet requirement",
        source="seed 000 (customer ESG requirements)")
    maturity_weight: float = param(1.0, low=0.0, unit="–",
        meaning="digital utility falls with maturity (diminishing returns)", source="assumption")
    max_buffer_weeks: float = param(2.0, low=0.0, unit="weeks",
        meaning="extra safety stock when the whole budget goes to buffers",
        source="seed 002 (safety stock buffers)")
    buffer_adjustment: float = param(0.25, low=0.0, high=1.0, unit="share",
        meaning="per period: extra safety stock moves toward its target", source="assumption")


@dataclass
class BehaviourConfig:
    """Firm behaviour (docs/odd_firm_behaviour.md); one switch per mechanism."""

    enabled: bool = param(True, unit="switch", meaning="false switches every mechanism off",
        source="switch")
    period: int = param(4, low=1, high=52, unit="periods",
        meaning="ticks between decisions (audits, investment, learning): a month",
        source="issue (\"e.g. monthly = every 4 ticks\")")
    review_periods: int = param(3, low=1, high=52, unit="periods",
        meaning=("periods between reviews of ratings, audits, prices, order shares, credit "
                 "and upgrading (a quarter)"),
        source="assumption (quarterly reviews)")
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

    seed: int = param(42, unit="–", meaning="random seed of all streams", source="–")
    ticks: int = param(260, low=1, high=100000, unit="ticks",
        meaning="horizon in weekly ticks (5 years)", source="C")
    twin: bool = param(True, unit="switch", meaning="also run the unshocked twin", source="spec §6")
    network: NetworkConfig = field(default_factory=NetworkConfig)
    market: MarketConfig = field(default_factory=MarketConfig)
    finance: FinanceConfig = field(default_factory=FinanceConfig)
    sourcing: SourcingConfig = field(default_factory=SourcingConfig)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    platforms: PlatformConfig = field(default_factory=PlatformConfig)
    programmes: ProgrammesConfig = field(default_factory=ProgrammesConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    behaviour: BehaviourConfig = field(default_factory=BehaviourConfig)
