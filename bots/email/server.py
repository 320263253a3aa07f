"""The inbound SMTP server (aiosmtpd): checks recipients, stores, answers; parses nothing.

RCPT: the inbound address, a personal one (`resumes+<token>@domain`) or `jobs+<slug>@domain`,
else 550. SIZE is advertised and enforced by aiosmtpd (552). Lines longer than RFC 5321's
1000 octets are accepted up to the size limit, as Postfix does (Outlook writes 10 KB HTML
lines; a 500 would bounce a forwarded resume for good). STARTTLS when a certificate is
configured; SMTP AUTH only over TLS, and on the optional submission port STARTTLS and AUTH
are required before MAIL. DATA: 250 only once `inbound.accept` has stored the
bytes and committed the row, with what the session proved (login, trusted loopback client);
any failure there answers 451. Blocking work runs on a small thread pool.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import ssl
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from bots.email import messages
from bots.email.config import EmailConfig
from bots.email.inbound import SessionFacts, accept, enqueue, sweep
from bots.email.passwords import Logins
from pipeline.metrics import metrics
from pipeline.queue import JobQueue
from storage.db import Database
from storage.files import BlobStore

log = logging.getLogger(__name__)

SWEEP_EVERY = 60.0  # seconds between looks for stored messages Redis lost


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


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

    def facts(self, session: Session) -> SessionFacts:
        peer = session.peer
        client_ip = str(peer[0]) if isinstance(peer, tuple) and peer else None
        login = session.auth_data if session.authenticated else None
        if isinstance(login, str):
            return SessionFacts(client_ip, login, "smtp-auth")
        if self.config.trust_loopback and is_loopback(client_ip):
            return SessionFacts(client_ip, None, "loopback")
        return SessionFacts(client_ip)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            accepted = await loop.run_in_executor(
                self.executor, accept, self.db, self.blobs, raw, envelope.mail_from,
                list(envelope.rcpt_tos), self.facts(session), self.config)
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


class _LenientSMTP(SMTP):
    """aiosmtpd's SMTP with its line limit raised to the message size limit."""

    def __init__(self, *args: Any, line_limit: int, **kwargs: Any) -> None:
        self.line_length_limit = line_limit  # read by SMTP.__init__ for its stream buffer
        super().__init__(*args, **kwargs)


class _Controller(Controller):
    def __init__(self, *args: Any, line_limit: int, **kwargs: Any) -> None:
        self.line_limit = line_limit
        super().__init__(*args, **kwargs)

    def factory(self) -> SMTP:
        return _LenientSMTP(self.handler, line_limit=self.line_limit, **self.SMTP_kwargs)


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    """A server context for STARTTLS from PEM files (TLS 1.2 or newer)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


class SmtpServer:
    """Start/stop the listener (a thread with its own event loop) and the periodic sweep."""

    def __init__(self, config: EmailConfig, db: Database, blobs: BlobStore,
                 queue: JobQueue | None, host: str, port: int, *,
                 sweep_grace: timedelta = timedelta(seconds=60), threads: int = 8,
                 tls: ssl.SSLContext | None = None, logins: Logins | None = None,
                 submission_port: int | None = None) -> None:
        self.host = host
        self.port = port
        self.db = db
        self.queue = queue
        self.sweep_grace = sweep_grace
        self.tls = tls
        self.logins = logins
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="smtp-store")
        self.handler = InboundHandler(config, db, blobs, queue, self.executor)
        common: dict[str, Any] = dict(
            hostname=host, server_hostname=config.domain, ident="HotGigs ESMTP",
            data_size_limit=config.max_bytes, enable_SMTPUTF8=True, decode_data=False,
            line_limit=config.max_bytes + 2, tls_context=tls, auth_require_tls=True,
            authenticator=self._authenticate if logins is not None else None)
        self.controller = _Controller(self.handler, port=port, **common)
        # the submission port (RFC 6409): STARTTLS, then AUTH, before any MAIL
        self.submission: _Controller | None = None
        if submission_port is not None:
            if tls is None or logins is None:
                raise ValueError("the submission port needs a TLS certificate and SMTP users")
            self.submission = _Controller(self.handler, port=submission_port,
                                          require_starttls=True, auth_required=True, **common)
        self.submission_port = submission_port
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def _authenticate(self, server: SMTP, session: Session, envelope: Envelope,
                      mechanism: str, auth_data: Any) -> AuthResult:
        if self.logins is None or not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode("utf-8", "replace").strip().lower()
        ok = self.logins.check(login, auth_data.password.decode("utf-8", "replace"))
        if not ok:
            log.warning("SMTP AUTH refused for %s from %s", login, session.peer)
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=login)

    def start(self) -> None:
        self.controller.start()
        if self.submission is not None:
            self.submission.start()
            log.info("SMTP submission on %s:%d (STARTTLS and AUTH required)", self.host,
                     self.submission_port)
        if self.queue is not None:
            self._sweeper = threading.Thread(target=self._sweep_loop, name="smtp-sweep",
                                             daemon=True)
            self._sweeper.start()
        config = self.handler.config
        log.info("SMTP on %s:%d (STARTTLS %s, AUTH %s)", self.host, self.port,
                 "on" if self.tls else "off",
                 "over TLS" if self.logins is not None and self.tls else "off")
        if config.trust_loopback:
            log.info("SMTP: mail from loopback clients is trusted as the operator's; mail from "
                     "anywhere else needs proof of its sender or is quarantined")
        else:
            log.info("SMTP: mail without proof of its sender (personal address, SMTP AUTH, "
                     "DMARC pass from a trusted MTA) is quarantined and never answered")

    def stop(self) -> None:
        self._stop.set()
        self.controller.stop()
        if self.submission is not None:
            self.submission.stop()
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
