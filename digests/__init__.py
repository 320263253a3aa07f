"""Daily digests: one email per recruiter and one Slack post per channel, each exactly once a day.

`Digests.run_due(now)` is the hourly job; `Digests.send(now, ...)` is `hotgigs digest send`.
The senders are ports (`MailSender`, `SlackPoster`) wired by `hotgigs`; this package reads
the database through `storage` only.
"""

from digests.collect import DigestData, Limits, Scope, collect
from digests.render import render_email, slack_message
from digests.schedule import When, window, zone
from digests.send import DigestConfig, Digests, MailSender, Outcome, SlackPoster

__all__ = [
    "DigestConfig",
    "DigestData",
    "Digests",
    "Limits",
    "MailSender",
    "Outcome",
    "Scope",
    "SlackPoster",
    "When",
    "collect",
    "render_email",
    "slack_message",
    "window",
    "zone",
]
