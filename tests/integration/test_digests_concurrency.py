"""Exactly once under contention, on PostgreSQL: two schedulers (threads with their own engines)
and two `hotgigs digest send` processes racing over the same recipients."""

from __future__ import annotations

import mailbox
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from bots.email.outbound import MaildirOutbox
from digests import Digests, Outcome
from hotgigs.bootstrap import Services, bootstrap
from hotgigs.wiring import digest_config
from storage.models import DigestSent, utcnow
from tests import digest_data as dd
from tests.conftest import truncate_all
from tests.digest_data import NOW, ago
from tests.helpers import cli_env

RECRUITERS = 12


class SlowOutbox(MaildirOutbox):
    """The real Maildir, a little slow, so the two runs overlap for certain."""

    def send(self, message: EmailMessage) -> None:
        time.sleep(0.02)
        super().send(message)


def seed(services: Services, when: datetime | None = None) -> None:
    at = ago(1) if when is None else when
    with services.db.session() as s:
        for i in range(RECRUITERS):
            r = dd.recruiter(s, f"r{i}@agency.test")
            b = dd.email_batch(s, r, at)
            dd.resume(s, b, "cv.pdf", at, person=dd.candidate(s, r, f"Person {i}"))


def maildir_count(path: Path) -> list[str]:
    if not path.exists():
        return []
    box = mailbox.Maildir(path, create=False)
    return sorted(str(box[key]["To"]) for key in box.iterkeys())


@pytest.mark.postgres
def test_two_schedulers_at_once_send_each_digest_once(make_settings: object,
                                                       pg_url: str) -> None:
    truncate_all(pg_url)
    settings = make_settings(database_url=pg_url)  # type: ignore[operator]
    first, second = bootstrap(settings), bootstrap(settings)
    try:
        seed(first)
        outbox = settings.data_dir / "outbox"
        runners = [Digests(svc.db, digest_config(settings), SlowOutbox(outbox), None)
                   for svc in (first, second)]
        start = threading.Barrier(2)
        results: list[list[Outcome]] = [[], []]
        errors: list[BaseException] = []

        def run(i: int) -> None:
            try:
                start.wait(timeout=30)
                results[i] = runners[i].run_due(NOW)
            except BaseException as exc:  # surfaced by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        sent = [o.recipient for r in results for o in r if o.status == "sent"]
        assert sorted(sent) == sorted(f"r{i}@agency.test" for i in range(RECRUITERS))
        assert maildir_count(outbox) == sorted(sent)
        # and later runs the same day send nothing
        assert runners[0].run_due(NOW + timedelta(hours=1)) == []
        assert runners[1].send(NOW + timedelta(hours=2)) == []
        with first.db.session() as s:
            rows = s.scalars(select(DigestSent)).all()
            assert len(rows) == RECRUITERS and {r.status for r in rows} == {"sent"}
            assert {r.attempts for r in rows} == {1}
    finally:
        first.close()
        second.close()


@pytest.mark.postgres
def test_two_digest_send_processes_send_each_digest_once(make_settings: object,
                                                          pg_url: str) -> None:
    truncate_all(pg_url)
    settings = make_settings(database_url=pg_url)  # type: ignore[operator]
    services = bootstrap(settings)
    try:
        seed(services, utcnow() - timedelta(hours=1))
    finally:
        services.close()
    env = cli_env(settings, pg_url)
    procs = [subprocess.Popen([sys.executable, "-m", "hotgigs", "digest", "send"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    sent = maildir_count(settings.data_dir / "outbox")
    assert sent == sorted(f"r{i}@agency.test" for i in range(RECRUITERS))
