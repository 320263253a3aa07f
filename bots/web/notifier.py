"""The web door's channel of the reply registry (`notifiers["web"]`), on the worker side.

Progress and the end of a web batch are published on Redis (`web.api.events`) so the HTTP
server's open event streams wake at once. A batch of more than one file also gets a
completion email to the recruiter, through the same mailer as the email door (an SMTP relay,
or the Maildir `<data dir>/outbox`), listing what was parsed and what failed, with links to
the candidates' pages when HOTGIGS_PUBLIC_URL is set. A single upload gets no email: its page
(or API client) showed the result live.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

from jinja2 import Environment, PackageLoader
from redis import Redis, RedisError

from pipeline.summary import BatchSummary

log = logging.getLogger(__name__)

SUBJECT = "HotGigs: {done} of {total} resumes processed ({failed} failed)"
SUBJECT_OK = "HotGigs: {done} of {total} resumes processed"


def events_channel(queue_prefix: str) -> str:
    """The pub/sub channel of one deployment (its queue prefix); the HTTP side listens."""
    return f"{queue_prefix}:web-events"


class Mailer(Protocol):
    """The email door's outbound mailer (`bots.email.outbound`), handed in by the wiring."""

    def send(self, message: EmailMessage) -> None: ...


class WebNotifier:
    """Wakes the batch's event streams; emails the recruiter when a multi-file batch ends."""

    def __init__(self, redis: Redis | None, channel: str, mailer: Mailer, *,
                 sender: str, domain: str, public_url: str | None) -> None:
        self.redis = redis
        self.channel = channel
        self.mailer = mailer
        self.sender = sender
        self.domain = domain
        self.public_url = public_url
        self.templates = Environment(loader=PackageLoader("bots.web", "templates"),
                                     autoescape=False, keep_trailing_newline=True)

    def _publish(self, batch_id: int) -> None:
        if self.redis is None:
            return
        try:
            self.redis.publish(self.channel, str(batch_id))
        except RedisError:  # the streams re-read on their own a few seconds later
            log.warning("batch %s: progress not published", batch_id, exc_info=True)

    def progress(self, summary: BatchSummary) -> None:
        self._publish(summary.batch_id)

    def result(self, summary: BatchSummary) -> None:
        self._publish(summary.batch_id)
        if summary.total > 1:
            self._email(summary)

    def _email(self, summary: BatchSummary) -> None:
        address = summary.reply_to.get("address")
        if not address:
            log.warning("batch %s: no address for the completion email", summary.batch_id)
            return
        subject = SUBJECT if summary.failed else SUBJECT_OK
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = str(address)
        message["Subject"] = subject.format(done=summary.done, total=summary.total,
                                            failed=summary.failed)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<hotgigs-web-batch-{summary.batch_id}@{self.domain}>"
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(self.templates.get_template("upload_done.txt").render(
            summary=summary, base=self.public_url,
            parsed=[i for i in summary.items if i.status == "parsed"],
            failed=[i for i in summary.items if i.status != "parsed"]))
        self.mailer.send(message)
        log.info("batch %s: completion email sent", summary.batch_id)
