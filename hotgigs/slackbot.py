"""Wiring of the Slack bot from settings: its config, the reply notifier, the app in `serve`.

`hotgigs worker` registers `slack_notifier` as `notifiers["slack"]`; `hotgigs serve` calls
`start_slack`, which mounts `POST /slack/events` on the HTTP router, or connects over Socket
Mode when `SLACK_APP_TOKEN` is set. Without `SLACK_BOT_TOKEN` (and, for HTTP, without
`SLACK_SIGNING_SECRET`) the bot is skipped with one log line saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bots.slack.app import SlackBot, build_app, events_handler
from bots.slack.client import web_client
from bots.slack.commands import Commands
from bots.slack.config import SlackConfig
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
    """The bot's config, or None when SLACK_BOT_TOKEN is not set."""
    if not settings.slack_bot_token:
        return None
    return SlackConfig(
        bot_token=settings.slack_bot_token, signing_secret=settings.slack_signing_secret or "",
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
    return SlackNotifier(web_client(config), services.db)


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
        log.info("Slack bot off: SLACK_BOT_TOKEN is not set")
        return None
    socket_mode = bool(settings.slack_app_token)
    if not socket_mode and not config.signing_secret:
        log.warning("Slack bot off: SLACK_SIGNING_SECRET is not set (needed to verify "
                    "requests to %s; or set SLACK_APP_TOKEN for Socket Mode)", EVENTS_PATH)
        return None
    client = web_client(config)
    uploads = Uploads(config, services.db, Intake(services.db, services.blobs, queue,
                                                  config.zip_limits), client)
    commands = Commands(services.db, lambda: queue.depths() if queue is not None and
                        services.redis_ping() is None else None)
    bot = build_app(config, client, uploads, commands, socket_mode=socket_mode)
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
