"""What the engine records: the tick's row of the time series and the summary's firm-level
outcomes (every key is declared in :mod:`abm.metrics.catalogue`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from abm.core.rules import live_links
from abm.core.state import ASSEMBLY_TIER, N_TIERS, FirmState, LinkState
from abm.market.accounts import Ledger
from abm.market.logistics import on_time_share


def tick_row(firms: FirmState, links: LinkState, ledger: Ledger, produced: np.ndarray, *,
             delivered: float, due: float, in_transit: float, written_off: float,
             platform_revenue: float, subsidy_spent: float, extra_sea_lead: float
             ) -> dict[str, float]:
    """The engine's metrics of one tick (the caller adds event counts and processes' rows).

    Args:
        firms: firm state after the tick.
        links: link state after the tick.
        ledger: the tick's accounts.
        produced: output per firm this tick.
        delivered: goods that reached final customers this tick.
        due: final demand falling due this tick (``performance`` = delivered / due).
        in_transit: goods on the road between firms.
        written_off: goods lost with exiting firms (stocks and arrivals).
        platform_revenue: fees the platforms collected.
        subsidy_spent: the regulator's spending this tick.
        extra_sea_lead: the chokepoint delay on sea routes this tick.

    Returns:
        Metric name -> value, in the recorder's column order.
    """
    alive = firms.alive
    by_tier = np.bincount(firms.tier, weights=produced, minlength=N_TIERS)
    orders = np.bincount(firms.tier, weights=firms.orders_received, minlength=N_TIERS)
    live = live_links(firms, links)
    key = links.slot_key(firms.n_slots)
    weight = links.share * live
    total = np.bincount(key, weights=weight, minlength=firms.input_inventory.size)
    squares = np.bincount(key, weights=weight**2, minlength=firms.input_inventory.size)
    has = total > 0
    slots_supplied = int(np.count_nonzero(has))
    # Weights are >= 0, so a slot without weight has squares == 0 too: dividing it by 1 gives
    # the 0 a masked divide would write, without the mask's slower path. Adding the bool mask
    # turns exactly those zeros into ones (and adds 0 elsewhere) in one pass.
    denominator = total * total
    denominator += ~has
    hhi = float((squares / denominator).sum() / slots_supplied) if slots_supplied else 0.0
    return {
        "performance": on_time_share(delivered, due),
        "final_demand": float(firms.final_demand.sum()),
        "final_sales": float(firms.final_sales.sum()),
        "delivered": delivered,
        "value_added": float((firms.unit_value_added * produced).sum()),
        "production": float(produced.sum()),
        **{f"production_tier{t}": float(by_tier[t]) for t in range(N_TIERS)},
        **{f"orders_tier{t}": float(orders[t]) for t in range(ASSEMBLY_TIER)},
        "inventory_inputs": float(firms.input_inventory.sum()),
        "inventory_finished": float(firms.finished_goods.sum()),
        "in_transit": in_transit,
        "backlog": float(links.backlog.sum()),
        "written_off": written_off,
        # Not a BLAS dot: multithreaded BLAS stalls on a loaded machine.
        "mean_availability": float((firms.availability * alive).sum() / max(1, alive.sum())),
        "firms_alive": float(alive.sum()),
        "smes_alive": float((alive & ~firms.chain_leader).sum()),
        "links_active": float(live.sum()),
        "searching": float((links.search_timer >= 0).sum()),
        "supplier_hhi": hhi,
        "cash_total": float(firms.cash[alive].sum()),
        "profit_total": float(firms.profit[alive].sum()),
        "final_revenue": ledger.final_revenue,
        "labour_cost": ledger.labour,
        "fixed_cost": ledger.fixed,
        "holding_cost": ledger.holding,
        "platform_fees": ledger.platform_fees,
        "interest": ledger.interest,
        "payouts": ledger.payouts,
        "platform_revenue": platform_revenue,
        "platform_members": float(((firms.platform >= 0) & alive).sum()),
        "subsidy_spent": subsidy_spent,
        "extra_sea_lead": extra_sea_lead,
    }


def firm_outcomes(firms: FirmState, replacement_ticks: Sequence[np.ndarray]
                  ) -> dict[str, float]:
    """Firm-level scalars for the summary: SME survival and margins, digital agility.

    Args:
        firms: firm state at the end of the run.
        replacement_ticks: per tick with replacements, the ticks each replaced supplier link
            waited for its new supplier.
    """
    sme = ~firms.chain_leader
    original = sme & (firms.entered_at == 0)
    survivors = original & firms.alive
    margin = np.divide(firms.total_profit, firms.total_revenue,
                       out=np.full(firms.n, np.nan), where=firms.total_revenue > 0)
    waits = np.concatenate(replacement_ticks) if replacement_ticks else np.empty(0)
    agility = float(waits.mean()) if len(waits) else float("nan")
    return {
        "sme_survival_rate": float(survivors.sum() / max(1, original.sum())),
        "sme_mean_margin": float(np.nanmean(margin[sme & firms.alive])),
        "digital_agility": agility,
        "digital_agility_rate": 1.0 / (1.0 + agility),  # in (0, 1]; NaN without waits
        "replacements": float(len(waits)),
    }
