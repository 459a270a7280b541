"""Scenario events and their effect on the model each tick (spec §5).

Every shock has an onset, a duration at full ``magnitude``, a scope (regions, tiers, chains,
products and a share of in-scope firms) and a recovery profile after the duration:

* ``step``: back to normal at once;
* ``linear``: the loss shrinks linearly to zero over ``recovery.ticks``;
* ``exponential``: the loss decays with time constant ``recovery.ticks / 3`` (95% recovered
  after ``recovery.ticks``).

What each kind does is registered in :mod:`abm.shocks.kinds`. Several shocks compose:
capacity and flow multipliers multiply, extra lead times add. With
``scenario.recovery_mode=endogenous`` the capacity a kind destroys (``destroys_capacity``) is
handed to :class:`~abm.shocks.reconstruction.Reconstruction` at the onset and comes back only
as firms rebuild it; the kind's recovery profile is then not used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.config.schema import ScenarioConfig, ShockConfig
from abm.core.errors import ConfigError
from abm.core.registry import SHOCK_KINDS
from abm.core.state import ASSEMBLY_TIER, ROUTE_SEA, FirmState, LinkState
from abm.shocks.reconstruction import Reconstruction


@dataclass
class ShockEffects:
    """Scenario-wide effects of the current tick that are not per-firm arrays."""

    extra_sea_lead: int = 0
    domestic_demand: float = 1.0
    export_demand: float = 1.0


def strength(shock: ShockConfig, tick: int) -> float:
    """Share of the shock's magnitude in force at ``tick`` (0 before onset and after recovery)."""
    since = tick - shock.onset
    if since < 0:
        return 0.0
    if since < shock.duration:
        return 1.0
    after = since - shock.duration
    profile, span = shock.recovery.profile, shock.recovery.ticks
    if profile == "linear":
        return max(0.0, 1.0 - (after + 1) / span)
    if profile == "exponential":
        value = float(np.exp(-3.0 * (after + 1) / span))
        return value if value > 0.01 else 0.0
    return 0.0


def _in_scope(values: np.ndarray, allowed: list[int]) -> np.ndarray:
    return np.isin(values, allowed) if allowed else np.ones(len(values), dtype=bool)


class ShockSchedule:
    """The shocks of one scenario, applied to the model state each tick.

    Args:
        scenario: the scenario config (possibly several shocks).
        firms: firm state (to resolve scopes).
        rng: the shock stream (scope sampling, pandemic outages).
    """

    def __init__(self, scenario: ScenarioConfig, firms: FirmState,
                 rng: np.random.Generator) -> None:
        self.shocks: dict[str, ShockConfig] = {}
        self.rng = rng
        #: Endogenous recovery's rebuilding state (None: exogenous recovery profiles).
        self.reconstruction = (Reconstruction(firms.n, scenario.reconstruction)
                               if scenario.recovery_mode == "endogenous" else None)
        self._hit: dict[str, np.ndarray] = {}
        self._out: dict[str, np.ndarray] = {}
        self.add(scenario.shocks, firms)

    def add(self, shocks: dict[str, ShockConfig], firms: FirmState) -> None:
        """Schedule more shocks (e.g. "shock now"), resolving their scopes on today's firms.

        Args:
            shocks: shocks by name; a name already scheduled is replaced.
            firms: firm state.
        """
        for name, shock in shocks.items():
            scope = shock.scope
            if any(not 0 <= i < firms.n for i in scope.firms):
                raise ConfigError(
                    f"Invalid configuration: scenario.shocks.{name}.scope.firms = "
                    f"{scope.firms}; allowed: firm rows between 0 and {firms.n - 1} ([] means "
                    "all). A row outside the network would make a shock that hits nothing.")
            mask = (_in_scope(firms.region, scope.regions) & _in_scope(firms.tier, scope.tiers)
                    & _in_scope(firms.chain, scope.chains)
                    & _in_scope(firms.product, scope.products)
                    & _in_scope(np.arange(firms.n), scope.firms))
            if SHOCK_KINDS[shock.kind].samples_share and scope.share < 1.0:
                mask &= self.rng.random(firms.n) < scope.share
            self.shocks[name] = shock
            self._hit[name] = mask
            self._out[name] = np.zeros(firms.n, dtype=bool)

    @property
    def onset(self) -> int | None:
        """First tick of the earliest shock, or None for a scenario without shocks."""
        return min((s.onset for s in self.shocks.values()), default=None)

    @property
    def end(self) -> int | None:
        """Last tick at full strength of the latest shock, or None."""
        return max((s.onset + s.duration - 1 for s in self.shocks.values()), default=None)

    def max_extra_lead(self) -> int:
        """Largest extra lead time all chokepoints together can add."""
        return sum(SHOCK_KINDS[s.kind].max_extra_lead(s) for s in self.shocks.values())

    def apply(self, tick: int, firms: FirmState, links: LinkState) -> ShockEffects:
        """Set this tick's availability of firms and links and return scenario-wide effects."""
        firms.availability[:] = 1.0
        links.flow_availability[:] = 1.0
        effects = ShockEffects()
        rebuilt = self.reconstruction
        for name, shock in self.shocks.items():
            kind = SHOCK_KINDS[shock.kind]
            if rebuilt is not None and kind.destroys_capacity:
                if tick == shock.onset:
                    rebuilt.destroy(self._hit[name], shock.magnitude,
                                    shock.onset + shock.duration, shock.recovery.ticks)
                continue
            kind.apply(shock, strength(shock, tick), self._hit[name], self._out[name], firms,
                       links, effects, self.rng)
        if rebuilt is not None:
            rebuilt.apply(firms)
        return effects


def sea_lead(links: LinkState, extra: int) -> np.ndarray:
    """Lead time of each link this tick: nominal plus any chokepoint delay on sea routes."""
    if extra == 0:
        return links.lead_time
    return links.lead_time + extra * (links.route == ROUTE_SEA)


def directly_hit(firms: FirmState, links: LinkState, effects: ShockEffects) -> np.ndarray:
    """Firms a shock touches directly this tick (for firm-level recovery).

    A firm is hit directly when its own capacity is cut (availability below 1), when it is an
    end of a link whose flow is blocked (embargo) or delayed (a sea route under a chokepoint),
    or when it is an assembler and its final demand shrinks or export deliveries are delayed.
    Firms that suffer only through the network (their suppliers' or customers' trouble) are
    not hit directly. The same rule as ``experiments.calibration.recovery``.
    """
    hit = firms.availability < 1.0
    touched = links.flow_availability < 1.0
    if effects.extra_sea_lead > 0:
        touched = touched | (links.route == ROUTE_SEA)
    if touched.any():
        hit[links.buyer[touched]] = True
        hit[links.supplier[touched]] = True
    if min(effects.export_demand, effects.domestic_demand) < 1.0 or effects.extra_sea_lead > 0:
        hit |= firms.tier == ASSEMBLY_TIER
    return hit & firms.alive
