"""Wiring of the email bot: its config, reply notifier and SMTP server, from settings.

`hotgigs worker` registers `email_notifier` as `notifiers["email"]`; `hotgigs serve` and
`hotgigs smtp` start `smtp_server`. Nothing here runs at import time.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bots.email.config import EmailConfig
from bots.email.outbound import make_mailer
from bots.email.passwords import Logins, read_users
from bots.email.reply import EmailNotifier
from bots.email.resolver import use_server
from bots.email.server import SmtpServer, is_loopback, tls_context
from hotgigs.bootstrap import Services, bootstrap
from hotgigs.lifecycle import stop_on_signals
from hotgigs.metrics import prepare as prepare_metrics
from hotgigs.settings import Settings
from pipeline.archives import ZipLimits
from pipeline.queue import JobQueue

log = logging.getLogger(__name__)

MB = 1024 * 1024


def email_config(settings: Settings) -> EmailConfig:
    trust = settings.smtp_trust_loopback
    return EmailConfig(
        domain=settings.inbound_domain, local_part=settings.inbound_local_part,
        allowed_senders=tuple(settings.allowed_senders), rate_limit=settings.email_rate_limit,
        max_bytes=settings.smtp_max_mb * MB, dkim_verify=settings.dkim_verify,
        zip_limits=ZipLimits(max_entries=settings.zip_max_entries,
                             max_total=settings.zip_max_total_mb * MB,
                             max_file=settings.max_file_mb * MB),
        trust_loopback=is_loopback(settings.smtp_host) if trust is None else trust,
        trusted_authserv_ids=tuple(settings.trusted_authserv_ids),
        spf_verify=settings.spf_verify,
    )


def email_notifier(settings: Settings) -> EmailNotifier:
    """Replies through HOTGIGS_SMTP_RELAY_URL, or into the Maildir `<data dir>/outbox`.
    Built once per worker: it also points our own SPF/DKIM checks at HOTGIGS_DNS_SERVER."""
    if settings.dns_server:
        use_server(settings.dns_server)
    mailer = make_mailer(settings.smtp_relay_url, settings.data_dir / "outbox")
    return EmailNotifier(email_config(settings), mailer)


def smtp_server(services: Services, queue: JobQueue | None) -> SmtpServer:
    settings = services.settings
    tls = None
    if settings.smtp_tls_cert and settings.smtp_tls_key:
        tls = tls_context(str(settings.smtp_tls_cert), str(settings.smtp_tls_key))
    logins = Logins(read_users(settings.smtp_users)) if settings.smtp_users else None
    return SmtpServer(email_config(settings), services.db, services.blobs, queue,
                      settings.smtp_host, settings.smtp_port,
                      sweep_grace=timedelta(seconds=max(settings.sweep_grace, 30)),
                      tls=tls, logins=logins, submission_port=settings.smtp_submission_port)


def run_smtp(settings: Settings) -> int:
    """`hotgigs smtp`: the inbound server alone, until SIGINT/SIGTERM."""
    from hotgigs.worker import job_queue

    stop = stop_on_signals()
    prepare_metrics(settings)  # this process's figures join the shared /metrics directory
    services = bootstrap(settings)
    try:
        server = smtp_server(services, job_queue(services))
        server.start()
        try:
            stop.wait()
        finally:
            server.stop()
    finally:
        services.close()
    return 0
