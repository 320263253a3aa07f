"""What the Slack bot needs to know, built by the composition root from settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.archives import ZipLimits

SLACK_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class SlackOAuth:
    """The app's credentials for the multi-workspace install (`/slack/install`)."""

    client_id: str
    client_secret: str
    scopes: tuple[str, ...]
    redirect_uri: str | None = None  # unset: Slack uses the app's only redirect URL


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str  # "" when every workspace installs over OAuth
    signing_secret: str = ""
    api_url: str = SLACK_API_URL
    # empty: any workspace / any channel the bot was invited to
    allowed_teams: tuple[str, ...] = ()
    allowed_channels: tuple[str, ...] = ()
    zip_limits: ZipLimits = field(default_factory=ZipLimits)
    rate_limit_retries: int = 5  # 429s waited out (Retry-After) before a call gives up
    oauth: SlackOAuth | None = None  # set: tokens come from each workspace's installation

    def allows(self, team: str | None, channel: str | None) -> bool:
        if self.allowed_teams and team not in self.allowed_teams:
            return False
        return not (self.allowed_channels and channel not in self.allowed_channels)
