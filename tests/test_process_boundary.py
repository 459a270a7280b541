"""The plug-in boundary holds: processes never write engine-owned arrays (they act through
levers the engine applies), and each draws only from the random streams it declared.

The write guard runs a model with every behaviour mechanism on, through shocks, exits,
entries and structural upgrades, with every firm and link array flagged read-only while any
process code runs (constructor and every hook). A write from a process then raises at once,
so the class of bug (behaviour reaching into the engine's state) cannot come back unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from abm.behaviour import BehaviourLayer
from abm.config.compose import compose_config
from abm.core.process import Process, World
from abm.core.registry import PROCESSES
from abm.core.state import FirmState, LinkState
from abm.core.streams import named_stream
from abm.model import EcosystemModel

HOOKS = ("planned_spending", "begin_tick", "forecast", "order", "ration", "account",
         "signals", "source", "match", "after_sourcing", "invest", "plan", "solvency",
         "after_entry_exit", "first_shock", "tick_metrics", "outcomes")
# Shocks, exits, entries, priority rationing and upgrades early in the run: every path on
# which the behaviour used to write engine state (repricing, share reallocation, capacity
# plans, segment switches, stocking orders) runs.
# A disaster long and deep enough to cause exits (temporary shocks at the default strength no
# longer do: docs/ODD.md 7.10), so the exit and entry paths run under the guard too.
GUARDED = ("network.n_firms=400", "ticks=100", "scenario=regional_disaster",
           "scenario.shocks.regional_disaster.onset=30",
           "scenario.shocks.regional_disaster.duration=26",
           "scenario.shocks.regional_disaster.magnitude=1.0", "behaviour.upgrading.threshold=1.02",
           "market.rationing=priority", "seed=2")
SHORT = ("network.n_firms=200", "ticks=40", "scenario=none", "seed=1")


class ReadOnly:
    """Flags every array of the firms and links read-only until :meth:`thaw`."""

    def __init__(self, firms: FirmState, links: LinkState) -> None:
        self.states = (firms, links)
        self.frozen: list[np.ndarray] = []

    def freeze(self) -> None:
        for state in self.states:
            for value in vars(state).values():
                if isinstance(value, np.ndarray) and value.flags.writeable:
                    value.flags.writeable = False
                    self.frozen.append(value)

    def thaw(self) -> None:
        for array in self.frozen:
            array.flags.writeable = True
        self.frozen.clear()

    def around(self, call: Callable[..., Any]) -> Callable[..., Any]:
        """``call`` run with the arrays read-only (nested calls keep them so)."""

        def guarded(*args: Any, **kwargs: Any) -> Any:
            outer = bool(self.frozen)
            self.freeze()
            try:
                return call(*args, **kwargs)
            finally:
                if not outer:
                    self.thaw()

        return guarded


def _guard_world(world: World, guard: ReadOnly) -> None:
    """Links a process adds are engine-made (new arrays): freeze them too once added."""
    add = world._add_links

    def add_links(*args: Any) -> np.ndarray:
        rows = add(*args)
        guard.freeze()
        return rows

    world._add_links = add_links


def _guarded_model(overrides: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
                   ) -> tuple[EcosystemModel, list[ReadOnly]]:
    guards: list[ReadOnly] = []
    factory = PROCESSES["behaviour"]

    def build(world: World, **context: Any) -> Process:
        guard = ReadOnly(world.firms, world.links)
        guards.append(guard)
        _guard_world(world, guard)
        process = guard.around(factory)(world, **context)
        for hook in HOOKS:
            setattr(process, hook, guard.around(getattr(process, hook)))
        return process

    build.streams = factory.streams  # type: ignore[attr-defined]
    monkeypatch.setitem(PROCESSES._entries, "behaviour", build)
    model = EcosystemModel(config=compose_config(list(overrides)))
    for _, world in model.process_worlds:
        _guard_world(world, guards[0])
    return model, guards


def test_processes_never_write_engine_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    model, guards = _guarded_model(GUARDED, monkeypatch)
    assert isinstance(model.behaviour, BehaviourLayer) and len(guards) == 1
    n_links = model.links.n
    model.run()
    series = model.timeseries()
    # The run went through the paths the guard is about.
    assert series["exits"].sum() > 0 and series["links_rewired"].sum() > 0
    assert (model.behaviour.upgrading.state.upgraded_at >= 0).any()  # segment switches
    assert model.links.n > n_links  # upgrades added links and placed stocking orders
    assert not guards[0].frozen  # thawed after the last hook


def test_the_guard_catches_a_write(monkeypatch: pytest.MonkeyPatch) -> None:
    # Guards the test above against a guard that could never fire.
    model, guards = _guarded_model(SHORT, monkeypatch)

    def writes(world: World, tick: int, production: Any) -> None:
        world.firms.cash[0] += 1.0

    model.behaviour.signals = guards[0].around(writes)
    with pytest.raises(ValueError, match="read-only"):
        model.step()


def test_a_process_draws_only_from_its_declared_streams() -> None:
    model = EcosystemModel(config=compose_config(list(SHORT)))
    layer = model.behaviour
    assert isinstance(layer, BehaviourLayer)
    # Each mechanism is its own registered process with a world bound to its own streams.
    for mechanism in layer.mechanisms:
        assert PROCESSES[mechanism.name] is type(mechanism)
        assert mechanism.world.owner == mechanism.name
        assert mechanism.world.declared == set(mechanism.streams)
    with pytest.raises(KeyError, match=r"behaviour\.esg.*did not declare.*innovation"):
        layer.esg.world.stream("innovation")  # another mechanism's stream
    with pytest.raises(KeyError, match=r"did not declare.*demand"):
        layer.trust.world.stream("demand")  # the engine's final-demand stream
    with pytest.raises(KeyError, match="process `engine`"):
        model.world.stream("esg")  # the engine's own view draws nothing through World
    bound = model.world.bound_to("probe", ("probe",))
    assert bound.stream("probe").random() == named_stream(model.seed, "probe").random()
    assert all(w.owner == p.name for p, w in model.process_worlds)
