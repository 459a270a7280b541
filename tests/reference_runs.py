"""Reference runs whose outputs must not change in a refactor (bit for bit).

``tests/test_reference_digests.py`` recomputes each case and compares it with the digest stored
in ``tests/data/reference_digests.json``. When a change is *meant* to alter results (a bug fix,
a new default), regenerate the file and say so in the commit message:

    PYTHONPATH=. python tests/reference_runs.py --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from abm import simulate

DIGESTS = Path(__file__).parent / "data" / "reference_digests.json"
BASE = ("network.n_firms=400", "ticks=120", "output.plot=false", "output.progress=false")
SCENARIOS = {  # every default scenario, its shocks early enough for a short run
    "none": [],
    "regional_disaster": ["regional_disaster"],
    "logistics_chokepoint": ["logistics_chokepoint"],
    "key_input_embargo": ["key_input_embargo"],
    "export_demand_drop": ["export_demand_drop"],
    "pandemic": ["pandemic"],
    "compound": ["regional_disaster", "logistics_chokepoint"],
}


def cases() -> dict[str, list[str]]:
    """Name -> overrides of every reference case."""
    out: dict[str, list[str]] = {}
    for scenario, shocks in SCENARIOS.items():
        onsets = [f"scenario.shocks.{s}.onset=40" for s in shocks]
        for seed in (1, 2):
            out[f"{scenario}-seed{seed}"] = [*BASE, f"scenario={scenario}", *onsets,
                                             f"seed={seed}"]
    for scenario in ("none", "regional_disaster", "pandemic"):
        onsets = [f"scenario.shocks.{s}.onset=40" for s in SCENARIOS[scenario]]
        for seed in (1, 3):
            out[f"engine-{scenario}-seed{seed}"] = [*BASE, f"scenario={scenario}", *onsets,
                                                    f"seed={seed}", "behaviour.enabled=false"]
    for seed in (1, 2, 3):  # structural upgrading happens within the run
        out[f"upgrading-seed{seed}"] = [*BASE, "scenario=regional_disaster",
                                        "scenario.shocks.regional_disaster.onset=40",
                                        "behaviour.upgrading.threshold=1.02", f"seed={seed}"]
    return out


def digest(overrides: list[str]) -> str:
    """SHA-256 over a run's time series (both runs) and summary, exact to the last bit."""
    result = simulate(overrides)
    h = hashlib.sha256()
    for frame in (result.timeseries, result.twin_timeseries):
        if frame is None:
            continue
        h.update(",".join(frame.columns).encode())
        h.update(np.ascontiguousarray(frame.to_numpy(dtype=np.float64)).tobytes())
    summary = {k: result.summary[k] for k in sorted(result.summary)}
    h.update(json.dumps(summary, default=repr).encode())
    return h.hexdigest()


def write() -> None:
    """Recompute every digest and store them."""
    DIGESTS.write_text(json.dumps({name: digest(o) for name, o in cases().items()}, indent=1)
                       + "\n")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    write()
