"""Experimental designs: full grids and sampled designs (SALib), always crossed with seeds.

A design is a list of :class:`RunSpec`: the override set of one run (base overrides, the swept
parameters' values, the seed). Every run is identified by ``run_id``, a hash of its canonical
override list, so a re-run of the same design finds the runs it already has.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

SAMPLERS = ("lhs", "sobol", "morris")
DESIGN_KINDS = ("grid", *SAMPLERS)


class DesignError(ValueError):
    """A design that cannot be built (unknown kind, bad range, empty grid)."""


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep.

    Attributes:
        run_id: hash of the canonical override list (stable across sessions).
        overrides: Hydra overrides for :func:`abm.api.simulate`, seed last.
        params: the swept parameters' values (one store column each).
        seed: the run's seed.
        point: index of the design point (the same for every seed of that point).
    """

    run_id: str
    overrides: tuple[str, ...]
    params: Mapping[str, object] = field(hash=False)
    seed: int = 0
    point: int = 0


def _format(value: object) -> str:
    """A value as Hydra override text (lists as [a,b], floats without noise)."""
    if isinstance(value, list | tuple):
        return "[" + ",".join(_format(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 12))
    return str(value)


def run_id(overrides: Sequence[str]) -> str:
    """Stable identifier of an override set: order of keys does not matter."""
    canonical = json.dumps(sorted(overrides))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _points_grid(parameters: Mapping[str, Sequence[object]]) -> list[dict[str, object]]:
    for key, values in parameters.items():
        if not isinstance(values, list | tuple) or not values:
            raise DesignError(f"Grid parameter `{key}` needs a non-empty list of values, got "
                              f"{values!r}; e.g. {key}: [0.5, 1.0, 2.0].")
    keys = list(parameters)
    return [dict(zip(keys, combo, strict=True))
            for combo in itertools.product(*(parameters[k] for k in keys))]


def _problem(ranges: Mapping[str, Mapping[str, object]]) -> dict[str, object]:
    names, bounds = [], []
    for key, spec in ranges.items():
        try:
            low, high = float(spec["low"]), float(spec["high"])  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            raise DesignError(f"Sampled parameter `{key}` needs numeric `low` and `high`, got "
                              f"{spec!r}; e.g. {key}: {{low: 0.5, high: 4.0}}.") from None
        if not low < high:
            raise DesignError(f"Sampled parameter `{key}`: low ({low}) must be below high "
                              f"({high}).")
        names.append(key)
        bounds.append([low, high])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def sample_matrix(kind: str, ranges: Mapping[str, Mapping[str, object]], n: int,
                  sample_seed: int = 0) -> tuple[dict[str, object], np.ndarray]:
    """The SALib problem and sample matrix of a sampled design.

    Args:
        kind: "lhs" (n points), "sobol" (Saltelli, n * (2D + 2) points) or "morris"
            (n trajectories of D + 1 points).
        ranges: per parameter ``{low, high}``.
        n: sample size as above.
        sample_seed: seed of the sampler (not of the simulations).

    Returns:
        (SALib problem, matrix with one row per design point).
    """
    from SALib.sample import latin, morris, sobol  # optional at import time of the package

    problem = _problem(ranges)
    if kind == "lhs":
        matrix = latin.sample(problem, n, seed=sample_seed)
    elif kind == "sobol":
        matrix = sobol.sample(problem, n, calc_second_order=False, seed=sample_seed)
    elif kind == "morris":
        matrix = morris.sample(problem, n, num_levels=4, seed=sample_seed)
    else:
        raise DesignError(f"Unknown sampler `{kind}`; design.kind must be one of: "
                          f"{', '.join(DESIGN_KINDS)}.")
    return problem, np.asarray(matrix)


def design_points(design: Mapping[str, object]) -> list[dict[str, object]]:
    """The parameter settings of a design (without seeds).

    ``design`` has ``kind`` (grid | lhs | sobol | morris), ``parameters`` (grid: lists of
    values; sampled: ``{low, high, integer?}``), optional ``fixed`` (lists crossed with a sampled
    design, e.g. scenarios), ``n`` and ``sample_seed``.
    """
    kind = str(design.get("kind", "grid"))
    parameters: Mapping[str, object] = design.get("parameters") or {}  # type: ignore[assignment]
    if kind == "grid":
        return _points_grid(parameters)  # type: ignore[arg-type]
    if kind not in SAMPLERS:
        raise DesignError(f"Unknown design kind `{kind}`; design.kind must be one of: "
                          f"{', '.join(DESIGN_KINDS)}.")
    n = int(design.get("n") or 0)  # type: ignore[call-overload]
    if n < 1:
        raise DesignError(f"A {kind} design needs design.n >= 1 (sample size), got {n}.")
    problem, matrix = sample_matrix(kind, parameters, n,  # type: ignore[arg-type]
                                    int(design.get("sample_seed", 0)))  # type: ignore[call-overload]
    integer = {k for k, s in parameters.items() if isinstance(s, Mapping) and s.get("integer")}
    sampled = []
    for row in matrix:
        point: dict[str, object] = {}
        for name, value in zip(problem["names"], row, strict=True):  # type: ignore[call-overload]
            point[name] = round(float(value)) if name in integer else float(value)
        sampled.append(point)
    fixed = _points_grid(design.get("fixed") or {})  # type: ignore[arg-type]
    return [{**f, **p} for f in fixed for p in sampled]


def expand(points: Sequence[Mapping[str, object]], seeds: Sequence[int],
           base: Sequence[str] = ()) -> list[RunSpec]:
    """Cross design points with seeds into run specifications.

    Args:
        points: parameter settings, e.g. from :func:`design_points`.
        seeds: the seeds every point is run with (common random numbers across points).
        base: overrides applied to every run (size, fixed settings).

    Returns:
        Runs ordered point-major, seed-minor.
    """
    if not seeds:
        raise DesignError("A sweep needs at least one seed (seeds.count >= 1).")
    runs = []
    for index, point in enumerate(points):
        swept = [f"{key}={_format(value)}" for key, value in point.items()]
        for seed in seeds:
            overrides = (*base, *swept, f"seed={int(seed)}")
            runs.append(RunSpec(run_id=run_id(overrides), overrides=overrides,
                                params=dict(point), seed=int(seed), point=index))
    ids = [r.run_id for r in runs]
    if len(set(ids)) != len(ids):
        raise DesignError("The design repeats a run (same overrides and seed twice); remove the "
                          "duplicate values from design.parameters.")
    return runs
