"""The browser app in a real (headless) Chromium: load, step, shock now, reset.

The server runs ``abm/viz/app.py`` at the default network size (2,000 firms) on a free loopback
port. Page-load and per-tick times go to ``test-artifacts/viz-timings.json``, screenshots to
``test-artifacts/viz*.png``.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser_support import CHROMIUM_PATH, solara_server
from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
LOCAL_SCHEMES = ("data", "blob", "about")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM_PATH).exists(),
                       reason=f"{CHROMIUM_PATH} is missing (bash scripts/setup.sh --browser)"),
]


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """Base URL of the app served by ``solara run --production`` on 127.0.0.1."""
    with solara_server(str(ROOT / "abm" / "viz" / "app.py"), timeout=90) as url:
        yield url


@pytest.fixture
def watched(page: Page) -> Iterator[tuple[Page, list[str], list[str]]]:
    """The page, with the console errors it logs and the requests it sends off loopback."""
    errors: list[str] = []
    outside: list[str] = []

    def check(url: str) -> None:
        """Record ``url`` if it goes anywhere but loopback."""
        parsed = urlparse(url)
        if parsed.scheme not in LOCAL_SCHEMES and parsed.hostname != "127.0.0.1":
            outside.append(url)

    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: check(request.url))
    page.on("websocket", lambda socket: check(socket.url))
    page.set_viewport_size({"width": 1600, "height": 1000})
    yield page, errors, outside
    assert not outside, f"requests left 127.0.0.1: {outside}"


def _load(page: Page, url: str) -> float:
    """Open the app; seconds until the step counter and the network picture are shown."""
    started = time.perf_counter()
    page.goto(url)
    expect(page.get_by_text("Step: 0", exact=True)).to_be_visible(timeout=60_000)
    expect(_network(page)).to_be_visible(timeout=60_000)
    return time.perf_counter() - started


def _network(page: Page) -> Locator:
    """The network picture."""
    return page.locator(".v-card", has_text="Supply network by tier").locator("img")


#: True once the page shows step ``count``, the network picture is no longer ``src`` and every
#: time-series chart shows tick ``count``.
STEPPED = """([count, src]) => document.body.innerText.includes(`Step: ${count}`)
    && [...document.querySelectorAll("img")].every(img => img.src !== src)
    && document.querySelectorAll("svg.ecosim-chart").length > 0
    && [...document.querySelectorAll("svg.ecosim-chart")].every(
        svg => svg.dataset.tick === String(count))"""


def _step(page: Page) -> float:
    """Click Step; seconds until the counter, the network picture and the charts show the tick.

    Polls on every animation frame (Playwright's ``expect`` polls at growing intervals, which
    would round the measured time up to its next poll).
    """
    count = int(page.get_by_text(re.compile(r"^Step: \d+$")).inner_text().split()[1])
    before = _network(page).get_attribute("src")
    started = time.perf_counter()
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function(STEPPED, arg=[count + 1, before], polling="raf", timeout=30_000)
    return time.perf_counter() - started


def _metric(page: Page, pattern: str) -> str:
    """The first group of ``pattern`` in the page's text."""
    found = re.search(pattern, page.locator("body").inner_text())
    assert found, f"no match for {pattern!r} on the page"
    return found.group(1)


def _screenshot(page: Page, name: str) -> None:
    """Save the whole dashboard as ``test-artifacts/<name>``."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1600, "height": 3000})  # the whole dashboard at once
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / name))
    page.set_viewport_size({"width": 1600, "height": 1000})


def test_page_loads_offline_and_steps(app_url: str,
                                      watched: tuple[Page, list[str], list[str]]) -> None:
    page, errors, _ = watched
    load = _load(page, app_url)
    _step(page)  # the first tick also mounts the time-series charts
    ticks = [_step(page) for _ in range(5)]
    assert not errors, f"console errors: {errors}"
    assert re.fullmatch(r"[01]\.\d{3}", _metric(page, r"Performance \(last tick\)\s+(\S+)"))
    timings = {"firms": 2000, "page_load_s": round(load, 2),
               "tick_s": [round(t, 3) for t in ticks],
               "tick_median_s": round(statistics.median(ticks), 3)}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "viz-timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    print(f"\nviz timings: {timings}")
    _screenshot(page, "viz-load.png")
    assert timings["tick_median_s"] < 1.0, timings  # "well under a second" per tick


def test_shock_now_drops_performance_and_reset_changes_network(
        app_url: str, watched: tuple[Page, list[str], list[str]]) -> None:
    page, errors, _ = watched
    _load(page, app_url)
    for _ in range(3):
        _step(page)
    page.locator(".v-select", has_text="Scenario to apply").click()
    page.locator(".menuable__content__active .v-list-item",
                 has_text=re.compile(r"^regional_disaster$")).click()
    page.get_by_role("button", name="Shock now").click()
    expect(page.get_by_text(re.compile(r"regional_disaster@4: regional_disaster from tick 4"))
           ).to_be_visible()
    performance = []
    for _ in range(8):
        _step(page)
        performance.append(float(_metric(page, r"Performance \(last tick\)\s+([01]\.\d{3})")))
        if min(performance) < 0.95:
            break
    assert min(performance) < 0.95, performance
    _screenshot(page, "viz.png")

    before = _metric(page, r"fingerprint\s+([0-9a-f]{10})")
    seed = page.get_by_label("Seed")
    seed.fill("7")
    seed.press("Enter")
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(page.get_by_text("Step: 0", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(f"fingerprint\\s+{before}"))).to_have_count(0)
    assert _metric(page, r"fingerprint\s+([0-9a-f]{10})") != before
    expect(page.get_by_text(re.compile(r"seed 7 "))).to_be_visible()
    assert not errors, f"console errors: {errors}"


def test_policy_now_switches_an_instrument_on_and_the_budget_shows_its_spending(
        app_url: str, watched: tuple[Page, list[str], list[str]]) -> None:
    page, errors, _ = watched
    _load(page, app_url)
    budget = page.get_by_label("policy.budget_per_year")  # fund the regulator, as a user would
    budget.fill("20000")
    budget.press("Enter")
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(page.locator(".ecosim-table tr", has_text="budget per year")).to_contain_text(
        "20,000", timeout=30_000)
    for _ in range(2):
        _step(page)
    page.locator(".v-select", has_text="Instrument").click()
    page.locator(".menuable__content__active .v-list-item",
                 has_text=re.compile(r"^rd_subsidy$")).click()
    expect(page.get_by_label("tech_percentile")).to_be_visible()  # its declared parameters
    page.get_by_role("button", name="Switch on").click()
    expect(page.get_by_text("rd_subsidy is on from tick 3.")).to_be_visible()
    for _ in range(14):  # past the next investment decision
        _step(page)
    spent = _metric(page, r"rd_subsidy\s+tick 3\s+([\d,]+)")
    assert float(spent.replace(",", "")) > 0
    _screenshot(page, "viz-policy.png")
    assert not errors, f"console errors: {errors}"
