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
from typing import Any, ClassVar

import numpy as np

_EMPTY: MappingProxyType[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class PlatformLevers:
    """Phase 1, after ``begin_tick``: rules and support the acting platforms work under this
    tick (policy instruments set them; the platforms read :attr:`World.platform_levers`).

    Attributes:
        commission_cap: highest take per unit of list price of any platform sale (the
            commission, and the implied take of a full-managed purchase); None: no cap.
        managed_share_cap: full-managed mode: highest share of the supplier's gross margin
            the platform may keep by setting the price; None: no cap.
        fee_relief: per firm, share of its platform fees the state pays (membership
            decisions see the fees net of it); None: none.
        routed: per firm, True for SMEs the state supports with routed orders ("orders +
            tools"): while they are platform members, the platforms route searching buyers'
            orders to their idle capacity; None: none.
    """

    commission_cap: float | None = None
    managed_share_cap: float | None = None
    fee_relief: np.ndarray | None = None
    routed: np.ndarray | None = None

    def with_caps(self, commission: float | None, managed_share: float | None
                  ) -> PlatformLevers:
        """These levers with further caps (the tighter cap holds)."""
        def tighter(old: float | None, new: float | None) -> float | None:
            return old if new is None else new if old is None else min(old, new)

        return replace(self, commission_cap=tighter(self.commission_cap, commission),
                       managed_share_cap=tighter(self.managed_share_cap, managed_share))

    def with_routing(self, firms: np.ndarray) -> PlatformLevers:
        """These levers with orders also routed to ``firms`` (a per-firm mask)."""
        routed = firms if self.routed is None else self.routed | firms
        return replace(self, routed=routed)

    def with_fee_relief(self, share: np.ndarray) -> PlatformLevers:
        """These levers with ``share`` more of each firm's platform fees paid (at most all)."""
        relief = share if self.fee_relief is None else self.fee_relief + share
        return replace(self, fee_relief=np.minimum(relief, 1.0))


@dataclass(frozen=True)
class DemandLevers:
    """Phase 3, final demand.

    Attributes:
        weight: per firm, a multiplier on an assembler's share of its chain's final demand
            (consumers' preferences); the engine renormalises within each chain, so total
            demand is unchanged (None: 1).
    """

    weight: np.ndarray | None = None


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
        min_safety_weeks: (N, 1) or per input slot (N, S) floor on the safety stock, applied
            by the engine after every process (policy: stock building on an alert; None: no
            floor).
    """

    forecast: np.ndarray | None = None
    safety_weeks: np.ndarray | None = None
    link_weight: np.ndarray | None = None
    min_safety_weeks: np.ndarray | None = None


@dataclass(frozen=True)
class RationingLevers:
    """Phase 5, production and rationing.

    Attributes:
        priority: per link, True if the buyer is served first when the supplier is short
            (only with ``market.rationing=priority``; None: proportional rationing).
        lead_factor: per link, multiplier on the transit lead time of this tick's shipments
            (rounded up, at least one tick; None: 1).
        export_cover: per firm, ticks of a chokepoint's extra delay on the export route that
            its forward stock near the export market absorbs (an overseas warehouse): its
            export sales reach customers after ``nominal + max(0, extra - cover)`` ticks
            (whole ticks of cover count; None: no cover, the route's lead).
        export_tracked: per firm, True if its export deliveries are also recorded on their
            own (platform members: series ``export_performance_members``; None: not recorded).
    """

    priority: np.ndarray | None = None
    lead_factor: np.ndarray | None = None
    export_cover: np.ndarray | None = None
    export_tracked: np.ndarray | None = None


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
        min_threshold: per link, floor on the switch threshold, applied by the engine after
            every process (policy: early re-sourcing; None: no floor).
        max_search_ticks: per firm, cap on the search time, applied by the engine after every
            process (policy: re-dispatch; None: no cap).
    """

    threshold: np.ndarray | None = None
    search_ticks: np.ndarray | None = None
    min_threshold: np.ndarray | None = None
    max_search_ticks: np.ndarray | None = None


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
        boost: per firm, a further multiplier on ``attraction``, applied by the engine after
            every process (policy: matching toward spare capacity; None: 1).
        visibility: the visible-pool rule (:data:`VisibilityRule`); a buyer draws only among
            candidates it sees, and keeps searching when it sees none (None: it sees all).
    """

    attraction: np.ndarray | None = None
    screen: tuple[np.ndarray, np.ndarray] | None = None
    boost: np.ndarray | None = None
    visibility: VisibilityRule | None = None


#: The highest share of a firm's spending on one use that the state may pay (a firm always
#: bears part of the cost; shares of several instruments are capped together).
MAX_COST_SHARE = 0.9


@dataclass(frozen=True)
class InvestmentLevers:
    """Phase 10, before the firms' periodic investment decisions (policy instruments).

    Attributes:
        cost_share: per use (``rd``, ``digital``, ``esg``; buffers are no expense), per
            firm, the share of the firm's spending on that use that the state pays (together
            at most :data:`MAX_COST_SHARE`). A firm's own money goes ``1 / (1 - share)`` times
            as far.
        audit_rate: per firm, the per-period probability of an ESG audit (None: the
            behaviour's ``esg.audit_rate``).
        member_audit_rate: per firm, the per-period probability that an organisation the
            firm belongs to (its platform) verifies its ESG data, drawn independently of the
            audit above (None: none).
        fine_weeks: per firm, the fine for detected greenwashing in weeks of revenue (None:
            ``esg.fine_weeks``).
        esg_cost: per firm, policy costs (+) or benefits (-) that depend on the firm's ESG
            (carbon cost, green-credit discount) per unit of revenue of the latest period;
            the ESG strategy payoff counts them like fines (None: none).
        esg_return: per firm, what a unit of ESG spending earns the firm through policy
            (money per money spent, e.g. the carbon cost its abatement saves); the budget
            split adds ``investment.profit_weight`` times it to the ESG utility, as the R&D
            utility counts the margin (None: nothing).
    """

    cost_share: MappingProxyType[str, np.ndarray] = field(default_factory=lambda: _EMPTY)
    audit_rate: np.ndarray | None = None
    member_audit_rate: np.ndarray | None = None
    fine_weeks: np.ndarray | None = None
    esg_cost: np.ndarray | None = None
    esg_return: np.ndarray | None = None

    def with_cost_share(self, use: str, share: np.ndarray) -> tuple[InvestmentLevers,
                                                                    np.ndarray]:
        """These levers with ``share`` more of ``use`` paid by the state.

        Returns:
            The new levers and the share actually added per firm (less than ``share`` where
            the shares of earlier instruments reach :data:`MAX_COST_SHARE`): the instrument
            pays that share of what is spent.
        """
        shares = dict(self.cost_share)
        before = shares.get(use, 0.0)
        after = np.minimum(before + np.maximum(share, 0.0), MAX_COST_SHARE)
        shares[use] = after
        return replace(self, cost_share=MappingProxyType(shares)), after - before

    def with_esg_cost(self, cost: np.ndarray) -> InvestmentLevers:
        """These levers with one more ESG-dependent policy cost (added to earlier ones)."""
        return replace(self, esg_cost=cost if self.esg_cost is None else self.esg_cost + cost)

    def with_esg_return(self, value: np.ndarray) -> InvestmentLevers:
        """These levers with one more policy return on ESG spending (added to earlier ones)."""
        return replace(self, esg_return=value if self.esg_return is None
                       else self.esg_return + value)


@dataclass(frozen=True)
class SolvencyLevers:
    """Phase 11, the exit rule and entry.

    Attributes:
        credit_line: per firm, overdraft allowed before a firm is insolvent (None:
            ``finance.credit_line_weeks`` of normal revenue).
        entry_rate: per firm row, probability that a vacant row is taken by an entrant this
            tick at least (policy: targeted entry; None: the demand-led entry rule alone).
    """

    credit_line: np.ndarray | None = None
    entry_rate: np.ndarray | None = None


# --------------------------------------------------------------------------- phase 10: plans
# Plans a process makes at its periodic decisions (prices, order shares, capacity, segment,
# stocking orders). The engine applies them right after the ``plan`` hooks of phase 10.


@dataclass(frozen=True)
class StockingOrders:
    """Orders placed on links a process just added (``World.add_links``), e.g. the stock an
    upgrading firm builds of its new input before switching.

    Attributes:
        rows: the link rows ordered on.
        backlog: per row, the quantity ordered (owed by the supplier from now on).
        buyer: firms whose ``on_order`` grows (one entry per firm and slot).
        slot: their input slot.
        amount: how much each one's ``on_order`` grows (the rows' orders, as the buyer
            books them).
    """

    rows: np.ndarray
    backlog: np.ndarray
    buyer: np.ndarray
    slot: np.ndarray
    amount: np.ndarray


@dataclass(frozen=True)
class PlanLevers:
    """Phase 10, after capacity adjustment and the ``invest`` hooks: planned changes of
    engine state. Each field replaces the engine's array of the same name (None: unchanged);
    a process that changes a field starts from the earlier processes' value when set.

    Attributes:
        price: per firm, the selling price.
        slot_price: (N, S) price of each input.
        unit_value_added: per firm, value added per unit of output.
        technology_intensive: per firm, True in the technology segment.
        long_run_demand: per firm, the demand capacity is planned for.
        capacity: per firm, production capacity.
        share: per link, the buyer's order share within its input slot.
        stocking: orders placed on new links (None: none).
    """

    price: np.ndarray | None = None
    slot_price: np.ndarray | None = None
    unit_value_added: np.ndarray | None = None
    technology_intensive: np.ndarray | None = None
    long_run_demand: np.ndarray | None = None
    capacity: np.ndarray | None = None
    share: np.ndarray | None = None
    stocking: StockingOrders | None = None

    FIRM_FIELDS: ClassVar[tuple[str, ...]] = (
        "price", "slot_price", "unit_value_added", "technology_intensive", "long_run_demand",
        "capacity")

    def with_stocking(self, orders: StockingOrders) -> PlanLevers:
        """These levers with more stocking orders (after any placed by earlier processes)."""
        if self.stocking is None:
            return replace(self, stocking=orders)
        old = self.stocking
        return replace(self, stocking=StockingOrders(*(
            np.concatenate([getattr(old, name), getattr(orders, name)])
            for name in ("rows", "backlog", "buyer", "slot", "amount"))))


@dataclass(frozen=True)
class MembershipLevers:
    """Phase 11, after entry: platform membership (the platforms decide it).

    Attributes:
        platform: per firm, its platform id, -1 for none (None: unchanged).
    """

    platform: np.ndarray | None = None
