"""Block Kit for batch results: one card per candidate, then the failures with their reasons.

Pure functions from `BatchSummary` to (text fallback, blocks) messages, the blocks built with
slack_sdk's Block Kit models; a long batch is split
into several messages under Slack's 50-block limit. Data is mrkdwn-escaped, section text kept
under Slack's 3000 characters.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ContextBlock, DividerBlock, MarkdownTextObject, SectionBlock

from bots.slack import buttons, duplicates, messages
from pipeline.summary import BatchSummary, ResumeOutcome

Block = dict[str, Any]  # a Block Kit block as sent: built with slack_sdk's models, to_dict()
MAX_BLOCKS = 45  # Slack allows 50 per message
MAX_SECTION = 2900  # Slack allows 3000 characters in a section's text
MAX_FALLBACK = 3500


def esc(value: object) -> str:
    """Slack's three control characters, escaped (https://api.slack.com/reference/surfaces/formatting)."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int = MAX_SECTION) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section(text: str) -> Block:
    return SectionBlock(text=MarkdownTextObject(text=_clip(text))).to_dict()


def _context(text: str) -> Block:
    return ContextBlock(elements=[MarkdownTextObject(text=_clip(text))]).to_dict()


def _score(value: object) -> str:
    return f"{value:.0f}" if isinstance(value, int | float) else str(value or "")


def _role(item: ResumeOutcome) -> str:
    return " at ".join(x for x in (item.latest_title, item.latest_company) if x)


def card(item: ResumeOutcome, public_url: str | None = None) -> list[Block]:
    """A parsed candidate: name and new/merged, latest role, contact, top skills, top matches,
    then its buttons ("Match to a job…", "Open"; `public_url`: the web door's page)."""
    name = esc(item.name) if item.name else messages.UNNAMED.format(filename=esc(item.filename))
    outcome = messages.OUTCOMES.get(item.outcome or "", item.outcome or "")
    lines = [messages.CARD_TITLE.format(name=name, outcome=outcome)]
    if _role(item):
        lines.append(esc(_role(item)))
    contact = " · ".join(esc(x) for x in (item.email, item.phone_display) if x)
    lines.append(contact or f"_{messages.NO_CONTACT}_")
    blocks = [_section("\n".join(lines))]
    details = []
    if item.top_skills:
        details.append(messages.SKILLS.format(skills=esc(", ".join(item.top_skills[:8]))))
    details.append(esc(item.filename))
    blocks.append(_context(" · ".join(details)))
    if item.top_matches:
        rows = [messages.MATCHES]
        for match in item.top_matches[:3]:
            title = match.get("title") or match.get("slug") or match.get("job_id")
            reason = f" · {match['reason']}" if match.get("reason") else ""
            rows.append(messages.MATCH_LINE.format(title=esc(title), score=_score(
                match.get("score")), reason=esc(reason)))
        blocks.append(_section("\n".join(rows)))
    if item.candidate_id is not None:
        blocks.append(buttons.candidate_buttons(item.candidate_id, public_url))
    blocks += duplicates.card_blocks(item.possible_duplicates)
    blocks.append(DividerBlock().to_dict())
    return blocks


def failures(items: list[ResumeOutcome]) -> list[Block]:
    lines = [messages.FAILURES.format(count=len(items), files=messages.files(len(items)))]
    lines += [messages.FAILURE_LINE.format(filename=esc(i.filename),
                                           reason=esc(i.reason or messages.NO_REASON))
              for i in items]
    return [_section("\n".join(lines))]


def fallback(items: list[ResumeOutcome]) -> str:
    """The plain text of a results message: one line per candidate or failure."""
    lines = []
    for item in items:
        if item.status == "parsed":
            role = f" — {_role(item)}" if _role(item) else ""
            lines.append(messages.FALLBACK_CARD.format(
                name=item.name or item.filename,
                outcome=messages.OUTCOMES.get(item.outcome or "", item.outcome or ""), role=role))
        else:
            lines.append(messages.FALLBACK_FAILURE.format(
                filename=item.filename, reason=item.reason or messages.NO_REASON))
    return _clip("\n".join(lines), MAX_FALLBACK)


def headline(summary: BatchSummary) -> str:
    template = messages.DONE_FAILED if summary.failed else messages.DONE
    return template.format(parsed=summary.parsed, total=summary.total, failed=summary.failed,
                           resumes=messages.resumes(summary.total))


def progress(summary: BatchSummary) -> str:
    return messages.PROGRESS.format(total=summary.total, done=summary.done,
                                    parsed=summary.parsed, failed=summary.failed,
                                    resumes=messages.resumes(summary.total))


def result_messages(summary: BatchSummary, *,
                    public_url: str | None = None) -> list[tuple[str, list[Block]]]:
    """The thread reply of a finished batch, as (fallback text, blocks) per message."""
    parsed = [i for i in summary.items if i.status == "parsed"]
    failed = [i for i in summary.items if i.status != "parsed"]
    out: list[tuple[str, list[Block]]] = []
    blocks: list[Block] = []
    covered: list[ResumeOutcome] = []
    for item in parsed:
        more = card(item, public_url)
        if blocks and len(blocks) + len(more) > MAX_BLOCKS:
            out.append((fallback(covered), blocks))
            blocks, covered = [], []
        blocks += more
        covered.append(item)
    if failed:
        for start in range(0, len(failed), 20):
            part = failed[start:start + 20]
            if blocks and len(blocks) + 1 > MAX_BLOCKS:
                out.append((fallback(covered), blocks))
                blocks, covered = [], []
            blocks += failures(part)
            covered += part
    if not summary.items and summary.failure_reason:
        out.append((summary.failure_reason, [_section(esc(summary.failure_reason))]))
    if blocks:
        out.append((fallback(covered), blocks))
    return out
