"""`/api/v1` over real HTTP, with real Redis and `hotgigs worker` processes, on SQLite and
PostgreSQL: uploads (one, many, a ZIP), idempotency, the event stream read to its end, auth
(missing, wrong, revoked, another recruiter's), 413, 429, problem documents, the OpenAPI
document, candidates, jobs and matches."""

from __future__ import annotations

import mailbox

import pytest
from openapi_spec_validator import validate
from sqlalchemy import func, select

from hotgigs.web.session import COOKIE, CSRF_HEADER, Sessions, session_key
from storage.api_tokens import revoke_token
from storage.models import Batch, ProcessingJob
from storage.recruiters import recruiter_for
from tests.integration.api_support import (
    ANN,
    BOB,
    api_server,
    bearer,
    is_problem,
    read_events,
    services_with,
    token_for,
    upload,
)
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf, zip_of


def _pdf(n: int) -> bytes:
    return text_pdf(f"Person Number{n} Example", f"person{n}@mail.test")


def _batches(harness: Harness) -> int:
    with harness.services.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Batch)) or 0)


def _queues(harness: Harness, batch_id: int) -> set[str]:
    with harness.services.db.session() as session:
        return set(session.scalars(select(ProcessingJob.queue).join_from(
            ProcessingJob, Batch, Batch.id == batch_id).where(
            ProcessingJob.resume_id.in_([r.id for r in harness.resumes(batch_id)]))))


def test_one_file_is_followed_live_to_its_candidate(harness: Harness) -> None:
    harness.start_worker()
    token = token_for(harness)
    with api_server(harness.services) as client:
        answer = upload(client, token, {"sisko.pdf": text_pdf("Benjamin Sisko",
                                                              "sisko@ds9.test")})
        assert answer.status_code == 202, answer.text
        created = answer.json()
        batch_id = created["batch_id"]
        assert answer.headers["location"] == created["url"] == f"/api/v1/batches/{batch_id}"
        assert created["events_url"] == f"/api/v1/batches/{batch_id}/events"
        assert created["total"] == 1
        assert _queues(harness, batch_id) == {"high"}

        events = read_events(client, created["events_url"], token)
        names = [e.name for e in events]
        assert names[0] == "progress" and names[-1] == "done", names
        assert names.count("file") == 1 and names.count("done") == 1
        assert events[0].data["total"] == 1
        assert [e.data for e in events if e.name == "progress"][-1]["done"] == 1
        (file,) = [e.data for e in events if e.name == "file"]
        assert file["filename"] == "sisko.pdf" and file["status"] == "parsed"
        assert file["name"] == "Benjamin Sisko"
        assert file["candidate_url"] == f"/candidates/{file['candidate_id']}"

        status = client.get(created["url"], headers=bearer(token)).json()
        assert status["state"] == "done" and (status["parsed"], status["failed"]) == (1, 0)
        assert status["files"][0]["candidate_id"] == file["candidate_id"]

        person = client.get(f"/api/v1/candidates/{file['candidate_id']}",
                            headers=bearer(token))
        assert person.status_code == 200, person.text
        assert person.json()["email"] == "sisko@ds9.test"
        found = client.get("/api/v1/candidates", params={"query": "sisko"},
                           headers=bearer(token)).json()
        assert [c["id"] for c in found["candidates"]] == [file["candidate_id"]]
        assert client.get("/api/v1/candidates", params={"query": "nobody-like-this"},
                          headers=bearer(token)).json()["candidates"] == []
    # a single upload gets no completion email: its page showed the result live
    assert not (harness.settings.data_dir / "outbox").exists()


