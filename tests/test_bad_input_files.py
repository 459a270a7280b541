"""Bad input of the classes found in issue 8 §3: network files, seeds, deletions and Hydra errors,
unclear messages and reused run directories. Each is refused with a one-paragraph message naming
the key, file or row and what is allowed, exit code 2, and no output that looks complete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from abm.config.compose import compose_raw
from abm.config.validate import ConfigError
from abm.guard import OUTPUT_ROOT_ENV, prepare
from abm.network import load_network

ROOT = Path(__file__).resolve().parents[1]
FAST = ["network.n_firms=40", "network.chain_leaders_per_chain=1", "ticks=12",
        "output.plot=false", "metrics.warmup=2",
        "metrics.baseline_window=4", "metrics.late_window=4",
        "scenario.shocks.regional_disaster.onset=4"]  # a shock inside the short run
Tables = tuple[pd.DataFrame, pd.DataFrame]


def _cli(tmp_path: Path, *args: str, code: str = "") -> subprocess.CompletedProcess[str]:
    """Run ``abm.run.main(args)`` in a fresh interpreter (after ``code``), outputs in tmp_path."""
    script = f"{code}\nfrom abm.run import main\nmain({list(args)!r})"
    env = {**os.environ, OUTPUT_ROOT_ENV: str(tmp_path), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=180, env=env)


def _assert_clear(done: subprocess.CompletedProcess[str], *mentions: str) -> None:
    assert done.returncode == 2, done.stderr
    message = done.stderr.strip()
    assert message.startswith("error: Invalid") or "Malformed network file" in message, message
    assert len(message.splitlines()) == 1, message
    for text in mentions:
        assert text in message, message


def _tiny() -> Tables:
    firms = pd.DataFrame({"firm_id": ["r", "c", "m", "a"], "chain": 0, "tier": [0, 1, 2, 3],
                          "product": 0, "region": 0, "size": 1.0})
    links = pd.DataFrame({"buyer_id": ["c", "m", "a"], "supplier_id": ["r", "c", "m"],
                          "share": 1.0})
    return firms, links


def _write(tmp_path: Path, firms: pd.DataFrame, links: pd.DataFrame) -> tuple[Path, Path]:
    firms_path, links_path = tmp_path / "firms.csv", tmp_path / "links.csv"
    firms.to_csv(firms_path, index=False)
    links.to_csv(links_path, index=False)
    return firms_path, links_path


def _set(frame: pd.DataFrame, column: str, value: object) -> pd.DataFrame:
    out = frame.astype({column: object})
    out.loc[1, column] = value
    return out


FILE_CASES: list[tuple[str, Callable[[pd.DataFrame, pd.DataFrame], Tables], list[str]]] = [
    ("size inf", lambda f, li: (_set(f, "size", "inf"), li), ["'size'", "rows [1]", "finite"]),
    ("size huge", lambda f, li: (_set(f, "size", 1e300), li), ["'size'", "at most 1e+06"]),
    ("size negative", lambda f, li: (_set(f, "size", -2.0), li), ["'size'", "greater than 0"]),
    ("size NaN", lambda f, li: (_set(f, "size", "nan"), li), ["'size'", "rows [1]"]),
    ("share inf", lambda f, li: (f, _set(li, "share", "inf")), ["links.csv", "'share'"]),
    ("share huge", lambda f, li: (f, _set(li, "share", 1e300)), ["'share'", "at most"]),
    ("share NaN", lambda f, li: (f, _set(li, "share", "")), ["'share'", "rows [1]"]),
    ("region 1e12", lambda f, li: (_set(f, "region", 10**12), li), ["'region'", "0 to 9999"]),
    ("chain 1e12", lambda f, li: (f.assign(chain=10**12), li), ["'chain'", "0 to 9999"]),
    ("chain > int64", lambda f, li: (f.assign(chain=str(2**64 + 1)), li), ["'chain'"]),
    ("region fraction", lambda f, li: (_set(f, "region", 1.5), li), ["'region'", "integers"]),
]


@pytest.mark.parametrize(("break_it", "mentions"), [c[1:] for c in FILE_CASES],
                         ids=[c[0] for c in FILE_CASES])
def test_bad_network_values_are_refused(tmp_path: Path, break_it, mentions: list[str]) -> None:
    firms_path, links_path = _write(tmp_path, *break_it(*_tiny()))
    with pytest.raises(ConfigError) as caught:
        load_network(str(firms_path), str(links_path))
    message = str(caught.value)
    assert message.startswith("Malformed network file") and len(message.splitlines()) == 1
    for text in mentions:
        assert text in message, message


def test_bad_network_paths_say_what_is_wrong(tmp_path: Path) -> None:
    _, links_path = _write(tmp_path, *_tiny())
    empty = tmp_path / "empty.csv"
    empty.touch()
    for path, says in ((tmp_path, "is a directory"), (Path("/dev/null"), "not a regular file"),
                       (empty, "is empty"), (tmp_path / "nope.csv", "does not exist")):
        with pytest.raises(ConfigError, match=says):
            load_network(str(path), str(links_path))


def test_huge_region_id_fails_before_any_directory(tmp_path: Path) -> None:
    firms, links = _tiny()
    firms_path, links_path = _write(tmp_path, firms.assign(region=10**12), links)
    run_dir = tmp_path / "run"
    done = _cli(tmp_path, *FAST, "network=file", f"network.firms_path={firms_path}",
                f"network.links_path={links_path}", f"hydra.run.dir={run_dir}")
    _assert_clear(done, "firms.csv", "'region'", "0 to 9999")
    assert not run_dir.exists()


@pytest.mark.parametrize(("override", "mentions"), [
    ("seed=-1", ["`seed`", "from 0 to"]),
    (f"seed={2**64}", ["`seed`", "2**63-1"]),
    ("seed=1,-3", ["`seed` = -3"]),
    ("~seed", ["~seed", "required"]),
    ("~network", ["~network", "tiered"]),
    ("ticks=${nope}", ["ticks", "nope"]),
])
def test_seeds_deletions_and_interpolations_exit_2(tmp_path: Path, override: str,
                                                   mentions: list[str]) -> None:
    run_dir = tmp_path / "run"
    args = ["-m", override, f"hydra.sweep.dir={run_dir}"] if "," in override else [
        override, f"hydra.run.dir={run_dir}"]
    _assert_clear(_cli(tmp_path, *FAST, *args), *mentions)
    assert not run_dir.exists()


def test_hydras_own_errors_exit_2(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    _assert_clear(_cli(tmp_path, *FAST, "hydra/launcher=no_such_launcher",
                       f"hydra.run.dir={run_dir}"), "no_such_launcher", "joblib")
    # An error only Hydra sees (the pre-check composes the package's config): still exit 2.
    done = _cli(tmp_path, "--config-name=no_such_config", *FAST, f"hydra.run.dir={run_dir}")
    assert done.returncode == 2, done.stderr
    assert "no_such_config" in done.stderr
    assert not run_dir.exists()


def test_messages_name_the_key_and_suggest_the_fix() -> None:
    with pytest.raises(ConfigError) as caught:
        prepare([], ["scenario=[regional_disaster,earthquake]"])
    assert "scenario=earthquake is not a known option" in str(caught.value)
    assert "`?`" not in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        prepare([], ["scenario.shocks.mine.kind=pandemic"])
    message = str(caught.value)
    assert "no shock named `mine`" in message and "regional_disaster" in message
    assert "+scenario.shocks.mine={kind:" in message
    assert "Did you mean `scenario.shocks.mine.kind`" not in message


def test_a_second_shock_of_a_kind_is_added_from_the_command_line(tmp_path: Path) -> None:
    overrides = prepare([], ["+scenario.shocks.quake2={kind:regional_disaster,onset:6,"
                             "scope:{regions:[1]}}", "+scenario.shocks.quake3.onset=8"])
    shocks = compose_raw(overrides).scenario.shocks
    assert list(shocks) == ["regional_disaster", "quake2", "quake3"]
    assert shocks.quake2.kind == "regional_disaster" and list(shocks.quake2.scope.regions) == [1]
    assert shocks.quake3.onset == 8 and shocks.quake3.kind == "regional_disaster"
    run_dir = tmp_path / "run"
    done = _cli(tmp_path, *FAST, "+scenario.shocks.quake2={kind:regional_disaster,onset:6}",
                f"hydra.run.dir={run_dir}")
    assert done.returncode == 0, done.stderr
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["scenario"] == "regional_disaster+quake2"
    with pytest.raises(ConfigError, match="sweeps while adding a shock"):
        prepare([], ["+scenario.shocks.q.onset=5,6"])


def test_reused_run_directory_never_keeps_an_old_summary(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    first = _cli(tmp_path, *FAST, "seed=1", f"hydra.run.dir={run_dir}")
    assert first.returncode == 0, first.stderr
    assert (run_dir / "summary.json").is_file()
    failing = ("import abm.api\n"
               "def boom(*args, **kwargs):\n    raise RuntimeError('simulated failure')\n"
               "abm.api.run_config = boom")
    second = _cli(tmp_path, *FAST, "seed=2", f"hydra.run.dir={run_dir}", code=failing)
    assert second.returncode != 0
    assert "simulated failure" in second.stderr
    assert "seed: 2" in (run_dir / ".hydra" / "config.yaml").read_text()
    leftovers = {p.name for p in run_dir.iterdir()} & {"summary.json", "timeseries.parquet",
                                                        "config.yaml", "provenance.json"}
    assert not leftovers, f"the failed run's directory still holds {leftovers}"
