"""Which blob store a URL names: `HOTGIGS_BLOB_URL` and `hotgigs blobs migrate --to/--from`.

Unset or `file:` is the local folder `<data dir>/blobs` (the default); `file:///path` another
folder; `s3://bucket/prefix` the S3-compatible store. An S3 store is checked when opened (the
bucket exists, our credentials are accepted), so a process fails at start with one sentence.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from storage.files import BlobStore, LocalEncryptedStore


def check_blob_url(url: str | None) -> str | None:
    """The URL as given when it is one we can open; ValueError saying what is wrong."""
    if not url or not url.strip():
        return None
    url = url.strip()
    if url.startswith("s3:"):
        from storage.s3_store import S3Location

        S3Location.parse(url)
    elif url != "file:" and not url.startswith("file:///"):
        raise ValueError("must be file: (the data dir), file:///absolute/folder or "
                         "s3://bucket/prefix")
    return url


def open_store(url: str | None, *, data_dir: Path, key: bytes, s3_endpoint: str | None = None,
               s3_region: str | None = None, check: bool = True) -> BlobStore:
    """The store `url` names, sealed with `key`; an S3 one checked unless `check` is False."""
    url = check_blob_url(url)
    if url is None or url == "file:":
        return LocalEncryptedStore(data_dir / "blobs", key)
    if url.startswith("file:"):
        return LocalEncryptedStore(Path(urlsplit(url).path), key)
    from storage.s3_store import S3Location, S3Store

    store = S3Store(S3Location.parse(url), key, endpoint=s3_endpoint, region=s3_region)
    if check:
        store.check()
    return store
