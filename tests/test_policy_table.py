"""The policy table: paired effects and cost-effectiveness from a sweep's own baseline runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.policy_table import policy_table, select, to_markdown


def _sweep() -> pd.DataFrame:
    """Ten seeds; policy `a` lowers loss by 1 on every seed at a cost of 2e6, `b` spends
    nothing and changes nothing; the seed's own luck moves both arms alike."""
    rng = np.random.default_rng(0)
    rows = []
    for seed in range(10):
        luck = rng.normal(0.0, 5.0)
        rows += [{"policy": "baseline", "seed": seed, "resilience_loss": 10 + luck,
                  "subsidy_spent": 0.0},
                 {"policy": "a", "seed": seed, "resilience_loss": 9 + luck,
                  "subsidy_spent": 2e6},
                 {"policy": "b", "seed": seed, "resilience_loss": 10 + luck,
                  "subsidy_spent": 0.0}]
    return pd.DataFrame(rows)


def test_paired_effect_removes_the_seeds_luck_and_prices_the_gain() -> None:
    table = policy_table(_sweep(), ["policy"])
    assert list(table.index) == ["baseline", "a", "b"]
    # Paired on seeds the effect is exactly -1 with a point interval, although the levels
    # themselves vary by +-5 across seeds.
    assert table.loc["a", "Δ resilience_loss"] == "-1 [-1, -1]"
    assert table.loc["a", "cost_effectiveness"] == "0.5 [0.5, 0.5]"  # 1 per 2 million
    assert table.loc["b", "cost_effectiveness"] == "–"  # spent nothing: undefined, not 0
    assert table.loc["a", "seeds"] == "10"
    markdown = to_markdown(table)
    assert markdown.splitlines()[0].startswith("| policy | seeds |")
    assert len(markdown.splitlines()) == 2 + 3


def test_where_keeps_one_scenario_and_refuses_unknown_keys_and_values() -> None:
    both = pd.concat([_sweep().assign(scenario="disaster"),
                      _sweep().assign(scenario="pandemic", resilience_loss=0.0)])
    kept = select(both, ["scenario=disaster"])
    assert set(kept["scenario"]) == {"disaster"} and len(kept) == 30
    assert policy_table(kept, ["policy", "scenario"]).loc["a", "Δ resilience_loss"] == \
        "-1 [-1, -1]"
    for bad in (["scenario"], ["colour=red"], ["scenario=flood"]):
        with pytest.raises(SystemExit, match="error"):
            select(both, bad)
