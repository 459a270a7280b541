"""The plug-in boundary: the :class:`World` a process sees and the :class:`Process` protocol.

A *process* is anything that plugs into the engine's tick: a firm-behaviour mechanism, the
platforms, a chain-leader programme, a policy instrument. It reads the world, keeps its own
state, draws from its own named random streams, and acts only by returning *levers*
(:mod:`abm.core.levers`) from the phase hooks below; the engine applies them. The only other
way to change the world is :meth:`World.add_links`. A process may *publish* per-firm state
(:meth:`Process.publish`, e.g. ESG ratings or emission rates) that others read with
:meth:`World.observe`.

The engine calls the hooks of all processes in a fixed order every tick (spec §3):

=====================  =====  =========================================================
hook                   phase  what a process may do
=====================  =====  =========================================================
``begin_tick``         1      act at the start of a tick (policy instruments)
``platform_rules``     1      :class:`PlatformLevers`: caps and support for the platforms
``demand``             3      :class:`DemandLevers`: consumers' preferences among assemblers
``forecast``           4      :class:`ForecastLevers`: demand signal, recipe changes
``order``              4      :class:`OrderLevers`: planned forecast, safety stock, split
``ration``             5      :class:`RationingLevers`: who is served first
``sales``              6      see the tick's shipments per link and export sales
``account``            7      :class:`AccountLevers`: rates, credit lines, costs, subsidies
``signals``            8      update own state from the tick's fulfilment
``source``             9      :class:`SourcingLevers`: switch thresholds, search times
``match``              9, 11  :class:`MatchLevers`: supplier attraction and screening
``after_sourcing``     9      react to rewired links
``investment``         10     :class:`InvestmentLevers`: cost shares, audits (policy)
``invest``             10     periodic decisions (investment, learning)
``plan``               10     :class:`PlanLevers`: prices, order shares, capacity plans,
                              segment, stocking orders on new links
``solvency``           11     :class:`SolvencyLevers`: credit lines of the exit rule
``membership``         11     :class:`MembershipLevers`: platform membership (after entry)
``after_entry_exit``   11     reset own state of entrants
``tick_metrics``       12     extra per-tick series
=====================  =====  =========================================================

:class:`Process` implements every hook as neutral (levers unchanged, nothing to do), so a
process overrides only the hooks it needs and an empty set of processes is the engine alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Protocol

import numpy as np

from abm.core.calendar import TICKS_PER_YEAR
from abm.core.levers import (
    AccountLevers,
    DemandLevers,
    ForecastLevers,
    InvestmentLevers,
    MatchLevers,
    MembershipLevers,
    OrderLevers,
    PlanLevers,
    PlatformLevers,
    RationingLevers,
    SolvencyLevers,
    SourcingLevers,
)
from abm.core.state import FirmState, LinkState


class LinkAdder(Protocol):
    """The engine's way of adding link rows (arrays and the logistics pipeline together)."""

    def __call__(self, buyer: np.ndarray, supplier: np.ndarray, slot: np.ndarray,
                 share: np.ndarray, tick: int) -> np.ndarray: ...


class SupplierDraw(Protocol):
    """The engine's supplier market: a candidate supplier for each (buyer, slot)."""

    def __call__(self, buyer: np.ndarray, slot: np.ndarray, rng: np.random.Generator
                 ) -> np.ndarray: ...


@dataclass
class World:
    """What a process may read, and the few ways it may act besides levers.

    Attributes:
        firms: per-firm arrays (read them; the engine writes them).
        links: per-link arrays (read them; add rows with :meth:`add_links`).
        config: the validated ``SimulationConfig`` (typed loosely: ``abm.core`` imports no
            other part of the package).
        seed: the run's seed.
        ticks_per_year: the calendar (one tick is a week).
        steady_profit: per firm, operating profit at the initial steady state.
        base_credit_line: per firm, the engine's credit line before any process changes it.
        route_lead: nominal lead time per route id.
        overseas: per region id, True if overseas.
        owner: the process this view belongs to (``engine`` for the engine's own view).
        declared: the random streams the owner declared; :meth:`stream` refuses others.
    """

    firms: FirmState
    links: LinkState
    config: Any
    seed: int
    steady_profit: np.ndarray
    base_credit_line: np.ndarray
    route_lead: np.ndarray
    overseas: np.ndarray
    _streams: Callable[[str], np.random.Generator]
    _add_links: LinkAdder
    _draw_suppliers: SupplierDraw
    _tick: Callable[[], int]
    _extra_sea_lead: Callable[[], int]
    _ledger: Callable[[], Any]
    _timeseries: Callable[[], Any]
    ticks_per_year: int = TICKS_PER_YEAR
    _observe: Callable[[str], np.ndarray | None] = lambda name: None
    _investment_levers: Callable[[], InvestmentLevers] = InvestmentLevers
    _platform_levers: Callable[[], PlatformLevers] = PlatformLevers
    owner: str = "engine"
    declared: frozenset[str] = frozenset()

    def bound_to(self, owner: str, streams: tuple[str, ...]) -> World:
        """The view a process gets: the same world, drawing only from ``streams``."""
        return replace(self, owner=owner, declared=frozenset(streams))

    def observe(self, name: str) -> np.ndarray | None:
        """Per-firm state a process publishes under ``name`` (:meth:`Process.publish`;
        None if none does)."""
        return self._observe(name)

    @property
    def investment_levers(self) -> InvestmentLevers:
        """This tick's investment levers, as the processes folded them (phase 10)."""
        return self._investment_levers()

    @property
    def platform_levers(self) -> PlatformLevers:
        """This tick's platform rules, as the processes folded them (phase 1)."""
        return self._platform_levers()

    @property
    def tick(self) -> int:
        """The current tick."""
        return self._tick()

    @property
    def extra_sea_lead(self) -> int:
        """Ticks a chokepoint adds to sea routes this tick (0 without one)."""
        return self._extra_sea_lead()

    @property
    def ledger(self) -> Any:
        """The economy-wide ledger of the latest accounts (``abm.market.accounts.Ledger``)."""
        return self._ledger()

    def timeseries(self) -> Any:
        """The per-tick series recorded so far (a DataFrame, one row per tick)."""
        return self._timeseries()

    def stream(self, name: str) -> np.random.Generator:
        """The named random stream (derived from the seed and the name only).

        Raises:
            KeyError: ``name`` is not among the streams the owner declared (a process lists
                them in its ``streams``; an undeclared draw would silently share or shift
                another mechanism's numbers).
        """
        if name not in self.declared:
            declared = ", ".join(sorted(self.declared)) or "none"
            raise KeyError(
                f"process `{self.owner}` draws from random stream `{name}`, which it did not "
                f"declare (declared: {declared}); add `{name}` to its `streams` class "
                "attribute so that the stream is derived from (seed, name) for it alone")
        return self._streams(name)

    def add_links(self, buyer: np.ndarray, supplier: np.ndarray, slot: np.ndarray,
                  share: np.ndarray, tick: int) -> np.ndarray:
        """Add buyer-supplier links (route and lead time follow from the regions).

        Returns:
            The indices of the new link rows.
        """
        return self._add_links(buyer, supplier, slot, share, tick)

    def draw_suppliers(self, buyer: np.ndarray, slot: np.ndarray, rng: np.random.Generator
                       ) -> np.ndarray:
        """Draw a candidate supplier for each (buyer, slot) as a replacement search would
        (the processes' current :class:`MatchLevers`); -1 where there is none."""
        return self._draw_suppliers(buyer, slot, rng)


