"""Small helpers that keep the tests readable."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(probe: Callable[[], T | None], *, timeout: float, what: str,
               interval: float = 0.1) -> T:
    """Poll `probe` until it returns something truthy; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def cli_env(settings: Any, database_url: str) -> dict[str, str]:
    """The environment of a `python -m hotgigs` child for these settings: nothing leftover,
    and the checkout under test on PYTHONPATH (tests run in tmp_path, where `-m` would find
    whichever checkout is installed)."""
    return {"PATH": "/usr/bin:/bin", "HOTGIGS_DATA_DIR": str(settings.data_dir),
            "DATABASE_URL": database_url,
            "HOTGIGS_ENCRYPTION_KEY": str(settings.encryption_key),
            "HOTGIGS_LOG_LEVEL": "WARNING", "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
