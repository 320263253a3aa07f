"""The apply page's test rig: a job taking applications, and a visitor speaking real HTTP
(requests, with its own cookie jar) to the app `hotgigs serve` builds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from sqlalchemy import func, select

from hotgigs.bootstrap import Services
from hotgigs.web.app import build_app
from hotgigs.web.http import HttpServer
from matching import close_job, create_job
from pipeline.applications import set_apply_open
from storage.models import Application, Batch, Job, Resume
from storage.recruiters import recruiter_for

OWNER = "rita@agency.test"
JOB_TEXT = ("We are looking for a Python developer to build data services.\n"
            "Requirements: Python, SQL, Docker; 3+ years.")
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_TOKEN = re.compile(r"/apply/status/([A-Za-z0-9_-]+)$")


def add_job(services: Services, *, title: str = "Python Developer", apply: bool = True,
            owner: str | None = OWNER, closed: bool = False) -> str:
    """A job (of `owner`) with its apply page on or off; returns its slug."""
    with services.db.session() as session:
        owner_id = recruiter_for(session, owner).id if owner else None
        job = create_job(session, title=title, description=JOB_TEXT, location="Leeds, UK",
                         owner_id=owner_id)
        if apply:
            set_apply_open(job, True)
        if closed:
            close_job(session, job)
        return job.slug


@contextmanager
def serving(services: Services) -> Iterator[str]:
    server = HttpServer("127.0.0.1", 0, build_app(services))
    server.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()


class Visitor:
    """One browser-like visitor: a cookie jar, an address (X-Forwarded-For from loopback,
    which uvicorn trusts as a proxy's) and the form's CSRF field once a page was read."""

    def __init__(self, base: str, address: str = "198.51.100.7") -> None:
        self.base = base
        self.http = requests.Session()
        self.http.headers["X-Forwarded-For"] = address
        self.csrf: str | None = None

    def get(self, path: str) -> requests.Response:
        response = self.http.get(self.base + path, allow_redirects=False, timeout=30)
        found = _CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def apply(self, slug: str, *, email: str | None = "jadzia@ds9.test",
              consent: bool = True, files: list[tuple[str, bytes, str]] | None = None,
              csrf: str | None = "from page", read_form: bool = True) -> requests.Response:
        """POST the form (reading it first, for the CSRF cookie and field, unless told)."""
        if read_form and self.csrf is None:
            assert self.get(f"/apply/{slug}").status_code == 200
        fields: dict[str, str] = {}
        if csrf is not None:
            fields["csrf"] = (self.csrf or "") if csrf == "from page" else csrf
        if email is not None:
            fields["email"] = email
        if consent:
            fields["consent"] = "yes"
        sent = [("resume", (name, data, mime)) for name, data, mime in files or []]
        return self.http.post(f"{self.base}/apply/{slug}", data=fields,
                              files=sent or None, allow_redirects=False, timeout=60)

    def status_json(self, token: str) -> requests.Response:
        return self.http.get(f"{self.base}/apply/status/{token}.json", timeout=30)


def token_of(response: requests.Response) -> str:
    """The status token from the redirect after a successful application."""
    assert response.status_code == 303, (response.status_code, response.text[:500])
    found = _TOKEN.search(response.headers["location"])
    assert found, response.headers["location"]
    return found.group(1)


def stored_counts(services: Services) -> tuple[int, int, int]:
    """(batches, resumes, applications): what a refused application must not have added."""
    with services.db.session() as session:
        return tuple(int(session.scalar(select(func.count()).select_from(model)) or 0)
                     for model in (Batch, Resume, Application))  # type: ignore[return-value]


def blob_count(services: Services) -> int:
    root = Path(services.settings.data_dir) / "blobs"
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def job_id(services: Services, slug: str) -> int:
    with services.db.session() as session:
        found = session.scalar(select(Job.id).where(Job.slug == slug))
        assert found is not None
        return int(found)
