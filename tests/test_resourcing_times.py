"""Re-sourcing times by platform membership measure search, with returns apart (issue 9,
ODD 7.13, :mod:`abm.platforms.resourcing`).

A total 20-week outage of region 0 makes buyers search (a default 6-week disaster is bridged by
stocks in a small economy) and, once it is over, return to their former suppliers.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from abm.config.compose import compose_config
from abm.model import EcosystemModel

SEEDS = range(8)
OUTAGE = ("network.n_firms=100", "ticks=50", "twin=false", "output.plot=false",
          "output.progress=false", "scenario=regional_disaster",
          "scenario.shocks.regional_disaster.onset=10",
          "scenario.shocks.regional_disaster.magnitude=1.0",
          "scenario.shocks.regional_disaster.duration=20")


def _run(seed: int) -> EcosystemModel:
    model = EcosystemModel(config=replace(compose_config(list(OUTAGE)), seed=seed))
    model.run()
    return model


def test_search_times_are_the_engines_replacement_waits_and_returns_follow_searches() -> None:
    """The search times are exactly the engine's replacement waits (``digital_agility``); a
    return follows a search of the same link, so there are no more returns than searches, and
    every time lies between one tick and the ticks since the outage began."""
    for seed in (0, 1):
        model = _run(seed)
        times = model.platform_process.resourcing
        searched = np.concatenate([t for t, _ in times.searches])
        engine = np.concatenate(model.replacement_ticks)
        assert len(engine) > 0
        assert np.array_equal(np.sort(searched), np.sort(engine))
        returned = np.concatenate([t for t, _ in times.returns])
        assert 0 < len(returned) <= len(searched)
        since_onset = model.config.ticks - 10 + 1
        assert searched.min() >= 1 and searched.max() <= since_onset
        assert returned.min() >= 1 and returned.max() <= since_onset
        out = model.firm_outcomes()
        assert out["resourcing_searches_total"] == len(searched)
        assert out["resourcing_returns_total"] == len(returned)


def test_members_find_a_new_supplier_faster() -> None:
    """Platform members search with the platform's matching and their wider visible pool:
    their mean search time is shorter than non-members' in the same runs, averaged over
    seeds."""
    gap = []
    for seed in SEEDS:
        out = _run(seed).firm_outcomes()
        gap.append(out["resourcing_ticks_members"] - out["resourcing_ticks_nonmembers"])
    assert np.nanmean(gap) < 0
