"""The platforms as one process: services, fees, membership, data sharing and the visible pool.

Registered as ``platforms``; the engine builds it whenever ``platforms.n_platforms > 0``.

- *Services* run always: platform audits of members' ESG data
  (:mod:`~abm.platforms.audits`, the ``member_audit_rate`` investment lever), SaaS tools that
  give members a head start in digital maturity (:mod:`~abm.platforms.saas`, published as
  ``tools_maturity``) and platform matching that speeds members' searches
  (:func:`~abm.platforms.matching.search_factor`, published as ``search_factor``).
- *Acting* platforms (``platforms.acting``, issue 9) also charge fees on all platform sales,
  run membership dynamics, share demand data and restrict searches to a visible pool. Off,
  the platforms only collect the commission on members' exports, which the engine books.

It folds its levers *after* firm behaviour (the behaviour layer replaces the demand signal
and supplier-market levers it receives; the platforms refine what firms decided: members
blend in shared data, buyers search their visible pool). Regulation reaches them through
:class:`~abm.core.levers.PlatformLevers` (caps on the take, fee relief), never by writing
their attributes.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from abm.core.levers import (
    AccountLevers,
    DemandLevers,
    ForecastLevers,
    InvestmentLevers,
    MatchLevers,
    MembershipLevers,
    RationingLevers,
    SolvencyLevers,
)
from abm.core.process import Process, World
from abm.core.registry import PROCESSES
from abm.core.rules import demand_seen
from abm.core.state import ASSEMBLY_TIER
from abm.metrics.catalogue import MAX_REPORTED_PLATFORMS
from abm.platforms import audits, data, fees, finance, green, logistics, membership, routing, saas
from abm.platforms.matching import VisiblePool, search_factor
from abm.platforms.resourcing import ResourcingTimes


@PROCESSES.register("platforms")
class PlatformProcess(Process):
    """Platforms' behaviour (see the modules of :mod:`abm.platforms`).

    Args:
        world: the world at the start.

    Attributes:
        acting: whether the platforms act (``platforms.acting``); the services run anyway.
        commission_rate: marketplace commission on members' platform sales.
        mode: ``marketplace`` or ``full_managed``.
        revenue_last: per platform, fees collected this tick.
    """

    name = "platforms"
    streams = ("platforms.membership", "platforms.visibility")

    def __init__(self, world: World) -> None:
        cfg = world.config.platforms
        self.cfg = cfg
        self.world = world
        self.acting: bool = cfg.acting
        # Orders + tools (:mod:`abm.platforms.routing`): for every SME member when configured;
        # a policy instrument adds the SMEs it supports through ``PlatformLevers.routed``.
        self.order_routing: bool = cfg.order_routing
        self.commission_rate: float = cfg.commission_rate
        self.mode: str = cfg.mode
        self.n_platforms = cfg.n_platforms
        firms = world.firms
        self.labour_share = world.config.finance.labour_cost_share
        self.export_share = world.config.market.export_share
        self.steady_final = float(np.where(firms.tier == ASSEMBLY_TIER, firms.normal_output,
                                           0.0).sum())
        self.rng = world.stream("platforms.membership")
        self.visibility_rng = world.stream("platforms.visibility")
        self.taste = self.rng.normal(0.0, cfg.taste_sd, firms.n)
        self.pool = (VisiblePool(world, cfg.discovery_rate, cfg.digital_reach)
                     if cfg.visibility and self.acting else None)
        self.fee_due = np.zeros(firms.n)
        self.logistics = logistics.ExportLogistics(firms, cfg, self.export_share)
        self.freight_due = np.zeros(firms.n)
        self.sea_transit = np.zeros(4)  # run sums: member, non-member transit ticks; counts
        # Platform data for supply-chain finance: average platform sales value per firm.
        flow = world.links.share * firms.normal_output[world.links.buyer]
        steady = fees.platform_units(firms, world.links, flow, self.logistics.steady_export)
        self.sales_average = firms.price * (steady[0] + steady[1])
        self.green_share_sum, self.green_share_ticks = 0.0, 0
        self.green_gain = np.zeros(firms.n)  # moving mean of green consumers' demand gain
        behaviour = world.config.behaviour
        self.green_memory = behaviour.period * behaviour.review_periods  # one ESG review
        self.member_exits = 0  # members that exited (counted at the membership hook)
        self._alive_members = (firms.platform >= 0) & firms.alive
        self.margin_last = float("nan")
        self.revenue_last = np.zeros(self.n_platforms)
        self.revenue_total = 0.0
        self.joins = self.leaves = 0
        self.joins_total = self.leaves_total = 0
        self.margin_sum, self.margin_ticks = 0.0, 0
        self.member_wins = 0  # replacement links won by SME members
        self.resourcing = ResourcingTimes(world.links)

    def export_take(self) -> np.ndarray:
        """Per firm, the share of the list price of an export sale its platform would keep
        (the commission in marketplace mode, the bargained margin in full-managed mode),
        within the regulator's caps (:attr:`World.platform_levers`)."""
        rules = self.world.platform_levers
        power = self.cfg.managed_bargaining_power
        if rules.managed_share_cap is not None:
            power = min(power, rules.managed_share_cap)
        take = fees.export_take(self.world.firms, self.mode, self.commission(), power,
                                self.labour_share)
        return take if rules.commission_cap is None else np.minimum(take, rules.commission_cap)

    def commission(self) -> float:
        """The commission on sales to members, within the regulator's cap."""
        cap = self.world.platform_levers.commission_cap
        return self.commission_rate if cap is None else min(self.commission_rate, cap)

    def _fees(self, to_members: np.ndarray, export: np.ndarray,
              take: np.ndarray | None = None) -> np.ndarray:
        """Per firm, the take on the given platform sales (units); ``take``: the export take
        when already known (default: :meth:`export_take`)."""
        price = self.world.firms.price
        take = self.export_take() if take is None else take
        return price * (self.commission() * to_members + take * export)

    def planned_spending(self, world: World) -> np.ndarray | None:
        """Acting: fees at the steady state (steady flows to members, steady exports)."""
        if not self.acting:
            return None  # the engine's own steady state counts the export commission
        firms, links = world.firms, world.links
        flow = links.share * firms.normal_output[links.buyer]
        export = np.where(firms.tier == ASSEMBLY_TIER, firms.normal_output, 0.0)
        take = self._fees(*fees.platform_units(firms, links, flow, export * self.export_share))
        freight, warehouse = self.logistics.steady_costs(firms)
        return take + freight + warehouse

    # ------------------------------------------------------------------ phase 3
    def demand(self, world: World, levers: DemandLevers) -> DemandLevers:
        """Green consumers buy from verified-green assemblers, members ranked higher."""
        if not self.acting:
            return levers
        verified, rating = world.observe("esg_verified"), world.observe("esg_rating")
        if verified is None or rating is None:
            return levers  # no ESG signals: nothing is verified green
        firms = world.firms
        listing = green.listing_weight(firms, verified, rating, self.cfg.green_rating,
                                       self.cfg.green_rank_boost)
        # None: no green consumers, or none served by a verified-green assembler (neutral).
        weight = (green.demand_weight(firms, listing, self.cfg.green_demand_share)
                  if self.cfg.green_demand_share > 0 else None)
        self.green_gain = green.update_gain(self.green_gain, weight, self.green_memory)
        if weight is not None and levers.weight is not None:
            weight = weight * levers.weight
        # Recorded without green consumers too, as the comparison for their effect.
        share = green.verified_share(firms, listing, 1.0 if weight is None else weight)
        if np.isfinite(share):
            self.green_share_sum += share
            self.green_share_ticks += 1
        return levers if weight is None else replace(levers, weight=weight)

    # ------------------------------------------------------------------ phase 4
    def forecast(self, world: World, levers: ForecastLevers) -> ForecastLevers:
        """Members' forecasts follow end-market demand shared through the platform."""
        if not self.acting:
            return levers
        own = demand_seen(world.firms) if levers.demand_signal is None else levers.demand_signal
        signal = data.shared_signal(world.firms, own, self.steady_final, self.cfg.data_sharing)
        return replace(levers, demand_signal=signal)

    # ------------------------------------------------------------------ phase 5
    def ration(self, world: World, levers: RationingLevers) -> RationingLevers:
        """Members' sea shipments leave from overseas warehouses: shorter transit. During a
        chokepoint members' forward stocks bridge (part of) the export route's delay; members'
        export deliveries are recorded on their own."""
        if not self.acting:
            return levers
        firms, links = world.firms, world.links
        sea, member = logistics.sea_links(firms, links)
        factor = logistics.member_lead_factor(links.n, sea, member, self.cfg.member_sea_lead_factor)
        if levers.lead_factor is not None:
            factor = factor * levers.lead_factor
        self.sea_transit += logistics.transit_means(firms, links, sea, member,
                                                    world.extra_sea_lead, factor)
        changes: dict[str, np.ndarray] = {"export_tracked": (firms.platform >= 0) & firms.alive}
        if world.extra_sea_lead > 0 and self.cfg.warehouse_weeks > 0:
            cover = self.logistics.cover(firms)
            if levers.export_cover is not None:
                cover = cover + levers.export_cover
            changes["export_cover"] = cover
        if self.cfg.member_sea_lead_factor != 1.0:
            changes["lead_factor"] = factor
        return replace(levers, **changes)  # one copy of the levers, not one per change

    # ---------------------------------------------------------------- phase 6-7
    def sales(self, world: World, shipped: np.ndarray, export_sales: np.ndarray) -> None:
        """Charge the take on this tick's platform sales (booked in :meth:`account`)."""
        if not self.acting:
            return
        firms = world.firms
        to_members, export = fees.platform_units(firms, world.links, shipped, export_sales)
        self.freight_due, warehouse = self.logistics.step(firms, export_sales,
                                                          world.extra_sea_lead)
        take = self.export_take()
        self.fee_due = self._fees(to_members, export, take) * firms.alive + warehouse
        self.sales_average = finance.update_sales(self.sales_average,
                                                  firms.price * (to_members + export))
        self.revenue_last = fees.by_platform(firms, self.fee_due, self.n_platforms)
        self.revenue_total += float(self.revenue_last.sum())
        # The supplier margin on the cross-border channel (where the two modes differ).
        listed = firms.price * export
        cost = fees.unit_variable_cost(firms, self.labour_share) * export
        total = float(listed.sum())
        kept = listed * (1.0 - take) - cost
        self.margin_last = float(kept.sum() / total) if total > 0 else float("nan")
        if total > 0:
            self.margin_sum += self.margin_last
            self.margin_ticks += 1

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Members pay the take and warehouse fees as ``platform_fees`` (the platforms'
        revenue); exporters pay freight as ``logistics``."""
        if not self.acting:
            return levers
        return (levers.with_cost("platform_fees", self.fee_due)
                .with_cost("logistics", self.freight_due))

    # ------------------------------------------------------------------ phase 9
    def match(self, world: World, levers: MatchLevers) -> MatchLevers:
        """Buyers search their visible pool."""
        if not self.acting:
            return levers
        self.resourcing.before(world.links)
        supported = world.platform_levers.routed  # SMEs a policy supports with routed orders
        routed = None
        if self.order_routing or supported is not None:
            # Configured: every SME member; otherwise the SMEs a policy supports (members).
            routed = routing.routed_members(world.firms, None if self.order_routing
                                            else supported)
            levers = replace(levers, attraction=routing.attraction(
                routed, levers.attraction, self.cfg.routing_weight))
        if self.pool is not None:
            self.pool.routed = routed  # none once a policy's support ends
        if self.pool is None:
            return levers
        return replace(levers, visibility=self._visible)

    def _visible(self, buyers: np.ndarray, candidates: np.ndarray, rng: np.random.Generator
                 ) -> np.ndarray:
        assert self.pool is not None
        return self.pool(buyers, candidates, self.visibility_rng)

    def after_sourcing(self, world: World, tick: int, rewired: np.ndarray) -> None:
        """Remember new contacts; record search and return times by the buyer's membership
        (:mod:`~abm.platforms.resourcing`)."""
        if not self.acting or not len(rewired):
            return
        if self.pool is not None:
            self.pool.remember(rewired)
        firms, supplier = world.firms, world.links.supplier[rewired]
        self.member_wins += int(((firms.platform[supplier] >= 0)
                                 & ~firms.chain_leader[supplier]).sum())
        self.resourcing.after(firms, world.links, tick, rewired)

    # ----------------------------------------------------------------- phase 10
    def investment(self, world: World, levers: InvestmentLevers) -> InvestmentLevers:
        """Platforms audit their members' ESG data; acting, green consumers' demand counts
        in the ESG payoff (:func:`~abm.platforms.green.payoff_term`)."""
        rate = audits.member_audit_rate(world.firms, self.cfg.audit_rate)
        levers = replace(levers, member_audit_rate=audits.combine(levers.member_audit_rate,
                                                                  rate))
        if not self.acting or self.cfg.green_esg_weight <= 0 or not self.green_gain.any():
            return levers
        # Margins only where the gain is not zero: elsewhere the term is a zero of the gain's
        # sign whatever the margin (finite, never -0.0), so a margin of 0 stands in for it.
        rows = np.flatnonzero(self.green_gain)
        margin = np.zeros(world.firms.n)
        margin[rows] = fees.gross_margin(world.firms, self.labour_share, rows)
        return levers.with_esg_cost(-green.payoff_term(self.green_gain, margin,
                                                       self.cfg.green_esg_weight))

    # ----------------------------------------------------------------- phase 11
    def solvency(self, world: World, levers: SolvencyLevers) -> SolvencyLevers:
        """Supply-chain finance: members' credit lines priced on their platform sales."""
        if not self.acting:
            return levers
        self._alive_members = world.firms.alive & (world.firms.platform >= 0)
        if self.cfg.finance_weeks <= 0:
            return levers
        bank = world.base_credit_line if levers.credit_line is None else levers.credit_line
        return replace(levers, credit_line=finance.credit_line(
            world.firms, self.sales_average, self.cfg.finance_weeks, bank))

    def membership(self, world: World, levers: MembershipLevers) -> MembershipLevers:
        """Entrants start outside and decide at once; everyone decides at reviews."""
        if not self.acting:
            return levers
        # A row that exited may have been taken by an entrant in the same tick.
        gone = ~world.firms.alive | (world.firms.entered_at == world.tick)
        self.member_exits += int((self._alive_members & gone).sum())
        firms, tick = world.firms, world.tick
        entrants = firms.alive & (firms.entered_at == tick) & (tick > 0)
        review = self.cfg.review_ticks > 0 and tick % self.cfg.review_ticks == 0
        self.joins = self.leaves = 0
        if not entrants.any() and not review:
            return levers
        platform = firms.platform.copy()
        platform[entrants] = membership.NO_PLATFORM
        if entrants.any():
            self.green_gain[entrants] = 0.0  # an entrant's sales history starts afresh
            self.taste[entrants] = self.rng.normal(0.0, self.cfg.taste_sd, int(entrants.sum()))
            if self.pool is not None:
                self.pool.forget(np.flatnonzero(entrants))
                self.pool.remember(np.flatnonzero(entrants[world.links.buyer]
                                                  & world.links.active))
        eligible = (entrants | (review & firms.alive)) & ~firms.chain_leader
        gain = membership.membership_gain(
            firms, platform, self.cfg, self.export_take(), self.commission(),
            fees.gross_margin(firms, self.labour_share), self.export_share, self.taste,
            world.platform_levers.fee_relief)
        platform, self.joins, self.leaves = membership.review(
            platform, gain, eligible, self.cfg.switch_rate, self.rng)
        self.joins_total += self.joins
        self.leaves_total += self.leaves
        return replace(levers, platform=platform)

    # ----------------------------------------------------------------- outputs
    def publish(self, name: str) -> np.ndarray | None:
        """Services: ``tools_maturity`` (the digital maturity members' SaaS tools add) and
        ``search_factor`` (members' factor on search time); acting: ``platform_fees``, per
        firm the take charged this tick (phase 6 on), ``shipment_km_factor`` (route
        optimisation of members' shipments) and ``green_requirement_gap`` (green consumers'
        unmet ESG requirement of assemblers, :func:`~abm.platforms.green.requirement_gap`)."""
        if name == "platform_fees":
            return self.fee_due if self.acting else None  # passive: the engine books them
        if name == "tools_maturity":
            return saas.tools_maturity(self.world.firms, self.cfg.saas_boost)
        if name == "search_factor":
            return search_factor(self.world.firms, self.cfg.search_factor)
        if name == "green_requirement_gap" and self.acting and self.cfg.green_esg_weight > 0 \
                and self.cfg.green_demand_share > 0:
            rating = self.world.observe("esg_rating")
            return None if rating is None else green.requirement_gap(
                self.world.firms, rating, self.cfg.green_rating, self.cfg.green_demand_share,
                self.cfg.green_esg_weight)
        if name == "shipment_km_factor" and self.acting and self.cfg.route_optimisation > 0:
            return routing.km_factor(self.world.firms, self.cfg.route_optimisation)
        return None

    def tick_metrics(self) -> dict[str, float]:
        """Acting: platform series (fees paid and platform revenue replace the engine's
        zeros)."""
        if not self.acting:
            return {}
        firms = self.world.firms
        counts = np.bincount(firms.platform[firms.alive] + 1,
                             minlength=self.n_platforms + 1)[1:]
        return {
            # What members' accounts booked, and what the platforms collected: equal (tested).
            "platform_fees": self.world.ledger.other.get("platform_fees", 0.0),
            "platform_revenue": float(self.revenue_last.sum()),
            "platform_margin": self.margin_last,
            "platform_joins": float(self.joins),
            "platform_leaves": float(self.leaves),
            **{f"platform{k}_members": float(counts[k])
               for k in range(min(self.n_platforms, MAX_REPORTED_PLATFORMS))},
        }

    def _export_loss(self) -> float:
        """Sum of members' export delivery shortfalls from the first chokepoint tick on."""
        run = self.world.timeseries()
        choked = run["extra_sea_lead"].to_numpy() > 0
        if not choked.any():
            return float("nan")
        performance = run["export_performance_members"].to_numpy()
        return float((1.0 - performance[int(np.argmax(choked)):]).sum())

    def outcomes(self) -> dict[str, float]:
        """Run totals: revenue, joins, leaves, mean margin, re-sourcing by membership."""
        if not self.acting:
            return {}
        return {
            **self.resourcing.outcomes(),
            "platform_revenue_total": self.revenue_total,
            "platform_joins_total": float(self.joins_total),
            "platform_leaves_total": float(self.leaves_total),
            "platform_margin_mean": (self.margin_sum / self.margin_ticks if self.margin_ticks
                                     else float("nan")),
            "platform_member_wins_total": float(self.member_wins),
            "chokepoint_surcharge_members_total": self.logistics.surcharge_members,
            "warehouse_served_total": self.logistics.served_from_stock,
            "export_loss_members": self._export_loss(),
            "platform_member_exits_total": float(self.member_exits),
            "green_verified_demand_share": (self.green_share_sum / self.green_share_ticks
                                            if self.green_share_ticks else float("nan")),
            "sea_transit_members": (self.sea_transit[0] / self.sea_transit[2]
                                    if self.sea_transit[2] else float("nan")),
            "sea_transit_nonmembers": (self.sea_transit[1] / self.sea_transit[3]
                                       if self.sea_transit[3] else float("nan")),
        }

