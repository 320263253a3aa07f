"""The BlobStore contract, held by both backends: the local folder and S3 (SeaweedFS).

Each test runs once per backend and inspects what really lies on disk or in the bucket.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage.files import BlobError, BlobStore, Sealer, StoreUnavailable, sha256_hex
from storage.stores import open_store
from tests.conftest import S3Bucket, unreachable_s3_store

RESUME = (b"Priya Raman\npriya.raman@example.org\nSenior Data Engineer at Northwind Traders\n"
          b"Skills: Python, Kafka, PostgreSQL\n")
OTHER = b"Omar Haddad\nomar@x.test\nPlatform engineer\n"


@dataclass
class Backend:
    """One backend under test: a store per key, and the raw objects behind it."""

    name: str
    store: Callable[[bytes], BlobStore]
    objects: Callable[[], dict[str, bytes]]
    write_raw: Callable[[str, bytes], None]


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "local":
        root = tmp_path / "blobs"

        def files() -> dict[str, bytes]:
            return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
                    if p.is_file()}

        return Backend("local", lambda key: open_store(None, data_dir=tmp_path, key=key),
                       files, lambda name, data: (root / name).write_bytes(data))
    bucket: S3Bucket = request.getfixturevalue("s3_bucket")

    def write(name: str, data: bytes) -> None:
        bucket.client.put_object(Bucket=bucket.name, Key=name, Body=data)

    return Backend(
        "s3",
        lambda key: open_store(bucket.url(), data_dir=tmp_path, key=key,
                               s3_endpoint=bucket.endpoint, s3_region="us-east-1"),
        bucket.objects, write)


def test_put_get_exists_delete(backend: Backend) -> None:
    store = backend.store(os.urandom(32))
    key = store.put(RESUME)
    assert key == sha256_hex(RESUME)
    assert store.exists(key) and store.get(key) == RESUME
    assert not store.exists(sha256_hex(OTHER))
    assert store.delete(key) is True
    assert not store.exists(key)
    assert backend.objects() == {}
    assert store.delete(key) is False
    with pytest.raises(BlobError, match="missing"):
        store.get(key)


def test_same_bytes_twice_are_stored_once(backend: Backend) -> None:
    store = backend.store(os.urandom(32))
    assert store.put(RESUME) == store.put(RESUME)
    store.put(OTHER)
    assert len(backend.objects()) == 2


def test_objects_reveal_neither_the_text_nor_the_sha256(backend: Backend) -> None:
    store = backend.store(os.urandom(32))
    key = store.put(RESUME)
    objects = backend.objects()
    assert len(objects) == 1
    (name, sealed), = objects.items()
    assert key not in name and key[:16] not in name
    for needle in (b"Priya", b"priya.raman@example.org", b"Northwind", key.encode()):
        assert needle not in sealed


def test_a_tampered_object_is_refused(backend: Backend) -> None:
    store = backend.store(os.urandom(32))
    key = store.put(RESUME)
    (name, sealed), = backend.objects().items()
    backend.write_raw(name, sealed[:-1] + bytes([sealed[-1] ^ 1]))
    with pytest.raises(BlobError, match="decrypted"):
        store.get(key)


def test_another_key_cannot_read_and_objects_cannot_be_swapped(backend: Backend) -> None:
    secret = os.urandom(32)
    store = backend.store(secret)
    first, second = store.put(RESUME), store.put(OTHER)
    with pytest.raises(BlobError):
        backend.store(os.urandom(32)).get(first)
    # the second blob's sealed bytes under the first blob's name: refused, not served
    objects = backend.objects()
    name_of_first = next(n for n in objects if n.endswith(Sealer(secret).object_name(first)))
    backend.write_raw(name_of_first, next(d for n, d in objects.items() if n != name_of_first))
    with pytest.raises(BlobError, match="decrypted"):
        store.get(first)
    assert store.get(second) == OTHER


def test_a_large_file_round_trips(backend: Backend) -> None:
    store = backend.store(os.urandom(32))
    data = os.urandom(9 * 1024 * 1024 + 17)  # above the 8 MB multipart threshold
    key = store.put(data)
    assert store.get(key) == data


def test_s3_uploads_a_large_file_in_parts(s3_bucket: S3Bucket, tmp_path: Path) -> None:
    store = open_store(s3_bucket.url(), data_dir=tmp_path, key=os.urandom(32),
                       s3_endpoint=s3_bucket.endpoint, s3_region="us-east-1")
    store.put(os.urandom(17 * 1024 * 1024))
    (name, _), = s3_bucket.objects().items()
    etag = s3_bucket.client.head_object(Bucket=s3_bucket.name, Key=name)["ETag"]
    assert etag.strip('"').endswith("-3")  # a multipart ETag names its part count


def test_a_missing_bucket_is_named_at_start(s3_bucket: S3Bucket, tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="'hotgigs-no-such-bucket' does not exist"):
        open_store("s3://hotgigs-no-such-bucket/x", data_dir=tmp_path, key=os.urandom(32),
                   s3_endpoint=s3_bucket.endpoint)


def test_refused_credentials_are_named_at_start(
    s3_bucket: S3Bucket, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    with pytest.raises(StoreUnavailable, match=f"access to the S3 bucket '{s3_bucket.name}' "
                                               "was refused"):
        open_store(s3_bucket.url(), data_dir=tmp_path, key=os.urandom(32),
                   s3_endpoint=s3_bucket.endpoint)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(StoreUnavailable, match="no S3 credentials for bucket"):
        open_store(s3_bucket.url(), data_dir=tmp_path, key=os.urandom(32),
                   s3_endpoint=s3_bucket.endpoint)


def test_an_unreachable_endpoint_is_transient_not_a_bad_blob(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work meeting a store that is down is retried (StoreUnavailable), never failed as a
    broken file (BlobError)."""
    store, closed = unreachable_s3_store(monkeypatch, os.urandom(32), "s3://b/p")
    with pytest.raises(StoreUnavailable, match=re.escape(closed)) as caught:
        store.get(sha256_hex(RESUME))
    assert not isinstance(caught.value, BlobError)


def test_s3_store_refuses_a_forked_child_instead_of_hanging(
    s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    """obstore's runtime does not survive fork(): a child forked after the parent's first
    request would wait forever on its own first one. It gets a sentence instead."""
    store = open_store(s3_bucket.url(), data_dir=tmp_path, key=os.urandom(32),
                       s3_endpoint=s3_bucket.endpoint, s3_region="us-east-1")
    key = store.put(RESUME)
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports by its exit code only
        try:
            store.get(key)
        except RuntimeError as exc:
            os._exit(3 if "forked" in str(exc) else 4)
        os._exit(5)
    deadline = time.monotonic() + 30
    while (ended := os.waitpid(child, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    if ended[0] == 0:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        pytest.fail("the forked child hung on its first S3 request")
    assert os.waitstatus_to_exitcode(ended[1]) == 3
    assert store.get(key) == RESUME  # the parent's own store goes on working
