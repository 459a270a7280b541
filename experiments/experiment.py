"""Named experiments: Hydra configs under ``experiments/conf`` turned into sweeps and reports.

An experiment config declares its design (grid or sampled), the size (``size=ci|quick|full``:
network size, horizon, seeds), the instruments it needs, the executor and how to analyse it.
``ecosim sweep <name> [overrides]`` composes it, checks it, runs it into
``<output_dir>/<name>/<size>`` (re-running resumes there) and writes the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from experiments.sweep.design import RunSpec, design_points, expand

CONF_DIR = Path(__file__).resolve().parent / "conf"
REGISTRY_TOKEN = "@registry"


class ExperimentError(ValueError):
    """An experiment that cannot run as configured (the message says why and what to do)."""


def experiment_names() -> list[str]:
    """The named experiments (config files under ``experiments/conf``)."""
    return sorted(p.stem for p in CONF_DIR.glob("*.yaml"))


def load_experiment(name: str, overrides: Sequence[str] = ()) -> dict[str, Any]:
    """Compose an experiment config with Hydra overrides (e.g. ``size=full``).

    Raises:
        ExperimentError: unknown experiment or override.
    """
    if name not in experiment_names():
        raise ExperimentError(f"Unknown experiment `{name}`; it must be one of: "
                              f"{', '.join(experiment_names())}.")
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base=None):
            cfg = compose(config_name=name, overrides=list(overrides))
    except (HydraException, OmegaConfBaseException) as exc:
        sizes = sorted(p.stem for p in (CONF_DIR / "size").glob("*.yaml"))
        raise ExperimentError(
            f"Invalid experiment override for `{name}`: {str(exc).splitlines()[0]}. Experiment "
            f"keys are size (one of: {', '.join(sizes)}), size.seeds, design.*, base, mixes, "
            "executor.kind (serial|joblib|ray), executor.n_jobs, executor.address, "
            "batch_size, output_dir; model keys go into base, e.g. "
            "'base=[market.export_share=0.4]'.") from None
    finally:
        GlobalHydra.instance().clear()
    return OmegaConf.to_container(cfg, resolve=True)  # type: ignore[return-value]


def available_policies() -> list[str]:
    """Policies/instruments the model knows: its registry, else the ``policy`` config group."""
    import abm.policies as policies

    for attr in ("INSTRUMENTS", "REGISTRY", "POLICIES"):
        registry = getattr(policies, attr, None)
        if isinstance(registry, Mapping) and registry:
            return sorted(registry)
    from abm.config.compose import group_options

    return group_options("policy")


def runnable_policies(base: Sequence[str], left_out: dict[str, str] | None = None
                      ) -> list[str]:
    """The registry's instruments that can run under the experiment's ``base`` overrides.

    "@registry" means "every instrument that applies": an instrument whose own check refuses
    the base configuration (e.g. ``platform_regulation`` without acting platforms) is left out
    (its reason goes into ``left_out``) instead of stopping the whole sweep. Name it explicitly
    (with the overrides it needs, e.g. ``base=[platforms.acting=true]``) to run it.
    """
    from abm.config.compose import compose_config
    from abm.core.errors import ConfigError

    runnable = []
    for name in available_policies():
        try:
            compose_config([*base, f"policy={name}"])
        except ConfigError as exc:
            if left_out is not None:
                left_out[name] = str(exc)
            continue
        runnable.append(name)
    return runnable


def check_instruments(cfg: Mapping[str, Any]) -> None:
    """Stop with a clear message when the experiment needs instruments that do not exist.

    Raises:
        ExperimentError: naming the missing instruments and the available ones.
    """
    known = available_policies()
    needed = list(cfg.get("requires") or []) + [i for mix in cfg.get("mixes") or [] for i in mix]
    needed += list((cfg.get("design") or {}).get("instruments") or {})
    missing = [i for i in needed if i not in known]
    if missing:
        raise ExperimentError(
            f"Experiment `{cfg['name']}` needs the policy instrument(s) {', '.join(missing)}, "
            f"which the policy registry does not have yet (available: {', '.join(known)}). "
            "It will run once they exist (issue 10); running baseline alone would answer a "
            "different question, so it stops here.")


def build_runs(cfg: Mapping[str, Any], left_out: dict[str, str] | None = None
               ) -> list[RunSpec]:
    """The experiment's runs: design points (registry expanded, mixes added) x seeds.

    Args:
        cfg: the composed experiment config.
        left_out: filled with the registry instruments the base config refuses, and why.
    """
    design = dict(cfg["design"])
    parameters = dict(design.get("parameters") or {})
    policies = parameters.get("policy")
    size = cfg["size"]
    base = [*size.get("base", []), *(cfg.get("base") or [])]
    if isinstance(policies, list):  # "@registry" expanded; the mixes join the listed policies
        expanded = [p for p in policies if p != REGISTRY_TOKEN]
        if REGISTRY_TOKEN in policies:
            expanded += runnable_policies(base, left_out)
        mixes = ["[" + ",".join(mix) + "]" for mix in cfg.get("mixes") or []]
        parameters["policy"] = list(dict.fromkeys([*expanded, *mixes]))
    design["parameters"] = parameters
    seeds = range(int(cfg.get("seed_start", 0)), int(cfg.get("seed_start", 0))
                  + int(size["seeds"]))
    return expand(design_points(design), list(seeds), base=base)


def sweep_dir(cfg: Mapping[str, Any]) -> Path:
    """Where the experiment's sweep lives: ``<output_dir>/<name>/<size>`` unless ``out`` is set."""
    if cfg.get("out"):
        return Path(cfg["out"])
    return Path(cfg.get("output_dir", "outputs/experiments")) / cfg["name"] / cfg["size"]["name"]


def run_experiment(name: str, overrides: Sequence[str] = (), *, progress: bool = True,
                   report: bool = True) -> tuple[Path, Path | None]:
    """Compose, check, run (or resume) and report an experiment.

    Returns:
        (sweep directory, report path or None).
    """
    from experiments.sweep.executors import ExecutorConfig
    from experiments.sweep.runner import run_sweep

    cfg = load_experiment(name, overrides)
    check_instruments(cfg)
    root = sweep_dir(cfg)
    if cfg["design"].get("kind") == "optuna":  # adaptive: trials are asked as results arrive
        from experiments.policy_search import run_search, summary_line

        trials = run_search(cfg, root, progress=progress)
        print(f"[ecosim] policy search {root}: {len(trials)} trials; {summary_line(trials)}")
        if not report:
            return root, None
        from analysis.search import write_search_report

        return root, write_search_report(root, str(cfg.get("title") or name))
    left_out: dict[str, str] = {}
    runs = build_runs(cfg, left_out)
    executor = ExecutorConfig(**cfg.get("executor", {}))
    for instrument, reason in left_out.items():
        print(f"[ecosim] note: `{instrument}` left out of @registry: {reason}")
    meta = {"experiment": name, "overrides": list(overrides), "config": cfg,
            "left_out": left_out}
    outcome = run_sweep(root, runs, meta, executor, batch_size=cfg.get("batch_size"),
                        retry_failed=bool(cfg.get("retry_failed", False)),
                        per_run_dirs=bool(cfg.get("per_run_dirs", False)), progress=progress)
    print(f"[ecosim] sweep {root}: {outcome.total} runs ({outcome.skipped} already done, "
          f"{outcome.ran} run now, {outcome.failed} failed)")
    if not report:
        return root, None
    from analysis.report import write_report

    path = write_report(root)
    return root, path
