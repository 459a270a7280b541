"""Firm accounts: revenue, costs, cash, credit (spec §3 phase 7).

Buyers pay suppliers when goods are dispatched, so payments between firms cancel in the
aggregate and the economy-wide cash identity is
``sum(d cash) = final-market revenue - labour - fixed - holding - fees - interest - payouts``
(minus the firm-behaviour costs in ``Ledger.other`` - investment spending and fines - when
the behaviour layer books them).
Cash above a target (``initial_cash_weeks`` of fixed cost) is partly paid out, which keeps cash
stationary in normal times; a firm whose cash falls below minus its credit line is insolvent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from abm.config.schema import FinanceConfig
from abm.core.state import FirmState, LinkState


@dataclass
class Ledger:
    """Economy-wide money flows of one tick (for the accounting identity and outputs)."""

    final_revenue: float
    labour: float
    fixed: float
    holding: float
    platform_fees: float
    interest: float
    payouts: float
    other: dict[str, float] = field(default_factory=dict)  # firm-behaviour costs by name


def stock_value(firms: FirmState, rows: np.ndarray | None = None) -> np.ndarray:
    """Value of each firm's finished goods (at its price) and inputs (at their prices), for
    all firms or the firm ``rows``."""
    at = slice(None) if rows is None else rows
    value = firms.price[at] * firms.finished_goods[at]
    slot_price, inputs = firms.slot_price[at], firms.input_inventory[at]
    # Column by column: numpy sums a short trailing axis far slower than it adds columns.
    for slot in range(firms.n_slots):
        value += slot_price[:, slot] * inputs[:, slot]
    return value


def operating_profit(firms: FirmState, links: LinkState, shipped: np.ndarray,
                     export_sales: np.ndarray, platform_fee: np.ndarray, cfg: FinanceConfig,
                     interest_rate: np.ndarray | None = None,
                     labour_factor: np.ndarray | None = None,
                     other_costs: dict[str, np.ndarray] | None = None
                     ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Each firm's profit this tick and its components, without booking anything.

    Args:
        firms: firm state (uses this tick's ``produced``, ``shipped`` and stocks).
        links: link state.
        shipped: goods shipped per link this tick.
        export_sales: units sold to the export market per firm.
        platform_fee: commission rate each firm pays on its export revenue.
        cfg: finance parameters.
        interest_rate: per-firm rate on overdrafts (firm behaviour: ESG rating, size,
            chain-leader backing); None = ``cfg.interest_rate`` for all.
        labour_factor: per-firm multiplier on unit labour cost (technology); None = 1.
        other_costs: further per-firm costs by name (firm behaviour: investment, fines).

    Returns:
        Profit per firm and a dict of its components (revenue and costs per firm).
    """
    alive = firms.alive
    rate = cfg.interest_rate if interest_rate is None else interest_rate
    labour = cfg.labour_cost_share * firms.unit_value_added * firms.produced
    if labour_factor is not None:
        labour = labour * labour_factor
    parts = {
        "revenue": firms.price * firms.shipped,
        "inputs": np.bincount(links.buyer, weights=shipped * firms.price[links.supplier],
                              minlength=firms.n),
        "labour": labour,
        "fixed": firms.fixed_cost * alive,
        "holding": cfg.holding_cost_rate * stock_value(firms) * alive,
        "fees": platform_fee * firms.price * export_sales,
        "interest": rate * np.maximum(0.0, -firms.cash) * alive,
    }
    for name, cost in (other_costs or {}).items():
        parts[name] = cost * alive
    costs = np.zeros(firms.n)  # summed in place, in the order of ``parts``
    for name, part in parts.items():
        if name != "revenue":
            costs += part
    return parts["revenue"] - costs, parts


def cash_target(firms: FirmState, cfg: FinanceConfig) -> np.ndarray:
    """Cash a firm keeps before paying out: ``initial_cash_weeks`` of fixed cost."""
    return cfg.initial_cash_weeks * firms.fixed_cost


def steady_cash(firms: FirmState, profit: np.ndarray, cfg: FinanceConfig) -> np.ndarray:
    """Cash at which a steady profit is exactly paid out: target + profit * (1/payout - 1)."""
    if cfg.payout_rate == 0:
        return cash_target(firms, cfg)
    return cash_target(firms, cfg) + np.maximum(profit, 0.0) * (1.0 / cfg.payout_rate - 1.0)


def settle_accounts(firms: FirmState, links: LinkState, shipped: np.ndarray,
                    export_sales: np.ndarray, platform_fee: np.ndarray,
                    cfg: FinanceConfig, interest_rate: np.ndarray | None = None,
                    labour_factor: np.ndarray | None = None,
                    other_costs: dict[str, np.ndarray] | None = None) -> Ledger:
    """Book the tick's revenue and costs, pay out excess cash and update cash.

    Args are those of :func:`operating_profit`.

    Returns:
        The economy-wide ledger of the tick.
    """
    profit, parts = operating_profit(firms, links, shipped, export_sales, platform_fee, cfg,
                                     interest_rate, labour_factor, other_costs)
    cash = firms.cash + profit
    payout = cfg.payout_rate * np.maximum(0.0, cash - cash_target(firms, cfg)) * firms.alive
    firms.cash = cash - payout
    firms.revenue = parts["revenue"]
    firms.profit = profit
    firms.total_revenue += parts["revenue"]
    firms.total_profit += profit
    return Ledger(final_revenue=float((firms.price * firms.final_sales).sum()),
                  labour=float(parts["labour"].sum()), fixed=float(parts["fixed"].sum()),
                  holding=float(parts["holding"].sum()), platform_fees=float(parts["fees"].sum()),
                  interest=float(parts["interest"].sum()), payouts=float(payout.sum()),
                  other={name: float(parts[name].sum()) for name in other_costs or {}})
