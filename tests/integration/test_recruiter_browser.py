"""The recruiter pages and /admin in real headless Chromium (Debian's chromium and
chromedriver, as test_admin_browser.py): sign in with the link read from the Maildir, search,
open a candidate, add a job and see who fits; the dashboard shows local times and a chart with
axes; at phone width (375×800) no page scrolls sideways.

A screenshot of every page, desktop and phone, is saved under `test-output/pages/` in the
repository (git ignores it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import select

from storage.models import Candidate
from tests.browser import needs_chromium, screenshots, shoot, start_chromium
from tests.integration.http_support import TOKEN, http_server, with_token
from tests.integration.pages_support import ANN, recruiter, wait_for_link
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf

pytestmark = needs_chromium


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    return screenshots(request, "pages")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    driver = start_chromium(tmp_path / "profile", window="1280,1000")
    try:
        yield driver
    finally:
        driver.quit()


def _wait(browser: WebDriver, css: str) -> None:
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def _no_sideways_scroll(browser: WebDriver) -> None:
    wide, view = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert wide <= view, f"{browser.current_url}: {wide}px wide in a {view}px window"


def _times_are_local(browser: WebDriver, css: str) -> None:
    times = browser.find_elements(By.CSS_SELECTOR, f"{css} time[datetime]")
    assert times, f"no times in {css}"
    for when in times:
        assert "local" in str(when.get_attribute("class"))  # rewritten by hotgigs.js …
        assert "+00:00" not in when.text and "T" not in when.text.split()[0]  # … readable


def test_a_recruiter_signs_in_searches_and_adds_a_job(pg_harness: Harness, browser: WebDriver,
                                                      shots: Path) -> None:
    h = pg_harness
    recruiter(h.services, ANN)
    h.submit({"kira.pdf": text_pdf("Kira Nerys", "kira@bajor.test", title="Data Engineer",
                                   company="Bajoran Militia", skills="Python, SQL, Airflow"),
              "worf.pdf": text_pdf("Worf Mogh", "worf@ds9.test", title="Security Chief",
                                   company="Klingon Defence Force", skills="Tactics"),
              "broken.pdf": b"%PDF-1.4 unreadable"}, by=ANN)
    h.run_burst_worker()
    with h.services.db.session() as session:
        kira = session.scalars(select(Candidate.id).where(Candidate.name == "Kira Nerys")).one()
    with http_server(with_token(h, TOKEN)) as port:
        base = f"http://127.0.0.1:{port}"
        browser.get(f"{base}/candidates")
        _wait(browser, "#email")
        assert "/signin?next=/candidates" in browser.current_url
        shoot(browser, shots, "signin")
        browser.find_element(By.CSS_SELECTOR, "#email").send_keys(ANN)
        browser.find_element(By.CSS_SELECTOR, "#send-link").click()
        _wait(browser, "#sent")
        shoot(browser, shots, "signin-sent")
        browser.get(wait_for_link(h.settings.data_dir, ANN))
        _wait(browser, "#sign-in")
        shoot(browser, shots, "signin-link")
        browser.find_element(By.CSS_SELECTOR, "#sign-in").click()
        _wait(browser, "table#candidates")
        assert browser.current_url == f"{base}/candidates"

        browser.find_element(By.CSS_SELECTOR, "#q").send_keys("python")
        browser.find_element(By.CSS_SELECTOR, "#search").click()
        WebDriverWait(browser, 30).until(ec.url_contains("q=python"))
        rows = browser.find_element(By.CSS_SELECTOR, "#candidates tbody").text
        assert "Kira Nerys" in rows and "Worf" not in rows
        _times_are_local(browser, "#candidates")
        shoot(browser, shots, "candidates")

        browser.find_element(By.LINK_TEXT, "Kira Nerys").click()
        _wait(browser, "#resumes")
        assert browser.find_element(By.CSS_SELECTOR, "#name").text == "Kira Nerys"
        assert "kira.pdf" in browser.find_element(By.CSS_SELECTOR, "#resumes").text
        _times_are_local(browser, "#resumes")
        shoot(browser, shots, "candidate")

        browser.get(f"{base}/jobs")
        _wait(browser, "#title")
        browser.find_element(By.CSS_SELECTOR, "#title").send_keys("Data Engineer")
        browser.find_element(By.CSS_SELECTOR, "#description").send_keys(
            "Data Engineer with Python, SQL and Airflow; 3+ years of pipelines.")
        browser.find_element(By.CSS_SELECTOR, "#remote").click()
        browser.find_element(By.CSS_SELECTOR, "#add-job").click()
        _wait(browser, "#job-title")
        matches = browser.find_element(By.CSS_SELECTOR, "#matches").text
        assert "Kira Nerys" in matches
        link = browser.find_element(By.LINK_TEXT, "Kira Nerys").get_attribute("href")
        assert link == f"{base}/candidates/{kira}"
        shoot(browser, shots, "job")
        browser.get(f"{base}/jobs")
        _wait(browser, "#jobs")
        assert "Data Engineer" in browser.find_element(By.CSS_SELECTOR, "#jobs").text
        shoot(browser, shots, "jobs")
        browser.get(f"{base}/")
        _wait(browser, "#imports")
        _times_are_local(browser, "#imports")
        shoot(browser, shots, "home")

        browser.get(f"{base}/admin")
        _wait(browser, "#token")
        browser.find_element(By.CSS_SELECTOR, "#token").send_keys(TOKEN)
        browser.find_element(By.CSS_SELECTOR, "#login").click()
        _wait(browser, "#chart")
        ticks = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "#chart .y-axis text")]
        assert ticks[0] == "0" and len(ticks) >= 2 and int(ticks[-1]) >= 3
        days = browser.find_elements(By.CSS_SELECTOR, "#chart .x-axis text")
        assert len(days) == 7 and all(d.text for d in days)  # every other day of 14
        legend = browser.find_element(By.CSS_SELECTOR, "figure.chart figcaption").text
        assert "parsed" in legend and "failed" in legend
        _times_are_local(browser, "#failures")
        _times_are_local(browser, "#candidates")
        shoot(browser, shots, "admin")
        browser.get(f"{base}/admin/candidate?id={kira}")
        _wait(browser, "#audit")
        _times_are_local(browser, "#audit")
        shoot(browser, shots, "admin-candidate")

        browser.set_window_size(375, 800)
        assert browser.execute_script("return window.innerWidth") <= 400
        for name, path in (("home", "/"), ("candidates", "/candidates"),
                           ("candidate", f"/candidates/{kira}"), ("jobs", "/jobs"),
                           ("job", "/jobs/data-engineer"), ("admin", "/admin"),
                           ("admin-candidate", f"/admin/candidate?id={kira}"),
                           ("admin-duplicates", "/admin/duplicates")):
            browser.get(base + path)
            _wait(browser, "main h1")
            _no_sideways_scroll(browser)
            shoot(browser, shots, f"phone-{name}")
        browser.get(f"{base}/candidates")  # its table is wider than a phone: it scrolls alone
        _wait(browser, ".table-wrap[tabindex='0'][role='region']")
        browser.delete_all_cookies()
        browser.get(f"{base}/signin")
        _wait(browser, "#email")
        _no_sideways_scroll(browser)
        shoot(browser, shots, "phone-signin")
