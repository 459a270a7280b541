"""Platform services (audits, SaaS tools, faster matching) live in the platforms process and
act through levers and published state; the behaviour layer no longer knows about platforms.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from abm.config.compose import compose_config
from abm.core.levers import InvestmentLevers
from abm.core.process import Process, World
from abm.core.registry import PROCESSES
from abm.model import EcosystemModel
from tests.test_process_boundary import HOOKS, ReadOnly, _guard_world

SMALL = ("network.n_firms=300", "ticks=30", "scenario=none", "seed=4",
         "platforms.membership_rate=0.4", "platforms.acting=false")


def _model(*extra: str) -> EcosystemModel:
    return EcosystemModel(config=compose_config([*SMALL, *extra]))


def test_behaviour_code_does_not_mention_platform_membership() -> None:
    """No behaviour module reads ``firms.platform`` or a platform parameter."""
    root = Path(__file__).parents[1] / "abm" / "behaviour"
    for path in root.rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"\.platform\b|platform_(audit|boost|search)", text), path


def test_services_run_without_acting_platforms() -> None:
    model = _model()
    process = model.platform_process
    assert process is not None and not process.acting and not model.platform_acting
    firms = model.firms
    member = firms.platform >= 0
    levers = process.investment(model.world, InvestmentLevers())
    assert levers.member_audit_rate is not None
    assert np.all(levers.member_audit_rate[member] == model.config.platforms.audit_rate)
    assert np.all(levers.member_audit_rate[~member] == 0.0)
    assert np.all(process.publish("search_factor")[member] == 0.75)
    assert np.all(process.publish("search_factor")[~member] == 1.0)
    # Acting hooks stay neutral: no fees, no series of their own.
    assert process.planned_spending(model.world) is None
    assert process.tick_metrics() == {} and process.outcomes() == {}


def test_saas_tools_give_members_a_head_start_in_maturity() -> None:
    """Same seed and draws: maturities differ by the boost exactly for SME members."""
    with_tools, without = _model(), _model("platforms.saas_boost=0")
    firms = with_tools.firms
    gap = (with_tools.behaviour.digital.state.maturity
           - without.behaviour.digital.state.maturity)
    members = (firms.platform >= 0) & ~firms.chain_leader
    assert members.any()
    assert np.all(gap[~members] == 0.0)
    assert np.all(gap[members] >= 0.0) and gap[members].mean() > 0.05


def test_matching_factor_shortens_members_searches() -> None:
    fast, slow = _model(), _model("platforms.search_factor=1")
    member = fast.firms.platform >= 0
    f_ticks = fast.behaviour.digital.search_ticks
    s_ticks = slow.behaviour.digital.search_ticks
    assert np.all(f_ticks[~member] == s_ticks[~member])
    assert f_ticks[member].mean() < s_ticks[member].mean()


def test_acting_platforms_never_write_engine_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every feature of the acting platforms on, through a chokepoint and a deep disaster,
    with every engine array read-only while the platforms' code runs."""
    factory = PROCESSES["platforms"]
    guards: list[ReadOnly] = []
    hooks = (*HOOKS, "demand", "sales", "investment", "membership", "publish")

    def build(world: World) -> Process:
        guard = ReadOnly(world.firms, world.links)
        guards.append(guard)
        _guard_world(world, guard)
        process = guard.around(factory)(world)
        for hook in hooks:
            setattr(process, hook, guard.around(getattr(process, hook)))
        return process

    build.streams = factory.streams  # type: ignore[attr-defined]
    monkeypatch.setitem(PROCESSES._entries, "platforms", build)
    model = EcosystemModel(config=compose_config([
        "network.n_firms=300", "ticks=70", "seed=2", "platforms.acting=true",
        "platforms.order_routing=true", "platforms.membership_rate=0.4",
        "scenario=[regional_disaster,logistics_chokepoint]",
        "scenario.shocks.regional_disaster.onset=20",
        "scenario.shocks.regional_disaster.magnitude=1.0",
        "scenario.shocks.regional_disaster.duration=20",
        "scenario.shocks.logistics_chokepoint.onset=25"]))
    model.run()
    assert len(guards) == 1 and not guards[0].frozen
    assert model.timeseries()["links_rewired"].sum() > 0
