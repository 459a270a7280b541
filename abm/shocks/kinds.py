"""Shock kinds, registered by name in ``abm.core.registry.SHOCK_KINDS``.

A kind says what a shock does to this tick's state at a given loss (``magnitude`` times the
strength of its recovery profile). To add one, write a :class:`ShockKind` subclass here (or in
any imported module) and decorate it with ``@kind("name")``: validation, the
browser app's menus and the docs list it from the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from abm.core.registry import SHOCK_KINDS
from abm.core.state import FirmState, LinkState

if TYPE_CHECKING:
    from abm.config.schema import ShockConfig
    from abm.shocks.scenario import ShockEffects


class ShockKind:
    """What one kind of shock does each tick (base: nothing)."""

    meaning: ClassVar[str] = ""
    #: False: every in-scope firm is hit (``scope.share`` means something else, e.g. pandemic).
    samples_share: ClassVar[bool] = True
    #: True: the kind keeps per-firm outage state that evolves from tick to tick.
    has_outages: ClassVar[bool] = False
    #: True: the kind destroys capacity, which ``recovery_mode=endogenous`` rebuilds by
    #: investment (:mod:`abm.shocks.reconstruction`) instead of the recovery profile.
    destroys_capacity: ClassVar[bool] = False

    def apply(self, shock: ShockConfig, level: float, hit: np.ndarray, out: np.ndarray,
              firms: FirmState, links: LinkState, effects: ShockEffects,
              rng: np.random.Generator) -> None:
        """Apply the shock at ``level`` (share of its magnitude in force) to this tick.

        Args:
            shock: the shock's parameters.
            level: share of ``magnitude`` in force this tick (0 before onset).
            hit: firms in scope.
            out: per-firm outage state, updated in place by kinds with outages.
            firms: firm state; ``availability`` is multiplied in place.
            links: link state; ``flow_availability`` is multiplied in place.
            effects: scenario-wide effects, updated in place.
            rng: the shock stream.
        """

    def max_extra_lead(self, shock: ShockConfig) -> int:
        """Most ticks this shock can add to sea routes."""
        return 0


def kind(name: str) -> Callable[[type[ShockKind]], type[ShockKind]]:
    """Class decorator: register an instance of the kind under ``name``."""

    def add(cls: type[ShockKind]) -> type[ShockKind]:
        SHOCK_KINDS.register(name)(cls())
        return cls

    return add


@kind("regional_disaster")
class RegionalDisaster(ShockKind):
    """In-scope firms lose ``magnitude`` of their capacity."""

    meaning = "in-scope firms lose capacity"
    destroys_capacity = True

    def apply(self, shock, level, hit, out, firms, links, effects, rng) -> None:
        loss = shock.magnitude * level
        if loss > 0:
            firms.availability[hit] *= 1.0 - loss


@kind("logistics_chokepoint")
class LogisticsChokepoint(ShockKind):
    """Sea routes, including export deliveries, take ``extra_lead_time`` ticks longer."""

    meaning = "sea routes take extra_lead_time ticks longer"

    def apply(self, shock, level, hit, out, firms, links, effects, rng) -> None:
        effects.extra_sea_lead += round(shock.extra_lead_time * level)

    def max_extra_lead(self, shock: ShockConfig) -> int:
        return shock.extra_lead_time


@kind("key_input_embargo")
class KeyInputEmbargo(ShockKind):
    """Shipments from in-scope suppliers to buyers outside the scope's regions are blocked."""

    meaning = "shipments from in-scope suppliers to buyers outside the scope's regions blocked"

    def apply(self, shock, level, hit, out, firms, links, effects, rng) -> None:
        loss = shock.magnitude * level
        if loss > 0:
            blocked = hit[links.supplier]
            if shock.scope.regions:
                blocked &= ~np.isin(firms.region[links.buyer], shock.scope.regions)
            links.flow_availability[blocked] *= 1.0 - loss


@kind("export_demand_drop")
class ExportDemandDrop(ShockKind):
    """Export final demand falls by ``magnitude``."""

    meaning = "export final demand falls"

    def apply(self, shock, level, hit, out, firms, links, effects, rng) -> None:
        effects.export_demand *= 1.0 - shock.magnitude * level


@kind("pandemic")
class Pandemic(ShockKind):
    """Random firm outages: at any time about ``scope.share`` of in-scope firms are out, each
    outage lasting ``outage_ticks`` on average (a two-state process)."""

    meaning = "random firm outages (scope.share out at a time, outage_ticks long)"
    samples_share = False
    has_outages = True

    def apply(self, shock, level, hit, out, firms, links, effects, rng) -> None:
        end_prob = 1.0 / shock.outage_ticks
        share = min(shock.scope.share, 0.99)
        start_prob = min(1.0, share * end_prob / (1.0 - share)) if level > 0 else 0.0
        draws = rng.random(len(out))
        out[:] = np.where(out, draws >= end_prob, (draws < start_prob) & hit)
        firms.availability[out] *= 1.0 - shock.magnitude * level
