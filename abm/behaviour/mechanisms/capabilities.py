"""Innovation, digital maturity and structural upgrading as processes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from abm.behaviour import digital, innovation
from abm.behaviour.common import LinkView
from abm.behaviour.linkindex import leader_rows
from abm.behaviour.mechanisms.base import Mechanism
from abm.behaviour.upgrading import NOT_PENDING, init_upgrading
from abm.core.levers import AccountLevers, ForecastLevers, OrderLevers, SourcingLevers
from abm.core.process import World
from abm.core.registry import PROCESSES
from abm.core.rules import demand_seen


@PROCESSES.register("behaviour.innovation")
class InnovationProcess(Mechanism):
    """Innovation (:mod:`abm.behaviour.innovation`): technology, knowledge and the unit
    labour cost it saves."""

    name, key, streams = "behaviour.innovation", "innovation", ("innovation",)

    def __init__(self, world: World, on: bool) -> None:
        super().__init__(world, on)
        self.rng = world.stream("innovation")
        self.state = innovation.init_innovation(
            world.firms, self.cfg, world.config.behaviour.upgrading.threshold, self.rng)
        self.leader_links: np.ndarray | None = None  # trusting chain-leader links, per review
        self._labour: np.ndarray | None = None  # unit labour cost factor, derived

    def count_leader_links(self, view: LinkView, trust: np.ndarray) -> None:
        """Per supplier, live links from chain leaders that trust it (joint projects, R&D
        motive); only the leaders' own links can count (the others would add zeros)."""
        firms, links = self.world.firms, self.world.links
        rows = leader_rows(links, firms)
        self.leader_links = np.bincount(
            links.supplier[rows], minlength=firms.n,
            weights=view.weight[rows] * (trust[rows] >= self.cfg.joint_trust))

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Unit labour cost relative to the segment level (1 when off)."""
        if self._labour is None:  # derived once per change of technology
            self._labour = (innovation.labour_factor(self.state, self.cfg) if self.on
                            else np.ones(world.firms.n))
        return replace(levers, labour_factor=self._labour)

    def publish(self, name: str) -> np.ndarray | None:
        """``log_technology``: each firm's log technology level."""
        return self.state.log_tech if name == "log_technology" else None

    def technology_changed(self) -> None:
        """Technology changed (period step, entrants)."""
        self._labour = None

    def reset_entrants(self, entrants: np.ndarray) -> None:
        """Entrants start at their segment's typical technology."""
        innovation.reset_entrants(self.state, self.world.firms, entrants, self.cfg, self.rng)
        self._labour = None


@PROCESSES.register("behaviour.digital")
class DigitalProcess(Mechanism):
    """Digital maturity (:mod:`abm.behaviour.digital`): the demand forecasts follow, planning
    error, early visibility of orders and search times."""

    name, key, streams = "behaviour.digital", "digital", ("digital",)

    def __init__(self, world: World, on: bool) -> None:
        super().__init__(world, on)
        firms = world.firms
        self.rng = world.stream("digital")
        self.state = digital.init_digital(firms, world.links, self.cfg, self.rng,
                                          world.observe("tools_maturity"))
        self.search_ticks = np.full(firms.n, world.config.sourcing.search_ticks)
        if on:
            digital.draw_planning_error(self.state, self.rng)
            self.refresh_search_ticks()

    def refresh_search_ticks(self) -> None:
        """Search times follow maturity (and any matching service's ``search_factor``)."""
        self.search_ticks[:] = digital.search_ticks(
            self.state, self.world.config.sourcing.search_ticks, self.cfg,
            self.world.observe("search_factor"))

    def forecast(self, world: World, levers: ForecastLevers) -> ForecastLevers:
        """The demand each firm's forecast follows (information delay, shared data)."""
        signal = (digital.demand_signal(self.state, world.firms, world.links) if self.on
                  else demand_seen(world.firms))
        return replace(levers, demand_signal=signal)

    def order(self, world: World, levers: OrderLevers) -> OrderLevers:
        """The forecast orders are planned on, and early visibility of customers' orders."""
        firms = world.firms
        if not self.on:
            return replace(levers, forecast=firms.forecast, link_weight=np.ones(world.links.n))
        return replace(levers, forecast=digital.noisy_forecast(self.state, firms),
                       link_weight=digital.early_warning(self.state, firms, world.links,
                                                         self.cfg))

    def source(self, world: World, levers: SourcingLevers) -> SourcingLevers:
        """Each buyer's search time."""
        return replace(levers, search_ticks=self.search_ticks)

    def publish(self, name: str) -> np.ndarray | None:
        """``digital_maturity``: each firm's maturity (None when the mechanism is off; the
        platforms' visible pool and endogenous recovery read it)."""
        return self.state.maturity if name == "digital_maturity" and self.on else None

    def reset_entrants(self, entrants: np.ndarray) -> None:
        """Entrants draw their maturity."""
        digital.reset_entrants(self.state, self.world.firms, entrants, self.cfg, self.rng)


@PROCESSES.register("behaviour.upgrading")
class UpgradingProcess(Mechanism):
    """Structural upgrading (:mod:`abm.behaviour.upgrading`): its status per firm and the
    recipes it stages for the next tick."""

    name, key, streams = "behaviour.upgrading", "upgrading", ("upgrading",)

    def __init__(self, world: World, on: bool) -> None:
        super().__init__(world, on)
        self.rng = world.stream("upgrading")
        self.state = init_upgrading(world.firms.n)
        self.staged_recipe: np.ndarray | None = None  # input coefficients from the next tick

    def stage(self, recipe: np.ndarray) -> None:
        """Input coefficients that take effect from the next tick's ordering."""
        self.staged_recipe = recipe

    def forecast(self, world: World, levers: ForecastLevers) -> ForecastLevers:
        """Recipes changed in the last period step take effect before ordering."""
        recipe, self.staged_recipe = self.staged_recipe, None
        return levers if recipe is None else replace(levers, recipe=recipe)

    def after_entry_exit(self, world: World, tick: int) -> None:
        """A firm that left stops stocking its new input."""
        pending = np.flatnonzero(self.state.pending_slot >= 0)  # a few firms at most
        self.state.pending_slot[pending[~world.firms.alive[pending]]] = NOT_PENDING
