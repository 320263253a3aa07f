"""`/upload` in a real browser: headless Chromium signs in with the link read from the
Maildir, chooses three PDFs and a ZIP in the file input, watches the progress bar reach 100 %
through the event stream, and reads the failures with their reasons in the results table.
Also the page without JavaScript: the form post lands on the batch page, rendered on the
server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from hotgigs.web.session import COOKIE, Sessions, session_key
from storage.recruiters import recruiter_for
from tests.browser import needs_chromium, screenshots, shoot, start_chromium
from tests.integration.api_support import ANN, BOB, api_server
from tests.integration.pages_support import recruiter, wait_for_link
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf, zip_of

needs_browser = needs_chromium


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    driver = start_chromium(tmp_path / "profile", window="1280,1400")
    try:
        yield driver
    finally:
        driver.quit()


def _visible(browser: WebDriver, css: str) -> None:
    WebDriverWait(browser, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))


def _session(harness: Harness, email: str = ANN) -> tuple[str, str]:
    """A session cookie of this recruiter, and its CSRF token."""
    with harness.services.db.session() as session:
        recruiter_id = recruiter_for(session, email).id
    sessions = Sessions(session_key(harness.settings), secure=False)
    cookie = sessions.cookie_value(recruiter_id, email)
    signed = sessions.read(cookie)
    assert signed is not None
    return cookie, signed.csrf


def _files(folder: Path) -> list[Path]:
    folder.mkdir()
    made = {
        "sisko.pdf": text_pdf("Benjamin Sisko", "sisko@ds9.test"),
        "kira.pdf": text_pdf("Kira Nerys", "kira@ds9.test", company="Bajoran Militia"),
        "broken.pdf": b"%PDF-1.4 unreadable",
        "more.zip": zip_of({"odo.pdf": text_pdf("Odo Ital", "odo@ds9.test"),
                            "virus.exe": b"MZ\x90\x00" + b"\x00" * 64}),
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in made]


@needs_browser
def test_upload_page_in_chromium_follows_the_batch_to_its_failures(
        pg_harness: Harness, browser: WebDriver, tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    pg_harness.start_worker()
    recruiter(pg_harness.services, ANN)  # registered: `hotgigs recruiter add`
    files = _files(tmp_path / "resumes")
    with api_server(pg_harness.services) as client:
        base = str(client.base_url).rstrip("/")
        # signed out, /upload sends the recruiter to sign in with a link sent by email
        browser.get(f"{base}/upload")
        _visible(browser, "#email")
        browser.find_element(By.CSS_SELECTOR, "#email").send_keys(ANN)
        browser.find_element(By.CSS_SELECTOR, "#send-link").click()
        _visible(browser, "#sent")
        browser.get(wait_for_link(pg_harness.settings.data_dir, ANN))  # from the Maildir
        _visible(browser, "#sign-in")
        browser.find_element(By.CSS_SELECTOR, "#sign-in").click()
        _visible(browser, "#files")
        assert "Upload" in browser.title and browser.current_url == f"{base}/upload"
        browser.find_element(By.CSS_SELECTOR, "#files").send_keys(
            "\n".join(str(p) for p in files))
        browser.find_element(By.CSS_SELECTOR, "#send").click()
        WebDriverWait(browser, 180).until(expected_conditions.presence_of_element_located(
            (By.CSS_SELECTOR, '#progress-section[data-state="done"]')))
        bar = browser.find_element(By.CSS_SELECTOR, "#progress")
        assert bar.get_attribute("value") == bar.get_attribute("max") == "5"
        summary = browser.find_element(By.CSS_SELECTOR, "#progress-text").text
        assert summary.startswith("5/5 processed") and "3 parsed, 2 failed" in summary
        rows = {r.find_elements(By.TAG_NAME, "td")[0].text: r
                for r in browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")}
        assert set(rows) == {"sisko.pdf", "kira.pdf", "broken.pdf", "more.zip/odo.pdf",
                             "more.zip/virus.exe"}
        for failed in ("broken.pdf", "more.zip/virus.exe"):
            cells = [c.text for c in rows[failed].find_elements(By.TAG_NAME, "td")]
            assert cells[1] == "failed" and cells[3], cells
        link = rows["sisko.pdf"].find_element(By.TAG_NAME, "a")
        assert link.text == "Benjamin Sisko"
        assert "/candidates/" in str(link.get_attribute("href"))
        shoot(browser, screenshots(request, "upload"), "results")


def test_upload_form_without_javascript_lands_on_the_batch_page(pg_harness: Harness) -> None:
    cookie, csrf = _session(pg_harness)
    with api_server(pg_harness.services) as client:
        assert client.get("/upload").status_code == 303  # not signed in: to /signin
        client.cookies.set(COOKIE, cookie)
        page = client.get("/upload")
        assert page.status_code == 200 and 'type="file"' in page.text and csrf in page.text
        parts = [("files", ("a.pdf", text_pdf("Jadzia Dax", "dax@ds9.test"))),
                 ("files", ("b.exe", b"MZ\x90\x00"))]
        expired = client.post("/upload", data={"csrf": "wrong"}, files=parts)
        assert expired.status_code == 403 and "expired" in expired.text
        posted = client.post("/upload", data={"csrf": csrf}, files=parts)
        assert posted.status_code == 303, posted.text
        target = posted.headers["location"]
        assert target.startswith("/upload/batches/")
        pg_harness.run_burst_worker()
        shown = client.get(target)
        assert shown.status_code == 200
        assert "2/2 processed" in shown.text and "b.exe" in shown.text
        assert "Jadzia Dax" in shown.text
        # another recruiter's batch page is a 404 page
        other, _ = _session(pg_harness, BOB)
        client.cookies.set(COOKIE, other)
        assert client.get(target).status_code == 404


