"""The model's state as arrays: one row per firm, one row per buyer-supplier link.

Rules about this state that several modules need (which links are live, the demand a firm
sees, routes and their lead times) are written once here, in :mod:`abm.core.rules`.

Mesa agents (``abm.agents``) are the objects users see and script; they read and write these
rows. Every per-tick rule that touches all firms or links runs vectorised over these arrays,
which is what keeps 10,000 firms at hundreds of ticks per second.

The initial state is built by :func:`abm.market.steady_state.build_state`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

TIER_NAMES = ("raw_material", "component", "module", "assembly")
N_TIERS = len(TIER_NAMES)
ASSEMBLY_TIER = N_TIERS - 1
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

    def fixed_cost_of(self, rows: np.ndarray) -> np.ndarray:
        """:attr:`fixed_cost` of the firms ``rows`` only."""
        return self.fixed_cost_rate * self.unit_value_added[rows] * self.capacity[rows]


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

        Plug-ins use ``World.add_links``, which also widens the logistics pipeline.

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
