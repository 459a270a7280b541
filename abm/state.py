"""The model's state as arrays: one row per firm, one row per buyer-supplier link.

Mesa agents (``abm.agents``) are the objects users see and script; they read and write these
rows. Every per-tick rule that touches all firms or links runs vectorised over these arrays,
which is what keeps 10,000 firms at hundreds of ticks per second.

The initial state is the model's exact steady state for the mean final demand: every firm
produces its normal output, inventories sit at their targets and the transport pipelines are
full, so an unshocked run without noise stays constant from the first tick.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from abm.config.schema import SimulationConfig
from abm.network.spec import ASSEMBLY_TIER, N_TIERS, NetworkSpec

ROUTE_LOCAL, ROUTE_DOMESTIC, ROUTE_SEA = 0, 1, 2
NOT_SEARCHING = -1


def route_of(region_a: np.ndarray, region_b: np.ndarray, overseas: np.ndarray) -> np.ndarray:
    """Transport route between two regions: local, domestic or sea (overseas)."""
    route = np.where(region_a == region_b, ROUTE_LOCAL, ROUTE_DOMESTIC)
    return np.where(overseas[region_a] | overseas[region_b], ROUTE_SEA, route)


@dataclass
class FirmState:
    """Per-firm arrays (row ``i`` is firm ``i``). ``S`` = input slots = products per tier."""

    # Identity (fixed for a slot until an entrant takes it over).
    chain: np.ndarray
    tier: np.ndarray
    product: np.ndarray
    region: np.ndarray
    technology_intensive: np.ndarray
    chain_leader: np.ndarray
    size: np.ndarray
    platform: np.ndarray  # platform id, -1 for none
    # Technology of production.
    input_coef: np.ndarray  # (N, S) units of each input product per unit of output
    unit_value_added: np.ndarray
    price: np.ndarray
    slot_price: np.ndarray  # (N, S) price of each input, for inventory valuation
    normal_output: np.ndarray  # steady-state output; scales fixed costs and credit
    capacity: np.ndarray
    # Stocks.
    alive: np.ndarray
    finished_goods: np.ndarray
    input_inventory: np.ndarray  # (N, S)
    on_order: np.ndarray  # (N, S) ordered, not yet received (supplier backlog + in transit)
    cash: np.ndarray
    # Expectations.
    forecast: np.ndarray
    orders_received: np.ndarray  # last tick's incoming orders (the demand signal upstream)
    long_run_demand: np.ndarray  # slow average that capacity follows
    # Shock state, rewritten every tick by the scenario.
    availability: np.ndarray
    # Capital cost per tick per unit of value-added capacity: idle capacity costs money.
    fixed_cost_rate: float = 0.0
    # Flows of the current tick.
    final_demand: np.ndarray = field(default_factory=lambda: np.zeros(0))
    final_sales: np.ndarray = field(default_factory=lambda: np.zeros(0))
    produced: np.ndarray = field(default_factory=lambda: np.zeros(0))
    shipped: np.ndarray = field(default_factory=lambda: np.zeros(0))
    revenue: np.ndarray = field(default_factory=lambda: np.zeros(0))
    profit: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # Accumulators over the run.
    total_revenue: np.ndarray = field(default_factory=lambda: np.zeros(0))
    total_profit: np.ndarray = field(default_factory=lambda: np.zeros(0))
    entered_at: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __post_init__(self) -> None:
        n = len(self.tier)
        for name in ("final_demand", "final_sales", "produced", "shipped", "revenue", "profit",
                     "total_revenue", "total_profit"):
            setattr(self, name, np.zeros(n))
        self.entered_at = np.zeros(n, dtype=np.int64)

    @property
    def n(self) -> int:
        """Number of firm rows (alive or vacant)."""
        return len(self.tier)

    @property
    def n_slots(self) -> int:
        """Input slots per firm."""
        return self.input_coef.shape[1]

    @property
    def fixed_cost(self) -> np.ndarray:
        """Capital cost per tick of each firm."""
        return self.fixed_cost_rate * self.unit_value_added * self.capacity


@dataclass
class LinkState:
    """Per-link arrays (row ``l`` is one buyer-supplier relationship)."""

    buyer: np.ndarray
    supplier: np.ndarray
    slot: np.ndarray  # input slot of the buyer = the supplier's product
    share: np.ndarray  # order share within the buyer's slot
    route: np.ndarray
    lead_time: np.ndarray  # nominal ticks in transit
    active: np.ndarray  # False once the buyer has left the market
    backlog: np.ndarray  # ordered by the buyer, not yet shipped by the supplier
    flow_availability: np.ndarray  # share of a shipment that may pass (embargo)
    fill_rate: np.ndarray  # moving average of shipped / owed
    search_timer: np.ndarray  # ticks left in the buyer's search for a replacement; -1 none
    failed_at: np.ndarray  # tick at which the current search began
    created_at: np.ndarray

    @property
    def n(self) -> int:
        """Number of link rows."""
        return len(self.buyer)

    def slot_key(self, n_slots: int) -> np.ndarray:
        """Flat index ``buyer * S + slot`` into (N, S) arrays (read-only; cached).

        Buyer and slot of a row never change in place (rewiring changes the supplier; new
        rows replace the arrays), so the key is recomputed only when the arrays are replaced.
        """
        cached = self.__dict__.get("_slot_key")
        if cached is None or cached[0] is not self.buyer or cached[1] is not self.slot \
                or cached[2] != n_slots:
            key = self.buyer * n_slots + self.slot
            key.flags.writeable = False
            cached = (self.buyer, self.slot, n_slots, key)
            self.__dict__["_slot_key"] = cached
        return cached[3]

    def append(self, buyer: np.ndarray, supplier: np.ndarray, slot: np.ndarray,
               share: np.ndarray, route: np.ndarray, lead_time: np.ndarray, tick: int
               ) -> np.ndarray:
        """Add new relationships as rows at the end (nothing owed, full fill rate).

        Use ``EcosystemModel.append_links``, which also widens the logistics pipeline.

        Returns:
            The indices of the new rows.
        """
        k = len(buyer)
        start = self.n
        fresh = {
            "buyer": buyer, "supplier": supplier, "slot": slot, "share": share, "route": route,
            "lead_time": lead_time, "active": np.ones(k, dtype=bool), "backlog": np.zeros(k),
            "flow_availability": np.ones(k), "fill_rate": np.ones(k),
            "search_timer": np.full(k, NOT_SEARCHING), "failed_at": np.full(k, -1),
            "created_at": np.full(k, tick),
        }
        for name, values in fresh.items():
            column = getattr(self, name)
            setattr(self, name, np.concatenate([column, np.asarray(values, dtype=column.dtype)]))
        return np.arange(start, self.n)


def _steady_output(spec: NetworkSpec, final_demand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normal output of each firm and flow on each link when final demand is met exactly."""
    output = np.where(spec.tier == ASSEMBLY_TIER, final_demand, 0.0)
    flow = np.zeros(spec.n_links)
    for tier in range(ASSEMBLY_TIER, 0, -1):
        links = np.flatnonzero(spec.tier[spec.buyer] == tier)
        flow[links] = output[spec.buyer[links]] * spec.share[links]
        output += np.bincount(spec.supplier[links], weights=flow[links], minlength=spec.n_firms)
    return output, flow


