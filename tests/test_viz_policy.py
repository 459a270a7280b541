"""The app's policy panels without a browser: every registered instrument with its declared
parameters, switching one on mid-run, refusals, and the live budget per instrument."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import ipyvuetify as v
import pytest
import solara

from abm.core.registry import INSTRUMENTS, load_plugins
from abm.viz.policy import instrument_fields
from abm.viz.session import OVERRIDES_ENV
from tests.test_viz_render import _App, _click, _text

if TYPE_CHECKING:
    from reacton.core import _RenderContext as RenderContext


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> Iterator[RenderContext]:
    """The rendered app on a 400-firm network with a funded regulator."""
    monkeypatch.setenv(OVERRIDES_ENV, "network.n_firms=400 policy.budget_per_year=20000 "
                       "platforms.acting=false")
    _, rc = solara.render(_App(), handle_error=False)
    yield rc
    rc.close()


def _pick(rc: RenderContext, name: str) -> None:
    rc.find(v.Select, label="Instrument").widget.v_model = name


def _spent(rc: RenderContext, name: str) -> tuple[str, float]:
    """An instrument's status and spending as the budget panel shows them."""
    found = re.search(rf"{name} (off|start|tick \d+) ([\d,]+)", _text(rc))
    assert found, _text(rc)
    return found.group(1), float(found.group(2).replace(",", ""))


def test_every_registered_instrument_is_listed_with_its_declared_parameters(
        rendered: RenderContext) -> None:
    load_plugins()
    assert rendered.find(v.Select, label="Instrument").widget.items == list(INSTRUMENTS)
    for name in INSTRUMENTS:
        _pick(rendered, name)
        labels = ({w.label for w in rendered.find(v.TextField).widgets}
                  | {w.label for w in rendered.find(v.Select).widgets}
                  | {w.label for w in rendered.find(v.Checkbox).widgets})
        declared = instrument_fields(name)
        assert {f.name for f in declared} <= labels, name
        text = _text(rendered)
        assert all(f.meaning.split(" (")[0][:30] in text for f in declared), name
        assert _spent(rendered, name) == ("off", 0.0)


def test_switching_on_mid_run_spends_from_the_next_tick(rendered: RenderContext) -> None:
    for _ in range(2):
        _click(rendered, "Step")
    _pick(rendered, "rd_subsidy")
    share = rendered.find(v.TextField, label="share").widget
    share.v_model = "0.6"
    share.fire_event("keyup.enter", None)
    _click(rendered, "Switch on")
    assert "rd_subsidy is on from tick 3." in _text(rendered)
    assert "policy rd_subsidy · tick 2" in _text(rendered)
    assert rendered.find(v.Btn, children=["Switch on"]).widget.disabled  # on already
    for _ in range(14):  # past the next investment decision (every 13 ticks)
        _click(rendered, "Step")
    status, spent = _spent(rendered, "rd_subsidy")
    assert status == "tick 3" and spent > 0
    left = re.search(r"left this year ([\d,]+)", _text(rendered))
    assert left and float(left.group(1).replace(",", "")) == pytest.approx(20000 - spent, abs=1)


def test_a_refused_instrument_shows_why_and_changes_nothing(rendered: RenderContext) -> None:
    _pick(rendered, "platform_regulation")
    _click(rendered, "Switch on")
    text = _text(rendered)
    assert "Not switched on:" in text and "platforms.acting" in text
    assert _spent(rendered, "platform_regulation") == ("off", 0.0)
    _pick(rendered, "rd_subsidy")
    share = rendered.find(v.TextField, label="share").widget
    share.v_model = "5"
    share.fire_event("keyup.enter", None)
    _click(rendered, "Switch on")
    assert "policy.instruments.rd_subsidy.share" in _text(rendered)
    assert _spent(rendered, "rd_subsidy") == ("off", 0.0)
