"""Memory stays flat over many runs in one process (Mesa 3.3.1 kept every model alive through
the class-level ``Agent._ids``, Mesa issue #3179, about 9 MB per default run)."""

from __future__ import annotations

import gc
import weakref

import psutil

from abm.config.compose import compose_config
from abm.config.schema import SimulationConfig
from abm.model import EcosystemModel

N_MODELS = 40
SMALL = ["network.n_firms=120", "ticks=30", "scenario=regional_disaster",
         "scenario.shocks.regional_disaster.onset=10"]


def _run_one(config: SimulationConfig, seed: int) -> weakref.ref[EcosystemModel]:
    model = EcosystemModel(config=config, seed=seed)
    model.run()
    assert len(model.timeseries()) == 30  # the model really ran
    return weakref.ref(model)


def test_many_models_are_freed_and_rss_stays_flat() -> None:
    config = compose_config(SMALL)
    process = psutil.Process()
    for seed in range(5):  # warm-up: imports, caches and allocator pools reach their size
        _run_one(config, seed)
    gc.collect()
    start = process.memory_info().rss
    refs = [_run_one(config, seed) for seed in range(N_MODELS)]
    gc.collect()
    growth_mb = (process.memory_info().rss - start) / 2**20
    alive = sum(ref() is not None for ref in refs)
    assert alive == 0, f"{alive} of {N_MODELS} models are still referenced after use"
    # A leak of one such model is ~1 MB; 40 of them would exceed this bound by far.
    assert growth_mb < 15, f"RSS grew {growth_mb:.1f} MB over {N_MODELS} runs"
