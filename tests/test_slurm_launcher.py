"""Hydra's submitit launcher (Slurm): the documented config composes and the local variant
runs a sweep whose results equal the API's (skipped without the `slurm` extra)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("hydra_plugins.hydra_submitit_launcher")

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.utils import get_class

from abm import simulate
from abm.config.compose import config_dir, register_schema

FAST = ["network.n_firms=120", "ticks=60", "scenario.shocks.regional_disaster.onset=30"]
# The launcher options of docs/slurm.md's example.
SLURM = ["hydra/launcher=submitit_slurm", "hydra.launcher.partition=cpu",
         "hydra.launcher.timeout_min=30", "hydra.launcher.cpus_per_task=1",
         "hydra.launcher.mem_gb=4", "hydra.launcher.array_parallelism=64"]


def test_submitit_slurm_launcher_composes_with_the_documented_options() -> None:
    register_schema()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(config_dir()), version_base=None):
            cfg = compose(config_name="config", overrides=[*SLURM, "seed=3"],
                          return_hydra_config=True)
    finally:
        GlobalHydra.instance().clear()
    launcher = cfg.hydra.launcher
    assert get_class(launcher._target_).__name__ == "SlurmLauncher"
    assert (launcher.partition, launcher.timeout_min, launcher.cpus_per_task,
            launcher.mem_gb, launcher.array_parallelism) == ("cpu", 30, 1, 4, 64)
    assert cfg.seed == 3


@pytest.mark.slow
def test_submitit_local_sweep_matches_the_api(tmp_path: Path) -> None:
    sweep_dir = tmp_path / "sweep"
    env = {**os.environ, "ECOSIM_OUTPUT_ROOT": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "abm.run", *FAST, "output.plot=false", "-m",
                    "seed=7,8", "hydra/launcher=submitit_local",
                    "hydra.launcher.timeout_min=10", f"hydra.sweep.dir={sweep_dir}"],
                   check=True, capture_output=True, timeout=600, env=env)
    swept = {json.loads(p.read_text())["seed"]: json.loads(p.read_text())["metrics"]
             for p in sweep_dir.glob("*/summary.json")}
    assert sorted(swept) == [7, 8]
    for seed, metrics in swept.items():
        api = simulate([*FAST, f"seed={seed}"]).summary
        assert metrics.keys() == api.keys()
        for key, value in api.items():
            got = float("nan") if metrics[key] is None else metrics[key]
            assert (np.isnan(value) and np.isnan(got)) or got == value, (seed, key)
