"""A real headless Chromium, driven through Selenium, for tests that open the report's pages.

Loaded as a pytest plugin (``tests/workflow/conftest.py``). It uses the system's
``chromium`` and ``chromedriver`` (Debian: ``apt-get install chromium chromium-driver``;
``.ci/run`` installs them) and never downloads a browser. Without them the tests skip with that
hint, except under CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)

INSTALL_HINT = "instale chromium y chromium-driver (apt-get install chromium chromium-driver)"


def _find(*names: str) -> str | None:
    return next((path for name in names if (path := shutil.which(name))), None)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; in CI the browser tests must run ({INSTALL_HINT}).")
    pytest.skip(f"{reason}: {INSTALL_HINT}")


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """A headless Chromium (Selenium WebDriver) with an empty profile and network logging."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("Selenium is not installed")
    chromium = _find("chromium", "chromium-browser")
    driver_path = _find("chromedriver")
    if chromium is None or driver_path is None:
        _unavailable("chromium or chromedriver is not on PATH")
    # Never let Selenium Manager look for (or download) a browser or a driver.
    os.environ["SE_OFFLINE"] = "true"
    profile = tempfile.mkdtemp(prefix="optireport-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver) -> list[str]:
    """URLs the page asked the network for since the last call (Chrome's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_errors(driver) -> list[str]:
    """Severe messages the page's scripts logged since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def file_url(path: Path) -> str:
    return Path(path).resolve().as_uri()
