"""The web door end to end: the operator logs in to `hotgigs serve`'s /admin with the admin
token (form and session cookie) and sees a candidate the serve's workers parsed."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

from tests.e2e.conftest import Serve
from tests.resumes import text_pdf

TOKEN = "correct horse battery staple"


def _login(serve: Serve, token: str) -> tuple[int, str]:
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = urlencode({"token": token}).encode()
    try:
        with browser.open(f"{serve.base_url}/admin/login", data=form, timeout=30) as page:
            return page.status, page.read().decode()  # after the redirect to /admin
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_dashboard_shows_a_parsed_candidate(start_serve: Callable[..., Serve],
                                                tmp_path: Path) -> None:
    serve = start_serve(HOTGIGS_ADMIN_TOKEN=TOKEN)
    (tmp_path / "cv.pdf").write_bytes(text_pdf("Ida Berg", "ida@x.test"))
    done = serve.hotgigs("import", str(tmp_path / "cv.pdf"), "--wait")
    assert done.returncode == 0, done.stderr

    status, page = _login(serve, TOKEN)
    assert status == 200, page
    assert '<span id="resumes-parsed">1</span>' in page
    assert "<td>Ida Berg</td>" in page
    status, page = _login(serve, "wrong")
    assert status == 401 and "Wrong token." in page