class Process:
    """Base of every plug-in: neutral hooks (see the module docstring).

    Subclasses set ``name`` and list the random streams they draw from in ``streams``; each
    stream is derived from (seed, name), so adding a process never shifts another's draws.
    """

    name: ClassVar[str] = "process"
    streams: ClassVar[tuple[str, ...]] = ()

    def planned_spending(self, world: World) -> np.ndarray | None:
        """Expected per-tick spending at the steady state, which the engine's starting cash
        covers (None: nothing)."""
        return None

    def begin_tick(self, world: World, tick: int) -> None:
        """Phase 1."""

    def platform_rules(self, world: World, levers: PlatformLevers) -> PlatformLevers:
        """Phase 1, after ``begin_tick``: platform caps and support (read with
        :attr:`World.platform_levers`)."""
        return levers

    def demand(self, world: World, levers: DemandLevers) -> DemandLevers:
        """Phase 3, after final demand is drawn (``firms.final_demand``): its allocation."""
        return levers

    def forecast(self, world: World, levers: ForecastLevers) -> ForecastLevers:
        """Phase 4, before the forecast update: demand signal and recipe levers."""
        return levers

    def order(self, world: World, levers: OrderLevers) -> OrderLevers:
        """Phase 4: forecasting and ordering levers."""
        return levers

    def ration(self, world: World, levers: RationingLevers) -> RationingLevers:
        """Phase 5: rationing levers."""
        return levers

    def sales(self, world: World, shipped: np.ndarray, export_sales: np.ndarray) -> None:
        """Phase 6: ``shipped`` per link and ``export_sales`` per firm this tick."""

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Phase 7: accounting levers."""
        return levers

    def signals(self, world: World, tick: int, production: Any) -> None:
        """Phase 8: ``production`` is the tick's ``ProductionResult`` (``fill`` per link:
        share of what was owed that was shipped; ``shipped``, ``produced``, ...)."""

    def source(self, world: World, levers: SourcingLevers) -> SourcingLevers:
        """Phase 9: sourcing levers."""
        return levers

    def match(self, world: World, levers: MatchLevers) -> MatchLevers:
        """Phases 9 and 11 (and :meth:`World.draw_suppliers`): supplier-market levers."""
        return levers

    def after_sourcing(self, world: World, tick: int, rewired: np.ndarray) -> None:
        """Phase 9: ``rewired`` are the links that got a new supplier."""

    def investment(self, world: World, levers: InvestmentLevers) -> InvestmentLevers:
        """Phase 10, before :meth:`invest`: investment levers (read with
        :attr:`World.investment_levers`)."""
        return levers

    def invest(self, world: World, tick: int) -> None:
        """Phase 10: periodic decisions."""

    def plan(self, world: World, levers: PlanLevers) -> PlanLevers:
        """Phase 10, after ``invest``: planned prices, order shares, capacity, segment and
        stocking orders (applied by the engine right after)."""
        return levers

    def solvency(self, world: World, levers: SolvencyLevers) -> SolvencyLevers:
        """Phase 11: exit-rule levers."""
        return levers

    def membership(self, world: World, levers: MembershipLevers) -> MembershipLevers:
        """Phase 11, after entry: platform membership levers."""
        return levers

    def after_entry_exit(self, world: World, tick: int) -> None:
        """Phase 11: entrants took vacant rows."""

    def first_shock(self, onset: int) -> None:
        """A shock was added to a model that had none, starting at ``onset``."""

    def tick_metrics(self) -> dict[str, float]:
        """Phase 12: extra per-tick series."""
        return {}

    def outcomes(self) -> dict[str, float]:
        """Extra summary scalars at the end of the run."""
        return {}

    def publish(self, name: str) -> np.ndarray | None:
        """Per-firm state this process shares under ``name`` (None: not this process's)."""
        return None
