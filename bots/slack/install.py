"""Multi-workspace install: Bolt's OAuth flow over slack_sdk's SQLAlchemy stores in our database.

`/slack/install` redirects to Slack's consent page with a one-time state (kept in
`slack_oauth_states` and in a cookie of the installer's browser); `/slack/oauth_redirect`
exchanges the code (`oauth.v2.access`, on the configured API URL) and saves the workspace's
installation in `slack_installations`/`slack_bots`. The tables are made by our Alembic
migrations, never by `create_tables()`. `BotTokens` is the worker's side: the bot token of
the workspace a batch came from.
"""

from __future__ import annotations

import logging

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine

from bots.slack.config import SlackOAuth

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600  # an install started and not finished within ten minutes starts over
ROTATE_MINUTES = 120  # rotating tokens are refreshed this long before they expire


def installation_store(oauth: SlackOAuth, engine: Engine) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(client_id=oauth.client_id, engine=engine,
                                       logger=logging.getLogger("slack_sdk.oauth"))


def oauth_settings(oauth: SlackOAuth, engine: Engine, client: WebClient) -> OAuthSettings:
    """Bolt's install flow: redirect at once (no install page), stores in our database, and
    every call (the code exchange, token rotation) on `client`'s API URL."""
    settings = OAuthSettings(
        client_id=oauth.client_id, client_secret=oauth.client_secret,
        scopes=list(oauth.scopes), user_scopes=[], redirect_uri=oauth.redirect_uri,
        install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,
        installation_store=installation_store(oauth, engine),
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine,
                                              logger=logging.getLogger("slack_sdk.oauth")),
        state_expiration_seconds=STATE_SECONDS,
        token_rotation_expiration_minutes=ROTATE_MINUTES,
        logger=logging.getLogger("slack_bolt"),
    )
    # Bolt's own per-request lookup, but rotating tokens through `client`, not slack.com
    settings.authorize = InstallationStoreAuthorize(
        logger=logging.getLogger("slack_bolt"), installation_store=settings.installation_store,
        client_id=oauth.client_id, client_secret=oauth.client_secret,
        token_rotation_expiration_minutes=ROTATE_MINUTES, client=client)
    return settings


class NotInstalled(LookupError):
    """No bot token for a workspace: the app is not (or no longer) installed there."""


class BotTokens:
    """The bot token of a workspace: its installation's, else the single `SLACK_BOT_TOKEN`."""

    def __init__(self, bot_token: str, store: SQLAlchemyInstallationStore | None = None,
                 rotator: TokenRotator | None = None) -> None:
        self.bot_token = bot_token
        self.store = store
        self.rotator = rotator

    def __call__(self, team: str | None) -> str:
        if self.store is not None and team:
            bot = self.store.find_bot(enterprise_id=None, team_id=team)
            if bot is not None and bot.bot_token:
                if bot.bot_refresh_token and self.rotator is not None:
                    fresh = self.rotator.perform_bot_token_rotation(
                        bot=bot, minutes_before_expiration=ROTATE_MINUTES)
                    if fresh is not None:
                        self.store.save_bot(fresh)
                        bot = fresh
                return str(bot.bot_token)
        if self.bot_token:
            return self.bot_token
        raise NotInstalled(f"HotGigs is not installed in Slack workspace {team or '?'}")
