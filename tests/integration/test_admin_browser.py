"""End to end in a real browser: headless Chromium logs in to `/admin` and sees the counts.

Selenium drives Debian's chromium through Debian's chromedriver (`chromium`, `chromium-driver`):
the driver's path is given explicitly, so Selenium Manager never looks for (or downloads) one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from tests.browser import needs_chromium, screenshots, shoot, start_chromium
from tests.integration.http_support import TOKEN, http_server, with_token
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf

pytestmark = needs_chromium


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    driver = start_chromium(tmp_path / "profile", window="1280,1600")
    try:
        yield driver
    finally:
        driver.quit()


def _text(browser: WebDriver, css: str) -> str:
    return str(browser.find_element(By.CSS_SELECTOR, css).text)


def test_admin_in_headless_chromium_shows_the_counts(pg_harness: Harness, browser: WebDriver,
                                                     request: pytest.FixtureRequest) -> None:
    pg_harness.submit({"a.pdf": text_pdf("Benjamin Sisko", "sisko@ds9.test"),
                       "b.pdf": text_pdf("Worf Mogh", "worf@ds9.test", company="Klingon"),
                       "c.pdf": b"%PDF-1.4 unreadable"})
    pg_harness.run_burst_worker()
    with http_server(with_token(pg_harness, TOKEN)) as port:
        browser.get(f"http://127.0.0.1:{port}/admin")
        assert "log in" in browser.title
        browser.find_element(By.CSS_SELECTOR, "#token").send_keys(TOKEN)
        browser.find_element(By.CSS_SELECTOR, "#login").click()
        # the form post navigates after click() returns: wait for the dashboard
        WebDriverWait(browser, 30).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "#resumes-parsed")))
        assert _text(browser, "#resumes-parsed") == "2"
        assert _text(browser, "#resumes-failed") == "1"
        assert "c.pdf" in _text(browser, "#failures")
        assert "ann@agency.test" in _text(browser, "#usage")
        shoot(browser, screenshots(request, "admin"), "dashboard")
