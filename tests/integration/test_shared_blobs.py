"""Files in S3-compatible storage (SeaweedFS) shared by processes that share nothing else on disk:
a worker with its own data dir parses what another process received, and `hotgigs blobs
migrate` moves an existing local store there, proving every copy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hotgigs.bootstrap import Services, bootstrap
from pipeline.context import configure, current
from pipeline.errors import Transient
from pipeline.intake import Intake
from pipeline.models import IngestFile, IngestRequest
from pipeline.reparse import Selection, start
from pipeline.reparse_task import reparse_resumes
from pipeline.tasks import process_resumes
from storage.db import upgrade
from storage.files import LocalEncryptedStore, Sealer, decode_key, sha256_hex
from storage.models import Batch, Resume
from storage.stores import open_store
from tests.conftest import S3Bucket, truncate_all, unreachable_s3_store
from tests.integration.api_support import api_server, is_problem, token_for, upload
from tests.integration.pipeline_harness import Harness, make_harness
from tests.resumes import docx_resume, text_pdf

FILES = {"lee.pdf": text_pdf("Jin Lee", "jin@x.test"),
         "omar.docx": docx_resume("Omar Haddad", "omar@x.test")}


@pytest.fixture
def s3_harness(make_settings: object, pg_url: str, redis_url: str, s3_bucket: S3Bucket,
               tmp_path: Path) -> Iterator[Harness]:
    """PostgreSQL, Redis and the bucket; intake in this process on data dir `data`."""
    truncate_all(pg_url)

    def settings(**values: object) -> object:
        build: Any = make_settings
        return build(blob_url=s3_bucket.url(), s3_endpoint=s3_bucket.endpoint,
                     s3_region="us-east-1", **values)

    h = make_harness(settings, pg_url, redis_url)
    yield h
    h.close()


def test_a_worker_with_its_own_data_dir_parses_what_another_process_received(
    s3_harness: Harness, s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    h = s3_harness
    batch = h.submit(FILES)
    objects = s3_bucket.objects()
    assert len(objects) == 2
    assert not any(sha256_hex(data) in name for name in objects for data in FILES.values())
    assert not (h.settings.data_dir / "blobs").exists()

    other = tmp_path / "second-host"  # shares PostgreSQL, Redis, the bucket and the key only
    h.extra_env = {**s3_bucket.env(), "HOTGIGS_DATA_DIR": str(other)}
    h.run_burst_worker()
    done = h.wait_batch_done(batch.id)
    assert (done.parsed, done.failed) == (2, 0)
    assert sorted(r.status for r in h.resumes(batch.id)) == ["parsed", "parsed"]
    assert h.candidate_count() == 2
    assert other.exists() and not (other / "blobs").exists()


def test_a_worker_refuses_to_start_on_a_missing_bucket_naming_it(
    s3_harness: Harness, s3_bucket: S3Bucket
) -> None:
    h = s3_harness
    h.extra_env = {**s3_bucket.env(), "HOTGIGS_BLOB_URL": "s3://hotgigs-gone/blobs"}
    proc = subprocess.run([sys.executable, "-m", "hotgigs", "worker", "--burst"], env=h.env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "the S3 bucket 'hotgigs-gone' does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr


def _migrate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hotgigs", "blobs", "migrate", "--json", *args],
                          env=env, capture_output=True, text=True, timeout=300)


def test_migrate_moves_a_local_store_with_legacy_files_to_s3_and_proves_it(
    make_settings: object, s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")  # type: ignore[operator]
    upgrade(settings.effective_database_url)
    services = bootstrap(settings)
    contents = [text_pdf(f"Person {n}", f"p{n}@x.test") for n in range(4)]
    try:
        request = IngestRequest(source="cli", submitted_by="ann@agency.test",
                                idempotency_key=None,
                                files=[IngestFile(name=f"r{n}.pdf", content=content)
                                       for n, content in enumerate(contents)])
        Intake(services.db, services.blobs, None).submit(request)
    finally:
        services.close()
    secret = decode_key(str(settings.encryption_key))
    local = LocalEncryptedStore(settings.data_dir / "blobs", secret)
    keys = sorted(sha256_hex(content) for content in contents)
    # one file as a store before keyed names left it: <root>/ab/cd/<sha256>
    legacy_key = keys[0]
    data = local.get(legacy_key)
    local.delete(legacy_key)
    legacy = settings.data_dir / "blobs" / legacy_key[:2] / legacy_key[2:4] / legacy_key
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_bytes(Sealer(secret).seal(legacy_key, data))

    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTGIGS_")}
    env.update(HOTGIGS_DATA_DIR=str(settings.data_dir),
               DATABASE_URL=settings.effective_database_url,
               HOTGIGS_ENCRYPTION_KEY=str(settings.encryption_key),
               HOTGIGS_S3_ENDPOINT=s3_bucket.endpoint, HOTGIGS_S3_REGION="us-east-1")
    first = _migrate(env, "--to", s3_bucket.url())
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {"copied": 4, "already_there": 0, "missing": 0,
                                        "failed": 0, "legacy_renamed": 1}
    assert not legacy.exists()
    target = open_store(s3_bucket.url(), data_dir=tmp_path, key=secret,
                        s3_endpoint=s3_bucket.endpoint, s3_region="us-east-1")
    assert all(sha256_hex(target.get(k)) == k for k in keys)
    assert len(s3_bucket.objects()) == 4

    again = _migrate(env, "--to", s3_bucket.url())
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == {"copied": 0, "already_there": 4, "missing": 0,
                                        "failed": 0, "legacy_renamed": 0}

    # a damaged copy in the target is replaced; a file lost from the source is reported
    (name, sealed), = [(n, b) for n, b in s3_bucket.objects().items()
                       if n.endswith(Sealer(secret).object_name(keys[1]))]
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key=name, Body=sealed[:-1] + b"\0")
    local.delete(keys[2])
    target_delete = target.delete(keys[2])
    assert target_delete
    third = _migrate(env, "--to", s3_bucket.url())
    assert third.returncode == 1
    assert json.loads(third.stdout) == {"copied": 1, "already_there": 2, "missing": 1,
                                        "failed": 0, "legacy_renamed": 0}
    assert keys[2][:12] in third.stderr


def test_a_store_that_is_down_makes_the_parse_retry_not_fail(
    pg_harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unreachable S3 endpoint is `Transient` for the chunk (RQ retries it); the resume is
    not failed as a broken file, and parses once the store answers again."""
    h = pg_harness
    batch = h.submit({"lee.pdf": FILES["lee.pdf"]})
    (resume,) = h.resumes(batch.id)
    working = current()
    down, _ = unreachable_s3_store(monkeypatch, decode_key(str(h.settings.encryption_key)))
    configure(replace(working, blobs=down))
    try:
        with pytest.raises(Transient, match="failed while reading blob"):
            process_resumes([resume.id])
        (after,) = h.resumes(batch.id)
        assert after.status == "processing" and after.failure_reason is None
    finally:
        configure(working)
    assert process_resumes([resume.id]) == ["parsed"]

    # a re-parse meeting the store down is retried the same way, never failed as broken
    reparse = start(h.services.db, None, Selection(all=True), "ops@agency.test")
    assert reparse is not None
    configure(replace(working, blobs=down))
    try:
        with pytest.raises(Transient, match="failed while reading blob"):
            reparse_resumes([resume.id], reparse.id)
    finally:
        configure(working)
    assert reparse_resumes([resume.id], reparse.id) == ["parsed"]


