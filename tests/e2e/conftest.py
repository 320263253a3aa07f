"""The product as an operator runs it: a real `hotgigs serve` process on a temp data dir (its
private Redis, SQLite, workers), reached over real sockets, and `hotgigs` commands run as
child processes on the same data dir. The checkout under test is the child's PYTHONPATH."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import Candidate
from tests.helpers import free_port, wait_until

CHECKOUT = Path(__file__).resolve().parents[2]
_OURS = ("HOTGIGS_", "DATABASE_URL", "REDIS_URL", "SLACK_", "OPENAI_", "PYTHONPATH")


@dataclass
class Serve:
    """A running `hotgigs serve` and the environment its operator's commands share."""

    proc: subprocess.Popen[str]
    env: dict[str, str]
    data_dir: Path
    http_port: int
    smtp_port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def hotgigs(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """`hotgigs ARGS` on the same data dir (no REDIS_URL: it finds the private Redis)."""
        return subprocess.run([sys.executable, "-m", "hotgigs", *args], env={**self.env, **env},
                              cwd=self.data_dir.parent, capture_output=True, text=True,
                              timeout=300)

    def status(self) -> dict[str, Any]:
        done = self.hotgigs("status", "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    def candidate_names(self) -> list[str]:
        db = Database(f"sqlite:///{self.data_dir / 'hotgigs.sqlite3'}")
        try:
            with db.session() as session:
                return sorted(n or "" for n in session.scalars(select(Candidate.name)))
        finally:
            db.engine.dispose()


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, ConnectionError):
        return False


@pytest.fixture
def start_serve(tmp_path: Path) -> Iterator[Callable[..., Serve]]:
    """`start_serve(**env)`: a `hotgigs serve --workers 1`, healthy; stopped with SIGINT after
    the test, which must end it cleanly."""
    running: list[Serve] = []

    def start(**env_extra: str) -> Serve:
        data_dir = tmp_path / "data"
        env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
        env.update(HOTGIGS_DATA_DIR=str(data_dir), PYTHONPATH=str(CHECKOUT))
        http_port, smtp_port = free_port(), free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "hotgigs", "serve", "--workers", "1"],
            env={**env, **env_extra, "HOTGIGS_HTTP_PORT": str(http_port),
                 "HOTGIGS_SMTP_PORT": str(smtp_port)},
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        serve = Serve(proc, env, data_dir, http_port, smtp_port)
        running.append(serve)
        wait_until(lambda: _healthy(http_port) or proc.poll() is not None, timeout=120,
                   what="`hotgigs serve` to be healthy")
        assert proc.poll() is None, proc.communicate()[0]
        return serve

    yield start
    for serve in running:
        if serve.proc.poll() is None:
            serve.proc.send_signal(signal.SIGINT)
        output, _ = serve.proc.communicate(timeout=90)
        assert serve.proc.returncode == 0, output
