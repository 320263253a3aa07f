"""The two data shapes that cross HotGigs' boundaries: what arrives and what the parser makes.

Every adapter (Slack, email, Drive, CLI) produces an `IngestRequest`; every parse produces a
`ParsedResume`. Nothing platform-specific travels further than these types (STYLE.md, habit 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Source = Literal["slack", "email", "drive", "cli", "web"]


class ReplyTarget(BaseModel):
    """Where results go back to; `kind` says which of the optional fields are meaningful."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["slack", "email", "none"] = "none"
    # Slack: the channel and the thread of the upload
    channel: str | None = None
    thread_ts: str | None = None
    message_ts: str | None = None  # the "Processing…" message the worker edits in place
    # email: who to answer, and the message to thread under
    address: str | None = None
    message_id: str | None = None
    subject: str | None = None
    references: list[str] = Field(default_factory=list)  # the thread before message_id


class IngestFile(BaseModel):
    """One file as it arrived: its bytes (or a local path) and where it came from."""

    name: str
    content: bytes | None = None
    path: Path | None = None
    declared_mime: str | None = None
    origin: str | None = Field(
        default=None, description="Slack file id, Drive file id, MIME part path, local path…"
    )

    @model_validator(mode="after")
    def _has_bytes_or_path(self) -> IngestFile:
        if (self.content is None) == (self.path is None):
            raise ValueError("an IngestFile carries exactly one of content or path")
        return self

    def read(self) -> bytes:
        """The file's bytes, read from disk when the adapter handed a path."""
        if self.content is not None:
            return self.content
        assert self.path is not None
        return self.path.read_bytes()


class IngestRequest(BaseModel):
    """One submission from one door: the unit of idempotency, progress and reply."""

    source: Source
    submitted_by: str = Field(description="recruiter: an email address or slack:<team>/<user>")
    reply_to: ReplyTarget = Field(default_factory=ReplyTarget)
    files: list[IngestFile] = Field(default_factory=list)
    note: str | None = None
    job_hint: str | None = None
    idempotency_key: str | None = None


class Experience(BaseModel):
    title: str | None = None
    company: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    description: str | None = None


class Education(BaseModel):
    degree: str | None = None
    institution: str | None = None
    graduation_date: str | None = None


class ParseMeta(BaseModel):
    pages: int = 0
    ocr_used: bool = False
    extractor: str = ""
    language: str | None = None
    confidence: dict[str, float] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    parser_version: str = ""
    skill_categories: dict[str, str] = Field(default_factory=dict)


class ParsedResume(BaseModel):
    """The parser's output; also exactly what `hotgigs parse --json` prints (DESIGN.md)."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    links: list[str] = Field(default_factory=list)
    summary: str | None = None
    experience: list[Experience] = Field(default_factory=list)
    education: list[Education] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    meta: ParseMeta = Field(default_factory=ParseMeta)
