"""Wiring of the Slack bot from settings: its config, the reply notifier, the app in `serve`.

`hotgigs worker` registers `slack_notifier` as `notifiers["slack"]`; `hotgigs serve` calls
`start_slack`, which mounts `POST /slack/events` on the HTTP router, or connects over Socket
Mode when `SLACK_APP_TOKEN` is set. With `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET` any
workspace installs the app over OAuth (`GET /slack/install`) and every Web API call, the
worker's replies included, uses the bot token of the workspace concerned. Without a bot token
or client credentials (and, for HTTP, without `SLACK_SIGNING_SECRET`) the bot is skipped with
one log line saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.oauth.token_rotation import TokenRotator

from bots.drive.port import DriveItem
from bots.slack.app import SlackBot, build_app, events_handler, install_handlers
from bots.slack.client import web_client
from bots.slack.commands import Commands, DriveAccess
from bots.slack.config import SlackConfig, SlackOAuth
from bots.slack.install import BotTokens, installation_store, oauth_settings
from bots.slack.reply import SlackNotifier
from bots.slack.uploads import Uploads
from hotgigs.bootstrap import Services
from hotgigs.settings import Settings
from hotgigs.web import Router
from pipeline.archives import ZipLimits
from pipeline.intake import Intake
from pipeline.queue import JobQueue

log = logging.getLogger(__name__)

MB = 1024 * 1024
EVENTS_PATH = "/slack/events"


def slack_config(settings: Settings) -> SlackConfig | None:
    """The bot's config, or None when neither SLACK_BOT_TOKEN nor the OAuth client is set."""
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
        zip_limits=ZipLimits(max_entries=settings.zip_max_entries,
                             max_total=settings.zip_max_total_mb * MB,
                             max_file=settings.max_file_mb * MB),
    )


def slack_notifier(services: Services) -> SlackNotifier | None:
    """Thread replies for Slack batches; None (and Slack batches get none) without a token."""
    config = slack_config(services.settings)
    if config is None:
        return None
    return SlackNotifier(workspace_clients(config, services), services.db)


def workspace_clients(config: SlackConfig, services: Services) -> Callable[[str | None],
                                                                           WebClient]:
    """A Web API client with the bot token of a workspace (its installation's under OAuth)."""
    tokens = BotTokens(config.bot_token)
    if config.oauth is not None:
        rotator = TokenRotator(client_id=config.oauth.client_id,
                               client_secret=config.oauth.client_secret,
                               client=web_client(config))
        tokens = BotTokens(config.bot_token, installation_store(config.oauth,
                                                                services.db.engine), rotator)
    return lambda team: web_client(config, tokens(team))


def drive_access(settings: Settings) -> DriveAccess | None:
    """`/hotgigs drive add` checks folders with Drive when credentials are set."""
    credentials = settings.drive_credentials
    if not credentials:
        return None
    from bots.drive.gdrive import build_drive_client, service_account_email

    def get(folder_id: str) -> DriveItem:
        client = build_drive_client(credentials, settings.drive_api_url)
        try:
            return client.get(folder_id)
        finally:
            client.close()

    return DriveAccess(get, service_account_email(credentials))


@dataclass
class RunningSlack:
    bot: SlackBot
    mode: str  # "http" or "socket"
    stop: Callable[[], None]


def start_slack(router: Router, services: Services, queue: JobQueue | None) -> RunningSlack | None:
    """Mount (HTTP) or connect (Socket Mode) the Bolt app; None, logged, when not configured."""
    settings = services.settings
    config = slack_config(settings)
    if config is None:
        log.info("Slack bot off: SLACK_BOT_TOKEN is not set (nor SLACK_CLIENT_ID and "
                 "SLACK_CLIENT_SECRET for installs in several workspaces)")
        return None
    socket_mode = bool(settings.slack_app_token)
    if not socket_mode and not config.signing_secret:
        log.warning("Slack bot off: SLACK_SIGNING_SECRET is not set (needed to verify "
                    "requests to %s; or set SLACK_APP_TOKEN for Socket Mode)", EVENTS_PATH)
        return None
    client = web_client(config)
    uploads = Uploads(config, services.db, Intake(services.db, services.blobs, queue,
                                                  config.zip_limits), client)
    from hotgigs.mailbot import email_config

    commands = Commands(services.db, lambda: queue.depths() if queue is not None and
                        services.redis_ping() is None else None, drive_access(settings),
                        personal_address=email_config(settings).personal_address)
    oauth = (oauth_settings(config.oauth, services.db.engine, client)
             if config.oauth is not None else None)
    from bots.slack.duplicates import DuplicateActions
    from matching import matches_hook

    bot = build_app(config, client, uploads, commands, socket_mode=socket_mode, oauth=oauth,
                    duplicates=DuplicateActions(services.db, matches_hook(services.db)))
    for path, step in install_handlers(bot.app).items():
        router.add("GET", path, step)
        log.info("Slack install flow on GET %s", path)
    if socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(bot.app, settings.slack_app_token, web_client=client)
        handler.connect()
        log.info("Slack bot on Socket Mode")

        def stop() -> None:
            handler.close()
            bot.stop()

        return RunningSlack(bot, "socket", stop)
    router.add("POST", EVENTS_PATH, events_handler(bot.app))
    log.info("Slack bot on POST %s (events, commands, interactivity)", EVENTS_PATH)
    return RunningSlack(bot, "http", bot.stop)
