"""The "shock now" control: apply a scenario's shocks to a running model from the next tick on.

The injected shocks are copies of the scenario's shocks with ``onset`` set to the next tick,
added to the model's :class:`~abm.shocks.ShockSchedule` next to the shocks it already has (whose
state, such as the firms currently out in a pandemic, is kept). A logistics chokepoint lengthens
sea routes; when the transport ring buffer (``model.pipeline``) is too short for the new delay it
is grown in place, keeping every shipment on its arrival tick.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from abm.config.schema import ScenarioConfig, ShockConfig
from abm.market.logistics import Pipeline
from abm.model import EcosystemModel
from abm.shocks import ShockSchedule
from abm.shocks.scenario import strength
from abm.viz.session import compose, scenario_names


def scenario_shocks(scenario: str) -> dict[str, ShockConfig]:
    """The shocks of a scenario config.

    Args:
        scenario: a scenario config name, e.g. ``regional_disaster``.

    Returns:
        Shock name to a private copy of its config.
    """
    return dict(compose([f"scenario={scenario}"]).scenario.shocks)


@functools.lru_cache(maxsize=1)
def shock_scenarios() -> tuple[str, ...]:
    """Scenario configs that have at least one shock (what "shock now" can apply)."""
    return tuple(name for name in scenario_names() if scenario_shocks(name))


def required_horizon(model: EcosystemModel) -> int:
    """Pipeline length the model needs for its lead times plus all scheduled chokepoint delays.

    Args:
        model: the model.

    Returns:
        The ring length (the engine's own formula at construction).
    """
    longest = max(int(model.lead_by_route.max()), int(model.market_lead.max()))
    return longest + model.schedule.max_extra_lead() + 2


def grow_pipeline(pipeline: Pipeline, tick: int, horizon: int) -> None:
    """Lengthen a pipeline's ring buffers without moving any shipment's arrival tick.

    Args:
        pipeline: the model's pipeline, after tick ``tick`` has been fully processed.
        tick: the last tick processed (``model.steps``); its row has been unloaded.
        horizon: the new ring length (at least the current one).
    """
    old = pipeline.horizon
    ahead = tick + np.arange(1, old)
    for name in ("links", "market", "market_due"):
        buffer = getattr(pipeline, name)
        grown = np.zeros((horizon, *buffer.shape[1:]))
        grown[ahead % horizon] = buffer[ahead % old]
        setattr(pipeline, name, grown)
    pipeline.horizon = horizon


def inject_scenario(model: EcosystemModel, scenario: str) -> list[str]:
    """Apply a scenario's shocks to ``model`` starting at the next tick.

    Args:
        model: a running model.
        scenario: a scenario config name with at least one shock.

    Returns:
        The names of the added shocks (``<shock>@<tick>``).

    Raises:
        ValueError: if the scenario has no shocks.
    """
    tick = model.steps + 1
    shocks = {f"{name}@{tick}": dataclasses.replace(shock, onset=tick)
              for name, shock in scenario_shocks(scenario).items()}
    if not shocks:
        raise ValueError(f"scenario '{scenario}' has no shocks to apply")
    added = ShockSchedule(ScenarioConfig(shocks=shocks), model.firms, model.streams["shocks"])
    schedule = model.schedule
    # ShockSchedule has no public way to add shocks; its per-shock state lives in these dicts.
    schedule.shocks.update(added.shocks)
    schedule._hit.update(added._hit)
    schedule._out.update(added._out)
    model.shocks_enabled = True
    needed = required_horizon(model)
    if needed > model.pipeline.horizon:
        grow_pipeline(model.pipeline, model.steps, needed)
    return list(shocks)


def shock_phase(model: EcosystemModel) -> str | None:
    """Phase of the scenario at the last processed tick.

    Args:
        model: the model.

    Returns:
        ``"full"`` if any shock is at full strength, ``"fading"`` if shocks are only recovering,
        None if no shock is in force.
    """
    if not model.shocks_enabled:
        return None
    tick = model.steps
    levels = [(tick - s.onset < s.duration, strength(s, tick))
              for s in model.schedule.shocks.values()]
    if any(full and level > 0 for full, level in levels):
        return "full"
    return "fading" if any(level > 0 for _, level in levels) else None


def describe_schedule(model: EcosystemModel) -> list[str]:
    """One line per scheduled shock: name, kind, onset, duration and whether it is over.

    Args:
        model: the model.

    Returns:
        Lines such as ``"regional_disaster: regional_disaster from tick 104 for 6 ticks"``.
    """
    if not model.shocks_enabled:
        return []
    lines = []
    for name, shock in sorted(model.schedule.shocks.items(), key=lambda item: item[1].onset):
        status = ("upcoming" if model.steps < shock.onset
                  else "in force" if strength(shock, model.steps) > 0 else "over")
        lines.append(f"{name}: {shock.kind} from tick {shock.onset} for {shock.duration} "
                     f"ticks ({status})")
    return lines
