"""The one place that builds adapters, queues and limits from settings.

Every process (`hotgigs.run`), every command (`hotgigs.cli`) and the HTTP app (`hotgigs.web`)
asks here for what it needs: the job queue, the ZIP limits, the intake, the tasks' context with
each channel's notifier, the email and Slack bots' configs, the Drive client and the digests'
senders. Nothing is built at import time (STYLE.md, habit 7).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hotgigs.bootstrap import Services
from hotgigs.settings import Settings
from pipeline.archives import ZipLimits
from pipeline.context import TaskContext
from pipeline.intake import Intake
from pipeline.queue import JobQueue

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bots.drive.folders import DriveAccess
    from bots.drive.sync import SyncReport
    from bots.email.config import EmailConfig
    from bots.email.reply import EmailNotifier
    from bots.email.server import SmtpServer
    from bots.slack.config import SlackConfig
    from bots.slack.reply import SlackNotifier
    from bots.web.notifier import WebNotifier
    from digests import DigestConfig, Digests, Outcome

log = logging.getLogger(__name__)

MB = 1024 * 1024


# -- queue, limits, intake -------------------------------------------------------------------
def job_queue(services: Services) -> JobQueue:
    settings = services.settings
    return JobQueue(services.redis, settings.queue_prefix, settings.job_timeout)


def zip_limits(settings: Settings) -> ZipLimits:
    """HOTGIGS_MAX_FILE_MB and HOTGIGS_ZIP_*: the same limits for every door."""
    return ZipLimits(max_entries=settings.zip_max_entries,
                     max_total=settings.zip_max_total_mb * MB,
                     max_file=settings.max_file_mb * MB)


def intake_for(services: Services, queue: JobQueue | None) -> Intake:
    return Intake(services.db, services.blobs, queue, zip_limits(services.settings))


# -- the tasks' context ----------------------------------------------------------------------
def build_enhancer(settings: Settings) -> object | None:
    """The optional LLM step; None (skipped, and the parse says so) without an API key."""
    if not settings.openai_api_key:
        return None
    from pipeline.parser.llm import LLMEnhancer

    return LLMEnhancer(api_key=settings.openai_api_key, base_url=settings.openai_base_url,
                       model=settings.llm_model)


def task_context(services: Services, queue: JobQueue | None) -> TaskContext:
    """Everything tasks need; adapters add their notifiers here as they land."""
    from matching import matches_hook
    from pipeline.context import Notifier

    notifiers: dict[str, Notifier] = {"email": email_notifier(services.settings)}
    slack = slack_notifier(services)
    if slack is not None:
        notifiers["slack"] = slack
    notifiers["web"] = web_notifier(services)
    return TaskContext(db=services.db, blobs=services.blobs, queue=queue,
                       enhancer=build_enhancer(services.settings),
                       default_region=services.settings.default_phone_region,
                       after_candidate=[matches_hook(services.db)],
                       notifiers=notifiers, tombstone_key=tombstone_key_of(services.settings),
                       work_dir=job_temp_root(services.settings))


def tombstone_key_of(settings: Settings) -> bytes:
    """The erasure tombstones' HMAC key, derived from the encryption key (issue #10)."""
    from storage.files import load_or_create_key
    from storage.privacy import tombstone_key

    return tombstone_key(load_or_create_key(settings.encryption_key, settings.data_dir))


def job_temp_root(settings: Settings) -> Path:
    """Where per-job temp folders live (removed when each job ends)."""
    return settings.data_dir.resolve() / "tmp" / "jobs"


