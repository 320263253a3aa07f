"""The blob store on S3-compatible object storage (AWS S3, SeaweedFS, MinIO…), for hosts that share
their files.

Objects are sealed client-side by the same `Sealer` as the local folder store and named by their
keyed object name under the URL's prefix, so the bucket's operator sees neither the content nor
its sha256. boto3 does the protocol: multipart upload above `MULTIPART_MB` (its TransferConfig)
and retries with backoff (botocore's standard retry mode). Credentials come from boto3's usual
chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from storage.files import BlobError, Sealer, StoreUnavailable, sha256_hex

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)

MULTIPART_MB = 8  # parts of this size above it: a 20 MB upload resumes part by part on retries
RETRIES = 5  # attempts per request (standard mode: exponential backoff with jitter)
_MISSING = {"404", "NoSuchKey", "NotFound"}
_REFUSED = {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden"}


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
    """A client with our retry and timeout policy; path-style addressing for a custom endpoint
    (SeaweedFS and MinIO serve buckets as paths, not as host names)."""
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


class S3Store:
    """Blobs as sealed objects `<prefix>/<object name>` in one bucket."""

    def __init__(self, location: S3Location, key: bytes, client: S3Client,
                 endpoint: str | None = None) -> None:
        self.location = location
        self._sealer = Sealer(key)
        self._client = client
        self._where = f"{location}" + (f" at {endpoint}" if endpoint else "")
        self._transfer = TransferConfig(multipart_threshold=MULTIPART_MB * 1024 * 1024,
                                        multipart_chunksize=MULTIPART_MB * 1024 * 1024)

    def check(self) -> None:
        """Fail fast with a sentence when the bucket is missing or our credentials are refused
        (called at start, so `serve` and `worker` stop before accepting any work)."""
        try:
            self._client.head_bucket(Bucket=self.location.bucket)
        except (ClientError, BotoCoreError) as exc:
            raise self._unavailable(exc, "checking the bucket") from None

    def _object(self, key: str) -> str:
        return self.location.object_key(self._sealer.object_name(key))

    def _unavailable(self, exc: Exception, doing: str) -> StoreUnavailable:
        bucket = self.location.bucket
        if isinstance(exc, NoCredentialsError):
            return StoreUnavailable(
                f"no S3 credentials for bucket {bucket!r} ({self._where}): set "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        if isinstance(exc, ClientError):
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in _MISSING or code == "NoSuchBucket":
                return StoreUnavailable(
                    f"the S3 bucket {bucket!r} does not exist ({self._where}): create it or "
                    "correct HOTGIGS_BLOB_URL")
            if code in _REFUSED:
                return StoreUnavailable(
                    f"access to the S3 bucket {bucket!r} was refused ({self._where}): check "
                    "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the bucket's permissions")
        return StoreUnavailable(f"the S3 store {self._where} failed while {doing}: {exc}")

    def _head(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self.location.bucket, Key=self._object(key))
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code", "")) in _MISSING:
                return False
            raise self._unavailable(exc, f"looking for blob {key[:12]}…") from None
        except BotoCoreError as exc:
            raise self._unavailable(exc, f"looking for blob {key[:12]}…") from None
        return True

    def put(self, data: bytes) -> str:
        """Store `data` under its key. A file below the multipart threshold (a resume) is one
        PUT, even when identical bytes are stored already: asking first cost as much as the
        PUT (0.8 ms CPU and a round trip in boto3), and the transfer manager's threads cost
        more than the PUT itself; rewriting an object with the same content changes nothing.
        A larger file is looked for first and uploaded in parts."""
        key = sha256_hex(data)
        small = len(data) < self._transfer.multipart_threshold
        if not small and self._head(key):
            return key
        sealed = self._sealer.seal(key, data)
        try:  # one PUT, or a multipart upload above the threshold; never a half object
            if small:
                self._client.put_object(Bucket=self.location.bucket, Key=self._object(key),
                                        Body=sealed)
            else:
                self._client.upload_fileobj(io.BytesIO(sealed), self.location.bucket,
                                            self._object(key), Config=self._transfer)
        except (ClientError, BotoCoreError) as exc:
            raise self._unavailable(exc, f"storing blob {key[:12]}…") from None
        return key

    def get(self, key: str) -> bytes:
        try:
            answer: Any = self._client.get_object(Bucket=self.location.bucket,
                                                  Key=self._object(key))
            sealed = answer["Body"].read()
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code", "")) in _MISSING:
                raise BlobError(f"blob {key[:12]}… is missing") from None
            raise self._unavailable(exc, f"reading blob {key[:12]}…") from None
        except BotoCoreError as exc:
            raise self._unavailable(exc, f"reading blob {key[:12]}…") from None
        return self._sealer.open(key, sealed)

    def exists(self, key: str) -> bool:
        return self._head(key)

    def delete(self, key: str) -> bool:
        if not self._head(key):
            return False
        try:
            self._client.delete_object(Bucket=self.location.bucket, Key=self._object(key))
        except (ClientError, BotoCoreError) as exc:
            raise self._unavailable(exc, f"deleting blob {key[:12]}…") from None
        return True
