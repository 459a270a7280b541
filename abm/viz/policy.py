"""The app's policy panels: switch an instrument on mid-run ("policy now"), and the budget.

Everything here is read from the registry of policy instruments and each instrument's
declared ``Params`` (type, default, allowed values, unit, meaning), so an instrument added to
``abm.core.registry.INSTRUMENTS`` appears with its parameters without editing the app. The
parameters a user enters go through :meth:`abm.model.EcosystemModel.add_instrument`, which
checks them like config input; a refusal is shown, and the model is left unchanged.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import solara
from mesa.visualization.utils import force_update

from abm.config import ConfigError
from abm.config.fields import spec_of
from abm.core.registry import INSTRUMENTS, load_plugins
from abm.model import EcosystemModel
from abm.viz.html import note, table


@dataclass(frozen=True)
class ParamField:
    """One declared parameter of an instrument, as the panel shows it.

    Attributes:
        name: the parameter's key under ``policy.instruments.<instrument>``.
        kind: ``float``, ``int``, ``bool`` or ``choice``.
        default: its default value.
        optional: True if it may be empty (None: e.g. "no cap").
        choices: allowed values of a ``choice``.
        allowed: the allowed values in words.
        meaning: what it means, with its unit.
    """

    name: str
    kind: str
    default: Any
    optional: bool
    choices: tuple[str, ...]
    allowed: str
    meaning: str


def instrument_names() -> list[str]:
    """Every registered policy instrument, in registration order."""
    load_plugins()
    return list(INSTRUMENTS)


def instrument_fields(name: str) -> list[ParamField]:
    """The declared parameters of instrument ``name``.

    Args:
        name: a registered instrument.

    Returns:
        One :class:`ParamField` per field of its ``Params``.
    """
    return list(_fields(INSTRUMENTS[name].params_type))


@functools.cache
def _fields(params_type: type) -> tuple[ParamField, ...]:
    """The panel's view of a ``Params`` dataclass (read once per type: the panel re-renders
    every tick)."""
    hints = typing.get_type_hints(params_type)
    out = []
    for f in dataclasses.fields(params_type):
        spec = spec_of(f)
        hint = hints[f.name]
        args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        base = next(a for a in args if a is not type(None))
        choices = spec.choices if spec else ()
        kind = "choice" if choices else {bool: "bool", int: "int"}.get(base, "float")
        meaning = spec.meaning if spec else ""
        unit = f" ({spec.unit})" if spec and spec.unit else ""
        allowed = "true or false" if kind == "bool" else spec.allowed() if spec else "any"
        out.append(ParamField(
            name=f.name, kind=kind, default=f.default, optional=type(None) in args,
            choices=choices, allowed=allowed + (", or empty" if type(None) in args else ""),
            meaning=meaning + unit))
    return tuple(out)


def defaults(name: str) -> dict[str, Any]:
    """Default parameter values of instrument ``name``."""
    return {f.name: f.default for f in instrument_fields(name)}


def _money(value: float) -> str:
    return f"{value:,.0f}"


def spending_rows(model: EcosystemModel) -> list[list[str]]:
    """Per registered instrument: since when it is on and what it spent so far.

    Args:
        model: the running model.

    Returns:
        Rows (instrument, ``off`` / ``start`` / ``tick <t>``, spent since the start).
    """
    budget = model.regulator.budget
    active = {i.name for i in model.regulator.instruments}
    added = {name: tick for tick, name, _ in model.instruments_added}
    rows = []
    for name in instrument_names():
        if name not in active:
            since = "off"
        elif name in added:
            since = f"tick {added[name] + 1}"
        else:
            since = "start"
        rows.append([name, since, _money(budget.by_instrument.get(name, 0.0))])
    return rows


def budget_rows(model: EcosystemModel) -> list[list[str]]:
    """The regulator's budget: per year, spent this year, left this year, spent in all."""
    budget = model.regulator.budget
    return [["budget per year", _money(budget.per_year)],
            ["spent this year", _money(budget.spent_this_year)],
            ["left this year", _money(budget.left)],
            ["spent since the start", _money(budget.spent_total)]]


@solara.component
def ParamInput(field: ParamField, value: Any, on_value: Callable[[Any], None]  # noqa: N802
               ) -> None:
    """One input for one parameter, by its declared kind.

    Args:
        field: the parameter.
        value: its current value.
        on_value: called with a new value.
    """
    label = field.name
    if field.kind == "choice":
        solara.Select(label, values=list(field.choices), value=value, on_value=on_value)
    elif field.kind == "bool":
        solara.Checkbox(label=label, value=bool(value), on_value=on_value)
    elif field.kind == "int":
        solara.InputInt(label, value=value, on_value=on_value, optional=field.optional)
    else:
        solara.InputFloat(label, value=value, on_value=on_value, optional=field.optional)


@solara.component
def PolicyNow(model: EcosystemModel, revision: int) -> None:  # noqa: N802
    """Pick any registered instrument, set its parameters, switch it on from the next tick.

    Args:
        model: the session's model.
        revision: Mesa's update counter; a new value re-renders the component.
    """
    names = instrument_names()
    choice = solara.use_reactive(names[0])
    values = solara.use_reactive(defaults(names[0]))
    message = solara.use_reactive(("", ""))  # (kind, text)
    active = {i.name for i in model.regulator.instruments}
    fields = instrument_fields(choice.value)

    def pick(name: str) -> None:
        choice.set(name)
        values.set(defaults(name))
        message.set(("", ""))

    def switch_on() -> None:
        try:
            model.add_instrument(choice.value, dict(values.value))
        except ConfigError as exc:
            message.set(("error", f"Not switched on: {exc}"))
            return
        message.set(("ok", f"{choice.value} is on from tick {model.steps + 1}."))
        force_update()

    solara.Select("Instrument", values=names, value=choice.value, on_value=pick)
    for field in fields:
        ParamInput(field, values.value.get(field.name),
                   lambda value, key=field.name: values.set({**values.value, key: value})
                   ).key(f"{choice.value}.{field.name}")
    solara.Button("Switch on", color="primary", on_click=switch_on,
                  disabled=not model.running or choice.value in active)
    kind, text = message.value
    if kind == "error":
        solara.Error(text)
    elif kind == "ok":
        solara.Success(text)
    elif choice.value in active:
        solara.Info(f"{choice.value} is on already.")
    with solara.Details(summary=f"Parameters of {choice.value}"):
        solara.HTML(unsafe_innerHTML=table(
            [[f.name, f.allowed, f.meaning] for f in fields] or [["(none)", "", ""]],
            header=["parameter", "allowed", "meaning"]))


@solara.component
def BudgetPanel(model: EcosystemModel, revision: int) -> None:  # noqa: N802
    """The regulator's budget and what each instrument has spent, live.

    Args:
        model: the session's model.
        revision: Mesa's update counter; a new value re-renders the component.
    """
    with solara.Card("Policy budget"):
        solara.HTML(unsafe_innerHTML=table(budget_rows(model)))
        solara.HTML(unsafe_innerHTML=table(spending_rows(model),
                                           header=["instrument", "on since", "spent"]))
        if model.regulator.budget.per_year <= 0:
            solara.HTML(unsafe_innerHTML=note(
                "No budget: paid instruments spend nothing. Set policy.budget_per_year under "
                "Settings and press Reset."))
