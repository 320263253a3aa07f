"""Per-job temporary folders: what a job writes to disk goes away when the job ends.

The parser's tools write temporary files through Python's `tempfile` (pytesseract's images and
outputs, antiword's input copy), so a job points `tempfile` (and `TMPDIR`, for child
processes) at a folder of its own and removes it afterwards, on success or failure. A worker
killed mid-job cannot clean up; the next worker to start removes folders whose process is gone.
Workers run one job at a time (RQ's SimpleWorker), so the process-wide switch is safe.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)


def default_root() -> Path:
    return Path(tempfile.gettempdir()) / "hotgigs-jobs"


def _prefix() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-"


@contextlib.contextmanager
def job_folder(root: Path | None, label: str) -> Iterator[Path]:
    """A fresh folder for one job, made the process's temp dir while the job runs."""
    base = root or default_root()
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{_prefix()}{label}-", dir=base))
    saved_dir, saved_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = str(folder)
    os.environ["TMPDIR"] = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved_dir
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_orphans(root: Path | None) -> int:
    """Remove folders left by dead processes of this host (a worker killed mid-job)."""
    base = root or default_root()
    if not base.is_dir():
        return 0
    host = f"{socket.gethostname()}-"
    removed = 0
    for folder in base.iterdir():
        name = folder.name
        if not name.startswith(host):
            continue
        pid_text = name[len(host):].split("-", 1)[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not _alive(int(pid_text)):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    if removed:
        log.info("removed %d temp folders left by stopped workers in %s", removed, base)
    return removed
