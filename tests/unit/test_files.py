"""The blob store: content-addressed, encrypted at rest, really deleted."""

from __future__ import annotations

import base64
import logging
import os
from pathlib import Path

import pytest

from storage.files import BlobError, LocalEncryptedStore, load_or_create_key, sha256_hex

RESUME = (
    b"Priya Raman\npriya.raman@example.org\nSenior Data Engineer at Northwind Traders\n"
    b"Skills: Python, Kafka, PostgreSQL\n"
)


def _all_bytes_under(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_a_stored_file_does_not_contain_the_resume_text(tmp_path: Path) -> None:
    store = LocalEncryptedStore(tmp_path / "blobs", os.urandom(32))
    key = store.put(RESUME)
    assert key == sha256_hex(RESUME)
    on_disk = _all_bytes_under(tmp_path)
    assert on_disk, "nothing was written"
    for needle in (b"Priya", b"priya.raman@example.org", b"Northwind", b"Kafka"):
        assert needle not in on_disk
    assert store.get(key) == RESUME


def test_same_bytes_are_stored_once(tmp_path: Path) -> None:
    store = LocalEncryptedStore(tmp_path, os.urandom(32))
    assert store.put(RESUME) == store.put(RESUME)
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


def test_delete_really_removes_the_blob(tmp_path: Path) -> None:
    store = LocalEncryptedStore(tmp_path, os.urandom(32))
    key = store.put(RESUME)
    assert store.delete(key) is True
    assert not store.exists(key)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert store.delete(key) is False
    with pytest.raises(BlobError, match="missing"):
        store.get(key)


def test_another_key_or_a_tampered_blob_cannot_be_read(tmp_path: Path) -> None:
    key = LocalEncryptedStore(tmp_path, os.urandom(32)).put(RESUME)
    with pytest.raises(BlobError, match="decrypted"):
        LocalEncryptedStore(tmp_path, os.urandom(32)).get(key)
    secret = os.urandom(32)
    store = LocalEncryptedStore(tmp_path / "b", secret)
    key = store.put(RESUME)
    path = next(p for p in (tmp_path / "b").rglob("*") if p.is_file())
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(BlobError):
        store.get(key)


def test_key_is_generated_once_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        first = load_or_create_key(None, tmp_path)
    assert "HOTGIGS_ENCRYPTION_KEY is unset" in caplog.text
    assert (tmp_path / "encryption.key").stat().st_mode & 0o777 == 0o600
    assert load_or_create_key(None, tmp_path) == first
    configured = base64.urlsafe_b64encode(b"k" * 32).decode()
    assert load_or_create_key(configured, tmp_path) == b"k" * 32


def test_a_malformed_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        load_or_create_key(base64.urlsafe_b64encode(b"short").decode(), Path("/nonexistent"))
