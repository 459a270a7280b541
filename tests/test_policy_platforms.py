"""Policy through the acting platforms (issue 10): platform regulation and the "orders +
tools" delivery of the digital subsidy.

Directions are paired differences (policy - baseline, same seed: common random numbers)
averaged over ``SEEDS``. The effect sizes are findings, not targets.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from abm import simulate
from abm.config.compose import compose_config
from abm.core.errors import ConfigError
from abm.model import EcosystemModel

SEEDS = range(8)
MANAGED = ("network.n_firms=300", "scenario=none", "ticks=104", "platforms.acting=true",
           "platforms.mode=full_managed")
ORDERS_AND_TOOLS = ("policy=digital_subsidy", "policy.budget_per_year=1e9",
                    "policy.instruments.digital_subsidy.delivery=orders_and_tools")


def member_margins(overrides: list[str]) -> tuple[np.ndarray, np.ndarray, float]:
    """Per firm: total profit / total revenue, whether an alive member SME at the end; and
    the supplier margin on platform sales over the run."""
    model = EcosystemModel(config=compose_config(overrides))
    model.run()
    firms = model.firms
    member = firms.alive & ~firms.chain_leader & (firms.platform >= 0)
    margin = np.divide(firms.total_profit, firms.total_revenue, out=np.full(firms.n, np.nan),
                       where=firms.total_revenue > 0)
    return margin, member, model.firm_outcomes()["platform_margin_mean"]


def test_commission_cap_raises_member_sme_margins_under_full_managed_mode() -> None:
    # With membership fixed, the same SMEs are members in both runs: their margins compare
    # firm by firm. With membership dynamics, the cap also draws more SMEs onto platforms.
    same_firms, platform_margin, member_mean = [], [], []
    for seed in SEEDS:
        for fixed, out in ((True, same_firms), (False, member_mean)):
            extra = [f"seed={seed}", *(["platforms.review_ticks=0"] if fixed else [])]
            base, base_member, base_pm = member_margins([*MANAGED, *extra])
            capped, capped_member, capped_pm = member_margins(
                [*MANAGED, *extra, "policy=platform_regulation",
                 "policy.instruments.platform_regulation.commission_cap=0.02"])
            if fixed:
                assert (base_member == capped_member).all()
                out.append(float(np.nanmean(capped[base_member] - base[base_member])))
            else:
                out.append(float(np.nanmean(capped[capped_member])
                                 - np.nanmean(base[base_member])))
                platform_margin.append(capped_pm - base_pm)
    assert np.mean(same_firms) > 0, same_firms
    assert np.mean(member_mean) > 0, member_mean
    assert np.mean(platform_margin) > 0, platform_margin


def test_managed_share_cap_binds_only_in_full_managed_mode() -> None:
    cap = "policy.instruments.platform_regulation.managed_share_cap=0.2"
    no_commission_cap = "policy.instruments.platform_regulation.commission_cap=null"
    diffs = {}
    for mode in ("full_managed", "marketplace"):
        base = [*MANAGED, f"platforms.mode={mode}", "seed=3"]
        plain = simulate(base).summary["platform_margin_mean"]
        capped = simulate([*base, "policy=platform_regulation", cap, no_commission_cap]
                          ).summary["platform_margin_mean"]
        diffs[mode] = capped - plain
    assert diffs["full_managed"] > 0.01, diffs
    assert diffs["marketplace"] == 0.0, diffs  # no managed price-setting to cap


def test_no_cap_is_the_unregulated_run_bit_for_bit() -> None:
    base = [*MANAGED, "seed=2", "ticks=60"]
    free = simulate([*base, "policy=platform_regulation",
                     "policy.instruments.platform_regulation.commission_cap=null"])
    plain = simulate(base)
    assert free.timeseries.equals(plain.timeseries)


@pytest.mark.parametrize("policy", [
    ["policy=platform_regulation"],
    list(ORDERS_AND_TOOLS),
])
def test_platform_instruments_refuse_passive_platforms(policy: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        compose_config(["scenario=none", *policy, "platforms.acting=false"])
    assert "platforms.acting" in str(caught.value)
    assert "policy.instruments." in str(caught.value)


def test_cli_exits_2_on_platform_regulation_without_acting_platforms(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "abm.cli", "run", "policy=platform_regulation", "scenario=none",
         "platforms.acting=false", f"hydra.run.dir={tmp_path / 'out'}"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "ECOSIM_OUTPUT_ROOT": str(tmp_path)})
    assert done.returncode == 2, done.stderr
    message = done.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "policy.instruments.platform_regulation" in message
    assert "platforms.acting" in message
    assert not list(tmp_path.rglob("summary.json"))


def test_orders_and_tools_raises_membership_and_digital_adoption() -> None:
    base = ("network.n_firms=300", "scenario=none", "ticks=260", "platforms.acting=true")
    members, adoption, spent = [], [], []
    for seed in SEEDS:
        plain = simulate([*base, f"seed={seed}"])
        policy = simulate([*base, *ORDERS_AND_TOOLS, f"seed={seed}"])
        late = slice(-52, None)  # the last model year
        members.append(policy.timeseries["platform_members"].iloc[late].mean()
                       - plain.timeseries["platform_members"].iloc[late].mean())
        adoption.append(policy.summary["digital_adoption_rate"]
                        - plain.summary["digital_adoption_rate"])
        spent.append(policy.summary["subsidy_spent_digital_subsidy"])
    assert np.mean(members) > 0, members
    assert np.mean(adoption) > 0, adoption
    assert min(spent) > 0, spent


def test_orders_and_tools_without_budget_is_a_no_op() -> None:
    base = ["network.n_firms=300", "scenario=none", "ticks=60", "platforms.acting=true",
            "seed=1"]
    unfunded = simulate([*base, *ORDERS_AND_TOOLS, "policy.budget_per_year=0"])
    plain = simulate(base)
    assert unfunded.summary["subsidy_spent"] == 0.0
    assert unfunded.timeseries.equals(plain.timeseries)
