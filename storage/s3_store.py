"""The blob store on S3-compatible object storage (AWS S3, SeaweedFS, MinIO…), for hosts that share
their files.

Objects are sealed client-side by the same `Sealer` as the local folder store and named by their
keyed object name under the URL's prefix, so the bucket's operator sees neither the content nor
its sha256. Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
a profile, an instance role).

Two libraries, one job each. Objects are read and written with obstore (Rust's `object_store`):
a PUT or GET of a resume costs it about 0.15 ms of CPU against 1.1 ms in boto3, whose
request pipeline (events, serialisation, parsing) is pure Python; at one PUT at intake and one
GET per parse that was a quarter of the whole per-resume overhead of a bulk import. It retries
(5xx, dropped connections, timeouts) with jittered exponential backoff and uploads files above
`MULTIPART_MB` in parts. It has no bucket API, so boto3 keeps what is done per process, not per
resume: `check` (HeadBucket, whose answers tell a missing bucket from refused credentials) and
`ensure_bucket`.

obstore runs its requests on a tokio runtime started by the first request; that runtime does not
survive `fork()`, so a child forked after its parent used the store would hang on its first
request. Every HotGigs process starts its children with exec (`subprocess`), and `_objects`
turns the mistake into an error naming it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import boto3
import obstore
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from obstore.exceptions import BaseError as ObjectStoreError
from obstore.exceptions import PermissionDeniedError, UnauthenticatedError

from storage.files import BlobError, Sealer, StoreUnavailable, sha256_hex

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from obstore.store import S3Store as ObjectStore

log = logging.getLogger(__name__)

MULTIPART_MB = 8  # parts of this size above it: a 20 MB upload resumes part by part on retries
RETRIES = 5  # attempts per request (exponential backoff with jitter between them)
RETRY_SECONDS = 30  # no retry starts after this long: a store that is down answers in time
_MISSING = {"404", "NoSuchKey", "NotFound"}
_REFUSED = {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden"}
_runtime_pid: int | None = None  # the process whose obstore runtime is running, once started


@dataclass(frozen=True)
class S3Location:
    """`s3://bucket/prefix` taken apart; the prefix has no slashes at either end."""

    bucket: str
    prefix: str

    @classmethod
    def parse(cls, url: str) -> S3Location:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError("must look like s3://bucket or s3://bucket/prefix")
        return cls(parts.netloc, parts.path.strip("/"))

    def object_key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"


def s3_client(endpoint: str | None, region: str | None, *, retries: int = RETRIES) -> S3Client:
    """A boto3 client for the bucket itself (HeadBucket, CreateBucket; tests and benchmarks list
    and empty buckets with it): our retry and timeout policy, path-style addressing for a custom
    endpoint (SeaweedFS and MinIO serve buckets as paths, not as host names)."""
    config = Config(
        retries={"max_attempts": retries, "mode": "standard"},
        connect_timeout=5, read_timeout=60,
        s3={"addressing_style": "path"} if endpoint else {},
    )
    client: S3Client = boto3.session.Session().client(
        "s3", endpoint_url=endpoint or None, region_name=region or None, config=config)
    return client


def ensure_bucket(client: S3Client, bucket: str) -> bool:
    """Create `bucket` when it is missing; True when this call made it. Errors (an endpoint
    that does not answer, a refused creation) are botocore's, for the caller to word."""
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError:
        client.create_bucket(Bucket=bucket)
        return True
    return False


def object_store(location: S3Location, endpoint: str | None, region: str | None, *,
                 retries: int = RETRIES) -> ObjectStore:
    """An obstore handle on the bucket with the same policy as `s3_client`: credentials from
    boto3's chain, `retries` attempts per request, path-style for a custom endpoint. Raises
    `NoCredentialsError` when the chain finds none."""
    from obstore.auth.boto3 import Boto3CredentialProvider
    from obstore.store import S3Store as ObjectStore

    session = boto3.session.Session()
    try:
        credentials = Boto3CredentialProvider(session)
    except ValueError:  # the chain found nothing
        raise NoCredentialsError() from None
    return ObjectStore(
        location.bucket,
        endpoint=endpoint or None,
        region=region or session.region_name or "us-east-1",  # boto3's, as `s3_client` has
        virtual_hosted_style_request=not endpoint,
        credential_provider=credentials,
        client_options={"allow_http": bool(endpoint and endpoint.startswith("http:")),
                        "connect_timeout": "5s", "timeout": "60s"},
        retry_config={"max_retries": retries - 1,
                      "retry_timeout": timedelta(seconds=RETRY_SECONDS)},
    )


def _bucket_gone(exc: Exception) -> bool:
    """obstore answers a missing bucket, like a missing object, with FileNotFoundError: only
    S3's error code in the message tells the two apart."""
    return "NoSuchBucket" in str(exc)


