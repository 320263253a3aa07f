"""Email replies: one per batch, threaded under the recruiter's message (`notifiers["email"]`).

The reply carries In-Reply-To/References of the original, `Re: <subject>`, and
`Auto-Submitted: auto-replied` (RFC 3834) so well-behaved robots never answer it. Its
Message-ID is derived from the batch, so a retried send is recognisable as the same reply.
"""

from __future__ import annotations

import logging
import re
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from bots.email import messages
from bots.email.config import EmailConfig
from bots.email.outbound import Mailer
from pipeline.summary import BatchSummary, ResumeOutcome
from pipeline.urls import candidate_url

log = logging.getLogger(__name__)

_RE_PREFIX = re.compile(r"^\s*((re|aw|sv|antw|fwd?|tr|wg)\s*:\s*)+", re.IGNORECASE)


def reply_subject(subject: str | None) -> str:
    """`Re: <original subject>`, without piling up prefixes (`Re: Re: Fwd:`)."""
    original = " ".join((subject or "").split())
    if original.lower().startswith("re:"):
        return original
    return messages.REPLY_SUBJECT.format(subject=original or messages.NO_SUBJECT)


def headline(summary: BatchSummary) -> str:
    template = messages.HEADLINE_FAILED if summary.failed else messages.HEADLINE
    return template.format(done=summary.done, total=summary.total, failed=summary.failed)


def _item_view(item: ResumeOutcome, public_url: str | None = None) -> dict[str, Any]:
    role = " at ".join(x for x in (item.latest_title, item.latest_company) if x)
    return {
        "filename": item.filename,
        "ok": item.status == "parsed",
        "name": item.name,
        "outcome": messages.OUTCOMES.get(item.outcome or "", item.outcome or ""),
        "contact": ", ".join(x for x in (item.email, item.phone_display) if x),
        "role": role,
        "skills": ", ".join(item.top_skills[:8]),
        "matches": [{"title": m.get("title") or m.get("slug") or m.get("job_id"),
                     "score": _score(m.get("score")), "reason": m.get("reason") or ""}
                    for m in item.top_matches[:3]],
        "reason": item.reason or "",
        # the candidate's page, one click from the reply (HOTGIGS_PUBLIC_URL set)
        "url": candidate_url(public_url, item.candidate_id) if item.status == "parsed" else None,
    }


def _score(value: object) -> str:
    return f"{value:.0f}" if isinstance(value, int | float) else str(value or "")


class EmailNotifier:
    """The email channel of the reply registry; also sends the bot's short notices.

    With `public_url` each parsed candidate links to their page on the web door."""

    def __init__(self, config: EmailConfig, mailer: Mailer, *,
                 public_url: str | None = None) -> None:
        self.config = config
        self.mailer = mailer
        self.public_url = public_url
        self.templates = Environment(
            loader=PackageLoader("bots.email", "templates"),
            autoescape=select_autoescape(["html", "html.j2"]), keep_trailing_newline=True,
        )

    def progress(self, summary: BatchSummary) -> None:
        """Email cannot edit a sent message: the one reply comes with `result`."""

    def result(self, summary: BatchSummary) -> None:
        target = summary.reply_to
        if target.get("kind") != "email" or not target.get("address"):
            log.warning("batch %s: no email address to answer", summary.batch_id)
            return
        view = {
            "headline": headline(summary),
            "nothing_found": messages.NOTHING_FOUND if summary.total == 0 else "",
            "items": [_item_view(item, self.public_url) for item in summary.items],
            "failed_label": messages.FAILED,
            "signature": messages.SIGNATURE,
        }
        message = self._threaded(target, f"batch-{summary.batch_id}")
        message.set_content(self.templates.get_template("reply.txt.j2").render(view))
        message.add_alternative(self.templates.get_template("reply.html.j2").render(view),
                                subtype="html")
        self.mailer.send(message)
        log.info("batch %s: reply sent for %s", summary.batch_id, target.get("message_id"))

    def notice(self, target: dict[str, Any], text: str, tag: str) -> None:
        """A short plain-text answer in the thread (sender refused, rate limited)."""
        message = self._threaded(target, tag)
        view = {"text": text, "signature": messages.SIGNATURE}
        message.set_content(self.templates.get_template("notice.txt.j2").render(view))
        self.mailer.send(message)

    def _threaded(self, target: dict[str, Any], tag: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.config.address
        message["To"] = str(target["address"])
        message["Subject"] = reply_subject(target.get("subject"))
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<hotgigs-{tag}@{self.config.domain}>"
        original = target.get("message_id")
        if original:
            thread = [*target.get("references", []), original]
            message["In-Reply-To"] = original
            message["References"] = " ".join(dict.fromkeys(thread))
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"  # Outlook: no out-of-office answers
        return message
