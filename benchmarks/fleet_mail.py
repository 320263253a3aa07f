"""The SMTP side of benchmarks/fleet.py: messages with a PDF resume each, 80 % proven (sent to a
registered recruiter's personal inbound address, the door's proof when no loopback is trusted,
as in benchmarks/smtp_load.py) and 20 % unproven (strangers to the shared address).
The messages are spread over `spread` seconds of the run, so some arrive while Redis or
PostgreSQL restart; a client retries a 4xx answer or a dropped connection for up to two
minutes, as a sending MTA keeps a message queued. The ledger reads the replies from the
shared Maildir outbox.
"""

from __future__ import annotations

import email
import random
import smtplib
import time
from concurrent.futures import ThreadPoolExecutor
from email.policy import default
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from bots.email.recruiters import register
from hotgigs.bootstrap import Services
from hotgigs.settings import Settings
from hotgigs.wiring import email_config
from storage.models import InboundMessage
from tests.emails import INBOUND, attach, message
from tests.resumes import text_pdf

RECRUITERS = 10
CLIENTS = 10
RETRY_FOR = 120.0


class MailRun:
    """Builds the messages up front (recruiters registered), sends them, keeps the ledger."""

    def __init__(self, services: Services, settings: Settings, host: str, port: int,
                 count: int, proven: float = 0.8, spread: float = 0.0) -> None:
        self.host, self.port, self.settings = host, port, settings
        self.pause = spread * CLIENTS / max(count, 1)  # between one client's messages
        config = email_config(settings)
        owners = [f"recruiter{r}@agency.test" for r in range(RECRUITERS)]
        tokens = {o: register(services.db, o)[0].token for o in owners}
        rng = random.Random(21)
        self.messages: list[tuple[str, str, bytes]] = []
        self.proven: dict[str, str] = {}  # Message-ID -> the recruiter to answer
        for i in range(count):
            if rng.random() < proven:
                owner = owners[i % RECRUITERS]
                to, sender = config.personal_address(tokens[owner]), f"candidate{i}@mail.example"
            else:
                owner, to, sender = "", INBOUND, f"stranger{i}@spam.example"
            msg = message(subject=f"Candidate {i}", sender=sender, to=to)
            # names unlike the bulk files' "Bench Person…": a different person per message
            attach(msg, f"mail{i}.pdf", text_pdf(f"Mailed Person{i}", f"mailed{i}@example.test"))
            raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
            self.messages.append((str(msg["Message-ID"]), to, raw))
            if owner:
                self.proven[str(msg["Message-ID"])] = owner
        self.accepted: set[str] = set()
        self.refused: dict[str, str] = {}
        self.retries = 0

    def send(self) -> None:
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(self._client, [self.messages[c::CLIENTS] for c in range(CLIENTS)]))

    def _client(self, batch: list[tuple[str, str, bytes]]) -> None:
        smtp: smtplib.SMTP | None = None
        for message_id, to, raw in batch:
            give_up = time.monotonic() + RETRY_FOR
            while True:
                try:
                    if smtp is None:
                        smtp = smtplib.SMTP(self.host, self.port, timeout=60)
                    smtp.sendmail("bounces@mail.example", [to], raw)
                    self.accepted.add(message_id)
                    time.sleep(self.pause)
                    break
                except smtplib.SMTPResponseException as exc:  # also a refused recipient
                    code = exc.smtp_code
                    if code >= 500 or time.monotonic() > give_up:
                        self.refused[message_id] = f"{code} {exc.smtp_error!r}"
                        break
                except smtplib.SMTPRecipientsRefused as exc:
                    code, text = next(iter(exc.recipients.values()))
                    if code >= 500 or time.monotonic() > give_up:
                        self.refused[message_id] = f"{code} {text!r}"
                        break
                except (OSError, smtplib.SMTPException):
                    if time.monotonic() > give_up:
                        self.refused[message_id] = "connection failed"
                        break
                    smtp = None
                self.retries += 1
                time.sleep(1)
        if smtp is not None:
            smtp.quit()

    def replies(self) -> dict[str, list[str]]:
        """In-Reply-To -> the To of each reply in the Maildir outbox."""
        found: dict[str, list[str]] = {}
        outbox = self.settings.data_dir / "outbox" / "new"
        for path in sorted(outbox.iterdir()) if outbox.is_dir() else []:
            reply = email.message_from_bytes(path.read_bytes(), policy=default)
            found.setdefault(str(reply["In-Reply-To"]), []).append(str(reply["To"]))
        return found

    def handled(self, services: Services) -> bool:
        """Every accepted message out of `received` and every accepted proven one answered."""
        try:
            with services.db.session() as session:
                open_ = session.scalar(select(func.count()).select_from(InboundMessage)
                                       .where(InboundMessage.status == "received"))
        except DBAPIError:
            return False
        replies = self.replies()
        return open_ == 0 and all(mid in replies for mid in self.proven if mid in self.accepted)

    def ledger(self, services: Services) -> dict[str, Any]:
        with services.db.session() as session:
            stored = session.scalar(select(func.count()).select_from(InboundMessage))
            statuses = dict(session.execute(select(InboundMessage.status, func.count())
                                            .group_by(InboundMessage.status)).all())
        replies = self.replies()
        counts = {mid: len(replies.get(mid, [])) for mid in self.proven}
        return {"sent": len(self.messages), "proven": len(self.proven),
                "accepted": len(self.accepted), "refused": len(self.refused),
                "refusals": sorted(set(self.refused.values()))[:5], "retries": self.retries,
                "stored": stored, "statuses": statuses,
                "exactly_once": sum(1 for mid, n in counts.items()
                                    if n == 1 and replies[mid] == [self.proven[mid]]),
                "unanswered": sum(1 for n in counts.values() if n == 0),
                "answered_twice": sum(1 for n in counts.values() if n > 1),
                "replies_to_unproven": sum(len(v) for mid, v in replies.items()
                                           if mid not in self.proven)}
