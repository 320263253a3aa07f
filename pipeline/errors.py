"""The two outcome exceptions of HotGigs' work (STYLE.md, habit 4).

`Rejected` is permanent: the input can never succeed (corrupt file, not a resume); it is
recorded with its human reason and never retried. `Transient` means "try again later"
(database or Redis hiccup, rate limit); RQ retries it with backoff. Anything else is a bug.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from storage.files import BlobError, StoreUnavailable


class Rejected(Exception):
    """A permanent refusal; `reason` is shown to the recruiter as is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Transient(Exception):
    """A temporary failure; the same work may succeed when retried."""


@contextmanager
def reading_stored_file() -> Iterator[None]:
    """Read a resume's stored bytes inside this: bytes that cannot be read (missing, sealed
    with another key) never heal and fail the resume (`Rejected`, with the store's reason); a
    store that is down (S3 unreachable) is `Transient`, so the job is retried, not failed."""
    try:
        yield
    except BlobError as exc:
        raise Rejected(str(exc)) from None
    except StoreUnavailable as exc:
        raise Transient(str(exc)) from exc
