"""The rig of benchmarks/fleet.py: a bridge, one network namespace per host, and the run's own
redis-server and PostgreSQL cluster, all removed again by `Rig.close()`.

The services live in the root namespace on the bridge address (10.77.0.1); host K is the
namespace `hg-hostK` at 10.77.0.(10+K), linked to the bridge by a veth pair, and its processes
run with their own hostname (a UTS namespace), as on separate machines: a worker's liveness
check then cannot see another host's process ids. Needs root and iproute2.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BRIDGE = "hg-br0"
SERVICES_IP = "10.77.0.1"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def host_ip(k: int) -> str:
    return f"10.77.0.{10 + k}"


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


def free_port(address: str) -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


def wait_port(address: str, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((address, port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@dataclass
class Host:
    """One host namespace and the processes started in it."""

    k: int
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def netns(self) -> str:
        return f"hg-host{self.k}"

    @property
    def veth(self) -> str:
        return f"hg-v{self.k}"

    def pids(self) -> list[int]:
        """Every process in the namespace (also ones we did not start ourselves)."""
        out = _ip("netns", "pids", self.netns, check=False).stdout
        return [int(p) for p in out.split()]


class Rig:
    """Network, private services and host processes of one fleet run; `close()` undoes all."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env
        self.hosts: dict[int, Host] = {}
        self.redis_proc: subprocess.Popen[bytes] | None = None
        self.weed_proc: subprocess.Popen[bytes] | None = None
        self.redis_port = 0
        self.pg_port = 0
        self.pg_dir = root / "pg"
        self.logs = root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)

    # -- network -------------------------------------------------------------------------
    def bridge_up(self) -> None:
        _ip("link", "add", BRIDGE, "type", "bridge")
        _ip("addr", "add", f"{SERVICES_IP}/24", "dev", BRIDGE)
        _ip("link", "set", BRIDGE, "up")

    def add_host(self, k: int) -> Host:
        """Namespace hg-hostK with loopback and its veth end (eth0) on the bridge."""
        host = Host(k)
        _ip("netns", "add", host.netns)
        self.hosts[k] = host
        _ip("link", "add", host.veth, "type", "veth", "peer", "name", "eth0",
            "netns", host.netns)
        _ip("link", "set", host.veth, "master", BRIDGE, "up")
        _ip("-n", host.netns, "addr", "add", f"{host_ip(k)}/24", "dev", "eth0")
        _ip("-n", host.netns, "link", "set", "eth0", "up")
        _ip("-n", host.netns, "link", "set", "lo", "up")
        return host

    def kill_host(self, k: int) -> None:
        """SIGKILL every process in the namespace, then delete its link and the namespace."""
        host = self.hosts.pop(k)
        for _ in range(50):  # a process may fork while we kill
            pids = host.pids()
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)
        for proc in host.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        _ip("link", "del", host.veth, check=False)
        _ip("netns", "del", host.netns, check=False)

    def run_in(self, k: int, name: str, *args: str) -> subprocess.Popen[bytes]:
        """Start `python -m hotgigs ARGS` in host K's namespace under hostname hg-hostK."""
        host = self.hosts[k]
        log = (self.logs / f"host{k}-{name}.log").open("ab")
        proc = subprocess.Popen(
            ["ip", "netns", "exec", host.netns, "unshare", "--uts", "sh", "-c",
             'hostname "$0" && exec "$@"', host.netns, sys.executable,
             "-m", "hotgigs", *args],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        host.procs.append(proc)
        return proc

    # -- services ------------------------------------------------------------------------
    def start_redis(self) -> str:
        """redis-server with an append-only file in the run's folder (kept across restarts)."""
        if not self.redis_port:
            self.redis_port = free_port(SERVICES_IP)
            (self.root / "redis").mkdir()
        log = (self.logs / "redis.log").open("ab")
        self.redis_proc = subprocess.Popen(
            ["redis-server", "--bind", SERVICES_IP, "--port", str(self.redis_port),
             "--dir", str(self.root / "redis"), "--appendonly", "yes", "--save", "",
             "--protected-mode", "no"], stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        wait_port(SERVICES_IP, self.redis_port)
        return f"redis://{SERVICES_IP}:{self.redis_port}/0"

    def stop_redis(self) -> None:
        """SHUTDOWN as an operator's restart does: Redis writes its append-only file first."""
        if self.redis_proc and self.redis_proc.poll() is None:
            self.redis_proc.send_signal(signal.SIGTERM)
            self.redis_proc.wait(timeout=60)

    def _pg(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True,
                       capture_output=True, cwd="/")

    def start_postgres(self) -> str:
        """A private cluster (trust for the link subnet) on the services address."""
        self.pg_port = free_port(SERVICES_IP)
        os.chmod(self.root, 0o755)  # the postgres user walks into its folder
        self.pg_dir.mkdir()
        shutil.chown(self.pg_dir, "postgres", "postgres")
        self._pg(str(PG_BIN / "initdb"), "-D", str(self.pg_dir), "-A", "trust", "-U",
                 "postgres", "--no-sync")
        with (self.pg_dir / "pg_hba.conf").open("a") as hba:
            hba.write("host all all 10.77.0.0/24 trust\n")
        with (self.pg_dir / "postgresql.conf").open("a") as conf:
            conf.write(f"listen_addresses = '{SERVICES_IP}'\nport = {self.pg_port}\n"
                       f"unix_socket_directories = '{self.pg_dir}'\nmax_connections = 300\n")
        self.pg_ctl("start")
        return f"postgresql+psycopg://postgres@{SERVICES_IP}:{self.pg_port}/postgres"

    def pg_ctl(self, action: str) -> None:
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.pg_dir), "-l",
                 str(self.pg_dir / "server.log"), "-m", "fast", "-w", "-t", "60", action)

    def start_weed(self, access_key: str, secret_key: str) -> str:
        """A SeaweedFS server (master, volume, filer, S3 gateway) on the services address,
        accepting only the given credentials; its S3 endpoint URL."""
        weed = shutil.which("weed") or str(Path(sys.executable).parent / "weed")
        folder = self.root / "seaweedfs"
        (folder / "data").mkdir(parents=True)
        (folder / "s3.json").write_text(json.dumps({"identities": [{
            "name": "fleet", "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
            "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}))
        log = (self.logs / "weed.log").open("ab")
        self.weed_proc = subprocess.Popen(
            [weed, "server", f"-dir={folder / 'data'}", f"-ip={SERVICES_IP}",
             f"-ip.bind={SERVICES_IP}", "-master.volumeSizeLimitMB=64", "-volume.max=50",
             "-s3", "-s3.port=8333", f"-s3.config={folder / 's3.json'}"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_port(SERVICES_IP, 8333, timeout=60)
        return f"http://{SERVICES_IP}:8333"

    def service_pids(self) -> list[int]:
        """Redis, SeaweedFS, and PostgreSQL's postmaster and its children (backends…)."""
        import psutil

        pids = [p.pid for p in (self.redis_proc, self.weed_proc) if p and p.poll() is None]
        try:
            pid = int((self.pg_dir / "postmaster.pid").read_text().split()[0])
            main = psutil.Process(pid)
            return [*pids, pid, *(c.pid for c in main.children())]
        except (OSError, ValueError, psutil.Error):
            return pids

    # -- cleanup -------------------------------------------------------------------------
    def close(self) -> None:
        """Remove everything the run made; safe to call twice and after a partial start."""
        for k in list(self.hosts):
            self.kill_host(k)
        self.stop_redis()
        if self.weed_proc and self.weed_proc.poll() is None:
            self.weed_proc.terminate()
            try:
                self.weed_proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.weed_proc.kill()
        if (self.pg_dir / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self.pg_ctl("stop")
        _ip("link", "del", BRIDGE, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def leftovers() -> list[str]:
    """Namespaces or the bridge of an earlier run that did not clean up (killed hard)."""
    names = [line.split()[0] for line in _ip("netns", "list").stdout.splitlines()]
    found = [n for n in names if n.startswith("hg-host")]
    if _ip("link", "show", BRIDGE, check=False).returncode == 0:
        found.append(BRIDGE)
    return found