# -- the email bot ---------------------------------------------------------------------------
def email_config(settings: Settings) -> EmailConfig:
    from bots.email.config import EmailConfig
    from bots.email.server import is_loopback

    trust = settings.smtp_trust_loopback
    return EmailConfig(
        domain=settings.inbound_domain, local_part=settings.inbound_local_part,
        allowed_senders=tuple(settings.allowed_senders), rate_limit=settings.email_rate_limit,
        max_bytes=settings.smtp_max_mb * MB, dkim_verify=settings.dkim_verify,
        zip_limits=zip_limits(settings),
        trust_loopback=is_loopback(settings.smtp_host) if trust is None else trust,
        trusted_authserv_ids=tuple(settings.trusted_authserv_ids),
        spf_verify=settings.spf_verify,
    )


def email_notifier(settings: Settings) -> EmailNotifier:
    """Replies through HOTGIGS_SMTP_RELAY_URL, or into the Maildir `<data dir>/outbox`.
    Built once per worker: it also points our own SPF/DKIM checks at HOTGIGS_DNS_SERVER."""
    from bots.email.outbound import make_mailer
    from bots.email.reply import EmailNotifier
    from bots.email.resolver import use_server

    if settings.dns_server:
        use_server(settings.dns_server)
    mailer = make_mailer(settings.smtp_relay_url, settings.data_dir / "outbox")
    return EmailNotifier(email_config(settings), mailer)


def smtp_server(services: Services, queue: JobQueue | None) -> SmtpServer:
    from bots.email.passwords import Logins, read_users
    from bots.email.server import SmtpServer, tls_context

    settings = services.settings
    tls = None
    if settings.smtp_tls_cert and settings.smtp_tls_key:
        tls = tls_context(str(settings.smtp_tls_cert), str(settings.smtp_tls_key))
    logins = Logins(read_users(settings.smtp_users)) if settings.smtp_users else None
    return SmtpServer(email_config(settings), services.db, services.blobs, queue,
                      settings.smtp_host, settings.smtp_port,
                      sweep_grace=timedelta(seconds=max(settings.sweep_grace, 30)),
                      tls=tls, logins=logins, submission_port=settings.smtp_submission_port)


def web_notifier(services: Services) -> WebNotifier:
    """Web batches: their event streams are woken over Redis pub/sub; a batch of several
    files is answered by email to the recruiter through the email door's mailer."""
    from bots.email.outbound import make_mailer
    from bots.web.notifier import WebNotifier, events_channel

    settings = services.settings
    mail = email_config(settings)
    return WebNotifier(services.redis if settings.redis_url else None,
                       events_channel(settings.queue_prefix),
                       make_mailer(settings.smtp_relay_url, settings.data_dir / "outbox"),
                       sender=mail.address, domain=mail.domain, public_url=settings.public_url)


# -- the Slack bot ---------------------------------------------------------------------------
def slack_config(settings: Settings) -> SlackConfig | None:
    """The bot's config, or None when neither SLACK_BOT_TOKEN nor the OAuth client is set."""
    from bots.slack.config import SlackConfig, SlackOAuth

    oauth = None
    if settings.slack_client_id and settings.slack_client_secret:
        oauth = SlackOAuth(client_id=settings.slack_client_id,
                           client_secret=settings.slack_client_secret,
                           scopes=tuple(settings.slack_scopes),
                           redirect_uri=settings.slack_redirect_uri or None)
    if not settings.slack_bot_token and oauth is None:
        return None
    return SlackConfig(
        bot_token=settings.slack_bot_token or "", oauth=oauth,
        signing_secret=settings.slack_signing_secret or "",
        api_url=settings.slack_api_url, allowed_teams=tuple(settings.slack_teams),
        allowed_channels=tuple(settings.slack_channels),
        zip_limits=zip_limits(settings),
    )


def slack_notifier(services: Services) -> SlackNotifier | None:
    """Thread replies for Slack batches; None (and Slack batches get none) without a token."""
    from bots.slack.reply import SlackNotifier

    config = slack_config(services.settings)
    if config is None:
        return None
    return SlackNotifier(workspace_clients(config, services), services.db)


