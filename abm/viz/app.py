"""The browser app: ``solara run abm/viz/app.py`` (or ``ecosim viz``, see :func:`abm.viz.launch`).

Every browser session builds its own model (nothing is shared between tabs). The sidebar holds
Mesa's run controls (Reset, play/pause, Step), the settings Reset applies, "shock now" and
"policy now" (switch an instrument on mid-run); the main area shows the supply network, live
resilience metrics, the policy budget, time series and a firm inspector.

A tick must render well under a second: the network is redrawn over cached layers
(:mod:`abm.viz.netdraw`), the time series go to the browser as SVG that it draws itself
(:mod:`abm.viz.charts`), and one render pass updates the whole page (see :func:`Page`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from html import escape
from typing import Any

import numpy as np
import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import force_update, update_counter

from abm.config import ConfigError
from abm.viz.html import TABLE_CSS, legend, note, table
from abm.viz.inspector import firm_attributes, link_table, most_affected
from abm.viz.netdraw import NetworkView
from abm.viz.network import colour_options, fingerprint
from abm.viz.policy import BudgetPanel, PolicyNow
from abm.viz.series import (
    BASELINE_NOTE,
    SeriesView,
    extension_columns,
    live_metrics,
)
from abm.viz.session import (
    Settings,
    VizModel,
    build_config,
    default_settings,
    policy_defaults,
    policy_names,
    scenario_names,
)
from abm.viz.shocks import describe_schedule, inject_scenario, shock_scenarios

MAX_FIRMS = 10_000  # upper end of the network-size slider (abm/conf/network/large.yaml)


def _timed[T](render: Callable[[], T]) -> tuple[T, float]:
    """Run ``render`` and return its result with the time it took, in milliseconds.

    Args:
        render: the work to time.

    Returns:
        The result and the elapsed milliseconds.
    """
    started = time.perf_counter()
    result = render()
    return result, 1000.0 * (time.perf_counter() - started)


def _small(text: str) -> None:
    """A line of small print.

    Args:
        text: the text.
    """
    solara.Text(text, style={"font-size": "0.85em", "color": "#555"})


@solara.component
def RunInfo(model: VizModel, revision: int) -> None:  # noqa: N802
    """Step counter (as Mesa shows it), run horizon and network fingerprint.

    Args:
        model: the session's model.
        revision: Mesa's update counter; a new value re-renders the component.
    """
    solara.Text(f"Step: {model.steps}")
    _small(f"Run ends at tick {model.config.ticks}. Network fingerprint {fingerprint(model)}: "
           f"{model.firms.n:,} firms, {model.links.n:,} links.")


@solara.component
def SettingsForm(params: solara.Reactive[dict[str, Any]]) -> None:  # noqa: N802
    """Seed, network size, scenario and policy controls; Reset builds a model from them.

    One control per numeric field of the policy config, and the policy list comes from the
    registry of policy instruments, so instruments and parameters added appear here.

    Args:
        params: the keyword arguments Mesa's Reset passes to :class:`VizModel`.
    """
    values = params.value
    error = solara.use_reactive("")

    def update(**changes: Any) -> None:
        """Keep only settings that compose into a valid configuration, so Reset cannot fail."""
        candidate = {**params.value, **changes}
        try:
            build_config(Settings(**candidate))
        except ConfigError as exc:
            error.set(f"Not applied: {exc}")
            return
        error.set("")
        params.set(candidate)

    def setter(key: str) -> Callable[[Any], None]:
        return lambda value: update(**{key: value})

    def set_policy(name: str) -> None:
        update(policy=name, policy_params=policy_defaults(name))

    def set_policy_param(key: str, value: float | None) -> None:
        if value is not None:
            update(policy_params={**params.value["policy_params"], key: value})

    solara.InputInt("Seed", value=int(values["seed"]), on_value=setter("seed"))
    solara.SliderInt("Firms", value=int(values["n_firms"]), min=100, max=MAX_FIRMS,
                     step=100, on_value=setter("n_firms"))
    solara.Select("Scenario (shocks at their configured ticks)", values=scenario_names(),
                  value=str(values["scenario_name"]), on_value=setter("scenario_name"))
    solara.Select("Policy", values=policy_names(), value=str(values["policy"]),
                  on_value=set_policy)
    for key, default in values["policy_params"].items():
        field = solara.InputInt if isinstance(default, int) else solara.InputFloat
        field(f"policy.{key}", value=default,
              on_value=lambda value, key=key: set_policy_param(key, value))
    if error.value:
        solara.Error(error.value)
    solara.Text("Reset rebuilds the model from these settings.")


@solara.component
def ShockNow(model: VizModel, revision: int) -> None:  # noqa: N802
    """Pick a scenario and apply its shocks from the next tick on; list the scheduled shocks.

    Args:
        model: the session's model.
        revision: Mesa's update counter; a new value re-renders the component.
    """
    options = list(shock_scenarios())
    current = model.settings.scenario_name
    choice = solara.use_reactive(current if current in options else options[0])

    def apply() -> None:
        inject_scenario(model, choice.value)
        force_update()

    solara.Select("Scenario to apply", values=options, value=choice)
    solara.Button("Shock now", color="error", on_click=apply,
                  disabled=not model.running)
    schedule = describe_schedule(model)
    solara.HTML(unsafe_innerHTML=table([[line] for line in schedule]) if schedule
                else note("No shocks scheduled."))


@solara.component
def NetworkPanel(model: VizModel, revision: int, colour_by: solara.Reactive[str],  # noqa: N802
                 selected: solara.Reactive[int]) -> None:
    """The supply network with its colour control, caption and drawing time.

    Args:
        model: the session's model.
        revision: Mesa's update counter; a new value re-renders the component.
        colour_by: the chosen colour option.
        selected: the inspected firm (ringed in the picture).
    """
    options = colour_options(model)
    colour = colour_by.value if colour_by.value in options else "state"
    view = solara.use_memo(lambda: NetworkView(model), dependencies=[model])
    picture, took = solara.use_memo(
        lambda: _timed(lambda: view.render(colour, selected.value)),
        dependencies=[model, model.steps, colour, selected.value, len(model.schedule.shocks)])
    with solara.Card("Supply network by tier"):
        solara.Select("Colour by", values=options, value=colour, on_value=colour_by.set)
        solara.HTML(unsafe_innerHTML=legend(picture.legend))
        solara.Image(picture.png, width="100%")
        _small(f"{picture.caption} Drawn in {took:.0f} ms.")


@solara.component
def MetricsTable(model: VizModel, revision: int) -> None:  # noqa: N802
    """The metrics of the ticks so far (mounted once the model has stepped).

    Args:
        model: the session's model.
        revision: Mesa's update counter; a new value re-renders the component.
    """
    rows = solara.use_memo(lambda: live_metrics(model),
                           dependencies=[model, model.steps, len(model.schedule.shocks)])
    solara.HTML(unsafe_innerHTML=table(rows))


@solara.component
def MetricsPanel(model: VizModel, revision: int) -> None:  # noqa: N802
    """Live resilience metrics and policy spending.

    Args:
        model: the session's model.
        revision: Mesa's update counter; a new value re-renders the component.
    """
    with solara.Card("Resilience now"):
        if model.steps == 0:
            solara.Info("No tick yet: press Step or ▶.")
        else:
            MetricsTable(model, revision)
        _small(BASELINE_NOTE.format(window=model.config.metrics.baseline_window))


@solara.component
def InspectorPanel(model: VizModel, revision: int,  # noqa: N802
                   selected: solara.Reactive[int]) -> None:
    """Pick a firm by number; see its attributes, suppliers and customers.

    Args:
        model: the session's model.
        revision: Mesa's update counter; a new value re-renders the component.
        selected: the inspected firm's row.
    """
    n = model.firms.n

    def pick_affected() -> None:
        index = most_affected(model)
        if index is not None:
            selected.set(index)

    with solara.Card("Firm inspector"):
        with solara.Row():
            solara.InputInt(f"Firm number (0–{n - 1})", value=selected)
            solara.Button("Most affected firm", on_click=pick_affected, outlined=True,
                          disabled=most_affected(model) is None)
        if not 0 <= selected.value < n:
            solara.Warning(f"No firm #{selected.value}: this network has firms 0–{n - 1}.")
            return
        with solara.Columns([2, 5]):
            solara.HTML(unsafe_innerHTML=table(firm_attributes(model, selected.value)))
            with solara.Column():
                _small("Suppliers (order share: share of this firm's need for that product "
                       "placed with the supplier)")
                solara.HTML(unsafe_innerHTML=link_table(model, selected.value, as_buyer=True))
                _small("Customers (order share of each customer's need)")
                solara.HTML(unsafe_innerHTML=link_table(model, selected.value, as_buyer=False))


@solara.component
def SeriesCharts(model: VizModel, revision: int) -> None:  # noqa: N802
    """Core time series, and ESG / trust / digital / technology panels when recorded.

    Args:
        model: the session's model (stepped at least once).
        revision: Mesa's update counter; a new value re-renders the component.
    """
    frame = model.timeseries()
    view = solara.use_memo(SeriesView, dependencies=[model])
    charts, took = solara.use_memo(lambda: _timed(lambda: view.render(frame, model)),
                                   dependencies=[model, model.steps, len(model.schedule.shocks)])
    for chart in charts:
        if chart is not None:
            solara.HTML(unsafe_innerHTML=chart)
    for title, columns in extension_columns(frame).items():
        if not columns:
            _small(f"{title}: the model records no such series yet.")
    _small(f"Drawn in {took:.0f} ms.")


@solara.component
def SeriesPanel(model: VizModel, revision: int) -> None:  # noqa: N802
    """The time-series card (charts once the model has stepped).

    Args:
        model: the session's model.
        revision: Mesa's update counter; a new value re-renders the component.
    """
    with solara.Card("Time series (shaded: shocks at full strength)"):
        if model.steps == 0:
            solara.Info("No tick yet.")
        else:
            SeriesCharts(model, revision)


@solara.component
def Dashboard(model: VizModel, revision: int, colour_by: solara.Reactive[str],  # noqa: N802
              selected: solara.Reactive[int]) -> None:
    """The main area: network and metrics side by side, then time series and the inspector.

    Args:
        model: the session's model.
        revision: Mesa's update counter; a new value re-renders the component.
        colour_by: the chosen colour option.
        selected: the inspected firm's row.
    """
    settings = model.settings
    policy = ",".join(sorted(i.name for i in model.regulator.instruments)) or "baseline"
    solara.HTML(tag="h3", unsafe_innerHTML=escape(
        f"{settings.n_firms:,} firms · scenario {settings.scenario_name} · seed {settings.seed} · "
        f"policy {policy} · tick {model.steps}"))
    with solara.Columns([5, 2]):
        NetworkPanel(model, revision, colour_by, selected)
        with solara.Column():
            MetricsPanel(model, revision)
            BudgetPanel(model, revision)
    SeriesPanel(model, revision)
    InspectorPanel(model, revision, selected)


@solara.component
def Page() -> None:  # noqa: N802
    """The app: one model per browser session."""
    # The only subscriber to Mesa's update counter: each subscriber gets its own render pass
    # when a step bumps it (nine cost ~50 ms per tick). The components below take its value as
    # an argument because the model changes in place: an unchanged argument list would let
    # reacton skip them.
    revision = update_counter.get()
    settings = solara.use_memo(default_settings, dependencies=[])
    initial = solara.use_memo(lambda: VizModel(**settings.as_kwargs()), dependencies=[])
    model = solara.use_reactive(initial)
    params = solara.use_reactive(settings.as_kwargs())
    ticks_per_step = solara.use_reactive(1)
    play_interval = solara.use_reactive(150)
    use_threads = solara.use_reactive(False)
    colour_by = solara.use_reactive("state")
    selected = solara.use_reactive(int(np.flatnonzero(initial.firms.chain_leader)[0]))

    solara.Title("ecosim-abm")
    solara.Style(TABLE_CSS)
    with solara.AppBar():
        solara.AppBarTitle("ecosim-abm: industrial ecosystem under shocks")
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            ModelController(model, model_parameters=params, play_interval=play_interval,
                            render_interval=ticks_per_step, use_threads=use_threads)
            solara.SliderInt("Ticks per step", value=ticks_per_step, min=1, max=52)
            RunInfo(model.value, revision)
        with solara.Card("Settings"):
            SettingsForm(params)
        with solara.Card("Shock now"):
            ShockNow(model.value, revision)
        with solara.Card("Policy now (from the next tick)"):
            PolicyNow(model.value, revision)
    Dashboard(model.value, revision, colour_by, selected)


def warm_caches() -> None:
    """Compose the configurations that every first page needs, once per process.

    Hydra takes about a second for them (mostly the scenario list of "Shock now"), which the
    first visitor of a fresh server would otherwise wait for.
    """
    with contextlib.suppress(Exception):  # the page reports a broken configuration itself
        build_config(default_settings())
        shock_scenarios()


if __name__ == "__main__":  # served by ``solara run``, which loads this file at startup
    threading.Thread(target=warm_caches, name="ecosim-warm-caches", daemon=True).start()