def test_many_files_and_a_zip_keep_every_refusal_and_come_back_once(harness: Harness) -> None:
    harness.extra_env["HOTGIGS_PUBLIC_URL"] = "https://hotgigs.example"  # links in the email
    harness.start_worker()
    token = token_for(harness)
    files = {"a.pdf": _pdf(1), "b.pdf": _pdf(2), "broken.pdf": b"%PDF-1.4 unreadable",
             "tool.exe": b"MZ\x90\x00" + b"\x00" * 200,
             "more.zip": zip_of({"c.pdf": _pdf(3), "d.pdf": _pdf(4), "notes.exe": b"MZ\x90\x00"})}
    with api_server(harness.services) as client:
        first = upload(client, token, files, key="import-42")
        assert first.status_code == 202, first.text
        created = first.json()
        assert created["total"] == 7  # the ZIP counts its three entries
        assert _queues(harness, created["batch_id"]) == {"low"}
        again = upload(client, token, files, key="import-42")
        assert again.status_code == 202 and again.json()["batch_id"] == created["batch_id"]
        assert _batches(harness) == 1

        events = read_events(client, created["events_url"], token)
        results = {e.data["filename"]: e.data for e in events if e.name == "file"}
        assert len(results) == 7 and events[-1].name == "done"
        assert {n for n, r in results.items() if r["status"] == "parsed"} == {
            "a.pdf", "b.pdf", "more.zip/c.pdf", "more.zip/d.pdf"}
        for refused in ("broken.pdf", "tool.exe", "more.zip/notes.exe"):
            assert results[refused]["status"] == "failed" and results[refused]["reason"]
        # the batch is over: its stream replays the files, then ends
        replay = read_events(client, created["events_url"], token)
        assert [e.name for e in replay].count("file") == 7 and replay[-1].name == "done"

        status = client.get(created["url"], headers=bearer(token)).json()
        assert (status["total"], status["parsed"], status["failed"]) == (7, 4, 3)

    # the completion email, through the email door's mailer (the Maildir outbox)
    box = mailbox.Maildir(harness.settings.data_dir / "outbox", create=False)
    (mail,) = list(box)
    assert mail["To"] == ANN and "7 of 7" in mail["Subject"]
    body = mail.get_payload(decode=True).decode()
    assert "tool.exe" in body and "more.zip/c.pdf" in body
    assert f"https://hotgigs.example/candidates/{results['a.pdf']['candidate_id']}" in body
    assert f"https://hotgigs.example/upload/batches/{created['batch_id']}" in body


def test_who_may_call_and_what_they_may_see(harness: Harness) -> None:
    token, other = token_for(harness), token_for(harness, BOB)
    with api_server(harness.services) as client:
        mine = upload(client, token, {"a.pdf": _pdf(1)}).json()

        missing = client.get(mine["url"])
        assert is_problem(missing, 401)["detail"]
        assert missing.headers["www-authenticate"].startswith("Bearer")
        is_problem(client.get(mine["url"], headers=bearer("hg_not-a-real-token")), 401)
        is_problem(client.get(mine["url"], headers={"Authorization": "Basic eDp5"}), 401)

        # another recruiter's batch, events, candidate and job are 404, as if absent
        assert is_problem(client.get(mine["url"], headers=bearer(other)), 404)["detail"]
        is_problem(client.get(mine["events_url"], headers=bearer(other)), 404)
        is_problem(client.get("/api/v1/batches/999999", headers=bearer(token)), 404)
        job = client.post("/api/v1/jobs", headers=bearer(token), json={
            "title": "Python developer", "description": "Python, Django, PostgreSQL"})
        assert job.status_code == 201, job.text
        slug = job.json()["slug"]
        is_problem(client.get(f"/api/v1/jobs/{slug}/matches", headers=bearer(other)), 404)
        assert slug not in [j["slug"] for j in client.get(
            "/api/v1/jobs", headers=bearer(other)).json()["jobs"]]

        # the session cookie of the pages works too, with its CSRF header on a POST
        with harness.services.db.session() as session:
            ann_id = recruiter_for(session, ANN).id
        sessions = Sessions(session_key(harness.settings), secure=False)
        cookie = sessions.cookie_value(ann_id, ANN)
        csrf = sessions.read(cookie).csrf  # type: ignore[union-attr]
        client.cookies.set(COOKIE, cookie)
        assert client.get(mine["url"]).status_code == 200
        is_problem(client.post("/api/v1/resumes", files=[("files", ("b.pdf", _pdf(2)))]), 401)
        posted = client.post("/api/v1/resumes", files=[("files", ("b.pdf", _pdf(2)))],
                             headers={CSRF_HEADER: csrf})
        assert posted.status_code == 202, posted.text
        client.cookies.clear()

        # a revoked token stops at once
        assert revoke_token(harness.services.db, token[:12]).revoked_at is not None
        is_problem(client.get(mine["url"], headers=bearer(token)), 401)
        is_problem(client.post("/api/v1/resumes", headers=bearer(token), files=[]), 401)
        # no files at all is a problem document too
        is_problem(client.post("/api/v1/resumes", headers=bearer(other),
                               files=[("note", ("", b""))]), 422)


