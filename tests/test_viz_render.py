"""The browser app without a browser: Solara renders the page in-process (as Mesa's own
SolaraViz tests do), and the drawing and shock functions run on small models."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara
import solara.widgets

from abm.config.compose import compose_config, config_dir
from abm.core.registry import INSTRUMENTS
from abm.model import EcosystemModel
from abm.policies import Instrument
from abm.viz.app import Page
from abm.viz.attributes import available
from abm.viz.charts import LineChart, Panel
from abm.viz.inspector import firm_attributes, link_table
from abm.viz.launch import APP_PATH, SERVER_ENV, launch_command
from abm.viz.netdraw import NetworkView, render_network
from abm.viz.network import BASE_OPTIONS, MAX_NODES, colour_options
from abm.viz.series import extension_chart, extension_columns
from abm.viz.session import OVERRIDES_ENV, VizModel, compose
from abm.viz.shocks import inject_scenario

if TYPE_CHECKING:
    from reacton.core import _RenderContext as RenderContext

SMALL = "network.n_firms=400"


@solara.component
def _App() -> None:  # noqa: N802
    """The page inside an app layout, as ``solara run`` serves it (the sidebar needs one)."""
    with solara.AppLayout():
        Page()


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> Iterator[RenderContext]:
    """The rendered app on a 400-firm network."""
    monkeypatch.setenv(OVERRIDES_ENV, SMALL)
    _, rc = solara.render(_App(), handle_error=False)
    yield rc
    rc.close()


def _strings(widget: object) -> Iterator[str]:
    """Text in a widget tree: string children and the text of HTML widgets."""
    if isinstance(widget, str):
        yield widget
        return
    markup = getattr(widget, "unsafe_innerHTML", None)  # solara.HTML
    if isinstance(markup, str):
        yield html.unescape(re.sub(r"<[^>]+>", " ", markup))
    for child in getattr(widget, "children", None) or []:
        yield from _strings(child)


def _text(rc: RenderContext) -> str:
    """All visible text of the page, whitespace collapsed."""
    return re.sub(r"\s+", " ", " ".join(_strings(rc.container)))


def _click(rc: RenderContext, label: str) -> None:
    """Click the button labelled ``label``."""
    rc.find(v.Btn, children=[label]).widget.click()


def _network_png(rc: RenderContext) -> bytes:
    """The network picture (the page's only image)."""
    return bytes(rc.find(ipywidgets.Image).widget.value)


def _charts(rc: RenderContext) -> list[str]:
    """The SVG markup of the time-series charts in page order: core, then extension."""
    return [markup for markup in (getattr(w, "unsafe_innerHTML", None)
                                  for w in rc.find(solara.widgets.HTML).widgets)
            if isinstance(markup, str) and markup.startswith('<svg class="ecosim-chart"')]


def _small_model(scenario: str = "none", seed: int = 1) -> VizModel:
    """A 400-firm model as the app builds it."""
    return VizModel(seed=seed, n_firms=400, scenario_name=scenario, policy="baseline")


def test_page_has_the_controls(rendered: RenderContext) -> None:
    buttons = {b.children[0] for b in rendered.find(v.Btn).widgets}
    assert {"Reset", "▶", "Step", "Shock now", "Most affected firm"} <= buttons
    selects = {s.label: s for s in rendered.find(v.Select).widgets}
    assert {"Policy", "Scenario to apply", "Colour by"} <= set(selects)
    assert selects["Policy"].items == ["baseline", *INSTRUMENTS]  # none shipped yet
    assert "regional_disaster" in selects["Scenario to apply"].items
    fields = {f.label for f in rendered.find(v.TextField).widgets}
    assert {"Seed", "policy.budget_per_year"} <= fields
    sliders = {s.label: s.v_model for s in rendered.find(v.Slider).widgets}
    assert sliders["Firms"] == 400
    assert "Step: 0" in _text(rendered)


def test_step_updates_counter_network_and_series(rendered: RenderContext) -> None:
    _click(rendered, "Step")
    assert "Step: 1" in _text(rendered)
    network, charts = _network_png(rendered), _charts(rendered)
    assert network.startswith(b"\x89PNG") and charts
    assert all('data-tick="1"' in chart for chart in charts)
    for _ in range(2):
        _click(rendered, "Step")
    assert "Step: 3" in _text(rendered)
    later_charts = _charts(rendered)
    assert _network_png(rendered) != network and len(later_charts) == len(charts)
    assert all('data-tick="3"' in chart for chart in later_charts)
    for title in ("Performance (share of final demand met)", "Inventories (thousand units)",
                  "Bullwhip: orders by tier", "Sourcing, exit and entry (count)"):
        assert title in later_charts[0]
    assert re.search(r"Performance \(last tick\) [01]\.\d{3}", _text(rendered))
    assert re.search(r"● normal \(\d+\) ● disrupted \(\d+\)", _text(rendered))  # the legend
    assert "━ stressed link" in _text(rendered)


def test_shock_now_drops_performance_and_reset_rebuilds(rendered: RenderContext) -> None:
    for _ in range(3):
        _click(rendered, "Step")
    rendered.find(v.Select, label="Scenario to apply").widget.v_model = "regional_disaster"
    _click(rendered, "Shock now")
    assert "regional_disaster@4: regional_disaster from tick 4" in _text(rendered)
    performance = []
    for _ in range(6):
        _click(rendered, "Step")
        found = re.search(r"Performance \(last tick\) ([01]\.\d{3})", _text(rendered))
        assert found
        performance.append(float(found.group(1)))
    assert min(performance) < 0.97, performance
    resistance = re.search(r"Resistance \(1 − deepest drop\) ([01]\.\d{3})", _text(rendered))
    assert resistance and float(resistance.group(1)) < 0.97

    before = re.search(r"fingerprint ([0-9a-f]{10})", _text(rendered))
    seed = rendered.find(v.TextField, label="Seed").widget
    seed.v_model = "7"
    seed.fire_event("keyup.enter", None)
    _click(rendered, "Reset")
    text = _text(rendered)
    after = re.search(r"fingerprint ([0-9a-f]{10})", text)
    assert before and after and before.group(1) != after.group(1)
    assert "Step: 0" in text and "seed 7" in text


def test_policy_controls_follow_the_registry(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    conf = tmp_path / "conf"
    shutil.copytree(config_dir(), conf)
    (conf / "policy" / "cluster_support.yaml").write_text("instruments:\n  cluster_support: {}\n")
    monkeypatch.setenv("ECOSIM_CONFIG_DIR", str(conf))
    INSTRUMENTS.register("cluster_support")(Instrument)
    try:
        monkeypatch.setenv(OVERRIDES_ENV, SMALL)
        _, rc = solara.render(_App(), handle_error=False)
        items = rc.find(v.Select, label="Policy").widget.items
        assert items[0] == "baseline" and "cluster_support" in items
        rc.close()
    finally:
        INSTRUMENTS.unregister("cluster_support")


def test_shock_now_equals_the_scheduled_scenario() -> None:
    """A chokepoint applied at tick 11 (which grows the transport ring buffer) gives the same
    run as the same scenario configured to start at tick 11."""
    cfg = compose(["scenario=compound", SMALL])
    for shock in cfg.scenario.shocks.values():
        shock.onset = 11
    scheduled = EcosystemModel(config=cfg)
    scheduled.run(30)
    live = EcosystemModel(config=compose(["scenario=none", SMALL]))
    live.run(10)
    horizon = live.pipeline.horizon
    assert inject_scenario(live, "compound") == ["regional_disaster@11",
                                                 "logistics_chokepoint@11"]
    assert live.pipeline.horizon > horizon
    live.step()
    assert render_network(live, "state", None).counts["disrupted"] > 0
    live.run(19)
    a, b = scheduled.timeseries(), live.timeseries()
    assert a["performance"].min() < 0.9
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-9, atol=1e-6)


def test_views_offer_behaviour_arrays_only_when_present() -> None:
    model = _small_model("regional_disaster")
    model.run(3)
    engine_labels = [a.label for a in available(model)]
    assert colour_options(model) == [*BASE_OPTIONS, *engine_labels]
    rng = np.random.default_rng(0)
    model.behaviour = SimpleNamespace(  # the mechanism processes own their state
        esg=SimpleNamespace(state=SimpleNamespace(rating=rng.random(model.firms.n))),
        trust=SimpleNamespace(state=SimpleNamespace(trust=rng.random(model.links.n))),
        digital=SimpleNamespace(state=SimpleNamespace(maturity=rng.random(3))),  # wrong length
    )
    options = colour_options(model)
    assert options == [*BASE_OPTIONS, "ESG rating (seen by buyers)", "trust in suppliers"]
    for option in options:
        assert render_network(model, option, 0).png.startswith(b"\x89PNG")
    assert ("ESG rating (seen by buyers)", f"{model.behaviour.esg.state.rating[0]:.3f}") in (
        firm_attributes(model, 0))
    buyer = int(model.links.buyer[0])
    assert "<th>buyer&#x27;s trust</th>" in link_table(model, buyer, as_buyer=True)
    model.behaviour = SimpleNamespace()
    assert colour_options(model) == list(BASE_OPTIONS)


def test_extension_panels_follow_recorded_columns() -> None:
    model = _small_model()
    model.run(3)
    frame = model.timeseries()[["step", "performance"]].assign(
        mean_esg_rating=0.5, esg_fines=1e4, mean_trust=0.7)
    groups = extension_columns(frame)
    assert groups == {"ESG and greenwashing": ["mean_esg_rating", "esg_fines"],
                      "Trust": ["mean_trust"], "Digital adoption": [], "Technology": [],
                      "Platforms": [], "Chain leaders: SaaS roll-out by tier": []}
    present = {title: columns for title, columns in groups.items() if columns}
    chart = extension_chart(present)
    assert chart.panels[0].right == ("esg_fines",)
    values = [[frame[c].to_numpy(dtype=float) for c in cols] for cols in present.values()]
    svg = chart.render(frame["step"].to_numpy(), values, [(2, 3.5)])
    assert svg.startswith('<svg class="ecosim-chart" data-tick="3"') and svg.endswith("</svg>")
    for text in ("ESG and greenwashing", "Trust", "mean_esg_rating", "esg_fines (right)"):
        assert f">{text}<" in svg
    assert 'fill-opacity="0.12"' in svg  # the shock window is shaded


def test_chain_leader_roll_out_gets_its_panel_when_the_programme_runs() -> None:
    model = EcosystemModel(config=compose_config(
        ["network.n_firms=200", "ticks=60", "scenario=none", "policy=chain_leader_system"]))
    model.run(5)
    groups = extension_columns(model.timeseries())
    assert {"cl_connected_tier1", "cl_connected_tier2", "cl_connected_tier3",
            "cl_designated"} <= set(groups["Chain leaders: SaaS roll-out by tier"])


def test_chart_axes_read_like_matplotlib() -> None:
    chart = LineChart([Panel("Counts", (("links", {}), ("total", {})), right=("total",),
                             include=(0.0, 5.0))], columns=1)
    steps = np.arange(1, 11)
    gap = np.where(steps == 5, np.nan, 1.0)  # a missing value breaks the line
    svg = chart.render(steps, [[gap * 2.0, steps * 25_000.0]], [])
    ticks = re.findall(r'class="ecosim-tick"[^>]*>([^<]+)<', svg)
    assert {"0", "2", "4"} <= set(ticks) and "250k" in ticks  # left axis keeps 0..5 in view
    lines = re.findall(r'class="ecosim-line" d="([^"]+)"', svg)
    assert lines[0].count("M") == 2 and lines[1].count("M") == 1


def test_network_view_redraws_like_a_fresh_drawing() -> None:
    model = _small_model("regional_disaster")
    model.run(3)
    view = NetworkView(model)
    first = view.render("state", 5)
    inject_scenario(model, "regional_disaster")
    model.run(2)
    again = view.render("state", 5)
    assert again.png != first.png and again.counts["disrupted"] > 0
    assert again.png == render_network(model, "state", 5).png
    assert view.render("state", 5).png == again.png  # from the cached link layer this time


def test_large_networks_are_sampled() -> None:
    model = VizModel(seed=1, n_firms=MAX_NODES + 1000, scenario_name="none",
                     policy="baseline")
    model.step()
    caption = render_network(model, "state", None).caption
    drawn = re.search(r"a fixed sample of ([\d,]+) of ([\d,]+) firms", caption)
    assert drawn, caption
    assert MAX_NODES <= int(drawn.group(1).replace(",", "")) < MAX_NODES + 20
    assert drawn.group(2) == f"{MAX_NODES + 1000:,}"


def test_launch_command_serves_the_app_offline_ready() -> None:
    command = launch_command("127.0.0.1", 9123)
    assert command[1:4] == ["-m", "solara", "run"]
    assert str(APP_PATH) in command and "--production" in command
    assert command[command.index("--port") + 1] == "9123"
    assert SERVER_ENV["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert SERVER_ENV["SOLARA_CHECK_HOOKS"] == "off"
