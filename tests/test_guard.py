"""Configs and files are data, never code: Hydra overrides and flags that run code, config groups
outside the package and outputs outside the output root are refused before anything is written;
the browser server dies with its launcher."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from abm.config.validate import ConfigError
from abm.guard import OUTPUT_ROOT_ENV, prepare
from abm.run import _split_arguments

ROOT = Path(__file__).resolve().parents[1]
FAST = ["network.n_firms=40", "network.chain_leaders_per_chain=1", "ticks=12",
        "output.plot=false", "metrics.warmup=2", "metrics.baseline_window=4",
        "metrics.late_window=4",
        "scenario.shocks.regional_disaster.onset=4"]  # a shock inside the short run


def _cli(cwd: Path, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    """``python -m abm.run ARGS`` from ``cwd`` (so ./outputs would be created there)."""
    environment = {k: v for k, v in os.environ.items() if k != OUTPUT_ROOT_ENV}
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "abm.run", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=180, env={**environment, **(env or {})})


def _assert_refused(done: subprocess.CompletedProcess[str], *mentions: str) -> None:
    assert done.returncode == 2, done.stderr
    message = done.stderr.strip()
    assert message.startswith("error: Invalid"), message
    assert len(message.splitlines()) == 1  # one paragraph, no traceback
    for text in mentions:
        assert text in message, message


class _Payload:
    """Unpickling this creates a file: proof that a re-run file would execute code."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.target), "w")


def test_callbacks_and_reruns_never_execute(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    callback = ["+hydra.callbacks.x._target_=builtins.open", f"+hydra.callbacks.x.file={victim}",
                "+hydra.callbacks.x.mode=w"]
    _assert_refused(_cli(tmp_path, *callback), "hydra.callbacks.x._target_", "_target_")
    rerun = tmp_path / "config.pickle"
    rerun.write_bytes(pickle.dumps(_Payload(victim)))
    _assert_refused(_cli(tmp_path, "--experimental-rerun", str(rerun)), "--experimental-rerun")
    assert not victim.exists()
    assert not (tmp_path / "outputs").exists()


@pytest.mark.parametrize(("overrides", "mentions"), [
    (["scenario=../../../x"], ["scenario=../../../x", "package's config tree", "pandemic"]),
    (["scenario=[pandemic,../x]"], ["scenario=../x"]),
    (["network=/etc/passwd"], ["network=/etc/passwd", "tiered"]),
    (["scenario@shocks=pandemic"], ["re-packages"]),
    (["hydra.run.dir=/tmp/elsewhere"], ["hydra.run.dir", "outside the output root",
                                        OUTPUT_ROOT_ENV]),
    (["hydra.run.dir=outputs/../../x"], ["outside the output root"]),
    (["hydra.run.dir=outputs/${oc.env:HOME}"], ["${oc.env:HOME}"]),
    (["-m", "seed=1,2", "hydra.sweep.dir=/tmp/elsewhere"], ["hydra.sweep.dir"]),
    (["-m", "seed=1,2", "hydra.sweep.subdir=../../x"], ["hydra.sweep.subdir", "'..'"]),
    (["-m", "seed=1,2", "network=file", "network.firms_path=../f.csv"], ["'..'"]),
    (["hydra.output_subdir=/tmp/x"], ["hydra.output_subdir", "Allowed Hydra settings"]),
    (["hydra.job_logging.root.level=DEBUG"], ["hydra.job_logging"]),
    (["hydra.launcher._target_=os.system"], ["_target_"]),
    (["+hydra.searchpath=[file:///tmp]"], ["hydra.searchpath"]),
    (["+market._target_=os.system"], ["_target_"]),
    (["--config-dir", "/tmp"], ["--config-dir"]),
    (["--config-name=../config"], ["--config-name"]),
])
def test_code_paths_and_stray_outputs_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  overrides: list[str], mentions: list[str]
                                                  ) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(OUTPUT_ROOT_ENV, raising=False)
    flags, rest = _split_arguments(overrides)
    with pytest.raises(ConfigError) as caught:
        prepare(flags, rest)
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    for text in mentions:
        assert text in message, message
    assert not list(tmp_path.iterdir())  # nothing created


def test_output_root_option_allows_a_documented_elsewhere(tmp_path: Path) -> None:
    elsewhere = tmp_path / "results"
    run_dir = elsewhere / "run1"
    _assert_refused(_cli(tmp_path, *FAST, f"hydra.run.dir={run_dir}"), "outside the output root")
    assert not elsewhere.exists()
    done = _cli(tmp_path, *FAST, f"hydra.run.dir={run_dir}", env={OUTPUT_ROOT_ENV: str(elsewhere)})
    assert done.returncode == 0, done.stderr
    assert (run_dir / "summary.json").is_file()
    inside = _cli(tmp_path, *FAST, "hydra.run.dir=outputs/mine")
    assert inside.returncode == 0, inside.stderr
    assert (tmp_path / "outputs" / "mine" / "summary.json").is_file()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_viz_server_dies_with_its_launcher_on_kill_9() -> None:
    port = _free_port()
    launcher = subprocess.Popen([sys.executable, "-m", "abm.cli", "viz", "--port", str(port)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "PYTHONPATH": str(ROOT)},
                                start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not _listening(port):
            assert launcher.poll() is None, "the launcher exited before serving"
            assert time.monotonic() < deadline, "the server did not start within 120 s"
            time.sleep(0.5)
        os.kill(launcher.pid, signal.SIGKILL)
        launcher.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _listening(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _listening(port), "the server outlived its launcher (kill -9)"
    finally:
        # The launcher's session holds the server too: clean up whatever is left.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(launcher.pid, signal.SIGKILL)
        launcher.wait(timeout=10)


def test_print_flags_keep_their_values_and_are_still_guarded() -> None:
    assert _split_arguments(["--cfg", "job", "seed=3"]) == (["--cfg", "job"], ["seed=3"])
    assert _split_arguments(["--info", "searchpath"]) == (["--info", "searchpath"], [])
    assert _split_arguments(["--info", "seed=3"]) == (["--info"], ["seed=3"])
    assert prepare(["--cfg", "job"], ["seed=3"], full=False) == ["seed=3"]
    with pytest.raises(ConfigError, match="_target_"):
        prepare(["--cfg", "job"], ["+hydra.callbacks.x._target_=builtins.print"], full=False)
