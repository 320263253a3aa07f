"""The inbound SMTP server (aiosmtpd): checks recipients, stores, answers; parses nothing.

RCPT: the inbound address or `jobs+<slug>@domain`, else 550. SIZE is advertised and enforced
by aiosmtpd (552). DATA: 250 only once `inbound.accept` has stored the bytes and committed the
row; any failure there answers 451 so the sending server retries. The blocking database and
blob work runs on a small thread pool, so slow storage never stalls other SMTP sessions.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from bots.email import messages
from bots.email.config import EmailConfig
from bots.email.inbound import accept, enqueue, sweep
from pipeline.metrics import metrics
from pipeline.queue import JobQueue
from storage.db import Database
from storage.files import BlobStore

log = logging.getLogger(__name__)

SWEEP_EVERY = 60.0  # seconds between looks for stored messages Redis lost


class InboundHandler:
    """aiosmtpd handler: the `handle_*` hooks of one server."""

    def __init__(self, config: EmailConfig, db: Database, blobs: BlobStore,
                 queue: JobQueue | None, executor: ThreadPoolExecutor) -> None:
        self.config = config
        self.db = db
        self.blobs = blobs
        self.queue = queue
        self.executor = executor

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        ours, _slug = self.config.recipient(address)
        if not ours:
            domain = address.rpartition("@")[2]
            if domain.lower() != self.config.domain.lower():
                _count("rejected", "not our domain")
                return messages.NOT_OUR_DOMAIN.format(domain=self.config.domain)
            _count("rejected", "unknown recipient")
            return messages.UNKNOWN_RECIPIENT.format(address=address)
        envelope.rcpt_tos.append(address)
        return messages.RECIPIENT_OK

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            accepted = await loop.run_in_executor(
                self.executor, accept, self.db, self.blobs, raw, envelope.mail_from,
                list(envelope.rcpt_tos))
        except Exception:
            log.exception("inbound message from %s: not stored, answered 451", envelope.mail_from)
            _count("deferred", "storage unavailable")
            return messages.TRY_AGAIN
        if accepted.duplicate:
            log.info("inbound %s: %s seen before, nothing new", accepted.row_id,
                     accepted.message_id)
            _count("accepted", "duplicate message-id")
            return messages.ALREADY_RECEIVED
        log.info("inbound %s: %s stored (%d bytes)", accepted.row_id, accepted.message_id,
                 len(raw))
        if self.queue is not None:
            await loop.run_in_executor(self.executor, enqueue, self.queue, accepted.row_id)
        _count("accepted", "")
        return messages.ACCEPTED


def _count(result: str, reason: str) -> None:
    metrics().inbound_emails.labels(result, reason).inc()


class SmtpServer:
    """Start/stop the listener (a thread with its own event loop) and the periodic sweep."""

    def __init__(self, config: EmailConfig, db: Database, blobs: BlobStore,
                 queue: JobQueue | None, host: str, port: int, *,
                 sweep_grace: timedelta = timedelta(seconds=60), threads: int = 8) -> None:
        self.host = host
        self.port = port
        self.db = db
        self.queue = queue
        self.sweep_grace = sweep_grace
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="smtp-store")
        self.handler = InboundHandler(config, db, blobs, queue, self.executor)
        self.controller = Controller(
            self.handler, hostname=host, port=port, server_hostname=config.domain,
            ident="HotGigs ESMTP", data_size_limit=config.max_bytes, enable_SMTPUTF8=True,
            decode_data=False,
        )
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def start(self) -> None:
        self.controller.start()
        if self.queue is not None:
            self._sweeper = threading.Thread(target=self._sweep_loop, name="smtp-sweep",
                                             daemon=True)
            self._sweeper.start()
        log.info("SMTP on %s:%d", self.host, self.port)

    def stop(self) -> None:
        self._stop.set()
        self.controller.stop()
        if self._sweeper is not None:
            self._sweeper.join(timeout=10)
        self.executor.shutdown(wait=True)

    def _sweep_loop(self) -> None:
        assert self.queue is not None
        while True:
            try:
                sweep(self.db, self.queue, self.sweep_grace)
            except Exception:  # the next round tries again; the listener must keep running
                log.exception("inbound sweep failed")
            if self._stop.wait(SWEEP_EVERY):
                return

    def __enter__(self) -> SmtpServer:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
