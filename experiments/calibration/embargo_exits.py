"""Who exits after a key-input embargo, and why (issue 8 §1 diagnosis, ODD 7.10).

Runs the ``key_input_embargo`` scenario for seeds 1..N and classifies every exit:
``idle`` (the customerless rule), ``embargoed supplier`` (an original firm whose shipments
were blocked), ``entrant`` (a firm that entered after the shock began), ``overloaded`` (long-run
demand above twice normal output) or ``other distress``; with whether the firm passed the
viability test, whether the shock hit it directly, and its load at exit. Example::

    python -m experiments.calibration.embargo_exits --seeds 6
    python -m experiments.calibration.embargo_exits --seeds 6 --set sourcing.canvass_ticks=4
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from abm.api import compose_config
from abm.market import entry_exit
from abm.model import EcosystemModel


def classify(seed: int, extra: Sequence[str]) -> pd.DataFrame:
    """One row per exit of one embargo run."""
    config = replace(compose_config(["scenario=key_input_embargo", *extra]), seed=seed)
    model = EcosystemModel(config=config)
    firms, links, rule = model.firms, model.links, model.exit_rule
    blocked_supplier = np.zeros(firms.n, dtype=bool)
    hit = np.zeros(firms.n, dtype=bool)
    rows: list[dict] = []
    find = rule.find

    def observed_find(state, credit_line, tick):  # wraps the rule to see each exit
        leaving = find(state, credit_line, tick)
        contribution = state.unit_value_added * (1.0 - rule.cfg.labour_cost_share)
        for i in leaving:
            load = state.long_run_demand[i] / state.normal_output[i]
            idle = (tick - state.entered_at[i] > entry_exit.GRACE_TICKS
                    and load < entry_exit.IDLE_SHARE)
            kind = ("idle" if idle else
                    "embargoed supplier" if blocked_supplier[i] and state.entered_at[i] == 0
                    else "entrant" if state.entered_at[i] > 0
                    else "overloaded" if load > 2 else "other distress")
            rows.append({"seed": seed, "tick": tick, "kind": kind, "load": load, "hit": hit[i],
                         "viable": contribution[i] * state.long_run_demand[i]
                         > state.fixed_cost[i]})
        return leaving

    rule.find = observed_find
    for _ in range(config.ticks):
        model.step()
        n = links.n
        touched = links.flow_availability[:n] < 1.0
        blocked_supplier[links.supplier[:n][touched]] = True
        hit[links.supplier[:n][touched]] = True
        hit[links.buyer[:n][touched]] = True
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=6, help="seeds 1..N")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    exits = pd.concat([classify(seed, args.set) for seed in range(1, args.seeds + 1)])
    per_seed = exits.groupby(["seed", "kind"]).size().unstack(fill_value=0)
    print("exits per seed, median:", float(exits.groupby("seed").size().median()))
    print("by kind, median over seeds:", per_seed.median().round(1).to_dict())
    print("share viable at exit:", round(float(exits["viable"].mean()), 3),
          "| hit directly:", round(float(exits["hit"].mean()), 3),
          "| after tick 180:", round(float((exits["tick"] > 180).mean()), 3))
    print("median load at exit:", exits.groupby("kind")["load"].median().round(2).to_dict())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
