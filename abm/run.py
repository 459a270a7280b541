"""Hydra entry point: ``python -m abm.run [overrides]`` (one run) or ``-m`` (a sweep).

Overrides are checked before Hydra creates any output directory (:mod:`abm.guard`: no code from
overrides, config groups only from the package, outputs only under the output root, then the
configuration pre-check), so a typo fails fast with a one-paragraph message and exit code 2; so do
Hydra's own errors before the run starts. A reused run directory first loses the previous
result (``summary.json`` and its companions). Each run directory then receives
``timeseries.parquet``, ``twin_timeseries.parquet`` and ``firm_recovery.parquet`` (shocked
runs), ``config.yaml``,
``provenance.json``, ``performance.png`` and, last, ``summary.json``. A run that reaches a
non-finite state fails: ``error.txt`` instead of ``summary.json``, exit code 3.
"""

from __future__ import annotations

import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from abm.config.compose import config_dir, register_schema
from abm.config.validate import ConfigError, validate_config
from abm.guard import check_seed, inside_output_root, output_roots, prepare

EXIT_BAD_CONFIG = 2
EXIT_RUN_FAILED = 3  # the simulation reached a non-finite state
#: Hydra flags that only print (help, config, info): nothing is composed for a run.
PRINT_FLAGS = ("--help", "-h", "--hydra-help", "--cfg", "-c", "--info", "-i")
#: "started" turns true when the first job starts, so Hydra's errors before it exit with code 2.
_STATE = {"started": False}


def _split_arguments(argv: list[str]) -> tuple[list[str], list[str]]:
    """(Hydra flags with their values, overrides) from command-line arguments."""
    takes_value = {"--config-path", "-cp", "--config-name", "-cn", "--config-dir", "-cd",
                   "--package", "-p", "--experimental-rerun", "--cfg", "-c"}
    # --info takes an optional value: one of these words.
    info_values = {"all", "config", "defaults", "defaults-tree", "plugins", "searchpath"}
    flags, overrides, expect_value = [], [], False
    for i, arg in enumerate(argv):
        if expect_value or arg.startswith("-"):
            flags.append(arg)
            expect_value = not expect_value and (arg in takes_value or (
                arg in ("--info", "-i") and i + 1 < len(argv) and argv[i + 1] in info_values))
        else:
            overrides.append(arg)
    return flags, overrides


@hydra.main(version_base=None, config_path=str(config_dir()), config_name="config")
def _task(cfg: DictConfig) -> float:
    from abm.api import run_config  # heavy imports only once Hydra has parsed the arguments
    from abm.metrics.finite import NonFiniteStateError
    from abm.outputs import clear_result, write_result

    _STATE["started"] = True
    hydra_cfg = HydraConfig.get()
    out = Path(hydra_cfg.runtime.output_dir)
    if not inside_output_root(out):  # the pre-check refuses this; never write outside the root
        print(f"error: Invalid configuration: the output directory {out} is outside the output "
              f"root ({' or '.join(map(str, output_roots()))}).", file=sys.stderr)
        raise SystemExit(EXIT_BAD_CONFIG)
    clear_result(out)  # a reused directory must not keep the previous run's summary
    try:
        config = validate_config(cfg)
        check_seed(config.seed)
        result = run_config(config, progress=config.output.progress and sys.stderr.isatty())
    except (ConfigError, NonFiniteStateError) as exc:
        # The directory keeps the reason but no summary.json, so it never looks complete.
        (out / "error.txt").write_text(f"{exc}\n")
        if hydra_cfg.mode == RunMode.MULTIRUN:
            raise
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_CONFIG if isinstance(exc, ConfigError)
                         else EXIT_RUN_FAILED) from None
    summary = write_result(result, out, plot=config.output.plot)
    print(f"[ecosim] {summary.parent}  resistance={result.summary['resistance']:.3f} "
          f"recovery_time={result.summary['recovery_time']:.0f} "
          f"resilience_loss={result.summary['resilience_loss']:.2f}")
    return float(result.summary["resilience_loss"])


def main(argv: list[str] | None = None) -> None:
    """Run Hydra with pre-validated overrides (exit code 2 on a bad configuration)."""
    args = sys.argv[1:] if argv is None else argv
    register_schema()
    flags, overrides = _split_arguments(args)
    try:
        overrides = prepare(flags, overrides, full=not any(a in PRINT_FLAGS for a in flags))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_CONFIG) from None
    # Hydra's parser wants flags before overrides ("-m" in between is a common slip).
    sys.argv = [sys.argv[0], *flags, *overrides]
    try:
        _task()
    except SystemExit as exc:
        # Hydra reports its own errors (config, overrides, launcher) with exit code 1; before any
        # job started they are configuration errors, so they get the project's code 2.
        if exc.code == 1 and not _STATE["started"]:
            raise SystemExit(EXIT_BAD_CONFIG) from None
        raise


if __name__ == "__main__":
    main()
