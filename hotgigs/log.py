"""One logging configuration for every HotGigs process, with PII masked in every line.

Resumes are full of contact details and log lines end up in places with weaker access control
than the database, so the formatter (not each call site) masks emails and phone numbers:
`jane.doe@example.com` → `j***@example.com`, `+44 20 7946 0132` → `+44******0132`.
"""

from __future__ import annotations

import logging
import re
import sys

_EMAIL = re.compile(
    r"(?<![\w.+-])([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})"
)

# A run of digits with the usual phone separators, not glued to other word characters or
# dashes (so UUIDs, hashes and ids are left alone); 9–15 digits in all, as E.164 allows.
_PHONE = re.compile(r"(?<![\w\-/.])(\+?\(?\d[\d\s().\-]{7,22}\d)(?![\w\-/])")
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}([-./]\d{1,2})?\b")


def _mask_email(match: re.Match[str]) -> str:
    return f"{match.group(1)}***@{match.group(2)}"


def _mask_phone(match: re.Match[str]) -> str:
    raw = match.group(1)
    digits = re.sub(r"\D", "", raw)
    if not 9 <= len(digits) <= 15 or _DATE_LIKE.match(raw):
        return raw
    plus = "+" if raw.lstrip("(").startswith("+") else ""
    return f"{plus}{digits[:2]}{'*' * (len(digits) - 6)}{digits[-4:]}"


def mask_pii(text: str) -> str:
    """Mask every email address and phone number in `text`."""
    return _PHONE.sub(_mask_phone, _EMAIL.sub(_mask_email, text))


class MaskingFormatter(logging.Formatter):
    """A formatter whose whole output, message and traceback included, is PII-masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_pii(super().format(record))


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"


def configure_logging(level: str = "INFO", stream: object | None = None) -> logging.Handler:
    """Install the one HotGigs handler on the root logger; returns it (tests read its stream)."""
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(MaskingFormatter(LOG_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_hotgigs", False):
            root.removeHandler(old)
    handler._hotgigs = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # Libraries that log request bodies or URLs with tokens stay at WARNING.
    for noisy in ("urllib3", "httpx", "slack_bolt", "slack_sdk", "googleapiclient", "openai",
                  "alembic", "rq.worker",
                  # a line per run of every job, and the sweeper runs every 20 s
                  "apscheduler.executors"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    return handler
