"""Policy search with Optuna: the instrument mix and intensities with most resilience per budget.

``ecosim sweep policy_search`` (config ``experiments/conf/policy_search.yaml``, ``design.kind:
optuna``) asks a seeded Optuna sampler (TPE) for a trial: which candidate instruments to switch
on, each one's intensity within its declared range, and the yearly budget. A trial runs on the
experiment's seeds under one scenario; the baseline (no instrument) runs once on the same
seeds, so every trial is a paired comparison (common random numbers). The objective, maximised:

    cost_effectiveness = mean over seeds of resilience_loss_avoided
                         / (mean over seeds of subsidy_spent / 1e6)

(ticks of lost full performance avoided per million spent; the ratio of means, which stays
defined when single runs spend little). A trial that spends nothing has no defined ratio and is
recorded as failed, like a trial whose runs fail; a trial with no instrument is pruned.

Outputs in the experiment's directory: the runs in the sweep store format (``runs/``: every
run's summary and series, resumable), ``trials.parquet`` (one row per trial: state, objective,
its parts with a bootstrap 95% CI of the loss avoided, the chosen mix and intensities), and a
report. The sampler is seeded and every run is a function of its configuration and seed, so
the same config gives the same trials; re-running an interrupted search replays the trials and
skips the runs already in the store.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.sweep.design import RunSpec, run_id
from experiments.sweep.store import SweepStore, _atomic_parquet

PER_SPENT = 1e6  # as abm.api.PER_SPENT: loss avoided per million currency units spent


class SearchError(ValueError):
    """A policy-search configuration that cannot run (the message names the key)."""


Range = tuple[float, float]


def _ranges(design: Mapping[str, Any]) -> tuple[dict[str, dict[str, Range]], Range]:
    """Candidate instruments with their intensity ranges, and the budget range, checked.

    A range of two integers is searched over integers (e.g. a delay in ticks).
    """
    instruments = design.get("instruments") or {}
    if not isinstance(instruments, Mapping) or not instruments:
        raise SearchError("design.instruments must name at least one candidate instrument "
                          "with its intensity ranges, e.g. early_warning: "
                          "{extra_safety_weeks: [0.0, 6.0]}.")
    checked: dict[str, dict[str, Range]] = {}
    for name, params in instruments.items():
        checked[name] = {}
        for key, bounds in (params or {}).items():
            low, high = _pair(f"design.instruments.{name}.{key}", bounds)
            integer = all(isinstance(b, int) and not isinstance(b, bool) for b in bounds)
            checked[name][key] = (int(low), int(high)) if integer else (low, high)
    budget = _pair("design.budget_per_year", design.get("budget_per_year"))
    if budget[0] <= 0:
        raise SearchError("design.budget_per_year must be a positive range [low, high] "
                          "(it is searched on a log scale).")
    return checked, budget


def _pair(key: str, bounds: object) -> Range:
    try:
        low, high = (float(b) for b in bounds)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise SearchError(f"{key} must be a range [low, high] of two numbers, got "
                          f"{bounds!r}.") from None
    if not low < high:
        raise SearchError(f"{key}: low ({low}) must be below high ({high}).")
    return low, high


def _number(value: float) -> str:
    """Override text for a sampled number: 6 significant digits, so run ids stay stable."""
    return f"{value:.6g}"


def suggest(trial: Any, instruments: Mapping[str, Mapping[str, Range]], budget: Range
            ) -> tuple[list[str], dict[str, object]]:
    """A trial's overrides and its parameter record (instrument switches, intensities, budget).

    Intensities are suggested only for the instruments switched on (a conditional space).
    """
    chosen = [name for name in instruments
              if trial.suggest_categorical(f"use.{name}", [True, False])]
    record: dict[str, object] = {f"use.{name}": name in chosen for name in instruments}
    overrides = []
    if chosen:
        overrides.append(f"policy=[{','.join(chosen)}]")
        spend = float(_number(trial.suggest_float("budget_per_year", *budget, log=True)))
        overrides.append(f"policy.budget_per_year={_number(spend)}")
        record["policy.budget_per_year"] = spend
    for name in chosen:
        for key, (low, high) in instruments[name].items():
            if isinstance(low, int):
                value: float = trial.suggest_int(f"{name}.{key}", low, int(high))
            else:
                value = float(_number(trial.suggest_float(f"{name}.{key}", low, high)))
            overrides.append(f"policy.instruments.{name}.{key}={_number(value)}")
            record[f"{name}.{key}"] = value
    record["policy"] = "[" + ",".join(chosen) + "]" if chosen else "baseline"
    return overrides, record


def _runs(point: int, label: dict[str, object], overrides: Sequence[str], base: Sequence[str],
          seeds: Sequence[int]) -> list[RunSpec]:
    runs = []
    for seed in seeds:
        full = (*base, *overrides, f"seed={int(seed)}")
        runs.append(RunSpec(run_id=run_id(full), overrides=full, params=label, seed=int(seed),
                            point=point))
    return runs


def evaluate(summaries: pd.DataFrame, runs: Sequence[RunSpec], baseline: pd.Series
             ) -> dict[str, float]:
    """A trial's objective and its parts from its runs' summaries (paired on seeds).

    Returns:
        objective (NaN if undefined), loss avoided (mean and bootstrap 95% CI), spent (mean),
        seeds used and runs failed.
    """
    from analysis.effects import bootstrap_mean_ci

    ids = {r.run_id for r in runs}
    rows = summaries[summaries["run_id"].isin(ids)].drop_duplicates("run_id", keep="last")
    ok = rows[rows["status"] == "ok"].set_index("seed")
    avoided = (baseline.reindex(ok.index) - ok["resilience_loss"].astype(float)).dropna()
    spent = ok["subsidy_spent"].astype(float).reindex(avoided.index)
    low, high = bootstrap_mean_ci(avoided.to_numpy())
    mean_spent = float(spent.mean()) if len(spent) else math.nan
    failed = int((rows["status"] != "ok").sum()) + len(ids) - len(rows)
    objective = (float(avoided.mean()) / (mean_spent / PER_SPENT)
                 if len(avoided) and not failed and mean_spent > 0 else math.nan)
    return {"objective": objective,
            "loss_avoided": float(avoided.mean()) if len(avoided) else math.nan,
            "loss_avoided_ci_low": low, "loss_avoided_ci_high": high,
            "spent": mean_spent, "n_seeds": len(avoided), "n_failed": failed}


def run_search(cfg: Mapping[str, Any], root: Path, *, progress: bool = True) -> pd.DataFrame:
    """Run (or resume) the Optuna search of an experiment config; returns the trials table.

    Raises:
        SearchError: a bad search space; abm.config.ConfigError: a bad instrument key.
    """
    try:
        import optuna
    except ImportError:
        raise SearchError("The policy search needs Optuna: pip install -e .[search] "
                          "(optuna==5.0.0).") from None
    from tqdm.auto import tqdm

    from abm.config.compose import compose_config
    from experiments.sweep.executors import ExecutorConfig
    from experiments.sweep.runner import run_sweep

    design = cfg["design"]
    instruments, budget = _ranges(design)
    trials = int(design.get("trials") or 0)
    if trials < 1:
        raise SearchError(f"design.trials must be at least 1, got {design.get('trials')!r}.")
    size = cfg["size"]
    start = int(cfg.get("seed_start", 0))
    seeds = list(range(start, start + int(size["seeds"])))
    base = [*size.get("base", []), *(cfg.get("base") or []), f"scenario={design['scenario']}"]
    # Every candidate at both ends of its ranges composes, before anything is written.
    for end in (0, 1):
        compose_config([*base, f"policy=[{','.join(instruments)}]",
                        f"policy.budget_per_year={_number(budget[end])}",
                        *(f"policy.instruments.{n}.{k}={_number(r[end])}"
                          for n, ps in instruments.items() for k, r in ps.items())])
    executor = ExecutorConfig(**cfg.get("executor", {}))
    meta = {"experiment": cfg["name"], "config": dict(cfg), "kind": "optuna"}
    store_root = root / "runs"
    known = _runs(0, {"trial": -1, "policy": "baseline"}, [], base, seeds)
    run_sweep(store_root, known, meta, executor, batch_size=1, progress=False, validate=False)
    table = SweepStore(store_root).summaries()
    base_rows = table[table["run_id"].isin({r.run_id for r in known})]
    if (base_rows["status"] != "ok").any():
        raise SearchError("The baseline runs of the search failed; see "
                          f"{store_root}/summaries (error column).")
    baseline = base_rows.set_index("seed")["resilience_loss"].astype(float)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=int(design.get("sampler_seed", 0)))
    study = optuna.create_study(direction="maximize", sampler=sampler)
    rows: list[dict[str, object]] = []
    bar = tqdm(total=trials, desc="policy search", unit="trial", disable=not progress)
    for number in range(trials):
        trial = study.ask()
        overrides, record = suggest(trial, instruments, budget)
        row: dict[str, object] = {"trial": number, **record,
                                  "overrides": json.dumps(overrides)}
        if not overrides:  # nothing switched on: not a policy
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            rows.append({**row, "state": "pruned (no instrument)"})
        else:
            runs = _runs(number + 1, {"trial": number, "policy": record["policy"]}, overrides,
                         base, seeds)
            new = {r.run_id for r in known}
            known += [r for r in runs if r.run_id not in new]
            run_sweep(store_root, known, meta, executor, batch_size=1, progress=False,
                      validate=False)
            result = evaluate(SweepStore(store_root).summaries(), runs, baseline)
            if math.isnan(result["objective"]):
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
                state = "failed runs" if result["n_failed"] else "undefined (nothing spent)"
            else:
                study.tell(trial, result["objective"])
                state = "complete"
            rows.append({**row, **result, "state": state})
        _atomic_parquet(pd.DataFrame(rows), root / "trials.parquet")
        bar.update(1)
    bar.close()
    return pd.DataFrame(rows)


def best_trials(trials: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` complete trials with the highest objective (ties: lower trial number first)."""
    done = trials[trials["state"] == "complete"]
    return done.sort_values(["objective", "trial"], ascending=[False, True]).head(n)


def summary_line(trials: pd.DataFrame) -> str:
    """One line on the best trial (for the command's output)."""
    best = best_trials(trials, 1)
    if best.empty:
        return "no complete trial"
    row = best.iloc[0]
    return (f"best trial {int(row['trial'])}: {row['policy']} with budget "
            f"{row['policy.budget_per_year']:.6g}/yr: {row['loss_avoided']:.4g} ticks of loss "
            f"avoided for {row['spent']:.6g} spent = {row['objective']:.4g} per million")


def load_trials(root: Path | str) -> pd.DataFrame:
    """The trials table of a search directory."""
    return pd.read_parquet(Path(root) / "trials.parquet")


def is_search(root: Path | str) -> bool:
    """Whether a directory holds a policy search (its trials table)."""
    return (Path(root) / "trials.parquet").exists()

