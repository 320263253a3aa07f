"""The API end to end: an operator makes a token with `hotgigs token create` beside a running
`hotgigs serve`; a script uploads a resume and a ZIP, follows both batches' event streams to
`done`, finds the candidates, and the recruiter gets the completion email in the Maildir."""

from __future__ import annotations

import mailbox
from collections.abc import Callable

import httpx

from tests.e2e.conftest import Serve
from tests.integration.api_support import read_events
from tests.resumes import text_pdf, zip_of


def test_a_script_uploads_follows_and_finds_its_candidates(
        start_serve: Callable[..., Serve]) -> None:
    serve = start_serve()
    made = serve.hotgigs("token", "create", "--owner", "ann@agency.test", "--name", "script")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=serve.base_url, timeout=60) as client:
        one = client.post("/api/v1/resumes", headers=auth,
                          files=[("files", ("ida.pdf", text_pdf("Ida Berg", "ida@x.test")))])
        assert one.status_code == 202, one.text
        bulk = client.post("/api/v1/resumes", headers=auth, files=[("files", ("two.zip", zip_of({
            "ola.pdf": text_pdf("Ola Nordmann", "ola@x.test"),
            "bad.pdf": b"%PDF-1.4 unreadable"})))])
        assert bulk.status_code == 202, bulk.text
        for created, files in ((one.json(), 1), (bulk.json(), 2)):
            events = read_events(client, created["events_url"], token)
            assert [e.name for e in events].count("file") == files
            assert events[-1].name == "done"
        found = client.get("/api/v1/candidates", headers=auth).json()["candidates"]
        assert sorted(c["name"] for c in found) == ["Ida Berg", "Ola Nordmann"]
    box = mailbox.Maildir(serve.data_dir / "outbox", create=False)
    (mail,) = list(box)
    assert mail["To"] == "ann@agency.test" and "1 failed" in mail["Subject"]
