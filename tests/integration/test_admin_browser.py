"""End to end in a real browser: headless Chromium logs in to `/admin` and sees the counts.

Chromium is driven through chromedriver's W3C WebDriver HTTP API with the standard library,
so no browser-automation package is needed (Debian: `chromium`, `chromium-driver`).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import free_port, wait_until
from tests.integration.http_support import TOKEN, http_server, with_token
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"

pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="needs Debian's chromium and chromium-driver")


class Browser:
    """A WebDriver session: just the calls this test needs."""

    def __init__(self, driver_url: str, profile: Path) -> None:
        self.base = driver_url
        options = {"binary": CHROMIUM, "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            f"--user-data-dir={profile}", "--window-size=1280,1600"]}
        created = self._call("POST", "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": options}}})
        self.session = f"/session/{created['sessionId']}"

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as response:
            return json.loads(response.read())["value"]

    def go(self, url: str) -> None:
        self._call("POST", f"{self.session}/url", {"url": url})

    def find(self, css: str) -> str:
        found = self._call("POST", f"{self.session}/element",
                           {"using": "css selector", "value": css})
        return str(found[ELEMENT])

    def type(self, css: str, text: str) -> None:
        self._call("POST", f"{self.session}/element/{self.find(css)}/value", {"text": text})

    def click(self, css: str) -> None:
        self._call("POST", f"{self.session}/element/{self.find(css)}/click", {})

    def text(self, css: str) -> str:
        return str(self._call("GET", f"{self.session}/element/{self.find(css)}/text"))

    def wait_for(self, css: str, timeout: float = 30) -> None:
        """A form post navigates after `click` returns: wait for the next page's element."""

        def present() -> bool:
            try:
                self.find(css)
            except urllib.error.HTTPError:  # WebDriver's "no such element"
                return False
            return True

        wait_until(present, timeout=timeout, what=f"element {css}")

    def title(self) -> str:
        return str(self._call("GET", f"{self.session}/title"))

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self._call("GET", f"{self.session}/screenshot")))

    def quit(self) -> None:
        self._call("DELETE", self.session)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    port = free_port()
    assert DRIVER is not None
    driver = subprocess.Popen([DRIVER, f"--port={port}"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            with urllib.request.urlopen(url + "/status", timeout=5) as response:
                return bool(json.loads(response.read())["value"]["ready"])
        except OSError:
            return False

    try:
        wait_until(ready, timeout=30, what="chromedriver")
        session = Browser(url, tmp_path / "profile")
        try:
            yield session
        finally:
            session.quit()
    finally:
        driver.terminate()
        driver.wait(timeout=30)


def test_admin_in_headless_chromium_shows_the_counts(pg_harness: Harness, browser: Browser,
                                                     tmp_path: Path) -> None:
    pg_harness.submit({"a.pdf": text_pdf("Benjamin Sisko", "sisko@ds9.test"),
                       "b.pdf": text_pdf("Worf Mogh", "worf@ds9.test", company="Klingon"),
                       "c.pdf": b"%PDF-1.4 unreadable"})
    pg_harness.run_burst_worker()
    with http_server(with_token(pg_harness, TOKEN)) as port:
        browser.go(f"http://127.0.0.1:{port}/admin")
        assert "log in" in browser.title()
        browser.type("#token", TOKEN)
        browser.click("#login")
        browser.wait_for("#resumes-parsed")
        assert browser.text("#resumes-parsed") == "2"
        assert browser.text("#resumes-failed") == "1"
        assert "c.pdf" in browser.text("#failures")
        assert "ann@agency.test" in browser.text("#usage")
        shot = tmp_path / "admin.png"
        browser.screenshot(shot)
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
