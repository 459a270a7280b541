"""The chain-leader programmes as one process (issue 9 "Chain leaders"; seeds 001, 004).

Registered as ``programmes.chain_leaders``; built when ``programmes.chain_leaders.enabled``
is on or an instrument asks for it (``chain_leader_system``). It folds after firm behaviour
and the platforms, refining what they decided. What it does, per tick:

* **designation** (at reviews): the top ``leaders_per_chain`` assemblers of each chain by the
  score of :mod:`abm.programmes.designation`, or, under the instrument, the regulator's
  ``masters`` (assembly tier) and ``leading_firms`` (any tier) by the same score (published
  as ``chain_leader_designation``);
* **requirements**: a designated firm requires ESG rating ``esg_requirement`` and delivery
  reliability ``quality_requirement`` of its suppliers; a supplier at depth ``d`` passes
  ``strictness ** d`` of them to its own suppliers. ESG: the buyer's screen in searches
  (``MatchLevers.screen``, raised to the requirement) and, for suppliers short of their
  requirement, ``requirement_penalty`` of revenue per unit of shortfall in the ESG strategy
  payoff (``InvestmentLevers.esg_cost``). Quality: a screen on reliability in searches;
* **backup lists** (:mod:`abm.programmes.backup`): searches go to a listed backup first;
* **supplier development** for connected suppliers (:mod:`abm.programmes.rollout`): the
  leaders pay ``tech_transfer_share`` of their R&D and ``saas_share`` of their digital
  spending (cost shares, booked as ``chain_leader_development`` costs of the designated firms
  of the chain, pro rata to size, and as payments to the suppliers); trade credit extends
  their credit lines by ``trade_credit_weeks``; links from a designated or connected buyer to
  a connected supplier ship with ``lead_time_factor`` of the transit time, and connected
  suppliers' forecasts blend in their chain's end-market demand (``data_sharing``);
* **support for rebuilding** (endogenous recovery, :mod:`abm.shocks.reconstruction`): every
  tick the leaders pay ``rebuild_share`` of connected suppliers' reconstruction spending (a
  cost share on the ``rebuild`` use, like a subsidy's; booked with the development bill), so
  a supplier short of money rebuilds more of its destroyed capacity per tick.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from abm.core.levers import (
    AccountLevers,
    ForecastLevers,
    InvestmentLevers,
    MatchLevers,
    RationingLevers,
    SolvencyLevers,
    SourcingLevers,
)
from abm.core.process import Process, World
from abm.core.registry import PROCESSES
from abm.core.rules import demand_seen, live_links
from abm.core.state import ASSEMBLY_TIER
from abm.programmes.backup import BackupLists
from abm.programmes.designation import DEPTHS, designation_score, top_per_chain, tree_depth
from abm.programmes.rollout import Rollout

COST = "chain_leader_development"
MAX_WAIT = 52.0  # ticks; caps the queue part of the order lead time of a link that ships nothing


@PROCESSES.register("programmes.chain_leaders")
class ChainLeaderProgramme(Process):
    """Chain leaders' requirements, backup lists and supplier development (module docstring).

    Args:
        world: the world at the start.
        regulator: the ``chain_leader_system`` instrument when it runs (None: the programme
            alone). Its ``params`` set the designation (``masters`` of the assembly tier and
            ``leading_firms`` of any tier per chain, reviewed every ``review_ticks``), and
            backup lists become chain-wide.
    """

    name = "programmes.chain_leaders"

    def __init__(self, world: World, *, regulator: Any = None) -> None:
        cfg = world.config.programmes.chain_leaders
        firms = world.firms
        self.cfg, self.world = cfg, world
        obliged = regulator is not None
        self.regulator_params = regulator.params if obliged else None
        self.review_ticks = (self.regulator_params.review_ticks if obliged
                             else cfg.review_ticks)
        self.role = np.zeros(firms.n, dtype=np.int64)  # 2 chain master, 1 leading firm
        self.n_chains = int(firms.chain.max()) + 1
        self.designated = np.zeros(firms.n, dtype=bool)
        self.depth = np.zeros(firms.n, dtype=np.int64)
        self.rollout = Rollout(firms.n, self.n_chains, cfg.pace, cfg.advance_share,
                               world.ticks_per_year)
        self.backups = BackupLists(world, cfg.backup_size)
        self.chain_wide = obliged or cfg.backup_scope == "chain"
        self.steady_final = np.bincount(firms.chain, weights=np.where(
            firms.tier == ASSEMBLY_TIER, firms.normal_output, 0.0), minlength=self.n_chains)
        self.esg_as_buyer = self.quality_as_buyer = self.esg_as_supplier = np.zeros(firms.n)
        self.reliability = np.ones(firms.n)
        self.link_on = np.zeros(world.links.n, dtype=bool)
        self.paid_share: dict[str, np.ndarray] = {}
        self.rebuild_paid = np.zeros(firms.n)  # the rebuild share granted at the last tick
        self.rebuilds = (cfg.rebuild_share > 0
                         and world.config.scenario.recovery_mode == "endogenous")
        self.rebuild_total = 0.0
        self.supplier_paid = self.leader_cost = np.zeros(firms.n)
        self.log_tech_start: np.ndarray | None = None
        self.last_review: int | None = None  # the first tick reviews
        self.lead_on = self.lead_off = float("nan")
        self.switches = 0
        self.switches_total = 0
        self.cost_total = 0.0

    # ------------------------------------------------------------------ phase 1
    def begin_tick(self, world: World, tick: int) -> None:
        """Reviews (designation, backup lists), tree depths, requirements and the roll-out."""
        firms, cfg = world.firms, self.cfg
        if self.log_tech_start is None:
            tech = world.observe("log_technology")
            self.log_tech_start = None if tech is None else tech.copy()
        review = self.last_review is None or tick - self.last_review >= self.review_ticks
        if review:
            self.last_review = tick
        if review:
            self.designated = self._designate(world)
        self.depth = tree_depth(world, self.designated)
        if review:
            scope = self.designated | ((self.depth > 0) & (self.depth < DEPTHS[-1])
                                       & self.chain_wide)
            self.backups.review(scope & firms.alive)
        self.rollout.step(tick, self.depth, firms.chain, firms.alive & self.designated.any(),
                          firms.price * firms.normal_output)
        # Requirements: as a buyer (on one's suppliers) and as a supplier (from one's buyers).
        pass_down = np.where(self.designated, 1.0, np.where(
            self.depth > 0, cfg.strictness ** self.depth.astype(float), 0.0))
        self.esg_as_buyer = cfg.esg_requirement * pass_down
        self.quality_as_buyer = cfg.quality_requirement * pass_down
        self.esg_as_supplier = np.where(self.depth > 0, cfg.esg_requirement
                                        * cfg.strictness ** (self.depth - 1.0), 0.0)
        links = world.links
        live = live_links(firms, links)
        out = np.bincount(links.supplier[live], minlength=firms.n)
        fill = np.bincount(links.supplier[live], weights=links.fill_rate[live],
                           minlength=firms.n)
        self.reliability = np.divide(fill, out, out=np.ones(firms.n), where=out > 0)
        connected = self.rollout.connected & firms.alive
        self.link_on = live & connected[links.supplier] & (
            self.designated[links.buyer] | connected[links.buyer])

    def _designate(self, world: World) -> np.ndarray:
        """The designated firms by score; under the regulator, masters and leading firms."""
        firms, cfg = world.firms, self.cfg
        score = designation_score(world, (cfg.score_size, cfg.score_technology,
                                          cfg.score_centrality))
        reg = self.regulator_params
        if reg is None:
            chosen = top_per_chain(score, firms.chain, firms.alive
                                   & (firms.tier == ASSEMBLY_TIER), cfg.leaders_per_chain)
            self.role = chosen.astype(np.int64)
            return chosen
        masters = top_per_chain(score, firms.chain, firms.alive
                                & (firms.tier == ASSEMBLY_TIER), reg.masters)
        leading = top_per_chain(score, firms.chain, firms.alive & ~masters, reg.leading_firms)
        self.role = 2 * masters + leading
        return masters | leading

    # ---------------------------------------------------------------- phase 4-5
    def forecast(self, world: World, levers: ForecastLevers) -> ForecastLevers:
        """Connected suppliers blend in their chain's end-market demand (shared data)."""
        firms = world.firms
        w = self.cfg.data_sharing * (self.rollout.connected & (firms.tier < ASSEMBLY_TIER))
        if not w.any():
            return levers
        own = demand_seen(firms) if levers.demand_signal is None else levers.demand_signal
        chain_final = np.bincount(firms.chain, weights=firms.final_demand,
                                  minlength=self.n_chains)
        ratio = np.divide(chain_final, self.steady_final, out=np.ones(self.n_chains),
                          where=self.steady_final > 0)
        market = firms.normal_output * ratio[firms.chain]
        return replace(levers, demand_signal=(1.0 - w) * own + w * market)

    def ration(self, world: World, levers: RationingLevers) -> RationingLevers:
        """Connected links ship faster."""
        n = world.links.n
        on = np.zeros(n, dtype=bool)
        on[:len(self.link_on)] = self.link_on[:n]
        factor = np.where(on, self.cfg.lead_time_factor, 1.0)
        if levers.lead_factor is not None:
            factor = factor * levers.lead_factor
        return replace(levers, lead_factor=factor)

    # ---------------------------------------------------------------- phase 6-7
    def sales(self, world: World, shipped: np.ndarray, export_sales: np.ndarray) -> None:
        """The leaders' development bill of this tick, and the links' order lead times."""
        firms = world.firms
        paid = np.zeros(firms.n)
        for use, share in self.paid_share.items():
            spent = world.observe(f"spending_{use}")
            if spent is not None:
                paid += share * spent * firms.alive
        rebuild = np.zeros(firms.n)
        if self.rebuilds:  # last tick's rebuilding, at the share granted then
            spent = world.observe("spending_rebuild")
            if spent is not None:
                rebuild = self.rebuild_paid * spent * firms.alive
                paid += rebuild
        self.leader_cost, self.supplier_paid = self._split_to_leaders(firms, paid)
        self.rebuild_total += float(rebuild[self.supplier_paid > 0].sum())
        self.cost_total += float(self.supplier_paid.sum())
        self._order_leads(world, shipped)

    def _split_to_leaders(self, firms: Any, paid: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray]:
        """Each chain's development bill split over its alive designated firms by size, and
        the payments to suppliers (none in a chain left without a designated firm: money is
        conserved, the two sum to the same)."""
        leaders = self.designated & firms.alive
        scale = firms.price * firms.normal_output * leaders
        weight = np.bincount(firms.chain, weights=scale, minlength=self.n_chains)
        paid = paid * (weight[firms.chain] > 0)
        bill = np.bincount(firms.chain, weights=paid, minlength=self.n_chains)
        share = np.divide(scale, weight[firms.chain], out=np.zeros(firms.n),
                          where=weight[firms.chain] > 0)
        return bill[firms.chain] * share, paid

    def _order_leads(self, world: World, shipped: np.ndarray) -> None:
        """Mean order lead time (transit this tick + queue wait) on connected links and on the
        other live links into the leaders' trees."""
        firms, links = world.firms, world.links
        n = len(self.link_on)
        live = live_links(firms, links)[:n]
        transit = np.maximum(1.0, np.ceil(links.lead_time[:n] * np.where(
            self.link_on, self.cfg.lead_time_factor, 1.0)))
        wait = np.minimum(np.divide(links.backlog[:n], shipped[:n],
                                    out=np.full(n, MAX_WAIT), where=shipped[:n] > 0), MAX_WAIT)
        wait = np.where(links.backlog[:n] > 0, wait, 0.0)
        lead = transit + wait
        other = live & ~self.link_on & (self.depth[links.supplier[:n]] > 0)
        self.lead_on = float(lead[self.link_on].mean()) if self.link_on.any() else float("nan")
        self.lead_off = float(lead[other].mean()) if other.any() else float("nan")

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """The leaders pay their suppliers' development shares."""
        if not self.supplier_paid.any():
            return levers
        return (levers.with_cost(COST, self.leader_cost)
                .with_subsidy(COST, self.supplier_paid))

    # ------------------------------------------------------------------ phase 9
    def source(self, world: World, levers: SourcingLevers) -> SourcingLevers:
        """Buyers with a backup list call off a backup at once."""
        if not self.backups.has_list.any():
            return levers
        cap = np.where(self.backups.has_list, self.cfg.backup_search_ticks,
                       np.iinfo(np.int64).max)
        if levers.max_search_ticks is not None:
            cap = np.minimum(cap, levers.max_search_ticks)
        return replace(levers, max_search_ticks=cap)

    def match(self, world: World, levers: MatchLevers) -> MatchLevers:
        """Backups first, the quality screen, and the ESG screen raised to requirements."""
        rule = self.backups.rule(levers.visibility, self.quality_as_buyer, self.reliability)
        screen = levers.screen
        if screen is not None:
            screen = (np.maximum(screen[0], self.esg_as_buyer), screen[1])
        return replace(levers, visibility=rule, screen=screen)

    def after_sourcing(self, world: World, tick: int, rewired: np.ndarray) -> None:
        """Count switches to a listed backup."""
        links = world.links
        self.switches = int(self.backups.on_list(links.buyer[rewired],
                                                 links.supplier[rewired]).sum())
        self.switches_total += self.switches

    # ----------------------------------------------------------------- phase 10
    def investment(self, world: World, levers: InvestmentLevers) -> InvestmentLevers:
        """Cost shares for connected suppliers; the ESG requirement in their payoff."""
        firms = world.firms
        if self.rebuilds:  # rebuilding goes on every tick, not per behaviour period
            connected = (self.rollout.connected & firms.alive).astype(float)
            levers, self.rebuild_paid = levers.with_cost_share(
                "rebuild", self.cfg.rebuild_share * connected)
        if world.tick % world.config.behaviour.period != 0:
            return levers
        connected = (self.rollout.connected & firms.alive).astype(float)
        self.paid_share = {}
        for use, share in (("rd", self.cfg.tech_transfer_share),
                           ("digital", self.cfg.saas_share)):
            if share > 0 and connected.any():
                levers, self.paid_share[use] = levers.with_cost_share(use, share * connected)
        rating = world.observe("esg_rating")
        if rating is not None and self.cfg.requirement_penalty > 0:
            gap = np.maximum(self.esg_as_supplier - rating, 0.0) * firms.alive
            levers = levers.with_esg_cost(self.cfg.requirement_penalty * gap)
        return levers

    # ----------------------------------------------------------------- phase 11
    def solvency(self, world: World, levers: SolvencyLevers) -> SolvencyLevers:
        """Trade credit for connected suppliers; the regulator's priority credit."""
        firms = world.firms
        weeks = self.cfg.trade_credit_weeks * self.rollout.connected
        priority = world.observe("chain_leader_priority_credit")
        if priority is not None:
            weeks = weeks + priority
        if not np.any(weeks):
            return levers
        base = world.base_credit_line if levers.credit_line is None else levers.credit_line
        return replace(levers, credit_line=base + weeks * firms.price * firms.normal_output)

    def after_entry_exit(self, world: World, tick: int) -> None:
        """Exited rows and entrants lose designation, connection and agreements."""
        firms = world.firms
        gone = ~firms.alive | ((firms.entered_at == tick) & (tick > 0))
        self.designated &= ~gone
        self.role[gone] = 0
        self.rollout.forget(gone)
        self.backups.forget(gone)
        if self.log_tech_start is not None:
            tech = world.observe("log_technology")
            entrants = firms.alive & (firms.entered_at == tick) & (tick > 0)
            if tech is not None and entrants.any():
                self.log_tech_start[entrants] = tech[entrants]

    # ----------------------------------------------------------------- outputs
    def publish(self, name: str) -> np.ndarray | None:
        """``chain_leader_development_cost``: per firm, the leaders' bill this tick;
        ``chain_leader_designation``: per firm, 2 chain master, 1 leading firm (or designated
        by the programme alone), 0 none; ``chain_leader_connected``: per firm, connected to a
        leader's SaaS."""
        if name == "chain_leader_development_cost":
            return self.leader_cost
        if name == "chain_leader_designation":
            return self.role
        if name == "chain_leader_connected":
            return self.rollout.connected
        return None

    def tick_metrics(self) -> dict[str, float]:
        """Designated firms, connected firms by depth, connected links, leads, costs."""
        firms, links = self.world.firms, self.world.links
        counts = self.rollout.counts(firms.alive)
        live = live_links(firms, links)
        return {
            "cl_designated": float((self.designated & firms.alive).sum()),
            **{f"cl_connected_tier{d}": float(counts[d]) for d in DEPTHS},
            "cl_connected_link_share": float(self.link_on.sum() / max(1, live.sum())),
            "cl_order_lead_connected": self.lead_on,
            "cl_order_lead_other": self.lead_off,
            "cl_development_cost": float(self.supplier_paid.sum()),
            "cl_backup_switches": float(self.switches),
        }

    def outcomes(self) -> dict[str, float]:
        """Roll-out ticks by depth, backup switches, development cost, technology gap."""
        return {
            **{f"cl_rollout_tier{d}_tick": (float(t) if t >= 0 else float("nan"))
               for d, t in self.rollout.first_tick.items()},
            "cl_backup_switches_total": float(self.switches_total),
            "cl_development_cost_total": self.cost_total,
            "cl_rebuild_support_total": self.rebuild_total,
            "cl_connected_tech_gap": self.tech_gap(),
        }

    def tech_gap(self) -> float:
        """Technology gained since the start by connected SMEs minus that of non-connected
        SMEs of the same tier (log points, averaged over tiers weighted by connected count;
        NaN without innovation or without both groups in any tier)."""
        firms = self.world.firms
        tech = self.world.observe("log_technology")
        if tech is None or self.log_tech_start is None:
            return float("nan")
        gain = tech - self.log_tech_start
        sme = firms.alive & ~firms.chain_leader & ~self.designated
        on = self.rollout.connected
        gaps, weights = [], []
        for t in range(ASSEMBLY_TIER):
            a, b = sme & on & (firms.tier == t), sme & ~on & (firms.tier == t)
            if a.any() and b.any():
                gaps.append(gain[a].mean() - gain[b].mean())
                weights.append(a.sum())
        return float(np.average(gaps, weights=weights)) if gaps else float("nan")
