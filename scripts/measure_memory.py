"""Resident memory over many runs in one process, and how many models stay alive.

Usage: ``python scripts/measure_memory.py N [OVERRIDES ...]`` runs N configurations (seeds 0..N-1,
each with its twin when the scenario has shocks) through :func:`abm.api.run_config` and prints
RSS after runs 1, 10, 25 and N, with the number of models still referenced (weak references).
Default overrides: none, i.e. the default 2,000-firm, 260-tick regional disaster.
"""

from __future__ import annotations

import gc
import sys
import time
import weakref

import psutil

import abm.model
from abm.api import run_config
from abm.config.compose import compose_config


def main(argv: list[str]) -> None:
    """Run the measurement and print one line per checkpoint."""
    n, overrides = int(argv[0]), argv[1:]
    refs: list[weakref.ref[abm.model.EcosystemModel]] = []
    original = abm.model.EcosystemModel.__init__

    def tracked(self: abm.model.EcosystemModel, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        refs.append(weakref.ref(self))

    abm.model.EcosystemModel.__init__ = tracked  # type: ignore[method-assign]
    configs = [compose_config([*overrides, f"seed={i}"]) for i in range(n)]
    process = psutil.Process()
    gc.collect()
    start, began = process.memory_info().rss, time.perf_counter()
    for i, config in enumerate(configs):
        run_config(config)
        gc.collect()
        if i + 1 in (1, 10, 25, n):
            alive = sum(r() is not None for r in refs)
            print(f"after run {i + 1}: rss={process.memory_info().rss / 2**20:.0f} MB "
                  f"models alive={alive}/{len(refs)}", flush=True)
    print(f"start {start / 2**20:.0f} MB, end {process.memory_info().rss / 2**20:.0f} MB, "
          f"{n} runs in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
