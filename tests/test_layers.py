"""The package imports in one direction (import-linter contract in pyproject.toml), and the
contracts plug-ins import load neither Hydra nor the engine."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_layers_contract_is_kept() -> None:
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(lint).exists():
        pytest.fail("lint-imports not installed: pip install -e .[dev]")
    done = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_core_loads_no_hydra_and_no_engine() -> None:
    code = ("import sys, abm.core.process, abm.core.levers, abm.core.registry, abm.core.rules;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('hydra', 'omegaconf', 'mesa', 'pandas') or m in ('abm.model', 'abm.api')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"