class S3Store:
    """Blobs as sealed objects `<prefix>/<object name>` in one bucket."""

    def __init__(self, location: S3Location, key: bytes, *, endpoint: str | None = None,
                 region: str | None = None, retries: int = RETRIES) -> None:
        self.location = location
        self._sealer = Sealer(key)
        self._endpoint, self._region, self._retries = endpoint, region, retries
        self._client = s3_client(endpoint, region, retries=retries)
        self._store: ObjectStore | None = None  # made at first use, after `check`
        self._where = f"{location}" + (f" at {endpoint}" if endpoint else "")

    def check(self) -> None:
        """Fail fast with a sentence when the bucket is missing or our credentials are refused
        (called at start, so `serve` and `worker` stop before accepting any work)."""
        try:
            self._client.head_bucket(Bucket=self.location.bucket)
        except (ClientError, BotoCoreError) as exc:
            raise self._unavailable(exc, "checking the bucket") from None

    def _objects(self) -> ObjectStore:
        """The obstore handle; refuses use in a child forked after its parent's first request,
        where the request would hang (see the module's docstring)."""
        global _runtime_pid
        if _runtime_pid is not None and _runtime_pid != os.getpid():
            raise RuntimeError("the S3 blob store cannot be used in a process forked after its "
                               "parent used it: start the process with exec (subprocess)")
        if self._store is None:
            try:
                self._store = object_store(self.location, self._endpoint, self._region,
                                           retries=self._retries)
            except NoCredentialsError as exc:
                raise self._unavailable(exc, "reading credentials") from None
        _runtime_pid = os.getpid()
        return self._store

    def _object(self, key: str) -> str:
        return self.location.object_key(self._sealer.object_name(key))

    def _unavailable(self, exc: Exception, doing: str) -> StoreUnavailable:
        bucket = self.location.bucket
        if isinstance(exc, NoCredentialsError):
            return StoreUnavailable(
                f"no S3 credentials for bucket {bucket!r} ({self._where}): set "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        code = ""
        if isinstance(exc, ClientError):
            code = str(exc.response.get("Error", {}).get("Code", ""))
        elif isinstance(exc, (PermissionDeniedError, UnauthenticatedError)):
            code = "AccessDenied"
        elif _bucket_gone(exc):
            code = "NoSuchBucket"
        if code in _MISSING or code == "NoSuchBucket":
            return StoreUnavailable(
                f"the S3 bucket {bucket!r} does not exist ({self._where}): create it or "
                "correct HOTGIGS_BLOB_URL")
        if code in _REFUSED:
            return StoreUnavailable(
                f"access to the S3 bucket {bucket!r} was refused ({self._where}): check "
                "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the bucket's permissions")
        # obstore's messages carry a debug dump after the first line: the first line says it
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return StoreUnavailable(f"the S3 store {self._where} failed while {doing}: {first}")

    def _head(self, key: str) -> bool:
        try:
            obstore.head(self._objects(), self._object(key))
        except FileNotFoundError as exc:
            if _bucket_gone(exc):
                raise self._unavailable(exc, f"looking for blob {key[:12]}…") from None
            return False
        except ObjectStoreError as exc:
            raise self._unavailable(exc, f"looking for blob {key[:12]}…") from None
        return True

    def put(self, data: bytes) -> str:
        """Store `data` under its key. A file below the multipart threshold (a resume) is one
        PUT, even when identical bytes are stored already: asking first would cost a round trip
        as long as the PUT, and rewriting an object with the same content changes nothing. A
        larger file is looked for first and uploaded in parts."""
        key = sha256_hex(data)
        part = MULTIPART_MB * 1024 * 1024
        if len(data) > part and self._head(key):
            return key
        sealed = self._sealer.seal(key, data)
        try:  # one PUT, or a multipart upload above the threshold; never a half object
            obstore.put(self._objects(), self._object(key), sealed, chunk_size=part)
        except (FileNotFoundError, ObjectStoreError) as exc:
            raise self._unavailable(exc, f"storing blob {key[:12]}…") from None
        return key

    def get(self, key: str) -> bytes:
        try:
            sealed = obstore.get(self._objects(), self._object(key)).bytes().to_bytes()
        except FileNotFoundError as exc:
            if _bucket_gone(exc):
                raise self._unavailable(exc, f"reading blob {key[:12]}…") from None
            raise BlobError(f"blob {key[:12]}… is missing") from None
        except ObjectStoreError as exc:
            raise self._unavailable(exc, f"reading blob {key[:12]}…") from None
        return self._sealer.open(key, sealed)

    def exists(self, key: str) -> bool:
        return self._head(key)

    def delete(self, key: str) -> bool:
        if not self._head(key):
            return False
        try:
            obstore.delete(self._objects(), self._object(key))
        except (FileNotFoundError, ObjectStoreError) as exc:
            raise self._unavailable(exc, f"deleting blob {key[:12]}…") from None
        return True
