"""One side of a lockstep speed comparison: a model that steps when told and times it.

Run by :mod:`experiments.benchmarks.compare` as a script with a checkout first on ``PYTHONPATH``,
so that ``abm`` is that checkout's package (this file only uses ``compose_config`` and
``EcosystemModel``, which every version of the model has). Protocol on stdin/stdout, one line
each: the worker builds the model, warms it up and prints ``ready <firms> <links> <build s>``;
then every line ``<k>`` runs k ticks and is answered with ``<wall s> <cpu s>``; end of input
ends the worker.

Usage (by hand, for debugging): ``PYTHONPATH=<checkout> python lockstep_worker.py 10000 260``
followed by lines on stdin.
"""

from __future__ import annotations

import sys
import time

from abm.config.compose import compose_config
from abm.model import EcosystemModel

WARM_UP_TICKS = 10


def main(argv: list[str]) -> None:
    """Build the model of ``argv`` = [firms, horizon, *overrides] and serve step requests."""
    n_firms, horizon, *overrides = argv
    config = compose_config([f"network.n_firms={n_firms}", f"ticks={horizon}", *overrides])
    start = time.perf_counter()
    model = EcosystemModel(config=config)
    built = time.perf_counter() - start
    for _ in range(WARM_UP_TICKS):  # first-touch allocations, caches
        model.step()
    print(f"ready {model.firms.n} {model.links.n} {built:.3f}", flush=True)
    for line in sys.stdin:
        ticks = int(line)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(ticks):
            model.step()
        print(f"{time.perf_counter() - wall:.6f} {time.process_time() - cpu:.6f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
