"""The built wheel carries its configs: installed in a fresh environment, it runs a short
simulation from another directory (``pytest -m slow tests/test_wheel.py``, ~1-2 minutes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_runs_from_elsewhere(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ECOSIM_CONFIG_DIR")}
    # Build from a copy: setuptools writes build/ and *.egg-info next to the sources.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "outputs", "__pycache__", ".*_cache"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheels), str(source)], check=True, env=env, timeout=600)
    wheel = next(wheels.glob("ecosim_abm-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()
    # Dependencies come from this environment (appended after the new venv's own packages, so
    # the freshly installed wheel is what `import abm` finds); nothing is downloaded.
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                   check=True, env=env, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import abm, json; from abm import simulate; "
            "r = simulate(['network.n_firms=200', 'ticks=40', "
            "'scenario.shocks.regional_disaster.onset=20']); "
            "print(json.dumps({'file': abm.__file__, 'rows': len(r.timeseries), "
            "'resistance': r.summary['resistance']}))")
    done = subprocess.run([str(python), "-c", code], cwd=elsewhere, capture_output=True,
                          text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout.strip().splitlines()[-1]
    import json

    result = json.loads(out)
    assert result["file"].startswith(site), result["file"]  # the wheel, not the source tree
    assert result["rows"] == 40 and 0.0 < result["resistance"] <= 1.0
