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
    from bots.drive.grants import TokenSealer
    from bots.drive.oauth import OAuthClient, StateSigner
    from bots.drive.sync import SyncReport
    from bots.email.config import EmailConfig
    from bots.email.reply import EmailNotifier
    from bots.email.server import SmtpServer
    from bots.slack.config import SlackConfig
    from bots.slack.reply import SlackNotifier
    from bots.web.notifier import WebNotifier
    from digests import DigestConfig, Digests, Outcome
    from storage.db import Database

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
    return EmailNotifier(email_config(settings), mailer, public_url=settings.public_url)


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
    return SlackNotifier(workspace_clients(config, services), services.db,
                         public_url=services.settings.public_url)


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


def google_oauth(settings: Settings) -> OAuthClient | None:
    """Recruiters' own Drive (/drive/connect); None without HOTGIGS_GOOGLE_CLIENT_ID/_SECRET.
    Google sends the browser back to HOTGIGS_PUBLIC_URL + /drive/callback (the HTTP
    address when no public URL is set, which suits a machine's own browser only)."""
    if not (settings.google_client_id and settings.google_client_secret):
        return None
    from bots.drive.oauth import OAuthClient

    return OAuthClient(client_id=settings.google_client_id,
                       client_secret=settings.google_client_secret,
                       redirect_uri=_web_base(settings) + "/drive/callback",
                       auth_uri=settings.google_auth_uri,
                       token_uri=settings.google_token_uri, revoke_uri=settings.google_revoke_uri)


def _web_base(settings: Settings) -> str:
    return settings.public_url or f"http://{settings.http_host}:{settings.http_port}"


def drive_connect_url(settings: Settings) -> str | None:
    """Where Slack's `/hotgigs drive connect` sends a recruiter; None when not configured."""
    return _web_base(settings) + "/drive/connect" if google_oauth(settings) else None


def grant_sealer(settings: Settings) -> TokenSealer:
    """Seals recruiters' refresh tokens with a sub-key of the encryption key."""
    from bots.drive.grants import TokenSealer
    from storage.files import load_or_create_key

    return TokenSealer(load_or_create_key(settings.encryption_key, settings.data_dir))


def state_signer(settings: Settings) -> StateSigner:
    """Signs the OAuth `state` (and derives its PKCE verifier) with sub-keys of the key."""
    from bots.drive.oauth import StateSigner
    from storage.files import load_or_create_key

    return StateSigner(load_or_create_key(settings.encryption_key, settings.data_dir))


def drive_access(settings: Settings, db: Database | None = None,
                 owner: str | None = None) -> DriveAccess | None:
    """`drive add` (Slack and CLI) checks folders with Drive: with the owner's own grant when
    they connected one, else with HOTGIGS_DRIVE_CREDENTIALS; None when neither is there."""
    from bots.drive.folders import DriveAccess
    from bots.drive.gdrive import build_drive_client, client_for, service_account_email
    from bots.drive.port import DriveClient, DriveItem

    oauth = google_oauth(settings)
    if db is not None and owner and oauth is not None:
        from bots.drive import messages
        from bots.drive.grants import grant_for

        grant = grant_for(db, grant_sealer(settings), owner)
        if grant is not None and grant.active and grant.refresh_token:
            token = grant.refresh_token

            def get_own(folder_id: str) -> DriveItem:
                client = client_for(oauth.credentials(token, grant.scopes), settings.drive_api_url)
                try:
                    return client.get(folder_id)
                finally:
                    client.close()

            return DriveAccess(get_own, messages.YOUR_ACCOUNT.format(
                email=grant.google_email or grant.identity))
    credentials = settings.drive_credentials
    if not credentials:
        return None

    def get(folder_id: str) -> DriveItem:
        client: DriveClient = build_drive_client(credentials, settings.drive_api_url)
        try:
            return client.get(folder_id)
        finally:
            client.close()

    return DriveAccess(get, service_account_email(credentials))


def run_drive_sync(services: Services, intake: Intake, *, folder: str | None = None,
                   full: bool = False) -> SyncReport:
    """One sync run over the watched folders: each recruiter's own grant where they connected
    one, the operator's HOTGIGS_DRIVE_CREDENTIALS for the others."""
    from bots.drive import messages
    from bots.drive.gdrive import build_drive_client, client_for, service_account_email
    from bots.drive.grants import Grant, grants_by_owner
    from bots.drive.port import DriveClient
    from bots.drive.runs import Accounts, sync_watched

    settings = services.settings
    oauth = google_oauth(settings)
    grants = grants_by_owner(services.db, grant_sealer(settings)) if oauth is not None else {}
    credentials = settings.drive_credentials
    if not credentials and not grants:
        raise DriveNotConfigured(messages.NO_CREDENTIALS)

    def operator() -> DriveClient:
        assert credentials is not None
        return build_drive_client(credentials, settings.drive_api_url)

    def recruiter(grant: Grant) -> DriveClient:
        assert oauth is not None and grant.refresh_token is not None
        return client_for(oauth.credentials(grant.refresh_token, grant.scopes),
                          settings.drive_api_url)

    accounts = Accounts(operator=operator if credentials else None,
                        operator_account=service_account_email(credentials)
                        if credentials else None,
                        recruiter=recruiter, grants=grants)
    return sync_watched(services.db, intake.submit, accounts, folder=folder, full=full,
                        max_file_bytes=settings.max_file_mb * MB)


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
