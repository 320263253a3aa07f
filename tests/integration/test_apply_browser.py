"""The apply page in real headless Chromium: a candidate fills the form, sees "Processing…",
and watches it turn into what the parser read once a real worker runs; meanwhile a second,
separate browser (its own driver session and profile) on another application's status link
sees that application alone. Screenshots of each page are saved with the test's output
(`test-output/apply/*.png`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from tests.browser import needs_chromium, screenshots, shoot, start_chromium
from tests.integration.apply_support import Visitor, add_job, serving, token_of
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf

pytestmark = needs_chromium


@pytest.fixture
def browsers(tmp_path: Path) -> Iterator[Callable[..., WebDriver]]:
    """Start separate browsers: each its own chromedriver session and profile directory."""
    started: list[WebDriver] = []

    def start(name: str, *, javascript: bool = True) -> WebDriver:
        driver = start_chromium(tmp_path / name, window="1024,1400", javascript=javascript)
        started.append(driver)
        return driver

    try:
        yield start
    finally:
        for driver in started:
            driver.quit()


def _visible(browser: WebDriver, css: str, timeout: float = 120) -> None:
    WebDriverWait(browser, timeout).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css)))


def test_apply_in_chromium_then_watch_processing_turn_into_the_summary(
        pg_harness: Harness, browsers: Callable[..., WebDriver], tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    slug = add_job(pg_harness.services)
    resume = tmp_path / "Ezri Dax.pdf"
    resume.write_bytes(text_pdf("Ezri Dax", "ezri@ds9.test", title="Counselor",
                                company="Starfleet Medical"))
    screens = screenshots(request, "apply")
    with serving(pg_harness.services) as base:
        # someone else applied before (over HTTP), from another address
        theirs = token_of(Visitor(base, "203.0.113.77").apply(slug, email="elim@garak.test",
                                                             files=[("garak.pdf", text_pdf(
                                                                 "Elim Garak", "elim@garak.test",
                                                                 title="Tailor"),
                                                                 "application/pdf")]))
        candidate = browsers("candidate")
        candidate.get(f"{base}/apply/{slug}")
        assert "Python Developer" in candidate.title
        shoot(candidate, screens, "1-apply-form")
        candidate.find_element(By.ID, "resume").send_keys(str(resume))
        candidate.find_element(By.ID, "email").send_keys("ezri@ds9.test")
        candidate.find_element(By.ID, "consent").click()
        candidate.find_element(By.ID, "apply-submit").click()

        # no worker yet: the status page says it is being read
        _visible(candidate, "#processing", timeout=30)
        assert "Processing…" in candidate.find_element(By.ID, "processing").text
        assert not candidate.find_element(By.ID, "parsed").is_displayed()
        status_url = candidate.current_url
        assert "/apply/status/" in status_url
        assert candidate.find_element(By.ID, "status-link").text == status_url
        shoot(candidate, screens, "2-status-processing")

        pg_harness.start_worker()  # the page turns by itself (apply.js polls the JSON)
        _visible(candidate, "#parsed")
        assert candidate.current_url == status_url  # no reload: the same page, updated
        assert not candidate.find_element(By.ID, "processing").is_displayed()
        assert candidate.find_element(By.ID, "summary-name").text == "Ezri Dax"
        assert "Counselor" in candidate.find_element(By.ID, "summary-title").text
        skills = candidate.find_element(By.ID, "summary-skills").text
        assert "Python" in skills and "Docker" in skills
        assert "Resume processed successfully" in candidate.page_source
        assert "Garak" not in candidate.page_source
        shoot(candidate, screens, "3-status-parsed")

        # a separate browser on the other application's link sees that one alone
        other = browsers("other-candidate")
        other.get(f"{base}/apply/status/{theirs}")
        _visible(other, "#parsed")
        assert other.find_element(By.ID, "summary-name").text == "Elim Garak"
        assert "Ezri" not in other.page_source and "ezri@" not in other.page_source
        shoot(other, screens, "4-other-status")

        # and a made-up link is a friendly 404 page
        other.get(f"{base}/apply/status/{theirs[:-2]}xx")
        assert "Application not found" in other.find_element(By.ID, "message-title").text
        shoot(other, screens, "5-unknown-status")


def test_without_javascript_the_form_posts_and_the_status_page_refreshes_itself(
        harness: Harness, browsers: Callable[..., WebDriver], tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    """Progressive enhancement: the same flow with JavaScript off in the browser (SQLite and
    PostgreSQL: this is the page's main flow for visitors without scripts)."""
    slug = add_job(harness.services)
    resume = tmp_path / "cv.pdf"
    resume.write_bytes(text_pdf("Kasidy Yates", "kasidy@freighter.test", title="Captain"))
    screens = screenshots(request, "apply")
    with serving(harness.services) as base:
        browser = browsers("no-script", javascript=False)
        browser.get(f"{base}/apply/{slug}")
        browser.find_element(By.ID, "resume").send_keys(str(resume))
        browser.find_element(By.ID, "email").send_keys("kasidy@freighter.test")
        browser.find_element(By.ID, "consent").click()
        browser.find_element(By.ID, "apply-submit").click()
        _visible(browser, "#processing", timeout=30)
        sent = browser.find_element(By.CSS_SELECTOR, "time")
        assert sent.text == sent.get_attribute("datetime")  # no script ran on this page
        shoot(browser, screens, "no-script-processing")
        harness.start_worker()
        _visible(browser, "#parsed")  # reached by the page's own refresh, not by a script
        assert browser.find_element(By.ID, "summary-name").text == "Kasidy Yates"
        shoot(browser, screens, "no-script-parsed")
