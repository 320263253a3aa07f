"""Headless Chromium for the browser tests, and where their screenshots go.

Selenium drives Debian's chromium through Debian's chromedriver (`chromium`, `chromium-driver`,
installed by `make test`): the driver's path is given explicitly, so Selenium Manager never
looks for (or downloads) one. Screenshots are kept under `test-output/<topic>/` at the
repository root (git ignores it), so a run leaves a picture of every page it checked.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = "/usr/bin/chromedriver"

needs_chromium = pytest.mark.skipif(not (CHROMIUM and Path(DRIVER).exists()),
                                    reason="needs Debian's chromium and chromium-driver")


def start_chromium(profile: Path, *, window: str = "1280,1000",
                   javascript: bool = True) -> WebDriver:
    """A new headless browser with its own profile directory (its own cookies); quit it."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", f"--window-size={window}"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)


def screenshots(request: pytest.FixtureRequest, topic: str) -> Path:
    """The folder of this topic's screenshots, `test-output/<topic>/`."""
    folder = request.config.rootpath / "test-output" / topic
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(browser: WebDriver, folder: Path, name: str) -> Path:
    """Save what the browser shows as `<folder>/<name>.png` (checked to be a real picture)."""
    path = folder / f"{name}.png"
    assert browser.save_screenshot(str(path))
    assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 5_000
    return path
