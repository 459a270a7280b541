"""Levers: the typed inputs each engine phase accepts from plug-ins.

Every phase starts from the neutral levers (all ``None`` or empty: the engine's own values),
passes them through the registered processes in a fixed order (policy instruments, platforms,
programmes, firm behaviour; see :mod:`abm.core.process`), and then the *engine* applies the
result. A process returns a new object (``dataclasses.replace``); levers are frozen so that
no process can change what an earlier one decided behind its back.

Per-firm arrays have one entry per firm row, per-link arrays one per link row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np

_EMPTY: MappingProxyType[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class ForecastLevers:
    """Phase 4, before the forecast update.

    Attributes:
        demand_signal: per firm, the demand its forecast follows (None:
            :func:`abm.core.rules.demand_seen`).
        recipe: (N, S) input coefficients that take effect from this tick's ordering on,
            applied by the engine after the forecast update (None: unchanged).
    """

    demand_signal: np.ndarray | None = None
    recipe: np.ndarray | None = None


@dataclass(frozen=True)
class OrderLevers:
    """Phase 4, ordering (after the forecast update and any recipe change).

    Attributes:
        forecast: per firm, the demand orders are planned on (None: the forecast).
        safety_weeks: (N, 1) safety stock in ticks of use (None: ``market.safety_stock_weeks``).
        link_weight: per link, a multiplier on the buyer's order split (None: 1).
    """

    forecast: np.ndarray | None = None
    safety_weeks: np.ndarray | None = None
    link_weight: np.ndarray | None = None


@dataclass(frozen=True)
class RationingLevers:
    """Phase 5, production and rationing.

    Attributes:
        priority: per link, True if the buyer is served first when the supplier is short
            (only with ``market.rationing=priority``; None: proportional rationing).
    """

    priority: np.ndarray | None = None


@dataclass(frozen=True)
class AccountLevers:
    """Phase 7, accounts.

    Attributes:
        interest_rate: per firm, interest per tick on overdraft (None: ``finance.interest_rate``).
        labour_factor: per firm, multiplier on unit labour cost (None: 1).
        costs: named per-firm costs booked this tick (behaviour spending, fines, fees).
        subsidies: named per-firm payments received this tick (policy instruments); booked as
            negative costs.
    """

    interest_rate: np.ndarray | None = None
    labour_factor: np.ndarray | None = None
    costs: MappingProxyType[str, np.ndarray] = field(default_factory=lambda: _EMPTY)
    subsidies: MappingProxyType[str, np.ndarray] = field(default_factory=lambda: _EMPTY)

    def with_cost(self, name: str, amount: np.ndarray) -> AccountLevers:
        """These levers with one more named cost (added to a cost of the same name)."""
        costs = dict(self.costs)
        costs[name] = costs[name] + amount if name in costs else amount
        return replace(self, costs=MappingProxyType(costs))

    def with_subsidy(self, name: str, amount: np.ndarray) -> AccountLevers:
        """These levers with one more named subsidy (added to one of the same name)."""
        paid = dict(self.subsidies)
        paid[name] = paid[name] + amount if name in paid else amount
        return replace(self, subsidies=MappingProxyType(paid))


@dataclass(frozen=True)
class SourcingLevers:
    """Phase 9, the start of supplier-replacement searches.

    Attributes:
        threshold: per link, fill-rate level below which the buyer searches (None:
            ``sourcing.switch_threshold``).
        search_ticks: per firm, ticks a search takes (None: ``sourcing.search_ticks``).
    """

    threshold: np.ndarray | None = None
    search_ticks: np.ndarray | None = None


#: ``(buyers, candidates, rng) -> bool matrix`` (len(buyers) x len(candidates)): which
#: candidates each buyer sees when it searches (a visible pool).
VisibilityRule = Callable[[np.ndarray, np.ndarray, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class MatchLevers:
    """The supplier market: replacement searches (phase 9), entrants (phase 11) and links
    a process adds (``World.draw_suppliers``).

    Attributes:
        attraction: per firm, weight of being drawn as a new supplier (None: 1).
        screen: (buyer requirement, supplier score) per firm; candidates below a buyer's
            requirement are screened out (None: no screening).
        visibility: the visible-pool rule (:data:`VisibilityRule`); a buyer draws only among
            candidates it sees, and keeps searching when it sees none (None: it sees all).
    """

    attraction: np.ndarray | None = None
    screen: tuple[np.ndarray, np.ndarray] | None = None
    visibility: VisibilityRule | None = None


@dataclass(frozen=True)
class SolvencyLevers:
    """Phase 11, the exit rule.

    Attributes:
        credit_line: per firm, overdraft allowed before a firm is insolvent (None:
            ``finance.credit_line_weeks`` of normal revenue).
    """

    credit_line: np.ndarray | None = None


@dataclass(frozen=True)
class MembershipLevers:
    """Phase 11, after entry: platform membership (the platforms decide it).

    Attributes:
        platform: per firm, its platform id, -1 for none (None: unchanged).
    """

    platform: np.ndarray | None = None
