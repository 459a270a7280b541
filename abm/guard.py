"""Command-line guard: configs and overrides are data, never code, and outputs stay in place.

Hydra lets a command line do more than set parameters: ``+hydra.callbacks.x._target_=...``
instantiates any Python callable, ``--experimental-rerun FILE`` unpickles a file,
``scenario=../../x`` loads a YAML file from anywhere and ``hydra.run.dir=/etc`` writes anywhere.
:func:`prepare` refuses all of that before Hydra starts (so no directory is created), rewrites the
one convenience Hydra lacks (adding a second shock of a kind, ``+scenario.shocks.NAME={...}``),
and then runs the project's configuration pre-check. Every refusal is a one-paragraph
:class:`ConfigError`, which ``abm.run`` turns into exit code 2.

Output root: run and sweep directories must lie under ``./outputs`` (relative to the working
directory, as in ``configs/config.yaml``) or under ``$ECOSIM_OUTPUT_ROOT`` when that is set.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from abm.config.compose import CONFIG_GROUPS, check_cli_overrides, compose_raw, group_options
from abm.config.validate import SHOCK_KINDS, ConfigError
from abm.core.registry import load_plugins

#: Environment variable naming a second allowed output root (the documented way out of ./outputs).
OUTPUT_ROOT_ENV = "ECOSIM_OUTPUT_ROOT"
DEFAULT_OUTPUT_ROOT = "outputs"
#: The only Hydra settings a command line may change: where outputs go and the launcher's options.
HYDRA_KEYS = ("hydra.run.dir", "hydra.sweep.dir", "hydra.sweep.subdir", "hydra.verbose")
HYDRA_PREFIXES = ("hydra.launcher.",)
HYDRA_GROUPS = ("hydra/launcher",)
#: Hydra flags that run code or read configs from outside the package.
REFUSED_FLAGS = {
    "--experimental-rerun": "it unpickles a file, which can execute arbitrary code",
    "--config-path": "configs are read only from the package's config tree",
    "-cp": "configs are read only from the package's config tree",
    "--config-dir": "configs are read only from the package's config tree",
    "-cd": "configs are read only from the package's config tree",
}
SEED_MAX = 2**63 - 1
SHOCKS = "scenario.shocks"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SPECIAL_KEY = re.compile(r"^_\w*_$")  # _target_, _args_, _partial_, ...: instantiation keys
#: Interpolations allowed in output paths, each replaced by a path-safe placeholder for checking.
_SAFE_INTERPOLATION = re.compile(
    r"\$\{(now:[^}]*|hydra:runtime\.choices\.\w+|hydra\.job\.(num|name|override_dirname)|seed)\}")
_HYDRA_ALLOWED = ("hydra.run.dir, hydra.sweep.dir, hydra.sweep.subdir (inside the output root), "
                  "hydra.verbose, hydra.launcher.<option> and hydra/launcher=<name>")


def output_roots() -> list[Path]:
    """Directories that may hold run and sweep outputs (resolved)."""
    roots = [Path(DEFAULT_OUTPUT_ROOT).resolve()]
    extra = os.environ.get(OUTPUT_ROOT_ENV)
    if extra:
        roots.append(Path(extra).expanduser().resolve())
    return roots


def inside_output_root(path: Path) -> bool:
    """True when ``path`` (resolved against the working directory) lies under an output root."""
    resolved = path.expanduser().resolve()
    return any(resolved == root or root in resolved.parents for root in output_roots())


def check_flags(flags: Sequence[str]) -> None:
    """Refuse Hydra flags that execute code or read configs from outside the package."""
    for i, flag in enumerate(flags):
        name = flag.split("=", 1)[0]
        if name in REFUSED_FLAGS:
            raise ConfigError(
                f"Invalid command line: {name} is not allowed because {REFUSED_FLAGS[name]}. "
                "Allowed: key=value overrides, -m/--multirun, --cfg job, --help, --info; to re-run "
                "a result, pass the overrides recorded in its .hydra/overrides.yaml again.")
        if name in ("--config-name", "-cn"):
            value = flag.split("=", 1)[1] if "=" in flag else (
                flags[i + 1] if i + 1 < len(flags) else "")
            if not _NAME.match(value):
                raise ConfigError(
                    f"Invalid command line: --config-name={value!r} is not a config name. "
                    "Allowed: a plain name (letters, digits, _) of a file in the package's config "
                    "tree, e.g. --config-name=config.")


def _refuse_hydra(key: str, why: str) -> ConfigError:
    return ConfigError(f"Invalid override: `{key}` cannot be set from the command line ({why}). "
                       f"Allowed Hydra settings: {_HYDRA_ALLOWED}; other Hydra settings can "
                       "execute code (callbacks, _target_, logging factories) or write outside the "
                       "output root.")


def _check_output_path(key: str, text: str) -> None:
    """Refuse an output directory (possibly with interpolations) outside the output root."""
    unknown = [m for m in re.findall(r"\$\{[^}]*\}", text) if not _SAFE_INTERPOLATION.fullmatch(m)]
    if unknown:
        raise ConfigError(
            f"Invalid override: `{key}` uses the interpolation {unknown[0]}, which could place "
            "outputs anywhere. Allowed interpolations in output paths: ${now:...}, ${seed}, "
            "${hydra:runtime.choices.<group>}, ${hydra.job.num}, ${hydra.job.override_dirname}.")
    plain = _SAFE_INTERPOLATION.sub("x", text)
    roots = " or ".join(str(r) for r in output_roots())
    if key == "hydra.sweep.subdir":
        if Path(plain).is_absolute() or ".." in Path(plain).parts:
            raise ConfigError(
                f"Invalid override: hydra.sweep.subdir={text!r} leaves the sweep directory. "
                "Allowed: a relative path without '..', e.g. ${hydra.job.num}.")
        return
    if not inside_output_root(Path(plain)):
        raise ConfigError(
            f"Invalid override: {key}={text!r} is outside the output root ({roots}). Allowed: a "
            f"directory under it, e.g. {key}=outputs/mine; to write elsewhere, set the "
            f"environment variable {OUTPUT_ROOT_ENV}=/some/dir and use a directory under it.")


def _check_launcher(override: Override) -> None:
    """``hydra/launcher=NAME`` must name an installed launcher plugin."""
    from hydra.core.config_store import ConfigStore  # plugin discovery: only when asked
    from hydra.core.plugins import Plugins
    from hydra.plugins.launcher import Launcher

    Plugins.instance().discover(Launcher)  # plugins register their configs on import
    names = sorted(n.removesuffix(".yaml") for n in ConfigStore.instance().list("hydra/launcher"))
    values = (list(override.sweep_string_iterator()) if override.is_sweep_override()
              else [override.value()])
    for value in values:
        if value not in names:
            raise ConfigError(
                f"Invalid override: hydra/launcher={value} is not an installed launcher; "
                f"allowed: {', '.join(names)} (submitit_* come with pip install -e "
                ".[slurm]; for Ray use ecosim sweep ... executor.kind=ray).")


def _check_hydra(override: Override) -> None:
    key = override.key_or_group
    if override.is_delete():
        raise _refuse_hydra(key, "Hydra settings cannot be deleted")
    if key in HYDRA_GROUPS:
        _check_launcher(override)
        return
    if "/" in key:
        raise _refuse_hydra(key, "only the launcher can be chosen")
    if any(_SPECIAL_KEY.match(part) for part in key.split(".")):
        raise _refuse_hydra(key, "instantiation keys such as _target_ name code to run")
    if key in ("hydra.run.dir", "hydra.sweep.dir", "hydra.sweep.subdir"):
        values = (list(override.sweep_string_iterator()) if override.is_sweep_override()
                  else [override.value()])
        for value in values:
            if not isinstance(value, str):
                raise ConfigError(f"Invalid override: `{key}` must be a path, got {value!r}.")
            _check_output_path(key, value)
        return
    if key in HYDRA_KEYS or key.startswith(HYDRA_PREFIXES):
        return
    raise _refuse_hydra(key, "it is not an output location or a launcher option")


def _check_group(override: Override) -> None:
    """A config-group choice must name a file of the group (no paths, no packages)."""
    group = override.key_or_group
    if override.package is not None:
        raise ConfigError(f"Invalid override: `{group}@{override.package}` re-packages a config "
                          f"group; allowed: {group}=<name> or {group}=[a,b].")
    if override.is_delete():
        raise ConfigError(f"Invalid override: `~{group}` removes a required config group; "
                          f"allowed: {group}=<name> with one of {', '.join(group_options(group))}.")
    values = (list(override.sweep_string_iterator()) if override.is_sweep_override()
              else [override.value()])
    choices: list[object] = []
    for value in values:
        if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
            value = [v.strip() for v in value[1:-1].split(",") if v.strip()]
        choices.extend(value if isinstance(value, list) else [value])
    options = group_options(group)
    for choice in choices:
        if not isinstance(choice, str) or choice not in options:
            escapes = isinstance(choice, str) and ("/" in choice or "\\" in choice)
            why = (" (a path: config groups are read only from the package's config tree)"
                   if escapes else "")
            raise ConfigError(
                f"Invalid configuration: {group}={choice} is not a known option{why}; {group} "
                f"must be one of: {', '.join(options)} (several scenarios compose as "
                "scenario=[a,b]).")


def _check_override_dirname(parsed: list[Override]) -> None:
    """Sweep sub-directories embed override values (${hydra.job.override_dirname}): no '..'."""
    for override in parsed:
        if override.key_or_group.startswith("hydra"):
            continue
        values = (list(override.sweep_string_iterator()) if override.is_sweep_override()
                  else [override.get_value_element_as_str()])
        for value in values:
            if ".." in re.split(r"[/\\]", str(value)):
                raise ConfigError(
                    f"Invalid override: {override.input_line!r} in a sweep contains '..', and "
                    "sweep directories are named after the overrides, so it would write outside "
                    "the output root. Use an absolute path instead.")


def add_shock_syntax(overrides: Sequence[str]) -> list[str]:
    """Rewrite ``+scenario.shocks.NAME[.field]=V`` into the merge Hydra supports.

    Hydra cannot add a typed entry to ``scenario.shocks`` directly ("dict is not a subclass of
    ShockConfig"), but it can merge a mapping into it: ``++scenario.shocks={NAME:V}``. Missing
    fields of the new shock take the schema's defaults.
    """
    parser = OverridesParser.create()
    out = []
    for line in overrides:
        match = re.match(r"^\+(scenario\.shocks\.[^=]+)=(.*)$", line, re.DOTALL)
        if not match:
            out.append(line)
            continue
        path, value = match.group(1).split(".")[2:], match.group(2)
        if not all(_NAME.match(p) for p in path):
            raise ConfigError(f"Invalid override: {line!r}: shock names and fields are plain "
                              "identifiers (letters, digits, _), e.g. +scenario.shocks.quake2="
                              "{kind:regional_disaster,onset:60}.")
        if parser.parse_override(line).is_sweep_override():
            raise ConfigError(f"Invalid override: {line!r} sweeps while adding a shock; add it "
                              f"once (+{match.group(1)}=<value>) and sweep its fields as "
                              f"{SHOCKS}.{path[0]}.<field>=a,b.")
        nested = value
        for part in reversed(path):
            nested = f"{{{part}:{nested}}}"
        out.append(f"++{SHOCKS}={nested}")
    return out


def _check_shock_names(parsed: list[Override]) -> None:
    """``scenario.shocks.NAME.x=v`` must name a shock of the composed scenario."""
    targets = [o for o in parsed if o.key_or_group.startswith(SHOCKS + ".")
               and not o.is_add() and not o.is_force_add()]
    if not targets:
        return
    base = [o.input_line for o in parsed if not o.is_sweep_override()
            and not o.key_or_group.startswith(("hydra", SHOCKS + "."))]
    try:
        names = list(compose_raw(base).scenario.shocks.keys())
    except ConfigError:
        return  # the full pre-check reports the actual problem
    for override in targets:
        name = override.key_or_group.split(".")[2]
        if name in names:
            continue
        if override.is_delete():
            raise ConfigError(f"Invalid override: `~{SHOCKS}.{name}` removes a shock that the "
                              f"selected scenario does not have; its shocks are: "
                              f"{', '.join(names) or 'none'}.")
        load_plugins()  # the shock kinds register themselves when their package is imported
        raise ConfigError(
            f"Invalid override: `{override.key_or_group}`: the selected scenario has no shock "
            f"named `{name}` (its shocks: {', '.join(names) or 'none'}). To change one, use its "
            f"name, e.g. {SHOCKS}.{names[0] if names else 'regional_disaster'}.onset=60; to add a "
            f"shock, prefix with +, e.g. +{SHOCKS}.{name}={{kind:regional_disaster,onset:60,"
            f"duration:6}} (kinds: {', '.join(SHOCK_KINDS)}; other fields take their defaults).")


def _check_deletion(override: Override) -> None:
    key = override.key_or_group
    if key.startswith(SHOCKS + ".") and key.count(".") == 2:
        return  # ~scenario.shocks.NAME removes one shock: allowed
    raise ConfigError(
        f"Invalid override: `~{key}` deletes a required key; every key of the schema must keep a "
        f"value (set it instead, e.g. {key}=<value>). Allowed deletion: ~{SHOCKS}.<name> "
        "removes one shock of the selected scenario.")


def check_seed(seed: object) -> None:
    """Seeds are integers from 0 to 2**63-1 (numpy's SeedSequence refuses negatives)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX:
        raise ConfigError(f"Invalid configuration: `seed` = {seed!r} is out of range; seed must "
                          f"be an integer from 0 to {SEED_MAX} (2**63-1).")


def _precheck(overrides: list[str], parsed: list[Override]) -> None:
    """The project's pre-check, with any leftover Hydra/OmegaConf error made one paragraph."""
    try:
        check_cli_overrides(overrides)
        for override in parsed:
            if override.key_or_group == "seed":
                values = (list(override.sweep_string_iterator()) if override.is_sweep_override()
                          else [override.value()])
                for value in values:
                    check_seed(int(value) if isinstance(value, str) and
                               re.fullmatch(r"-?\d+", value) else value)
    except ConfigError:
        raise
    except (HydraException, OmegaConfBaseException, ValueError, TypeError, OverflowError,
            KeyError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"Invalid configuration: {first}. Check the overrides against "
                          "docs/ODD.md (every key, its type and allowed range).") from None


def prepare(flags: Sequence[str], overrides: Sequence[str], *, full: bool = True) -> list[str]:
    """Check a command line before Hydra runs; return the overrides to hand to Hydra.

    Args:
        flags: Hydra flags (``-m``, ``--cfg`` ...), with their values.
        overrides: ``key=value`` overrides.
        full: also compose and validate the configuration (off for ``--help``/``--cfg``, which
            only print; the checks against code execution and stray outputs always run).

    Returns:
        The overrides, with ``+scenario.shocks.NAME=...`` rewritten into a merge.

    Raises:
        ConfigError: one paragraph naming the override and what is allowed.
    """
    check_flags(flags)
    rewritten = add_shock_syntax(overrides)
    try:
        parsed = OverridesParser.create().parse_overrides(list(rewritten))
    except HydraException as exc:
        raise ConfigError(f"Invalid override syntax: {str(exc).splitlines()[0]}. Overrides look "
                          "like key=value, e.g. scenario=pandemic seed=3.") from None
    multirun = any(f in ("-m", "--multirun") for f in flags)
    for override in parsed:
        key = override.key_or_group
        if key == "hydra" or key.startswith(("hydra.", "hydra/")):
            _check_hydra(override)
        elif key in CONFIG_GROUPS or "/" in key:
            _check_group(override)
        elif any(_SPECIAL_KEY.match(part) for part in key.split(".")):
            raise ConfigError(f"Invalid override: `{key}`: instantiation keys such as _target_ "
                              "are not configuration; see docs/ODD.md for every key.")
        elif override.is_delete():
            _check_deletion(override)
    if multirun:
        _check_override_dirname(parsed)
    if full:
        _check_shock_names(parsed)
        _precheck(list(rewritten), parsed)
    return list(rewritten)
