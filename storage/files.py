"""Content-addressed blob store for resumes and raw emails, encrypted at rest.

A blob's *key* is the sha256 of its plaintext: the database stores it and intake uses it to tell
duplicates apart. Its *object name* (file name, S3 object key) is HMAC-SHA256 of that key under a
name key derived from `HOTGIGS_ENCRYPTION_KEY`, so a stored object does not reveal which file it
holds, while the same bytes still land on the same name (de-duplication keeps working). Each
object is AES-256-GCM sealed by `Sealer`, shared by every backend; the blob key is the associated
data, so an object moved under another name cannot be opened. `BlobStore` is the port; the local
folder store is here, the S3-compatible one in `storage.s3_store`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

_MAGIC = b"HGB1"
_NONCE = 12
# HKDF's label of the object-name key: a fixed, versioned purpose, never the encryption key itself
_NAME_LABEL = b"hotgigs blob object names v1"


class BlobError(Exception):
    """A blob is missing, or cannot be decrypted with the configured key (permanent)."""


class StoreUnavailable(Exception):
    """The store cannot be reached or refuses us: a bucket that is missing, credentials that are
    refused, an endpoint that is down. Not a `BlobError`: the blob may well be fine, so work that
    meets it is retried rather than failed. The message is one sentence for the operator."""


class BlobStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store `data`; return its key (sha256 hex). Storing the same bytes twice is a no-op."""
        ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> bool:
        """Remove the blob for good; False when it was not there."""
        ...

    def check(self) -> None:
        """Raise `StoreUnavailable` (one sentence) when the store cannot take blobs now."""
        ...


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_blob_key(text: str) -> bool:
    """Shaped like a blob key: 64 lowercase hex digits (a sha256)."""
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def check_blob_key(key: str) -> str:
    if not is_blob_key(key):
        raise BlobError(f"not a blob key: {key[:80]!r}")
    return key


def decode_key(text: str) -> bytes:
    """A 32-byte key from its urlsafe base64 form (Fernet-style keys fit)."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode() + b"==")
    except (binascii.Error, ValueError) as exc:
        raise ValueError("must be urlsafe base64") from exc
    if len(key) != 32:
        raise ValueError(f"must decode to 32 bytes, got {len(key)}")
    return key


def load_or_create_key(configured: str | None, data_dir: Path) -> bytes:
    """The configured key, else the one generated into the data dir on first run."""
    if configured:
        return decode_key(configured)
    path = data_dir / "encryption.key"
    if path.exists():
        return decode_key(path.read_text())
    data_dir.mkdir(parents=True, exist_ok=True)
    text = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
    log.warning(
        "HOTGIGS_ENCRYPTION_KEY is unset: generated a key into %s; back it up, "
        "without it the stored files cannot be read",
        path,
    )
    return decode_key(text)


class Sealer:
    """What every backend does to a blob: name it, seal it, open it (one copy of the crypto).

    The sealed form is `HGB1 | nonce | AES-256-GCM(data, aad=blob key)`, unchanged since the
    first store, so objects can be renamed or copied between backends without re-encryption.
    """

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        self._name_key = HKDF(hashes.SHA256(), 32, salt=None, info=_NAME_LABEL).derive(key)

    def object_name(self, key: str) -> str:
        """The keyed name of blob `key` (64 hex): stable per encryption key, reveals no hash."""
        check_blob_key(key)
        return hmac.new(self._name_key, key.encode(), hashlib.sha256).hexdigest()

    def seal(self, key: str, data: bytes) -> bytes:
        nonce = secrets.token_bytes(_NONCE)
        return _MAGIC + nonce + self._aead.encrypt(nonce, data, key.encode())

    def open(self, key: str, sealed: bytes) -> bytes:
        if not sealed.startswith(_MAGIC):
            raise BlobError(f"blob {key[:12]}… is not a HotGigs blob")
        nonce = sealed[len(_MAGIC) : len(_MAGIC) + _NONCE]
        try:
            return self._aead.decrypt(nonce, sealed[len(_MAGIC) + _NONCE :], key.encode())
        except InvalidTag:
            raise BlobError(f"blob {key[:12]}… cannot be decrypted with this key") from None


class LocalEncryptedStore:
    """Blobs as `<root>/ab/cd/<object name>` files, sealed, written atomically.

    Stores written before keyed names hold `<root>/ab/cd/<sha256>`. Such a legacy file is
    *adopted* the first time its blob is asked for (get, exists, put, delete): opened to prove it
    is that blob, then renamed to its keyed name. A rename is atomic on one file system and the
    sealed bytes stay valid (the associated data is the blob key, not the name), so there is no
    copy and no window where the blob is absent; every process sharing the folder finds it either
    way. `hotgigs blobs migrate` adopts all legacy files at once (`legacy_candidates`).
    """

    def __init__(self, root: Path, key: bytes) -> None:
        self.root = root
        self._sealer = Sealer(key)

    def _path(self, key: str) -> Path:
        name = self._sealer.object_name(key)
        return self.root / name[:2] / name[2:4] / name

    def _legacy_path(self, key: str) -> Path:
        return self.root / key[:2] / key[2:4] / key

    def adopt_legacy(self, key: str) -> bool:
        """Move blob `key` from its legacy sha256-named file to its keyed name; False when
        there is no such legacy file (or it is not that blob)."""
        legacy = self._legacy_path(check_blob_key(key))
        try:
            self._sealer.open(key, legacy.read_bytes())
        except (FileNotFoundError, BlobError):
            return False
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(legacy, path)
        except FileNotFoundError:  # another process adopted it a moment ago
            return path.exists()
        log.info("blob %s…: legacy file renamed to its keyed name", key[:12])
        return True

    def check(self) -> None:
        """The folder exists (made on first use) and this process may write into it."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"the blob folder {self.root} cannot be made: {exc}") from None
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StoreUnavailable(f"the blob folder {self.root} is not writable")

    def legacy_candidates(self) -> Iterator[str]:
        """Names of files that may be legacy blobs (`ab/cd/abcd…` shaped); `adopt_legacy` tells."""
        for path in self.root.glob("??/??/*"):
            name = path.name
            shaped = name[:2] == path.parent.parent.name and name[2:4] == path.parent.name
            if shaped and is_blob_key(name):
                yield name

    def put(self, data: bytes) -> str:
        key = sha256_hex(data)
        path = self._path(key)
        if path.exists() or self.adopt_legacy(key):
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        sealed = self._sealer.seal(key, data)
        # write-then-rename: a crash never leaves a half blob under the real name
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(sealed)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            sealed = path.read_bytes()
        except FileNotFoundError:
            if not self.adopt_legacy(key):
                raise BlobError(f"blob {key[:12]}… is missing") from None
            sealed = path.read_bytes()
        return self._sealer.open(key, sealed)

    def exists(self, key: str) -> bool:
        return self._path(key).exists() or self.adopt_legacy(key)

    def delete(self, key: str) -> bool:
        removed = False
        for path in (self._path(key), self._legacy_path(key)):
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            removed = True
        return removed
