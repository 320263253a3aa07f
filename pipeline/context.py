"""What RQ tasks work with, handed in by the process's composition root (`hotgigs worker`).

RQ calls module-level functions with ids only (STYLE.md, habit 6), so the worker process
configures this context once at start; tasks read it with `current()`. Replies go through the
`notifiers` registry keyed by source, filled by the adapters, so `pipeline` never imports `bots`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline.summary import BatchSummary
from storage.db import Database
from storage.files import BlobStore

if TYPE_CHECKING:
    from pipeline.queue import JobQueue


class Notifier(Protocol):
    """Tells the place a batch came from how it is going (Slack thread, email thread…)."""

    def progress(self, summary: BatchSummary) -> None:
        """Called after each recorded chunk (one or more resumes ended, `done_before` says how
        many had before) that leaves the batch unfinished (`result` follows the last one);
        counts only, `items` is empty. May edit a progress message."""
        ...

    def result(self, summary: BatchSummary) -> None:
        """Called once, when every resume of the batch has ended."""
        ...


@dataclass
class TaskContext:
    db: Database
    blobs: BlobStore
    queue: JobQueue | None = None  # None: run follow-up work in-process (no Redis)
    enhancer: object | None = None
    default_region: str = "US"  # HOTGIGS_DEFAULT_PHONE_REGION, handed to the parser
    notifiers: dict[str, Notifier] = field(default_factory=dict)
    # called with the candidate ids of each recorded chunk (matching plugs in here)
    after_candidate: list[Callable[[list[int]], None]] = field(default_factory=list)
    # HMAC key of erasure tombstones (storage.privacy.tombstone_key); None: no check possible
    tombstone_key: bytes | None = None
    work_dir: Path | None = None  # parent of the per-job temp folders (pipeline.workdir)


_context: TaskContext | None = None


def configure(context: TaskContext) -> None:
    global _context
    _context = context


def current() -> TaskContext:
    if _context is None:
        raise RuntimeError("pipeline context not configured: start tasks via `hotgigs worker`")
    return _context
