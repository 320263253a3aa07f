"""The Slack bot's door in `serve` (its config and reply notifier are built in `wiring`).

`start_slack` mounts `POST /slack/events` on the HTTP app, or connects over Socket Mode
when `SLACK_APP_TOKEN` is set. With `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET` any workspace
installs the app over OAuth (`GET /slack/install`) and every Web API call, the worker's replies
included, uses the bot token of the workspace concerned. Without a bot token or client
credentials (and, for HTTP, without `SLACK_SIGNING_SECRET`) the bot is skipped with one log
line saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool
from starlette.responses import PlainTextResponse, Response

from bots.slack.app import SlackBot, build_app
from bots.slack.client import web_client
from bots.slack.commands import Commands
from bots.slack.config import SlackConfig
from bots.slack.install import oauth_settings
from bots.slack.interactive import Interactive
from bots.slack.uploads import Uploads
from hotgigs.bootstrap import Services
from hotgigs.wiring import (
    drive_access,
    drive_connect_url,
    email_config,
    intake_for,
    slack_config,
)
from pipeline.queue import JobQueue

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY = 1024 * 1024  # Slack's requests are small; anything bigger is not Slack


@dataclass
class RunningSlack:
    bot: SlackBot
    mode: str  # "http" or "socket"
    stop: Callable[[], None]


def _events_endpoint(app: App) -> Callable[[Request], Any]:
    """`POST /slack/events`. Bolt's own Starlette adapter dispatches on the event loop;
    dispatch verifies, acknowledges and may run a listener inline, so it runs on the thread
    pool here and a slow listener never stalls other requests."""

    async def events(request: Request) -> Response:
        if int(request.headers.get("content-length") or 0) > MAX_BODY:
            return PlainTextResponse("request too large", status_code=413)
        bolt = to_bolt_request(request, await request.body())
        return to_starlette_response(await run_in_threadpool(app.dispatch, bolt))

    return events


def _install_endpoint(step: Callable[[BoltRequest], BoltResponse]) -> Callable[[Request], Any]:
    """A step of Bolt's install flow; Bolt checks the state against its store and cookie."""

    async def install(request: Request) -> Response:
        bolt = to_bolt_request(request, b"")
        return to_starlette_response(await run_in_threadpool(step, bolt))

    return install


def slack_interactive(services: Services, config: SlackConfig, uploads: Uploads,
                      commands: Commands) -> Interactive:
    """Buttons, modals, the App Home and the "Import to HotGigs" shortcut."""
    from bots.email.recruiters import for_slack_user
    from bots.slack.actions import Interactions
    from bots.slack.home import Home
    from bots.slack.shortcut import Shortcut

    settings = services.settings
    personal = email_config(settings).personal_address

    def address(team: str, user: str) -> str | None:
        found = for_slack_user(services.db, team, user)
        return personal(found.token) if found is not None else None

    home = Home(services.db, strong=settings.digest_strong_score,
                public_url=settings.public_url, address=address)
    interactions = Interactions(services.db, commands, home, public_url=settings.public_url)
    return Interactive(interactions, home, Shortcut(config, uploads, interactions,
                                                    settings.public_url))


def start_slack(web: FastAPI, services: Services, queue: JobQueue | None) -> RunningSlack | None:
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
    uploads = Uploads(config, services.db, intake_for(services, queue), client)
    commands = Commands(services.db, lambda: queue.depths() if queue is not None and
                        services.redis_ping() is None else None, drive_access(settings),
                        personal_address=email_config(settings).personal_address,
                        drive_connect_url=drive_connect_url(settings))
    oauth = (oauth_settings(config.oauth, services.db.engine, client)
             if config.oauth is not None else None)
    from bots.slack.duplicates import DuplicateActions
    from matching import matches_hook

    bot = build_app(config, client, uploads, commands, socket_mode=socket_mode, oauth=oauth,
                    duplicates=DuplicateActions(services.db, matches_hook(services.db)),
                    interactive=slack_interactive(services, config, uploads, commands))
    flow = bot.app.oauth_flow
    if flow is not None:
        for path, step in ((flow.install_path, flow.handle_installation),
                           (flow.redirect_uri_path, flow.handle_callback)):
            web.add_route(path, _install_endpoint(step), methods=["GET"],
                          include_in_schema=False)
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
    web.add_route(EVENTS_PATH, _events_endpoint(bot.app), methods=["POST"],
                  include_in_schema=False)
    log.info("Slack bot on POST %s (events, commands, interactivity)", EVENTS_PATH)
    return RunningSlack(bot, "http", bot.stop)
