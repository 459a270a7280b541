"""Hydra entry point: ``python -m abm.run [overrides]`` (one run) or ``-m`` (a sweep).

Overrides are checked before Hydra creates any output directory, so a typo fails fast with a
one-paragraph message and exit code 2. Each run directory then receives
``timeseries.parquet``, ``twin_timeseries.parquet`` (shocked runs), ``config.yaml``,
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

from abm.config.compose import check_cli_overrides, config_dir, register_schema
from abm.config.validate import ConfigError, validate_config

EXIT_BAD_CONFIG = 2
EXIT_RUN_FAILED = 3  # the simulation reached a non-finite state


def _split_arguments(argv: list[str]) -> tuple[list[str], list[str]]:
    """(Hydra flags with their values, overrides) from command-line arguments."""
    takes_value = {"--config-path", "-cp", "--config-name", "-cn", "--config-dir", "-cd",
                   "--package", "-p", "--experimental-rerun"}
    flags, overrides, expect_value = [], [], False
    for arg in argv:
        if expect_value or arg.startswith("-"):
            flags.append(arg)
            expect_value = arg in takes_value and not expect_value
        else:
            overrides.append(arg)
    return flags, overrides


@hydra.main(version_base=None, config_path=str(config_dir()), config_name="config")
def _task(cfg: DictConfig) -> float:
    from abm.api import run_config  # heavy imports only once Hydra has parsed the arguments
    from abm.metrics.finite import NonFiniteStateError
    from abm.outputs import write_result

    hydra_cfg = HydraConfig.get()
    out = Path(hydra_cfg.runtime.output_dir)
    try:
        config = validate_config(cfg)
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
    if not any(a in ("--help", "-h", "--hydra-help", "--cfg", "-c", "--info", "-i")
               for a in flags):
        try:
            check_cli_overrides(overrides)
        except ConfigError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(EXIT_BAD_CONFIG) from None
    # Hydra's parser wants flags before overrides ("-m" in between is a common slip).
    sys.argv = [sys.argv[0], *flags, *overrides]
    _task()


if __name__ == "__main__":
    main()
