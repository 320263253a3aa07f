"""The recruiter pages over real HTTP: signing in by a one-time link read from the Maildir,
candidates and jobs seen only by their owner, CSRF on every form, and the candidate page's
resume versions, files and matches."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import redis
from sqlalchemy import select

from storage.models import AuditEvent, Candidate, Job
from tests.integration.http_support import http_server, request
from tests.integration.pages_support import (
    ANN,
    BOB,
    csrf_of,
    outbox,
    recruiter,
    session_cookie,
    visitor,
    wait_for_link,
)
from tests.integration.pipeline_harness import Harness
from tests.resumes import namesakes, text_pdf


def _same_answer(page: bytes, address: str) -> str:
    text = page.decode().replace(address, "ADDRESS")
    return re.sub(r'value="[^"]*"', "", text)


def test_a_one_time_link_signs_a_recruiter_in_once(harness: Harness) -> None:
    ann = recruiter(harness.services, ANN)
    data_dir = harness.settings.data_dir
    with http_server(harness.services) as port:
        # a page behind sign-in sends the visitor to the form, keeping where they were going
        status, headers, _ = request(port, "GET", "/candidates?q=kira")
        assert status == 303 and headers["location"] == "/signin?next=/candidates%3Fq%3Dkira"
        cookie, token, page = visitor(port, headers["location"])
        assert b'<label for="email">' in page and b'value="/candidates?q=kira"' in page

        status, _, unknown = request(port, "POST", "/signin", headers=cookie, form={
            "email": "nobody@nowhere.test", "csrf": token, "next": "/candidates?q=kira"})
        assert status == 200
        status, _, known = request(port, "POST", "/signin", headers=cookie, form={
            "email": ANN.upper(), "csrf": token, "next": "/candidates?q=kira"})
        assert status == 200 and b"Check your email" in known
        assert _same_answer(unknown, "nobody@nowhere.test") == _same_answer(known, ANN)
        link = wait_for_link(data_dir, ANN)
        assert [m["To"] for m in outbox(data_dir)] == [ANN]  # nothing for the unknown address
        assert link.startswith(f"http://127.0.0.1:{port}/signin/link?token=")

        path = link.split(f":{port}", 1)[1]
        for _ in range(2):  # a mail scanner's prefetch, then the recruiter's own click
            status, headers, page = request(port, "GET", path, headers=cookie)
            assert status == 200 and b'id="sign-in"' in page
            assert "hotgigs_session" not in headers.get("set-cookie", "")
        link_token = re.search(rb'name="token" value="([^"]+)"', page)
        assert link_token is not None
        form = {"token": link_token.group(1).decode(), "csrf": csrf_of(page)}
        # without the visitor's form cookie (another site posting it): refused, not used up
        assert request(port, "POST", "/signin/link", form=form)[0] == 403
        status, headers, _ = request(port, "POST", "/signin/link", headers=cookie, form=form)
        assert status == 303 and headers["location"] == "/candidates?q=kira"
        session = {"Cookie": headers["set-cookie"].split(";", 1)[0]}
        assert "HttpOnly" in headers["set-cookie"]
        assert request(port, "POST", "/signin/link", headers=cookie, form=form)[0] == 410
        assert request(port, "GET", path)[0] == 410

        status, _, page = request(port, "GET", "/", headers=session)
        assert status == 200 and ANN.encode() in page and b'href="/candidates"' in page
        assert request(port, "POST", "/signout", headers=session, form={})[0] == 403
        status, headers, _ = request(port, "POST", "/signout", headers=session,
                                     form={"csrf": csrf_of(page)})
        assert status == 303 and 'hotgigs_session=""' in headers["set-cookie"]
    assert ann > 0


def test_an_expired_link_is_refused(harness: Harness) -> None:
    recruiter(harness.services, ANN)
    store = redis.Redis.from_url(str(harness.settings.redis_url))
    with http_server(harness.services) as port:
        cookie, token, _ = visitor(port)
        request(port, "POST", "/signin", headers=cookie, form={"email": ANN, "csrf": token})
        link = wait_for_link(harness.settings.data_dir, ANN)
        [key] = store.keys(f"{harness.settings.queue_prefix}:signin-link:*")
        assert 14 * 60 < store.ttl(key) <= 15 * 60  # the link lives 15 minutes …
        assert urlsplit(link).query.split("=", 1)[1] not in key.decode()  # … stored hashed
        store.expire(key, 0)  # … and those 15 minutes pass (a TTL of 0 expires it at once;
        # a 1 ms TTL raced a fast request on CI)
        path = link.split(urlsplit(link).netloc, 1)[1]
        status, _, page = request(port, "GET", path, headers=cookie)
        assert status == 410 and b"no longer works" in page
        form = {"token": urlsplit(link).query.split("=", 1)[1], "csrf": token}
        status, headers, _ = request(port, "POST", "/signin/link", headers=cookie, form=form)
        assert status == 410 and "hotgigs_session" not in headers.get("set-cookie", "")


def test_asking_for_links_is_throttled_per_address_and_per_ip(harness: Harness) -> None:
    recruiter(harness.services, ANN)
    with http_server(harness.services) as port:
        cookie, token, _ = visitor(port)
        answers = [request(port, "POST", "/signin", headers=cookie,
                           form={"email": ANN, "csrf": token})[0] for _ in range(6)]
        assert answers == [200] * 5 + [429]
        status, headers, page = request(port, "POST", "/signin", headers=cookie,
                                        form={"email": "stranger@nowhere.test", "csrf": token})
        assert status == 200  # another address from the same client still gets its answer
        wait_for_link(harness.settings.data_dir, ANN, count=5)
        # one client asking for many addresses (behind our own proxy: X-Forwarded-For)
        far = {**cookie, "X-Forwarded-For": "203.0.113.9"}
        answers = [request(port, "POST", "/signin", headers=far,
                           form={"email": f"guess{n}@nowhere.test", "csrf": token})[0]
                   for n in range(21)]
        assert answers == [200] * 20 + [429]
        status, headers, page = request(port, "POST", "/signin", headers=far,
                                        form={"email": ANN, "csrf": token})
        assert status == 429 and int(headers["retry-after"]) > 0 and b"Try again" in page
    assert len([m for m in outbox(harness.settings.data_dir) if m["To"] == ANN]) == 5


def test_the_sign_in_form_checks_its_token_and_the_address(harness: Harness) -> None:
    with http_server(harness.services) as port:
        cookie, token, _ = visitor(port)
        assert request(port, "POST", "/signin", form={"email": ANN, "csrf": token})[0] == 403
        assert request(port, "POST", "/signin", headers=cookie,
                       form={"email": ANN, "csrf": "forged"})[0] == 403
        status, _, page = request(port, "POST", "/signin", headers=cookie,
                                  form={"email": "not an address", "csrf": token})
        assert status == 400 and b'aria-describedby="email-error"' in page
        assert b'id="email-error"' in page
        # `next` only ever lands on this site
        status, _, page = request(port, "GET", "/signin?next=//evil.test/x")
        assert b'value="//evil.test/x"' not in page and b'name="next" value="/"' in page


def _imported(h: Harness) -> tuple[int, int, bytes]:
    """Ann's Kira Nerys, imported twice (two resume versions), and Bob's Odo: (kira, odo,
    the first version's bytes)."""
    first = text_pdf("Kira Nerys", "kira@bajor.test", title="Data Engineer",
                     company="Bajoran Militia", skills="Python, SQL, Airflow, Spark")
    h.submit({"kira.pdf": first}, by=ANN)
    h.submit({"kira-2026.pdf": text_pdf("Kira Nerys", "kira@bajor.test", title="Data Engineer",
                                        company="Deep Space Nine",
                                        skills="Python, SQL, Airflow, Spark, Kafka")}, by=ANN)
    h.submit({"odo.pdf": text_pdf("Odo Ital", "odo@ds9.test", title="Security Chief",
                                  company="DS9")}, by=BOB)
    h.run_burst_worker()
    with h.services.db.session() as session:
        kira = session.scalars(select(Candidate.id).where(Candidate.name == "Kira Nerys")).one()
        odo = session.scalars(select(Candidate.id).where(Candidate.name == "Odo Ital")).one()
    return kira, odo, first


def test_candidates_and_jobs_are_their_owners_only(harness: Harness) -> None:
    ann, bob = recruiter(harness.services, ANN), recruiter(harness.services, BOB)
    kira, odo, first = _imported(harness)
    as_ann = session_cookie(harness.services, ann, ANN)
    as_bob = session_cookie(harness.services, bob, BOB)
    with http_server(harness.services) as port:
        status, _, page = request(port, "GET", "/candidates?q=engineer", headers=as_ann)
        assert status == 200 and f'href="/candidates/{kira}"'.encode() in page
        assert b"Odo" not in page and b"<time datetime=" in page
        status, _, page = request(port, "GET", "/candidates?q=kafka", headers=as_ann)
        assert b"Kira Nerys" in page  # a skill found it
        assert b"Kira" not in request(port, "GET", "/candidates?q=kira", headers=as_bob)[2]

        status, _, page = request(port, "GET", "/jobs", headers=as_ann)
        form = {"csrf": csrf_of(page), "title": "Data Engineer", "location": "Remote",
                "remote": "yes", "description": "Data Engineer with Python, SQL and Airflow. "
                                                "3+ years building pipelines."}
        assert request(port, "POST", "/jobs", headers=as_ann,
                       form={**form, "csrf": "forged"})[0] == 403
        status, headers, _ = request(port, "POST", "/jobs", headers=as_ann, form=form)
        assert status == 303 and headers["location"] == "/jobs/data-engineer"
        status, _, page = request(port, "POST", "/jobs", headers=as_ann,
                                  form={**form, "title": " "})
        assert status == 400 and b'id="title-error"' in page

        status, _, page = request(port, "GET", "/jobs/data-engineer", headers=as_ann)
        assert status == 200 and f'href="/candidates/{kira}"'.encode() in page
        assert b"Odo" not in page

        status, _, page = request(port, "GET", f"/candidates/{kira}", headers=as_ann)
        text = page.decode()
        assert status == 200 and "Deep Space Nine" in text
        assert "kira.pdf" in text and "kira-2026.pdf" in text  # both versions
        assert 'href="/jobs/data-engineer"' in text and 'class="reasons"' in text
        file_link = re.search(r'href="(/candidates/\d+/resumes/(\d+)/file)"[^>]*>kira.pdf<', text)
        assert file_link is not None
        status, headers, body = request(port, "GET", file_link.group(1), headers=as_ann)
        assert status == 200 and body == first
        assert headers["content-type"] == "application/pdf"
        assert headers["content-disposition"].startswith('attachment; filename="kira.pdf"')

        # another recruiter's candidate, file or job: 404, as if it did not exist
        for path in (f"/candidates/{kira}", file_link.group(1), "/jobs/data-engineer",
                     f"/candidates/{odo}/resumes/{file_link.group(2)}/file"):
            assert request(port, "GET", path, headers=as_bob)[0] == 404, path
        status, _, page = request(port, "GET", "/jobs", headers=as_bob)
        assert b"data-engineer" not in page
        assert request(port, "POST", "/jobs/data-engineer/status", headers=as_bob,
                       form={"csrf": csrf_of(page), "action": "close"})[0] == 404
        assert request(port, "GET", f"/candidates/{odo}", headers=as_ann)[0] == 404
        for path in ("/candidates/kira", "/candidates/99999999999999999999",
                     f"/candidates/{kira}/resumes/x/file"):
            assert request(port, "GET", path, headers=as_ann)[0] == 404, path

        status, _, page = request(port, "GET", "/jobs/data-engineer", headers=as_ann)
        assert request(port, "POST", "/jobs/data-engineer/status", headers=as_ann,
                       form={"action": "close"})[0] == 403
        status, _, _ = request(port, "POST", "/jobs/data-engineer/status", headers=as_ann,
                               form={"csrf": csrf_of(page), "action": "close"})
        assert status == 303
        assert b'id="reopen-job"' in request(port, "GET", "/jobs/data-engineer",
                                             headers=as_ann)[2]
    with harness.services.db.session() as session:
        assert session.scalars(select(Job.status)).one() == "closed"
        viewed = session.execute(select(AuditEvent.actor, AuditEvent.source).where(
            AuditEvent.candidate_id == kira, AuditEvent.action == "viewed")).all()
    assert viewed == [(ANN, "web"), (ANN, "web")]  # the page, then the file


def test_the_candidate_page_names_possible_duplicates(harness: Harness) -> None:
    ann = recruiter(harness.services, ANN)
    harness.submit(namesakes(), by=ANN)
    harness.run_burst_worker()
    with harness.services.db.session() as session:
        one, other = session.scalars(select(Candidate.id).order_by(Candidate.id)).all()
    with http_server(harness.services) as port:
        status, _, page = request(port, "GET", f"/candidates/{one}",
                                  headers=session_cookie(harness.services, ann, ANN))
    assert status == 200
    duplicates = re.search(r'<ul id="duplicates">(.*?)</ul>', page.decode(), re.S)
    assert duplicates is not None and f'href="/candidates/{other}"' in duplicates.group(1)
    assert "same name" in duplicates.group(1)


def test_an_api_token_signs_in(harness: Harness) -> None:
    """The sign-in page's token form takes a recruiter's API token (`hotgigs token create`);
    a wrong or revoked one is refused."""
    from storage.api_tokens import create_token, revoke_token

    recruiter(harness.services, ANN)
    view, secret = create_token(harness.services.db, ANN, "laptop")
    with http_server(harness.services) as port:
        cookie, token, page = visitor(port, "/signin?next=/jobs")
        assert b'action="/signin/token"' in page
        status, _, page = request(port, "POST", "/signin/token", headers=cookie,
                                  form={"token": "hg_wrong", "csrf": token, "next": "/jobs"})
        assert status == 401 and b"not valid" in page
        status, headers, _ = request(port, "POST", "/signin/token", headers=cookie,
                                     form={"token": secret, "csrf": token, "next": "/jobs"})
        assert status == 303 and headers["location"] == "/jobs"
        session = {"Cookie": headers["set-cookie"].split(";", 1)[0]}
        assert request(port, "GET", "/jobs", headers=session)[0] == 200
        revoke_token(harness.services.db, str(view.id))
        status, _, _ = request(port, "POST", "/signin/token", headers=cookie,
                               form={"token": secret, "csrf": token, "next": "/jobs"})
        assert status == 401
