"""Browser fixtures: pytest-playwright launches Debian's Chromium with offline-safe flags."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import CHROMIUM_ARGS, CHROMIUM_PATH


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch arguments, pointed at /usr/bin/chromium (no downloads)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM_PATH, "args": CHROMIUM_ARGS}
