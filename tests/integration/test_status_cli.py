"""`hotgigs status` beside a running `serve`: it finds serve's private Redis through the data
dir (no REDIS_URL) and prints a table a person reads (no raw Python dicts)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hotgigs.run.private_redis import PrivateRedis, url_file

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="needs redis-server")


def _hotgigs(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HOTGIGS_", "DATABASE_URL", "REDIS_URL"))}
    env.update(HOTGIGS_DATA_DIR=str(data_dir), COLUMNS="120")
    return subprocess.run([sys.executable, "-m", "hotgigs", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_status_finds_the_private_redis_of_serve_and_prints_a_readable_table(
        tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    assert _hotgigs(data_dir, "db", "upgrade").returncode == 0
    private = PrivateRedis(data_dir)  # what `hotgigs serve` starts when REDIS_URL is unset
    private.start()
    try:
        assert url_file(data_dir).read_text().strip() == private.url
        report = json.loads(_hotgigs(data_dir, "status", "--json").stdout)
        assert report["redis_error"] is None
        assert report["queues"] == {"high": 0, "low": 0}

        shown = _hotgigs(data_dir, "status")
        assert shown.returncode == 0, shown.stderr
        assert "high 0 · low 0" in shown.stdout
        assert "Redis" in shown.stdout and "ok" in shown.stdout
        assert "{" not in shown.stdout and "None" not in shown.stdout
    finally:
        private.stop()
    assert not url_file(data_dir).exists()

    # serve is gone (or died leaving a file behind): status says Redis is unreachable
    url_file(data_dir).write_text(private.url + "\n")
    report = json.loads(_hotgigs(data_dir, "status", "--json").stdout)
    assert report["queues"] is None and report["redis_error"] == "REDIS_URL is not set"
    assert "unreachable" in _hotgigs(data_dir, "status").stdout
