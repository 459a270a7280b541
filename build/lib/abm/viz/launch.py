"""Start the browser app with one call: ``launch()`` runs ``solara run abm/viz/app.py``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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
                               env={**os.environ, **SERVER_ENV})
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
