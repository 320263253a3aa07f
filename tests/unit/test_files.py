"""The blob store: content-addressed, encrypted at rest, really deleted."""

from __future__ import annotations

import base64
import logging
import os
from pathlib import Path

import pytest

from storage.blob_migration import adopt_all_legacy
from storage.files import (
    BlobError,
    LocalEncryptedStore,
    Sealer,
    load_or_create_key,
    sha256_hex,
)

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
    with pytest.raises(BlobError):  # another key names the blob differently: not found
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


# -- stores written before keyed object names: <root>/ab/cd/<sha256> -------------------------
def _legacy(root: Path, secret: bytes, data: bytes) -> Path:
    """A blob as the store wrote it before object names were keyed (same sealing)."""
    key = sha256_hex(data)
    path = root / key[:2] / key[2:4] / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(Sealer(secret).seal(key, data))
    return path


def _names(root: Path) -> list[str]:
    return [p.name for p in root.rglob("*") if p.is_file()]


def test_a_legacy_file_is_read_and_renamed_to_its_keyed_name(tmp_path: Path) -> None:
    secret = os.urandom(32)
    legacy = _legacy(tmp_path, secret, RESUME)
    store = LocalEncryptedStore(tmp_path, secret)
    key = sha256_hex(RESUME)
    assert store.get(key) == RESUME
    assert not legacy.exists()
    assert _names(tmp_path) == [Sealer(secret).object_name(key)]
    assert key not in _names(tmp_path)[0]
    assert store.get(key) == RESUME  # and found under the new name from now on


def test_exists_put_and_delete_see_legacy_files(tmp_path: Path) -> None:
    secret = os.urandom(32)
    store = LocalEncryptedStore(tmp_path, secret)
    _legacy(tmp_path, secret, RESUME)
    assert store.put(RESUME) == sha256_hex(RESUME)
    assert len(_names(tmp_path)) == 1  # adopted, not stored a second time
    other = b"Omar Haddad\nomar@x.test\n"
    _legacy(tmp_path, secret, other)
    assert store.exists(sha256_hex(other))
    legacy = _legacy(tmp_path, secret, b"third")
    assert store.delete(sha256_hex(b"third")) is True
    assert not legacy.exists()


def test_migrating_in_place_renames_every_legacy_file_and_nothing_else(tmp_path: Path) -> None:
    secret = os.urandom(32)
    store = LocalEncryptedStore(tmp_path, secret)
    keyed = store.put(b"already keyed")
    for n in range(3):
        _legacy(tmp_path, secret, f"resume {n}".encode())
    _legacy(tmp_path, os.urandom(32), b"sealed with another key")  # not ours: left alone
    assert adopt_all_legacy(store) == 3
    assert adopt_all_legacy(store) == 0
    assert store.get(keyed) == b"already keyed"
    assert all(store.get(sha256_hex(f"resume {n}".encode())) for n in range(3))
    assert sha256_hex(b"sealed with another key") in _names(tmp_path)
