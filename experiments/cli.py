"""Command-line entry points for ``ecosim sweep`` and ``ecosim replicate``."""

from __future__ import annotations

import sys

EXIT_BAD_CONFIG = 2

SWEEP_USAGE = """usage: ecosim sweep EXPERIMENT [OVERRIDES]

Run (or resume) a named experiment and write its report. Overrides are Hydra overrides of the
experiment config, e.g. size=full, size.seeds=10, executor.kind=ray, executor.n_jobs=4,
'base=[market.export_share=0.4]', out=outputs/my_sweep, retry_failed=true.
experiments: {names}
"""


def sweep_main(argv: list[str]) -> None:
    """``ecosim sweep``: exit 0 on success, 2 on a bad experiment or configuration."""
    from abm.config.validate import ConfigError
    from experiments.experiment import ExperimentError, experiment_names, run_experiment
    from experiments.policy_search import SearchError
    from experiments.sweep.design import DesignError
    from experiments.sweep.executors import ExecutorError

    if not argv or argv[0] in ("-h", "--help"):
        print(SWEEP_USAGE.format(names=", ".join(experiment_names())))
        raise SystemExit(0 if argv else EXIT_BAD_CONFIG)
    try:
        _, report = run_experiment(argv[0], argv[1:], progress=True)
    except (ExperimentError, DesignError, ConfigError, ExecutorError, SearchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_CONFIG) from None
    print(f"[ecosim] report: {report}")


def replicate_main(argv: list[str]) -> None:
    """``ecosim replicate``: run the hypothesis registry and write the table."""
    from experiments.replication.suite import main

    main(argv)
