"""The "shock now" control: apply a scenario's shocks to a running model from the next tick on.

The injected shocks are copies of the scenario's shocks with ``onset`` set to the next tick,
added through :meth:`abm.model.EcosystemModel.add_shocks` next to the shocks the model already
has (whose state, such as the firms currently out in a pandemic, is kept; a chokepoint's longer
delay grows the transport ring buffer in place).
"""

from __future__ import annotations

import functools

from abm.config.schema import ShockConfig
from abm.model import EcosystemModel
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
    shocks = scenario_shocks(scenario)
    if not shocks:
        raise ValueError(f"scenario '{scenario}' has no shocks to apply")
    return model.add_shocks(shocks)


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