def test_size_limits_answer_413_before_and_while_reading(harness: Harness) -> None:
    token = token_for(harness)
    services = services_with(harness, max_file_mb=1, zip_max_total_mb=2)
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10)
    with api_server(services) as client:
        # one file over HOTGIGS_MAX_FILE_MB
        assert "1 MB" in is_problem(upload(client, token, {"big.pdf": big}), 413)["detail"]
        # a body over the request limit, announced by Content-Length: refused at once
        huge = b"x" * (4 * 1024 * 1024)
        is_problem(upload(client, token, {"huge.pdf": huge}), 413)

        # the same body sent in chunks, with no Content-Length: refused while reading
        def chunks() -> object:
            boundary = b"--b0undary"
            yield boundary + b'\r\nContent-Disposition: form-data; name="files"; ' \
                             b'filename="x.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            for _ in range(64):
                yield b"y" * 65536
            yield b"\r\n" + boundary + b"--\r\n"

        streamed = client.post("/api/v1/resumes", content=chunks(),  # type: ignore[arg-type]
                               headers={**bearer(token),
                                        "Content-Type": "multipart/form-data; boundary=b0undary"})
        is_problem(streamed, 413)
    assert _batches(harness) == 0


def test_past_the_rate_limit_is_429_with_retry_after(harness: Harness) -> None:
    token, other = token_for(harness), token_for(harness, BOB)
    with api_server(services_with(harness, api_rate_limit=3)) as client:
        for _ in range(3):
            assert client.get("/api/v1/jobs", headers=bearer(token)).status_code == 200
        refused = client.get("/api/v1/jobs", headers=bearer(token))
        assert "3 requests" in is_problem(refused, 429)["detail"]
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        # the limit is per token
        assert client.get("/api/v1/jobs", headers=bearer(other)).status_code == 200


def test_jobs_and_matches_with_reasons(harness: Harness) -> None:
    token = token_for(harness)
    harness.submit({"py.pdf": text_pdf("Grace Hopper", "grace@navy.test")}, source="web",
                   by=ANN)
    harness.run_burst_worker()
    with api_server(harness.services) as client:
        job = client.post("/api/v1/jobs", headers=bearer(token), json={
            "title": "Python developer", "description": "We need Python and SQL skills.",
            "location": "Berlin"})
        assert job.status_code == 201, job.text
        saved = job.json()
        assert job.headers["location"] == f"/api/v1/jobs/{saved['slug']}"
        assert "python" in [s.lower() for s in saved["required_skills"]]
        listed = client.get("/api/v1/jobs", headers=bearer(token)).json()["jobs"]
        assert [j["slug"] for j in listed] == [saved["slug"]]
        ranked = client.get(saved["matches_url"], params={"top": 5}, headers=bearer(token))
        assert ranked.status_code == 200, ranked.text
        matches = ranked.json()["matches"]
        assert matches and matches[0]["name"] == "Grace Hopper"
        assert matches[0]["reason"] and 0 <= matches[0]["score"] <= 100
        is_problem(client.get("/api/v1/jobs/no-such-job/matches", headers=bearer(token)), 404)
        bad = client.post("/api/v1/jobs", headers=bearer(token), json={"title": ""})
        assert is_problem(bad, 422)["errors"]


def test_the_openapi_document_validates_and_the_docs_are_local(harness: Harness) -> None:
    with api_server(harness.services) as client:
        doc = client.get("/api/v1/openapi.json").json()
        validate(doc)
        assert doc["openapi"].startswith("3.1")
        paths = doc["paths"]
        for path in ("/api/v1/resumes", "/api/v1/batches/{batch_id}",
                     "/api/v1/batches/{batch_id}/events", "/api/v1/candidates",
                     "/api/v1/candidates/{candidate_id}", "/api/v1/jobs",
                     "/api/v1/jobs/{slug}/matches"):
            assert path in paths, path
        assert "/healthz" not in paths and not any(p.startswith("/admin") for p in paths)
        upload_op = paths["/api/v1/resumes"]["post"]
        assert set(upload_op["responses"]) >= {"202", "401", "413", "429"}
        assert "multipart/form-data" in upload_op["requestBody"]["content"]
        assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
        validate(client.get("/api/v1/docs/openapi-3.0.json").json())

        page = client.get("/api/v1/docs")
        assert page.status_code == 200 and "swagger-ui" in page.text
        assert "http://" not in page.text and "https://" not in page.text
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
            assert client.get(f"/api/v1/docs/assets/{asset}").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/batches/abc"])
def test_unknown_paths_and_bad_ids_are_problems(harness: Harness, path: str) -> None:
    token = token_for(harness)
    with api_server(harness.services) as client:
        answer = client.get(path, headers=bearer(token))
        assert answer.status_code in (404, 422)
        is_problem(answer, answer.status_code)