def test_an_api_upload_while_the_store_is_down_is_refused_with_503_and_keeps_nothing(
    pg_harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files are stored before anything is recorded: with the store unreachable the API
    answers 503 with Retry-After (send again), and no batch or resume is left half made."""
    h = pg_harness
    down, _ = unreachable_s3_store(monkeypatch, decode_key(str(h.settings.encryption_key)))
    services = Services(settings=h.settings, db=h.services.db, blobs=down)
    with api_server(services) as client:
        answer = upload(client, token_for(h), {"lee.pdf": FILES["lee.pdf"]})
        health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["database"]["ok"]
    assert "s3://gone" in health.json()["blobs"]["error"]  # names the bucket
    body = is_problem(answer, 503)
    assert int(answer.headers["retry-after"]) > 0 and "nothing was kept" in body["detail"]
    with h.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Batch)) == 0
        assert session.scalar(select(func.count()).select_from(Resume)) == 0


def test_migrate_without_a_target_renames_legacy_files_in_place(
    make_settings: object, tmp_path: Path
) -> None:
    build: Any = make_settings
    settings = build(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(settings.effective_database_url)
    services = bootstrap(settings)
    try:
        Intake(services.db, services.blobs, None).submit(IngestRequest(
            source="cli", submitted_by="ann@agency.test", idempotency_key=None,
            files=[IngestFile(name="lee.pdf", content=FILES["lee.pdf"])]))
    finally:
        services.close()
    secret = decode_key(str(settings.encryption_key))
    key = sha256_hex(FILES["lee.pdf"])
    LocalEncryptedStore(settings.data_dir / "blobs", secret).delete(key)
    legacy = settings.data_dir / "blobs" / key[:2] / key[2:4] / key
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_bytes(Sealer(secret).seal(key, FILES["lee.pdf"]))

    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTGIGS_")}
    env.update(HOTGIGS_DATA_DIR=str(settings.data_dir),
               DATABASE_URL=settings.effective_database_url,
               HOTGIGS_ENCRYPTION_KEY=str(settings.encryption_key))
    done = _migrate(env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"copied": 0, "already_there": 1, "missing": 0,
                                       "failed": 0, "legacy_renamed": 1}
    assert not legacy.exists()
    names = [p.name for p in (settings.data_dir / "blobs").rglob("*") if p.is_file()]
    assert names == [Sealer(secret).object_name(key)]


def test_create_bucket_makes_the_configured_bucket_once_and_refuses_a_folder_url(
    s3_bucket: S3Bucket
) -> None:
    name = f"{s3_bucket.name}-run"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTGIGS_")}
    env.update(s3_bucket.env(), HOTGIGS_BLOB_URL=f"s3://{name}/blobs")
    try:
        first = _cli(env, "blobs", "create-bucket")
        again = _cli(env, "blobs", "create-bucket")
        assert (first.returncode, again.returncode) == (0, 0), first.stderr + again.stderr
        assert "created" in first.stdout and "is there" in again.stdout
        s3_bucket.client.head_bucket(Bucket=name)  # raises when it is not there
    finally:
        s3_bucket.client.delete_bucket(Bucket=name)
    env["HOTGIGS_BLOB_URL"] = "file:"
    refused = _cli(env, "blobs", "create-bucket")
    assert refused.returncode == 2 and "names no bucket" in refused.stderr


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hotgigs", *args], env=env,
                          capture_output=True, text=True, timeout=120)
