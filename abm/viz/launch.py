"""Start the browser app with one call: ``launch()`` runs ``solara run abm/viz/app.py``.

The server is a child process that must never outlive its launcher: Ctrl-C and SIGTERM stop it
from ``launch``'s ``finally``; ``kill -9`` of the launcher cannot run any code, so on Linux the
child asks the kernel (``prctl(PR_SET_PDEATHSIG, SIGKILL)``) to be killed when its parent dies.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

#: The Solara app file.
APP_PATH = Path(__file__).with_name("app.py")

#: Server environment: no telemetry, no hook-check warning from Mesa's components, no display.
SERVER_ENV: dict[str, str] = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_CHECK_HOOKS": "off",
    "MPLBACKEND": "Agg",
}


def launch_command(host: str = "127.0.0.1", port: int = 8765, *, open_browser: bool = False
                   ) -> list[str]:
    """The ``solara run`` command line that serves the app.

    Args:
        host: interface to listen on (loopback by default).
        port: TCP port.
        open_browser: ask Solara to open a browser tab.

    Returns:
        The argument list, starting with this interpreter.
    """
    return [sys.executable, "-m", "solara", "run", str(APP_PATH), "--host", host,
            "--port", str(port), "--production", "--open" if open_browser else "--no-open"]


def _asset_cache_filled() -> bool:
    """True when Solara's offline copy of its front-end assets holds something."""
    from solara.server.settings import assets

    cache = Path(assets.proxy_cache_dir)
    return cache.is_dir() and any(cache.iterdir())


#: linux/prctl.h: deliver a signal to this process when its parent dies.
PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child die with ``parent`` (Linux), else None."""
    if not sys.platform.startswith("linux"):
        return None

    def set_death_signal() -> None:
        # Runs in the forked child before exec; the setting survives exec of the server.
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            os._exit(1)
        if os.getppid() != parent:  # the launcher died before prctl took effect
            os._exit(1)

    return set_death_signal


def _exit_on_signal(signum: int, _frame: FrameType | None) -> None:
    """Turn SIGTERM into SystemExit, so that ``launch`` stops its server before exiting."""
    raise SystemExit(128 + signum)


def launch(host: str = "127.0.0.1", port: int = 8765, *, open_browser: bool = False) -> int:
    """Serve the browser app until interrupted (Ctrl-C or SIGTERM); the server stops with it.

    Args:
        host: interface to listen on (loopback by default).
        port: TCP port.
        open_browser: ask Solara to open a browser tab.

    Returns:
        The server's exit code (130 after Ctrl-C).
    """
    if not _asset_cache_filled():
        print("warning: Solara's offline asset cache is empty, so without internet access the "
              "page stays blank; run `bash scripts/setup.sh` to fill it.", file=sys.stderr)
    print(f"ecosim viz: serving on http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr)
    process = subprocess.Popen(launch_command(host, port, open_browser=open_browser),
                               env={**os.environ, **SERVER_ENV},
                               preexec_fn=_die_with(os.getpid()))
    previous = signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        return process.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
