"""The ecosystem model: the engine that runs a tick and the Mesa agents on top of it.

One tick (spec §3): 1 policy, 2 shocks, 3 final demand, 4 ordering, 5 production and
shipping, 6 logistics, 7 accounts, 8 signals, 9 supplier replacement, 10 capacity adjustment
and investment, 11 exit and entry, 12 data collection. Each engine phase is a function in
``abm.market`` or ``abm.shocks`` over the arrays in ``model.firms`` and ``model.links``.

Everything else plugs in as a :class:`~abm.core.process.Process` (policy instruments, then
firm behaviour; see ``abm.core.process`` for the hooks): in each phase the engine starts from
neutral levers, passes them through the processes in that fixed order and applies the result.
Processes never write the engine's arrays. With no processes the engine runs alone.
:mod:`abm.engine` holds the tick's helpers (folding levers, applying them, the recorded row).
This module keeps the model's construction, the tick in phase order and the run-time
interventions (shock now, policy now) together, because each of those must keep the pipeline,
the recovery metric and the process order consistent with the others.

Randomness comes from named streams, each derived from (seed, name) (``abm.core.streams``), so
that a shocked run and its unshocked twin draw the same final-demand noise (common random
numbers) even after the shock has changed everything else, and adding a process never shifts
another's draws.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import mesa
import numpy as np
import pandas as pd

from abm.agents import SME, ChainLeader, Firm, Platform, Regulator
from abm.config.schema import ShockConfig, SimulationConfig
from abm.config.validate import validate_instrument
from abm.core.errors import ConfigError
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
from abm.core.process import Process, World
from abm.core.registry import INSTRUMENTS, PROCESSES, load_plugins
from abm.core.rules import lead_by_route, overseas_mask, scaled_lead
from abm.core.state import ASSEMBLY_TIER, route_of
from abm.core.streams import Streams
from abm.engine.apply import apply_plan, other_costs
from abm.engine.fold import fold
from abm.engine.records import firm_outcomes, tick_row
from abm.market.accounts import Ledger, operating_profit, settle_accounts, steady_cash
from abm.market.canvassing import Canvassing
from abm.market.demand import draw_final_demand, reweight_final_demand
from abm.market.entry_exit import ExitRule, admit_entrants, remove_firms
from abm.market.logistics import Pipeline, on_time_share, receive, ship_exports
from abm.market.ordering import place_orders, update_forecasts
from abm.market.production import ProductionResult, adjust_capacity, produce_and_ship
from abm.market.relationships import RelationshipMemory
from abm.market.sourcing import (
    SupplierMarket,
    finish_searches,
    start_searches,
    update_fill_rates,
)
from abm.market.steady_state import build_state
from abm.metrics import Recorder, ShockWindow
from abm.metrics.catalogue import MAY_BE_NAN
from abm.metrics.finite import check_finite
from abm.metrics.firm_recovery import FirmRecovery
from abm.metrics.stability import LinkStability
from abm.network import NetworkSpec, generate_network, load_network
from abm.platforms import PlatformProcess, fee_rate, fees_by_platform, initial_membership
from abm.policies import Budget, Instrument, build_instruments
from abm.programmes import build_programmes
from abm.shocks import ShockEffects, ShockSchedule
from abm.shocks.scenario import directly_hit, sea_lead


class EcosystemModel(mesa.Model):
    """Agent-based model of a multi-tier industrial ecosystem.

    Args:
        config: the full configuration (defaults if None).
        seed: overrides ``config.seed`` when given.
        shocks: False builds the unshocked twin (the scenario is ignored).
        network: a prebuilt network to use instead of ``config.network``.
        behaviour: False runs the engine without the firm-behaviour process
            (``behaviour.*.enabled`` switches mechanisms off inside it).

    Example:
        >>> model = EcosystemModel(config=SimulationConfig(ticks=10), seed=1)
        >>> model.run()
        >>> model.timeseries()["performance"].iloc[-1] <= 1.0
        True
    """

    def __init__(self, *, config: SimulationConfig | None = None, seed: int | None = None,
                 shocks: bool = True, network: NetworkSpec | None = None,
                 behaviour: bool = True) -> None:
        load_plugins()
        config = config or SimulationConfig()
        seed = config.seed if seed is None else seed
        super().__init__(rng=seed)
        self.config = config
        self.seed = seed
        self.streams = Streams(seed)
        self.spec = network or self._build_network()
        platforms = config.platforms
        membership = initial_membership(self.spec.chain_leader, platforms.n_platforms,
                                        platforms.membership_rate, self.streams["platforms"])
        firms, links, flow = build_state(self.spec, config, membership)
        self.firms, self.links = firms, links
        self.base_final_demand = np.where(
            firms.tier == ASSEMBLY_TIER, firms.normal_output, 0.0)
        self.base_credit_line = (config.finance.credit_line_weeks * firms.price
                                 * firms.normal_output)
        self.credit_line = self.base_credit_line
        # Start cash where steady profits are exactly paid out, so cash is stationary too.
        firms.produced, firms.shipped = firms.normal_output.copy(), firms.normal_output.copy()
        steady_profit, _ = operating_profit(
            firms, links, flow, self.base_final_demand * config.market.export_share,
            np.zeros(firms.n) if platforms.acting else fee_rate(firms, platforms.commission_rate),
            config.finance)
        firms.cash = steady_cash(firms, steady_profit, config.finance)
        self.steady_profit = steady_profit
        self.steady_value_added = float((firms.unit_value_added * firms.normal_output).sum())
        scenario = config.scenario if shocks else type(config.scenario)()
        self.schedule = ShockSchedule(scenario, firms, self.streams["shocks"])
        self.shocks_enabled = shocks and bool(scenario.shocks)
        self.firm_recovery = self._firm_recovery(self.schedule.onset if self.shocks_enabled
                                                 else None)

        market = config.market
        overseas = overseas_mask(config.network.n_regions, config.network.overseas_regions,
                                 firms.region)
        self.lead_by_route = lead_by_route(market.lead_time_local, market.lead_time_domestic,
                                           market.lead_time_sea)
        self.supplier_market = SupplierMarket(firms, config.network, overseas,
                                              self.lead_by_route, market.capacity_slack)
        self.market_lead = np.array([market.lead_time_market, market.lead_time_sea])
        total_final = float(self.base_final_demand.sum())
        market_flow = total_final * np.array([1.0 - market.export_share, market.export_share])
        self.pipeline = Pipeline(self._pipeline_horizon(), flow, links.lead_time, market_flow,
                                 self.market_lead)
        self.base_search_ticks = np.full(firms.n, config.sourcing.search_ticks)
        self.exit_rule = ExitRule(firms.n, config.finance)
        self.canvassing = Canvassing(firms.n, config.sourcing)
        self.relationships = RelationshipMemory(firms.n, links.n, config.sourcing)

        self._firm_agents: list[Firm] = [
            (ChainLeader if firms.chain_leader[i] else SME)(self, i, str(self.spec.names[i]))
            for i in range(firms.n)
        ]
        self.platforms = [Platform(self, p, platforms.commission_rate, platforms.mode)
                          for p in range(platforms.n_platforms)]
        self.recorder = Recorder(config.ticks)
        self.link_stability = LinkStability()
        self.replacement_ticks: list[np.ndarray] = []
        self.last_ledger: Ledger | None = None
        self.effects = ShockEffects()
        self.world = World(
            firms=firms, links=links, config=config, seed=seed, steady_profit=steady_profit,
            base_credit_line=self.base_credit_line, route_lead=self.lead_by_route,
            overseas=overseas, _streams=self.streams.__getitem__, _add_links=self.add_links,
            _draw_suppliers=self._draw_suppliers, _tick=lambda: self.steps,
            _extra_sea_lead=lambda: self.effects.extra_sea_lead,
            _ledger=lambda: self.last_ledger, _timeseries=self.timeseries,
            _observe=self._observe, _investment_levers=lambda: self.investment_levers,
            _platform_levers=lambda: self.platform_levers)
        self.investment_levers = InvestmentLevers()
        self.platform_levers = PlatformLevers()
        # Processes in their fixed order: policy instruments, then firm behaviour.
        budget = Budget(config.policy.budget_per_year)
        instruments = build_instruments(self.world, config.policy.instruments, budget)
        self.regulator = Regulator(self, instruments, budget)
        # The platforms fold after behaviour (they refine the levers firms chose) but are
        # built first: their services (SaaS tools, matching) are published state the
        # behaviour reads when it starts. Not acting, the engine charges the export
        # commission below.
        platform_factory = PROCESSES["platforms"]
        self.platform_process: PlatformProcess | None = (
            platform_factory(self.world.bound_to("platforms", platform_factory.streams))
            if platforms.n_platforms > 0 else None)
        self.platform_acting = self.platform_process is not None and platforms.acting
        self.processes: list[Process] = [
            *instruments, *([self.platform_process] if self.platform_process else [])]
        factory = PROCESSES["behaviour"]
        self.behaviour: Process | None = (
            factory(self.world.bound_to("behaviour", factory.streams),
                    onset=self.shock_window.onset) if behaviour else None)
        # Chain-leader programmes fold last: they refine what firms and platforms decided.
        self.programmes = build_programmes(self.world, instruments)
        self.processes = [
            *instruments, *([self.behaviour] if self.behaviour else []),
            *([self.platform_process] if self.platform_process else []), *self.programmes]
        # Each process sees the world bound to the random streams it declared.
        self.process_worlds: list[tuple[Process, World]] = [
            (p, self.world.bound_to(p.name, p.streams)) for p in self.processes]
        planned = [p.planned_spending(w) for p, w in self.process_worlds]
        planned = [x for x in planned if x is not None]
        if planned:  # starting cash also covers the processes' expected spending
            firms.cash = steady_cash(firms, steady_profit - sum(planned), config.finance)
        self.instruments_added: list[tuple[int, str, Any]] = []  # (after tick, name, params)
        self.running = True

    def _build_network(self) -> NetworkSpec:
        net = self.config.network
        if net.source == "file":
            assert net.firms_path and net.links_path  # guaranteed by validation
            return load_network(net.firms_path, net.links_path)
        return generate_network(net, self.streams["network"])

    def _firm_recovery(self, onset: int | None) -> FirmRecovery:
        metrics = self.config.metrics
        return FirmRecovery(self.firms.n, onset, metrics.baseline_window,
                            metrics.firm_smoothing, metrics.recovery_level)

    def _pipeline_horizon(self) -> int:
        """Ring length for the longest lead time plus every scheduled chokepoint delay."""
        return int(max(self.lead_by_route.max(), self.market_lead.max())
                   + self.schedule.max_extra_lead() + 2)

    def add_links(self, buyer: np.ndarray, supplier: np.ndarray, slot: np.ndarray,
                  share: np.ndarray, tick: int) -> np.ndarray:
        """Add buyer-supplier links (e.g. a new input after structural upgrading).

        Route and nominal lead time follow from the regions. The link arrays and the
        logistics pipeline grow together (nothing in transit on the new links); whatever the
        buyer orders on them must also be booked in ``on_order``.

        Returns:
            The indices of the new link rows.
        """
        firms = self.firms
        route = route_of(firms.region[buyer], firms.region[supplier],
                         self.supplier_market.overseas)
        rows = self.links.append(buyer, supplier, slot, share, route,
                                 self.lead_by_route[route], tick)
        self.pipeline.add_links(len(rows))
        return rows

    def _match_levers(self) -> MatchLevers:
        """The processes' supplier-market levers, applied to the supplier market."""
        levers = MatchLevers()
        for process, world in self.process_worlds:
            levers = process.match(world, levers)
        attraction = levers.attraction
        if levers.boost is not None:  # a policy multiplier on top of what firms decided
            attraction = levers.boost if attraction is None else attraction * levers.boost
        self.supplier_market.attraction = attraction
        self.supplier_market.screen = levers.screen
        self.supplier_market.visibility = levers.visibility
        return levers

    def _observe(self, name: str) -> np.ndarray | None:
        """Per-firm state published under ``name`` by the first process that has it (and
        ``spending_rebuild``, the engine's reconstruction spending, in endogenous recovery)."""
        if name == "spending_rebuild" and self.schedule.reconstruction is not None:
            return self.schedule.reconstruction.cost()
        for process in self.processes:
            value = process.publish(name)
            if value is not None:
                return value
        return None

    def _draw_suppliers(self, buyer: np.ndarray, slot: np.ndarray, rng: np.random.Generator
                        ) -> np.ndarray:
        self._match_levers()
        return self.supplier_market.draw(self.firms, buyer, slot,
                                         self.config.sourcing.min_availability, rng)

    # ----------------------------------------------------------------- agents
    def firm_at(self, index: int) -> Firm:
        """The agent of firm row ``index``."""
        return self._firm_agents[index]

    @property
    def firm_agents(self) -> list[Firm]:
        """Agents of all alive firms."""
        return [a for a, alive in zip(self._firm_agents, self.firms.alive, strict=True) if alive]

    def add_shocks(self, shocks: dict[str, ShockConfig], onset: int | None = None
                   ) -> list[str]:
        """Apply shocks to the running model ("shock now"), from ``onset`` (default: next tick).

        Args:
            shocks: shocks by name (e.g. ``compose_config(["scenario=pandemic"]).scenario
                .shocks``); their ``onset`` is replaced.
            onset: first tick of the new shocks; at least the next tick.

        Returns:
            The names under which they were scheduled (``<name>@<onset>``).
        """
        start = max(self.steps + 1, onset if onset is not None else self.steps + 1)
        added = {f"{name}@{start}": replace(shock, onset=start) for name, shock in shocks.items()}
        first_shock = not self.shocks_enabled
        self.schedule.add(added, self.firms)
        self.shocks_enabled = bool(self.schedule.shocks)
        if self._pipeline_horizon() > self.pipeline.horizon:
            self.pipeline.grow(self.steps, self._pipeline_horizon())
        if first_shock:
            # Firm-level recovery starts now; its pre-shock level is each firm's long-run
            # demand unless a full baseline window is observed before the onset.
            self.firm_recovery = self._firm_recovery(start)
            for process in self.processes:
                process.first_shock(start)
        return list(added)

    def add_instrument(self, name: str, params: dict[str, Any] | None = None) -> Instrument:
        """Switch a policy instrument on in the running model ("policy now"), from the next
        tick; it spends from the same yearly budget as the configured ones.

        ``params`` are checked like config input (``policy.instruments.<name>``, against the
        run's configuration). The instrument takes its place among the others in their fixed
        (alphabetical) order, before firm behaviour. The run's ``config`` is left as it was;
        :attr:`instruments_added` records (tick switched on after, name, parameters).

        Raises:
            ConfigError: unknown instrument, a bad parameter, one already on, or a rule
                relating it to the configuration (e.g. platform rules without acting
                platforms).
        """
        active = self.regulator.instruments
        if any(i.name == name for i in active):
            raise ConfigError(
                f"Invalid configuration: `policy.instruments.{name}` is already on in this "
                f"run (active: {', '.join(i.name for i in active)}); an instrument runs once.")
        parsed = validate_instrument(name, params or {}, self.config)
        instrument = INSTRUMENTS[name](self.world, parsed, self.regulator.budget)
        bound = dict(self.process_worlds)
        bound[instrument] = self.world.bound_to(instrument.name, instrument.streams)
        self.regulator.instruments = sorted([*active, instrument], key=lambda i: i.name)
        self.processes = [*self.regulator.instruments,
                          *(p for p in self.processes if p not in active)]
        self.process_worlds = [(p, bound[p]) for p in self.processes]
        self.instruments_added.append((self.steps, name, parsed))
        return instrument

    @property
    def shock_window(self) -> ShockWindow:
        """When the scenario's shocks happen (None fields for the twin or no scenario)."""
        if not self.shocks_enabled:
            return ShockWindow(None, None)
        return ShockWindow(self.schedule.onset, self.schedule.end)

    # ------------------------------------------------------------------ tick
    def step(self) -> None:
        """Advance one tick through the phases of spec §3."""
        tick = self.steps
        firms, links, cfg, processes = self.firms, self.links, self.config, self.process_worlds
        self.regulator.step()  # 1 policy
        for process, world in processes:
            process.begin_tick(world, tick)
        self.platform_levers = fold(processes, "platform_rules", PlatformLevers())
        if self.shocks_enabled:  # 2 shocks
            self.effects = self.schedule.apply(tick, firms, links)
        domestic, export = draw_final_demand(  # 3 final demand
            firms, self.base_final_demand, cfg.market, self.streams["demand"],
            self.effects.domestic_demand, self.effects.export_demand)
        firms.final_demand = domestic + export
        preference = fold(processes, "demand", DemandLevers())
        if preference.weight is not None:  # consumers' preferences (green consumers)
            domestic, export = reweight_final_demand(firms, domestic, export,
                                                     preference.weight)
            firms.final_demand = domestic + export
        forecast = fold(processes, "forecast", ForecastLevers())  # 4 ordering
        update_forecasts(firms, cfg.market, forecast.demand_signal)
        if forecast.recipe is not None:
            firms.input_coef = forecast.recipe
        order = fold(processes, "order", OrderLevers())
        safety = order.safety_weeks
        if order.min_safety_weeks is not None:  # a policy floor holds whatever firms decided
            safety = np.maximum(cfg.market.safety_stock_weeks if safety is None else safety,
                                order.min_safety_weeks)
        place_orders(firms, links, cfg.market, self.streams["forecast"],
                     forecast=order.forecast, safety_weeks=safety,
                     link_weight=order.link_weight)
        rationing = fold(processes, "ration", RationingLevers(  # 5 production
            firms.chain_leader[links.buyer] if cfg.market.rationing == "priority" else None))
        result = produce_and_ship(firms, links, cfg.market, rationing.priority)

        export_part = np.divide(export, firms.final_demand, out=np.zeros(firms.n),
                                where=firms.final_demand > 0)
        export_sales = result.final_sales * export_part
        written_off_in_transit = self._logistics(tick, result, rationing, domestic, export,
                                                 export_sales)  # 6 logistics
        delivered, due = self.pipeline.market_arrivals(tick)
        tracked = self.pipeline.tracked_arrivals(tick)  # members' exports (platforms)
        for process, world in processes:
            process.sales(world, result.shipped, export_sales)

        # 7 accounts: passive platforms charge the export commission here; acting ones book
        # their take through the account levers.
        fees = (np.zeros(firms.n) if self.platform_acting
                else fee_rate(firms, cfg.platforms.commission_rate))
        accounts = fold(processes, "account", AccountLevers())
        rebuilt = self.schedule.reconstruction
        self.last_ledger = settle_accounts(
            firms, links, result.shipped, export_sales, fees, cfg.finance,
            interest_rate=accounts.interest_rate, labour_factor=accounts.labour_factor,
            other_costs=other_costs(accounts, None if rebuilt is None else rebuilt.cost()))
        paid = (self.platform_process.revenue_last
                if self.platform_process is not None and self.platform_acting
                else fees_by_platform(firms, fees, export_sales, len(self.platforms)))
        platform_revenue = sum(p.collect(float(fee)) for p, fee in
                               zip(self.platforms, paid, strict=True))

        for process, world in processes:  # 8 signals and trust
            process.signals(world, tick, result)

        rewired, started = self._sourcing(tick, result)  # 9 sourcing

        adjust_capacity(firms, cfg.market, links)  # 10 capacity
        investing = fold(processes, "investment", InvestmentLevers())  # 10 investment
        self.investment_levers = investing
        if rebuilt is not None:  # endogenous recovery: rebuild what firms can pay for
            rebuilt.rebuild(tick, firms, self._observe("digital_maturity"),
                            investing.cost_share.get("rebuild"))
        for process, world in processes:
            process.invest(world, tick)
        apply_plan(firms, links, fold(processes, "plan", PlanLevers()))

        leaving, entering, written_off, ended = self._exit_and_entry(tick)  # 11
        written_off += written_off_in_transit
        self.link_stability.observe(tick, firms, links)
        if self.firm_recovery.active:
            onset = self.firm_recovery.onset
            self.firm_recovery.observe(tick, firms, directly_hit(firms, links, self.effects)
                                       if onset is not None and tick >= onset else None)

        row = tick_row(  # 12 data collection
            firms, links, self.last_ledger, result.produced, delivered=delivered, due=due,
            in_transit=self.pipeline.in_transit(), written_off=written_off,
            platform_revenue=platform_revenue,
            subsidy_spent=self.regulator.budget.spent_this_tick,
            extra_sea_lead=float(self.effects.extra_sea_lead))
        row.update({"links_rewired": len(rewired), "links_ended": ended,
                    "searches_started": started, "exits": len(leaving),
                    "entries": len(entering)})
        for process in self.processes:
            row.update(process.tick_metrics())
        if rationing.export_tracked is not None:
            row["export_performance_members"] = on_time_share(*tracked)
        check_finite(tick, firms, links, row, MAY_BE_NAN)  # non-finite state fails the run
        self.recorder.record(tick, row)
        self.running = tick < cfg.ticks

    def _logistics(self, tick: int, result: ProductionResult, rationing: RationingLevers,
                   domestic: np.ndarray, export: np.ndarray, export_sales: np.ndarray
                   ) -> float:
        """Phase 6: dispatch shipments, send final sales to market, unload arrivals into
        input stocks. Returns the goods written off because their buyer has left."""
        firms, links = self.firms, self.links
        lead_now = sea_lead(links, self.effects.extra_sea_lead)
        if rationing.lead_factor is not None:  # faster links (chain-leader programmes)
            lead_now = scaled_lead(lead_now, rationing.lead_factor).astype(lead_now.dtype)
        self.pipeline.dispatch(tick, result.shipped, lead_now)
        market_lead_now = self.market_lead + np.array([0, self.effects.extra_sea_lead])
        self.pipeline.ship_to_market(
            tick, np.array([result.final_sales.sum() - export_sales.sum(), export_sales.sum()]),
            np.array([domestic.sum(), export.sum()]), market_lead_now, self.market_lead)
        if rationing.export_cover is not None or rationing.export_tracked is not None:
            ship_exports(self.pipeline, tick, export_sales, export, rationing.export_cover,
                         rationing.export_tracked, int(market_lead_now[1]),
                         int(self.market_lead[1]))
        return receive(self.pipeline, tick, firms, links)

    def _sourcing(self, tick: int, result: ProductionResult) -> tuple[np.ndarray, int]:
        """Phase 9: update fill rates, start and finish searches, send buyers back to former
        suppliers and let idle suppliers canvass. Returns (rewired link rows, searches
        started)."""
        firms, links, cfg, processes = self.firms, self.links, self.config, self.process_worlds
        update_fill_rates(links, result.fill, cfg.sourcing.fill_memory)
        sourcing = fold(processes, "source", SourcingLevers())
        search_ticks = (self.base_search_ticks if sourcing.search_ticks is None
                        else sourcing.search_ticks)
        threshold = sourcing.threshold
        if sourcing.min_threshold is not None:  # policy floor and cap (after every process)
            threshold = np.maximum(cfg.sourcing.switch_threshold if threshold is None
                                   else threshold, sourcing.min_threshold)
        if sourcing.max_search_ticks is not None:
            search_ticks = np.minimum(search_ticks, sourcing.max_search_ticks)
        started = start_searches(firms, links, cfg.sourcing, tick, search_ticks,
                                 threshold=threshold)
        self._match_levers()
        previous = links.supplier.copy()
        rewired, waited = finish_searches(firms, links, self.supplier_market, cfg.sourcing,
                                          tick, self.streams["sourcing"])
        self.relationships.remember(firms, links, rewired, previous[rewired], tick)
        if len(waited):
            self.replacement_ticks.append(waited)
        rewired = np.concatenate([rewired, self.canvassing.step(firms, links,
                                                            self.supplier_market, tick),
                                  self.relationships.step(firms, links, self.supplier_market,
                                                          tick)])
        for process, world in processes:
            process.after_sourcing(world, tick, rewired)
        return rewired, started

    def _exit_and_entry(self, tick: int) -> tuple[np.ndarray, np.ndarray, float, int]:
        """Phase 11: insolvent and idle firms leave, entrants take vacant rows, platform
        membership changes. Returns (leaving, entering, goods written off, links ended)."""
        firms, links, cfg, processes = self.firms, self.links, self.config, self.process_worlds
        solvency = fold(processes, "solvency", SolvencyLevers())
        self.credit_line = (self.base_credit_line if solvency.credit_line is None
                            else solvency.credit_line)
        if self.schedule.reconstruction is not None:  # a reconstruction loan extends credit
            self.credit_line = self.credit_line + self.schedule.reconstruction.loan
        leaving = self.exit_rule.find(firms, self.credit_line, tick)
        written_off, ended = remove_firms(firms, links, leaving)
        for i in leaving:
            self._firm_agents[i].remove()
        self._match_levers()
        entering = admit_entrants(firms, links, self.supplier_market, cfg.market, cfg.finance,
                                  cfg.network.n_regions, tick, self.streams["entry"],
                                  rate=solvency.entry_rate)
        for i in entering:
            self._firm_agents[i] = SME(self, int(i), f"{self.spec.names[i]}-e{tick}")
        member = fold(processes, "membership", MembershipLevers())
        if member.platform is not None:
            firms.platform[:] = member.platform
        for process, world in processes:
            process.after_entry_exit(world, tick)
        return leaving, entering, written_off, ended

    # --------------------------------------------------------------- results
    def run(self, ticks: int | None = None, progress: bool = False) -> None:
        """Step ``ticks`` times (default: ``config.ticks``), optionally with a progress bar."""
        from tqdm.auto import trange

        todo = self.config.ticks if ticks is None else ticks
        # delay=1: the bar appears only for runs longer than a second.
        for _ in trange(todo, disable=not progress, delay=1.0, leave=False,
                        desc="ticks", unit="tick"):
            self.step()

    def timeseries(self) -> pd.DataFrame:
        """Per-tick series recorded so far (one row per tick, ``step`` column)."""
        return self.recorder.frame()

    def firm_outcomes(self) -> dict[str, float]:
        """Firm-level scalars for the summary: SME survival and margins, digital agility, and
        the processes' outcomes (ESG, trust, innovation, upgrading, emissions, spending)."""
        outcomes = {
            **firm_outcomes(self.firms, self.replacement_ticks),
            "relationship_stability": self.link_stability.stability(self.steps, self.firms,
                                                                     self.links),
            "steady_value_added": self.steady_value_added,
            **self.firm_recovery.summary(),
        }
        for process in self.processes:
            outcomes.update(process.outcomes())
        outcomes.update(self.regulator.spending())
        return outcomes
