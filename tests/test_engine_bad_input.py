"""Bad input: a one-paragraph message naming the key and the allowed values, exit code 2,
and no output directory that looks complete."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from abm import ConfigError, simulate


def _run(tmp_path: Path, *overrides: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "abm.run", *overrides,
                           f"hydra.run.dir={tmp_path / 'out'}"], capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "ECOSIM_OUTPUT_ROOT": str(tmp_path)})


@pytest.mark.parametrize(("override", "must_mention"), [
    ("network.n_firmz=100", ["network.n_firmz", "n_firms"]),
    ("ticks=abc", ["ticks", "integer"]),
    ("network.n_firms=-5", ["network.n_firms", "between 20 and"]),
    ("scenario=meteor", ["scenario=meteor", "regional_disaster", "pandemic"]),
    ("market.rationing=lottery", ["market.rationing", "proportional", "priority"]),
    ("scenario.shocks.regional_disaster.magnitude=1.5", ["magnitude", "between 0.0 and 1.0"]),
])
def test_bad_override_fails_clearly_without_output(tmp_path: Path, override: str,
                                                   must_mention: list[str]) -> None:
    done = _run(tmp_path, override)
    assert done.returncode == 2
    message = done.stderr.strip()
    assert message.startswith("error: Invalid")
    assert len(message.splitlines()) == 1  # one paragraph
    for text in must_mention:
        assert text in message
    assert "Traceback" not in done.stderr
    assert not list(tmp_path.rglob("summary.json"))


def _write_network(tmp_path: Path, firms: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    firms.to_csv(tmp_path / "firms.csv", index=False)
    links.to_csv(tmp_path / "links.csv", index=False)
    return ["network=file", f"network.firms_path={tmp_path / 'firms.csv'}",
            f"network.links_path={tmp_path / 'links.csv'}"]


def _tiny_network() -> tuple[pd.DataFrame, pd.DataFrame]:
    firms = pd.DataFrame({"firm_id": ["r", "c", "m", "a"], "chain": 0, "tier": [0, 1, 2, 3],
                          "product": 0, "region": 0})
    links = pd.DataFrame({"buyer_id": ["c", "m", "a"], "supplier_id": ["r", "c", "m"]})
    return firms, links


@pytest.mark.parametrize(("break_it", "must_mention"), [
    (lambda f, li: (f.drop(columns="tier"), li), ["missing column", "tier"]),
    (lambda f, li: (f.assign(tier=[0, 1, 2, 7]), li), ["tier", "0 to 3"]),
    (lambda f, li: (f, li.assign(supplier_id=["r", "c", "zz"])), ["zz", "firm_id"]),
    (lambda f, li: (f, li.assign(supplier_id=["r", "r", "m"])), ["tier t to a buyer"]),
])
def test_malformed_network_file_fails_clearly(tmp_path: Path, break_it, must_mention) -> None:
    firms, links = break_it(*_tiny_network())
    done = _run(tmp_path, *_write_network(tmp_path, firms, links), "scenario=none")
    assert done.returncode == 2, done.stderr
    assert "Malformed network file" in done.stderr
    for text in must_mention:
        assert text in done.stderr
    assert not list(tmp_path.rglob("summary.json"))


def test_well_formed_network_file_runs(tmp_path: Path) -> None:
    overrides = _write_network(tmp_path, *_tiny_network())
    result = simulate([*overrides, "scenario=none", "ticks=20"])
    assert result.timeseries["performance"].min() > 0.99


def test_api_raises_config_error() -> None:
    with pytest.raises(ConfigError, match=r"network\.n_firms"):
        simulate(["network.n_firms=-1"])