def workspace_clients(config: SlackConfig, services: Services) -> Callable[[str | None],
                                                                           WebClient]:
    """A Web API client with the bot token of a workspace (its installation's under OAuth)."""
    from slack_sdk.oauth.token_rotation import TokenRotator

    from bots.slack.client import web_client
    from bots.slack.install import BotTokens, installation_store

    tokens = BotTokens(config.bot_token)
    if config.oauth is not None:
        rotator = TokenRotator(client_id=config.oauth.client_id,
                               client_secret=config.oauth.client_secret,
                               client=web_client(config))
        tokens = BotTokens(config.bot_token, installation_store(config.oauth,
                                                                services.db.engine), rotator)
    return lambda team: web_client(config, tokens(team))


# -- Google Drive ----------------------------------------------------------------------------
class DriveNotConfigured(Exception):
    """HOTGIGS_DRIVE_CREDENTIALS is not set."""


def drive_access(settings: Settings) -> DriveAccess | None:
    """`drive add` (Slack and CLI) checks folders with Drive when credentials are set."""
    credentials = settings.drive_credentials
    if not credentials:
        return None
    from bots.drive.folders import DriveAccess
    from bots.drive.gdrive import build_drive_client, service_account_email
    from bots.drive.port import DriveItem

    def get(folder_id: str) -> DriveItem:
        client = build_drive_client(credentials, settings.drive_api_url)
        try:
            return client.get(folder_id)
        finally:
            client.close()

    return DriveAccess(get, service_account_email(credentials))


def run_drive_sync(services: Services, intake: Intake, *, folder: str | None = None,
                   full: bool = False) -> SyncReport:
    """One sync run over the watched folders with a fresh Drive client."""
    from bots.drive import messages
    from bots.drive.gdrive import build_drive_client, service_account_email
    from bots.drive.sync import DriveSync

    settings = services.settings
    if not settings.drive_credentials:
        raise DriveNotConfigured(messages.NO_CREDENTIALS)
    client = build_drive_client(settings.drive_credentials, settings.drive_api_url)
    try:
        sync = DriveSync(services.db, client, intake.submit,
                         account=service_account_email(settings.drive_credentials),
                         max_file_bytes=settings.max_file_mb * MB)
        return sync.sync_all(folder=folder, full=full)
    finally:
        client.close()


# -- the daily digests -----------------------------------------------------------------------
class SlackWebPoster:
    """The `SlackPoster` port over slack_sdk: one `chat.postMessage` per channel digest."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]]) -> None:
        self.client.chat_postMessage(channel=channel, text=text, blocks=blocks,
                                     unfurl_links=False, unfurl_media=False)


def digest_config(settings: Settings) -> DigestConfig:
    from digests import DigestConfig, Limits

    mail = email_config(settings)
    return DigestConfig(
        sender=mail.address, domain=mail.domain, timezone=settings.digest_timezone,
        hour=settings.digest_hour, send_empty=settings.digest_send_empty,
        retry_after=timedelta(minutes=settings.digest_retry_minutes),
        limits=Limits(top=settings.digest_top, strong_score=settings.digest_strong_score),
        public_url=settings.public_url,
    )


def digests_for(services: Services) -> Digests:
    """Email through the email bot's mailer (HOTGIGS_SMTP_RELAY_URL, or the Maildir
    `<data dir>/outbox`); Slack through the bot's Web API client. Without SLACK_BOT_TOKEN
    there are no channel digests (a channel digest names no workspace)."""
    from bots.email.outbound import make_mailer
    from bots.slack.client import web_client
    from digests import Digests

    settings = services.settings
    mailer = make_mailer(settings.smtp_relay_url, settings.data_dir / "outbox")
    config = slack_config(settings)
    slack = SlackWebPoster(web_client(config)) if config is not None and config.bot_token \
        else None
    return Digests(services.db, digest_config(settings), mailer, slack)


def run_due_digests(services: Services) -> list[Outcome]:
    """The scheduler's hourly job: whoever is due now gets today's digest."""
    from storage.models import utcnow

    return digests_for(services).run_due(utcnow())
