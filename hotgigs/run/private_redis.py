"""A private `redis-server` for `hotgigs serve` when REDIS_URL is unset (embedded defaults).

It listens on a free loopback port, keeps its data under the data dir and is stopped with the
process tree, so `make run` needs no Redis administration. While it runs, its URL is written to
`<data dir>/redis/url`, so every other command on the same data dir (`hotgigs status`,
`import`, `worker`…) finds it without REDIS_URL (`running_url`).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis

INSTALL_HINT = "redis-server not found; install it with: sudo apt-get install -y redis-server"


class PrivateRedisError(Exception):
    pass


def url_file(data_dir: Path) -> Path:
    return data_dir.resolve() / "redis" / "url"


def running_url(data_dir: Path) -> str | None:
    """The URL of the private Redis a `serve` on this data dir started, if it answers now."""
    try:
        url = url_file(data_dir).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not url.startswith("redis://127.0.0.1:"):
        return None
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        return None  # a serve that died without removing its file
    finally:
        client.close()
    return url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """Start with `start()`, read `url`, stop with `stop()` (also a context manager)."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = (data_dir / "redis").resolve()  # redis-server chdirs into it
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self, timeout: float = 10.0) -> str:
        binary = shutil.which("redis-server")
        if binary is None:
            raise PrivateRedisError(INSTALL_HINT)
        self.dir.mkdir(parents=True, exist_ok=True)
        port = _free_port()
        self.proc = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(self.dir),
             "--save", "60 1", "--appendonly", "no", "--logfile", str(self.dir / "redis.log"),
             "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise PrivateRedisError(
                        f"private redis-server did not start; see {self.dir / 'redis.log'}"
                    ) from None
                time.sleep(0.05)
        client.close()
        url_file(self.dir.parent).write_text(self.url + "\n", encoding="ascii")
        return self.url

    def stop(self) -> None:
        if self.url:
            url_file(self.dir.parent).unlink(missing_ok=True)
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> PrivateRedis:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
