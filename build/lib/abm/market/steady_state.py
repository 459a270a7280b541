"""The initial state: the model's exact steady state for the mean final demand.

Every firm produces its normal output, inventories sit at their targets and the transport
pipelines are full, so an unshocked run without noise stays constant from the first tick.
"""

from __future__ import annotations

import numpy as np

from abm.config.schema import SimulationConfig
from abm.core.rules import lead_by_route, overseas_mask
from abm.core.state import (
    ASSEMBLY_TIER,
    N_TIERS,
    NOT_SEARCHING,
    FirmState,
    LinkState,
    route_of,
)
from abm.network.spec import NetworkSpec


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


def build_state(spec: NetworkSpec, cfg: SimulationConfig, platform: np.ndarray
                ) -> tuple[FirmState, LinkState, np.ndarray]:
    """Build firm and link arrays at the steady state of the mean final demand.

    Args:
        spec: the network.
        cfg: the validated configuration.
        platform: each firm's platform id, -1 for none (see abm.platforms).

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

    overseas = overseas_mask(cfg.network.n_regions, cfg.network.overseas_regions, spec.region)
    route = route_of(spec.region[spec.buyer], spec.region[spec.supplier], overseas)
    lead = lead_by_route(market.lead_time_local, market.lead_time_domestic,
                         market.lead_time_sea)[route]
    key = spec.buyer * n_slots + slot
    on_order = np.bincount(key, weights=flow * lead, minlength=n * n_slots).reshape(n, n_slots)
    use = coef * output[:, None]
    # Order-up-to bookkeeping (see abm.market.ordering): before ordering, a slot holds this
    # tick's use plus the safety stock, and the pipeline holds lead-time worth of flow.
    input_inventory = use * (1.0 + market.safety_stock_weeks)

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
