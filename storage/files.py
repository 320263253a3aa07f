"""Content-addressed blob store for resumes and raw emails, encrypted at rest.

Blobs are keyed by the sha256 of their plaintext, so the same file received twice is stored
once and intake can tell duplicates apart cheaply. On disk each blob is AES-256-GCM sealed with
the key from `HOTGIGS_ENCRYPTION_KEY` (the key name is the associated data, so a blob cannot be
swapped for another). `BlobStore` is the small port an S3-compatible backend would implement.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import secrets
import tempfile
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)

_MAGIC = b"HGB1"
_NONCE = 12


class BlobError(Exception):
    """A blob is missing, or cannot be decrypted with the configured key."""


class BlobStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store `data`; return its key (sha256 hex). Storing the same bytes twice is a no-op."""
        ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> bool:
        """Remove the blob for good; False when it was not there."""
        ...


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


class LocalEncryptedStore:
    """Blobs as `<root>/ab/cd/<sha256>` files, each AES-GCM encrypted, written atomically."""

    def __init__(self, root: Path, key: bytes) -> None:
        self.root = root
        self._aead = AESGCM(key)

    def _path(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise BlobError(f"not a blob key: {key[:80]!r}")
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes) -> str:
        key = sha256_hex(data)
        path = self._path(key)
        if path.exists():
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        nonce = secrets.token_bytes(_NONCE)
        sealed = _MAGIC + nonce + self._aead.encrypt(nonce, data, key.encode())
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
            raise BlobError(f"blob {key[:12]}… is missing") from None
        if not sealed.startswith(_MAGIC):
            raise BlobError(f"blob {key[:12]}… is not a HotGigs blob")
        nonce = sealed[len(_MAGIC) : len(_MAGIC) + _NONCE]
        try:
            return self._aead.decrypt(nonce, sealed[len(_MAGIC) + _NONCE :], key.encode())
        except InvalidTag:
            raise BlobError(f"blob {key[:12]}… cannot be decrypted with this key") from None

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def delete(self, key: str) -> bool:
        path = self._path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True
