"""Helpers for real-browser tests of the Solara app (no tests live here).

Typical use from a test module::

    from playwright.sync_api import sync_playwright

    from browser_support import CHROMIUM_ARGS, CHROMIUM_PATH, solara_server

    with solara_server("abm/viz/app.py") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)

With pytest-playwright, return ``{"executable_path": CHROMIUM_PATH, "args": CHROMIUM_ARGS}`` from
a ``browser_type_launch_args`` fixture in ``conftest.py`` instead.

The server needs Solara's offline asset cache (filled by ``scripts/setup.sh``) and Debian's
Chromium (``scripts/setup.sh --browser``): this machine cannot reach Solara's CDN, and Playwright
cannot download its own browsers here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

__all__ = ["CHROMIUM_ARGS", "CHROMIUM_PATH", "SolaraServerError", "free_port", "solara_server"]

#: Debian's Chromium (``apt-get install chromium``), used instead of Playwright's own build.
CHROMIUM_PATH = "/usr/bin/chromium"

#: Launch arguments for headless Chromium in a sandbox-less, offline CI container.
CHROMIUM_ARGS: list[str] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: Environment for the Solara server: no telemetry, no hook-check warning from Mesa's components.
SOLARA_ENV: dict[str, str] = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_CHECK_HOOKS": "off",
    "MPLBACKEND": "Agg",
}

_LOOPBACK = "127.0.0.1"


class SolaraServerError(RuntimeError):
    """The Solara server exited early or did not answer in time."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now.

    Returns:
        A port number the OS reported as unused. Another process could take it before the caller
        binds it, which is unlikely enough for tests.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((_LOOPBACK, 0))
        return int(sock.getsockname()[1])


def _http_status(url: str, timeout: float) -> int | None:
    """Return the HTTP status of GET ``url``, or None if nothing answers.

    Args:
        url: The address to request.
        timeout: Seconds to wait for the answer.

    Returns:
        The status code, or None when the connection failed or timed out.
    """
    # No proxies: the server is on loopback, and a proxy from the environment must not see it.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)
    except (OSError, urllib.error.URLError):
        return None


def _read_tail(path: Path, limit: int = 8000) -> str:
    """Return the last ``limit`` characters of a text file (empty if unreadable)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text[-limit:]


def _stop(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """Terminate ``proc`` and its whole process group: SIGTERM, then SIGKILL after ``grace`` s."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def solara_server(
    app_path: str,
    port: int | None = None,
    timeout: float = 60,
    *,
    extra_args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Run ``solara run APP --production`` on loopback for the duration of a ``with`` block.

    The server runs with the current interpreter (``sys.executable -m solara``, i.e. the
    project's venv under pytest) in its own process group, which is always terminated on exit.

    Args:
        app_path: The Solara app: a ``.py`` file (relative paths are resolved against the current
            directory) or a module name such as ``abm.viz.app``.
        port: TCP port to listen on; a free one when None.
        timeout: Seconds to wait for ``GET /`` to answer 200.
        extra_args: More arguments for ``solara run``.
        env: Extra environment variables for the server (on top of ``os.environ`` and
            :data:`SOLARA_ENV`).

    Yields:
        The base URL, e.g. ``"http://127.0.0.1:40123/"``.

    Raises:
        SolaraServerError: If the server exits before answering (the message holds its captured
            output) or does not answer 200 within ``timeout`` seconds.
    """
    if port is None:
        port = free_port()
    app = Path(app_path)
    app_arg = str(app.resolve()) if app.suffix == ".py" or app.exists() else app_path
    url = f"http://{_LOOPBACK}:{port}/"
    cmd = [
        sys.executable,
        "-m",
        "solara",
        "run",
        app_arg,
        "--host",
        _LOOPBACK,
        "--port",
        str(port),
        "--production",
        "--no-open",
        *extra_args,
    ]
    proc_env = {**os.environ, **SOLARA_ENV, **(env or {})}

    with tempfile.TemporaryDirectory(prefix="solara-server-") as tmp:
        out_path = Path(tmp) / "stdout.log"
        err_path = Path(tmp) / "stderr.log"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=proc_env,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise SolaraServerError(
                        f"solara server exited with code {proc.returncode} before answering on "
                        f"{url}\ncommand: {' '.join(cmd)}\n--- stderr ---\n{_read_tail(err_path)}"
                        f"\n--- stdout ---\n{_read_tail(out_path)}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise SolaraServerError(
                        f"solara server did not answer 200 on {url} within {timeout:g} s\n"
                        f"command: {' '.join(cmd)}\n--- stderr ---\n{_read_tail(err_path)}"
                    )
                if _http_status(url, timeout=min(10.0, max(remaining, 0.1))) == 200:
                    break
                time.sleep(0.2)
            yield url
        finally:
            _stop(proc)
