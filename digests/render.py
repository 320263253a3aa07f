"""Turn a `DigestData` into what is sent: an email (subject, text, HTML) or a Slack post.

Templates are jinja2 with autoescaping on for HTML, so whatever a resume said (a candidate
named `<script>`) shows as text. Slack text is escaped the way Slack asks (&, <, >), so a
name cannot ping `<!channel>` or forge a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from slack_sdk.models.blocks import (
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from digests import messages
from digests.collect import DigestData, NewCandidate

BAR_MAX_PX = 60
SLACK_LIST_LIMIT = 10  # lines per Slack section (a section holds at most 3000 characters)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def _autoescape(name: str | None) -> bool:
    return bool(name) and str(name).endswith(".html.j2")


def environment() -> Environment:
    return Environment(loader=PackageLoader("digests", "templates"), autoescape=_autoescape,
                       undefined=StrictUndefined, keep_trailing_newline=True,
                       trim_blocks=True, lstrip_blocks=True)


def subject(data: DigestData) -> str:
    return messages.SUBJECT.format(resumes=messages.resumes(data.total), failed=data.failed,
                                   strong=messages.strong_matches(data.strong))


def _bars(data: DigestData) -> list[dict[str, Any]]:
    peak = max((c.count for c in data.week), default=0)
    return [{"label": c.label, "count": c.count,
             "height": max(2, round(BAR_MAX_PX * c.count / peak)) if peak and c.count else 0}
            for c in data.week]


def view(data: DigestData) -> dict[str, Any]:
    """The template variables (the same for the text and the HTML part)."""
    tz = data.scope.when.tz
    return {
        "d": data,
        "title": messages.TITLE,
        "subject": subject(data),
        "date": messages.long_date(data.day),
        "since": messages.since(data.start.astimezone(tz)),
        "nothing": messages.NOTHING if data.total == 0 else "",
        "bars": _bars(data),
        "bar_max": BAR_MAX_PX,
        "m": messages,
        "signature": messages.SIGNATURE,
    }


def render_email(data: DigestData, env: Environment | None = None) -> RenderedEmail:
    env = env or environment()
    values = view(data)
    return RenderedEmail(subject=values["subject"],
                         text=env.get_template("digest.txt.j2").render(values),
                         html=env.get_template("digest.html.j2").render(values))


def render_text(data: DigestData, env: Environment | None = None) -> str:
    """The plain-text digest (what `--dry-run` prints, for email and Slack alike)."""
    return (env or environment()).get_template("digest.txt.j2").render(view(data))


# -- Slack Block Kit ----------------------------------------------------------------------------
def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section(text: str) -> dict[str, Any]:
    return SectionBlock(text=MarkdownTextObject(text=text[:3000])).to_dict()


def _context(text: str) -> dict[str, Any]:
    return ContextBlock(elements=[MarkdownTextObject(text=text)]).to_dict()


def _more(lines: list[str], total: int) -> list[str]:
    shown = lines[:SLACK_LIST_LIMIT]
    if total > len(shown):
        shown.append(messages.MORE.format(count=total - len(shown)))
    return shown


def _candidate_line(data: DigestData, candidate: NewCandidate) -> str:
    """`• <link|Name> — Title at Company (email, new)`: the link only when a public URL is set."""
    e = slack_escape
    link = data.candidate_link(candidate)
    name = f"<{link}|{e(candidate.name)}>" if link else f"*{e(candidate.name)}*"
    role = f" — {e(candidate.role)}" if candidate.role else ""
    state = messages.NEW_CANDIDATE if candidate.new else messages.UPDATED_CANDIDATE
    return f"• {name}{role} _({e(candidate.source)}, {state})_"


def slack_message(data: DigestData) -> tuple[str, list[dict[str, Any]]]:
    """(`text` fallback, Block Kit blocks) of the channel's post."""
    e = slack_escape
    fallback = messages.SLACK_FALLBACK.format(
        day=messages.long_date(data.day), resumes=messages.resumes(data.total),
        failed=data.failed, strong=messages.strong_matches(data.strong))
    values = view(data)
    blocks: list[dict[str, Any]] = [
        HeaderBlock(text=PlainTextObject(
            text=f"{messages.TITLE} — {values['date']}"[:150])).to_dict(),
        _context(e(f"Since {values['since']}")),
        SectionBlock(fields=[
            MarkdownTextObject(text=f"*Arrived*\n{data.total}"),
            MarkdownTextObject(text=f"*Parsed / failed*\n{data.parsed} / {data.failed}"),
            MarkdownTextObject(text=f"*New / merged*\n{data.new} / {data.merged}"),
            MarkdownTextObject(text=f"*Strong matches*\n{data.strong}"),
        ]).to_dict(),
    ]
    notes = ([messages.REPARSED.format(count=data.reparsed, changed=data.reparse_changed)]
             if data.reparsed else []) + ([messages.DUPLICATES.format(count=data.duplicates)]
                                          if data.duplicates else [])
    if notes:
        blocks.append(_context(e(" · ".join(notes))))
    if data.sources:
        blocks.append(_context(" · ".join(e(f"{c.label}: {c.count}") for c in data.sources)))
    if data.candidates:
        lines = [_candidate_line(data, c) for c in data.candidates]
        blocks.append(_section(f"*{messages.CANDIDATES}* ({data.candidates_total})\n"
                               + "\n".join(_more(lines, data.candidates_total))))
    if data.failures:
        lines = [f"• `{e(f.filename)}` — {e(f.reason)} _({e(f.origin)})_"
                 for f in data.failures]
        blocks.append(_section(f"*{messages.FAILED}*\n" + "\n".join(_more(lines, data.failed))))
    for job in data.jobs[:20]:
        lines = [f"• *{e(line.name)}* — {line.score:.0f}"
                 f"{' (' + messages.NEW + ')' if line.new else ''}: {e(line.reason)}"
                 for line in job.lines]
        blocks.append(_section(f"*{e(job.title)}* — {messages.NEW_IN_TOP}\n"
                               + "\n".join(_more(lines, len(lines)))))
    if data.broken:
        lines = [f"• {e(b.name)}: {e(b.reason)}" for b in data.broken]
        blocks.append(_section(f"*{messages.BROKEN}*\n" + "\n".join(
            _more(lines, len(lines)))))
    chart = "  ".join(f"{c.label}: {c.count}" for c in data.week)
    blocks.append(_context(e(f"{messages.WEEK}: {chart}")))
    return fallback, blocks
