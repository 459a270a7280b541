"""Where a result came from: seed, git commit, package versions, machine, wall time."""

from __future__ import annotations

import platform
import subprocess
import sys
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path

PACKAGES = ("ecosim-abm", "mesa", "numpy", "scipy", "pandas", "networkx", "pyarrow",
            "hydra-core", "omegaconf", "solara", "matplotlib")


def git_commit() -> dict[str, str | bool]:
    """Commit of the repository holding the package, and whether the tree had local changes."""
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                    cwd=root, capture_output=True, text=True, timeout=10,
                                    check=True).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": False}
    return {"commit": commit, "dirty": dirty}


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that determine results."""
    return dict(_installed_versions())


@cache  # installed versions do not change within a process; looking them up cost ~50 ms a run
def _installed_versions() -> tuple[tuple[str, str], ...]:
    versions = [("python", sys.version.split()[0])]
    for name in PACKAGES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, "not installed"))
    return tuple(versions)


def provenance(seed: int, wall_seconds: float) -> dict[str, object]:
    """The provenance record written next to every result."""
    return {
        "seed": seed,
        "git": git_commit(),
        "packages": package_versions(),
        "platform": platform.platform(),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_seconds": round(wall_seconds, 3),
    }