def _prices(spec: NetworkSpec, va_share: np.ndarray, n_slots: int
            ) -> tuple[np.ndarray, np.ndarray]:
    """Cost-plus prices: unit input cost (share-weighted over suppliers) / (1 - value-added share).

    Raw material is the numeraire (price 1, all of it value added).
    """
    price = np.ones(spec.n_firms)
    slot_price = np.zeros((spec.n_firms, n_slots))
    key = spec.buyer * n_slots + spec.product[spec.supplier]
    for tier in range(1, N_TIERS):
        links = np.flatnonzero(spec.tier[spec.buyer] == tier)
        paid = np.bincount(key[links], weights=spec.share[links] * price[spec.supplier[links]],
                           minlength=spec.n_firms * n_slots)
        slot_price += paid.reshape(spec.n_firms, n_slots)
        in_tier = spec.tier == tier
        price[in_tier] = slot_price[in_tier].sum(axis=1) / (1.0 - va_share[in_tier])
    return price, slot_price


def build_state(spec: NetworkSpec, cfg: SimulationConfig, rng: np.random.Generator
                ) -> tuple[FirmState, LinkState, np.ndarray]:
    """Build firm and link arrays at the steady state of the mean final demand.

    Args:
        spec: the network.
        cfg: the validated configuration.
        rng: stream for platform membership.

    Returns:
        The firm state, the link state and the steady flow on each link (for the pipelines).
    """
    market, finance = cfg.market, cfg.finance
    n = spec.n_firms
    n_slots = max(cfg.network.n_products, int(spec.product.max()) + 1)
    slot = spec.product[spec.supplier]
    coef = np.zeros((n, n_slots))
    coef[spec.buyer, slot] = 1.0  # one unit of every sourced product per unit of output

    final_demand = np.where(spec.tier == ASSEMBLY_TIER,
                            market.final_demand_per_assembler * spec.size, 0.0)
    output, flow = _steady_output(spec, final_demand)
    va_share = np.where(spec.technology_intensive, finance.value_added_share_technology,
                        finance.value_added_share_labour)
    price, slot_price = _prices(spec, va_share, n_slots)
    unit_va = price - slot_price.sum(axis=1)

    overseas = np.zeros(max(cfg.network.n_regions, int(spec.region.max()) + 1), dtype=bool)
    overseas[[r for r in cfg.network.overseas_regions if r < len(overseas)]] = True
    route = route_of(spec.region[spec.buyer], spec.region[spec.supplier], overseas)
    lead = np.array([market.lead_time_local, market.lead_time_domestic,
                     market.lead_time_sea])[route]
    key = spec.buyer * n_slots + slot
    on_order = np.bincount(key, weights=flow * lead, minlength=n * n_slots).reshape(n, n_slots)
    use = coef * output[:, None]
    # Order-up-to bookkeeping (see abm.market.ordering): before ordering, a slot holds this
    # tick's use plus the safety stock, and the pipeline holds lead-time worth of flow.
    input_inventory = use * (1.0 + market.safety_stock_weeks)

    platform = np.full(n, -1)
    if cfg.platforms.n_platforms > 0:
        joins = (rng.random(n) < cfg.platforms.membership_rate) & ~spec.chain_leader
        platform[joins] = rng.integers(0, cfg.platforms.n_platforms, size=int(joins.sum()))

    capacity = output * (1.0 + market.capacity_slack)
    firms = FirmState(
        chain=spec.chain.copy(), tier=spec.tier.copy(), product=spec.product.copy(),
        region=spec.region.copy(), technology_intensive=spec.technology_intensive.copy(),
        chain_leader=spec.chain_leader.copy(), size=spec.size.copy(), platform=platform,
        input_coef=coef, unit_value_added=unit_va, price=price, slot_price=slot_price,
        normal_output=output.copy(), capacity=capacity, alive=np.ones(n, dtype=bool),
        finished_goods=output * market.finished_goods_weeks,
        input_inventory=input_inventory, on_order=on_order, cash=np.zeros(n),
        forecast=output.copy(), orders_received=output.copy(), long_run_demand=output.copy(),
        availability=np.ones(n),
        fixed_cost_rate=finance.fixed_cost_share / (1.0 + market.capacity_slack),
    )
    n_links = spec.n_links
    links = LinkState(
        buyer=spec.buyer.copy(), supplier=spec.supplier.copy(), slot=slot.copy(),
        share=spec.share.copy(), route=route, lead_time=lead.astype(np.int64),
        active=np.ones(n_links, dtype=bool), backlog=np.zeros(n_links),
        flow_availability=np.ones(n_links), fill_rate=np.ones(n_links),
        search_timer=np.full(n_links, NOT_SEARCHING), failed_at=np.full(n_links, -1),
        created_at=np.zeros(n_links, dtype=np.int64),
    )
    return firms, links, flow
