"""SQLAlchemy 2.0 typed models: the database is HotGigs' source of truth (Redis can be rebuilt).

Seed tables keep the customer's names (`resumes`, `resume_data`, `processing_jobs`,
`candidate_skills`, `candidate_matches`); the others follow DESIGN.md. Types are portable so
the same Alembic migrations run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)



class ResumeStatus(StrEnum):
    """Where one received file is (`resumes.status`); stored as its text."""

    PENDING = "pending"
    PROCESSING = "processing"
    PARSED = "parsed"
    FAILED = "failed"


class BatchState(StrEnum):
    """Where one IngestRequest is (`batches.state`)."""

    PROCESSING = "processing"
    DONE = "done"


class AttemptStatus(StrEnum):
    """Where one processing attempt is (`processing_jobs.status`)."""

    QUEUED = "queued"
    STARTED = "started"
    FINISHED = "finished"
    FAILED = "failed"

class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use storage.models.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


# Named constraints make migrations reproducible across backends.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime
    }


# For bulk UPDATE/DELETE statements that touch no object loaded in the same session: skip the
# ORM's search of its identity map for rows to refresh (it cost more than the statements).
NO_SYNC = {"synchronize_session": False}


def table_of(model: type[Base]) -> Table:
    """A model's Core table. Multi-row statements on it skip the ORM's per-row bookkeeping,
    which for a worker's chunk (hundreds of rows) cost more than the statements themselves."""
    return Base.metadata.tables[model.__tablename__]


def _ts() -> Mapped[datetime]:
    return mapped_column(UTCDateTime, default=utcnow)


class Recruiter(Base):
    """A person who submits resumes; every candidate belongs to the recruiter who imported it."""

    __tablename__ = "recruiters"
    id: Mapped[int] = mapped_column(primary_key=True)
    identity: Mapped[str] = mapped_column(String(320), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    display_name: Mapped[str | None] = mapped_column(String(200))
    slack_channel: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = _ts()
    # when the daily digest is due: IANA timezone and local hour (NULL: the configured default)
    timezone: Mapped[str | None] = mapped_column(String(64))
    digest_hour: Mapped[int | None] = mapped_column(Integer)
    # set by `hotgigs recruiter add`: a known recruiter, who may email resumes (bots/email)
    registered_at: Mapped[datetime | None] = mapped_column()
    # the secret of their personal inbound address resumes+<token>@domain
    inbound_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    slack_user: Mapped[str | None] = mapped_column(String(64))  # "T…/U…"


class Batch(Base):
    """One IngestRequest: its reply target, counts and state."""

    __tablename__ = "batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    submitted_by: Mapped[str] = mapped_column(String(320))
    recruiter_id: Mapped[int | None] = mapped_column(ForeignKey("recruiters.id"))
    reply_to: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    job_hint: Mapped[str | None] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(500), unique=True)
    priority: Mapped[str] = mapped_column(String(8), default="high")
    state: Mapped[str] = mapped_column(String(16), default=BatchState.PROCESSING, index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    total: Mapped[int] = mapped_column(Integer, default=0)
    parsed: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = _ts()
    finished_at: Mapped[datetime | None] = mapped_column()
    replied_at: Mapped[datetime | None] = mapped_column()

    resumes: Mapped[list[Resume]] = relationship(back_populates="batch")


class Candidate(Base):
    """One person; resumes attach to it and the newest data wins field by field."""

    __tablename__ = "candidates"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("recruiters.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    normalized_name: Mapped[str | None] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    location: Mapped[str | None] = mapped_column(String(200))
    latest_title: Mapped[str | None] = mapped_column(String(200))
    latest_company: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime] = _ts()

    resumes: Mapped[list[Resume]] = relationship(back_populates="candidate")
    skills: Mapped[list[CandidateSkill]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan"
    )


class Resume(Base):
    """One received file: metadata, content hash, where its encrypted bytes live, its status."""

    __tablename__ = "resumes"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(500))
    mime: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    storage_key: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default=ResumeStatus.PENDING, index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))  # created / updated / duplicate
    created_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime] = _ts()

    batch: Mapped[Batch] = relationship(back_populates="resumes")
    candidate: Mapped[Candidate | None] = relationship(back_populates="resumes")


class ResumeData(Base):
    """The parser's JSON for one resume, with the parser version that produced it."""

    __tablename__ = "resume_data"
    id: Mapped[int] = mapped_column(primary_key=True)
    resume_id: Mapped[int] = mapped_column(ForeignKey("resumes.id"), unique=True)
    parser_version: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = _ts()


class ProcessingJob(Base):
    """One attempt history of work on a resume: RQ job id, queue, attempts, timings, error."""

    __tablename__ = "processing_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    resume_id: Mapped[int] = mapped_column(ForeignKey("resumes.id"), index=True)
    # one RQ job may carry a chunk of a bulk batch, so several attempts share its id
    rq_job_id: Mapped[str | None] = mapped_column(String(64), index=True)
    queue: Mapped[str] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=AttemptStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid of the current attempt
    enqueued_at: Mapped[datetime | None] = mapped_column()
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    duration_ms: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    # a re-parse run (`hotgigs reparse`) this attempt belongs to; NULL for an import's attempt
    reparse_batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"), index=True)


class CandidateSkill(Base):
    """A normalized (canonical) skill of a candidate, for search and matching."""

    __tablename__ = "candidate_skills"
    __table_args__ = (UniqueConstraint("candidate_id", "skill"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    skill: Mapped[str] = mapped_column(String(200), index=True)
    category: Mapped[str | None] = mapped_column(String(100))

    candidate: Mapped[Candidate] = relationship(back_populates="skills")


class Job(Base):
    """An open position, analysed once when saved."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str | None] = mapped_column(String(200))
    remote: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("recruiters.id"))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    analysis: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = _ts()
    # the public apply page /apply/<slug> (`hotgigs job apply SLUG --on`); off until asked
    apply_open: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CandidateMatch(Base):
    """A candidate's score for a job, 0–100, with the explanation a recruiter reads."""

    __tablename__ = "candidate_matches"
    __table_args__ = (UniqueConstraint("candidate_id", "job_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # looked up by candidate through the unique (candidate_id, job_id) index
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = _ts()


class InboundMessage(Base):
    """A raw email as received by our SMTP server, stored before we answered 250."""

    __tablename__ = "inbound_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    mail_from: Mapped[str | None] = mapped_column(String(320))
    rcpt_to: Mapped[list[Any]] = mapped_column(default=list)
    storage_key: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    received_at: Mapped[datetime] = _ts()
    # the From address (rate limit, sender policy) and Authentication-Results verdicts
    sender: Mapped[str | None] = mapped_column(String(320), index=True)
    auth_results: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # what the SMTP session knew: the client's address and its SMTP AUTH login
    client_ip: Mapped[str | None] = mapped_column(String(64))
    smtp_user: Mapped[str | None] = mapped_column(String(320))
    # how the sender was proven (address, smtp-auth, dmarc, dkim, loopback, released; at the
    # door: smtp-auth or loopback) and the recruiter the message is imported for and answered
    proof: Mapped[str | None] = mapped_column(String(16))
    owner: Mapped[str | None] = mapped_column(String(320), index=True)
    # re-queues by the sweeper (`bots.email.inbound.sweep`): it gives up after MAX_ATTEMPTS
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SeenEvent(Base):
    """An idempotency key already handled (Slack event_id, Slack file id, …)."""

    __tablename__ = "seen_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(500), unique=True)
    created_at: Mapped[datetime] = _ts()


class DriveFolder(Base):
    """A watched Google Drive folder and its incremental-sync state."""

    __tablename__ = "drive_folders"
    __table_args__ = (UniqueConstraint("folder_id", "owner_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    folder_id: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))
    slack_channel: Mapped[str | None] = mapped_column(String(64))
    page_token: Mapped[str | None] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(16), default="active")
    broken_reason: Mapped[str | None] = mapped_column(Text)
    last_synced_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = _ts()
    name: Mapped[str | None] = mapped_column(String(500))  # as Drive shows it, for listings


class DriveGrant(Base):
    """A recruiter's own Google Drive access (OAuth 2.0, read-only): one per recruiter.

    `refresh_token` is AES-256-GCM sealed (bots/drive/grants.py); it is cleared when the
    recruiter disconnects or Google refuses it, and `state` says which (`active`/`revoked`).
    A revoked grant keeps its row so the recruiter's folders stay broken until they reconnect,
    rather than falling back to the operator's account.
    """

    __tablename__ = "drive_grants"
    id: Mapped[int] = mapped_column(primary_key=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"), unique=True)
    refresh_token: Mapped[bytes | None] = mapped_column(LargeBinary)
    scopes: Mapped[str] = mapped_column(Text, default="")
    google_email: Mapped[str | None] = mapped_column(String(320))
    state: Mapped[str] = mapped_column(String(16), default="active")
    reason: Mapped[str | None] = mapped_column(Text)
    connected_at: Mapped[datetime] = _ts()
    revoked_at: Mapped[datetime | None] = mapped_column()


class DriveFile(Base):
    """A Drive file imported from a watched folder: what lets the next sync skip it.

    A file is new again only when its content changes: same md5 (binary files) or version
    (Google Docs), or failing that the same sha256 of the bytes, means nothing to import.
    """

    __tablename__ = "drive_files"
    __table_args__ = (UniqueConstraint("folder_id", "file_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    folder_id: Mapped[int] = mapped_column(
        ForeignKey("drive_folders.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(500))
    md5: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[str | None] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    imported_at: Mapped[datetime] = _ts()


# APScheduler's SQLAlchemyJobStore keeps the scheduler's jobs here (same shape as its own
# definition); declared so our migrations create it and tests truncate it like the rest.
APSCHEDULER_JOBS = Table(
    "apscheduler_jobs", Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)


class DigestSent(Base):
    """One recipient's digest of one day, so a scheduler restart never sends that day twice.

    The row is written when a send is claimed (`status` "claimed"), then marked "sent",
    "empty" (nothing to report) or "failed"; a failed or long-claimed row may be claimed again.
    """

    __tablename__ = "digests_sent"
    __table_args__ = (UniqueConstraint("recipient", "channel", "digest_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    channel: Mapped[str] = mapped_column(String(16))
    digest_date: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="claimed", server_default="sent")
    claimed_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    window_start: Mapped[datetime | None] = mapped_column()
    window_end: Mapped[datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)


class CandidateProfile(Base):
    """What matching reads about a candidate (written after each parse by `matching`).

    `doc` is the resume text its word statistics (`terms`) and `profile_keys` come from.
    """

    __tablename__ = "candidate_profiles"
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("recruiters.id"), index=True)
    titles: Mapped[list[Any]] = mapped_column(default=list)
    years: Mapped[float | None] = mapped_column(Float)
    skills: Mapped[dict[str, Any]] = mapped_column(default=dict)  # skill -> last year used
    location: Mapped[str | None] = mapped_column(String(200))
    doc: Mapped[str] = mapped_column(Text, default="")
    terms: Mapped[dict[str, Any]] = mapped_column(default=dict)  # stem -> count in doc
    doc_len: Mapped[int] = mapped_column(Integer, default=0)
    # "title"/"skill" -> stem -> count: the fields field-weighted scoring weighs above the body
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    # skill depth (months, last year), O*NET occupations of the titles, seniority
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    updated_at: Mapped[datetime] = _ts()


class ProfileKey(Base):
    """A candidate's telling words and skills with their strength: matching's short-list index.

    `key` is `w:<stem>` for a word of the titles or body, `s:<skill>` for a skill; `impact`
    orders a key's candidates (saturated field-weighted frequency, or skill depth), so the top
    candidates for a key are one index range scan, whatever the number of candidates.

    No foreign key: about 32 rows a candidate, each checked against `candidates`, were a
    quarter of matching's database time. The rows are written with their `candidate_profiles`
    row (which has the key) and a trigger deletes them with it (migration
    0016_lighter_match_writes), so a merge or an erasure leaves none behind.
    """

    __tablename__ = "profile_keys"
    candidate_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(Integer)
    impact: Mapped[float] = mapped_column(Float)


Index("ix_profile_keys_key_impact", ProfileKey.key, ProfileKey.impact)
Index("ix_profile_keys_owner_key_impact", ProfileKey.owner_id, ProfileKey.key, ProfileKey.impact)


class TermStat(Base):
    """Document frequency of a word stem over candidate profiles (BM25's idf).

    Two rows hold totals: `#docs` (profiles) and `#len` (sum of their lengths).
    """

    __tablename__ = "term_stats"
    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    df: Mapped[int] = mapped_column(Integer, default=0)


class SkillOccupation(Base):
    """How many candidates hold a skill while their latest title names an O*NET occupation,
    or holds a role word.

    Matching reads it to tell the occupations (and the title words) a job given only as a skill
    list is for (skills typical of accountants point at accountants, "Customer Service" at
    titles reading "customer", "service", "advocate"). Totals sit beside the pairs:
    `occupation` "" counts a skill's holders, `skill` "" counts an occupation's candidates. A
    title word is kept in `occupation` as "t:<stem>" (`TITLE_WORD`), never confused with an
    O*NET code. Kept up to date by indexing (and by erasure), like `term_stats`.
    """

    __tablename__ = "skill_occupations"
    ALL: ClassVar[str] = ""  # the other column of a total row
    TITLE_WORD: ClassVar[str] = "t:"  # prefix of a title word in `occupation`
    skill: Mapped[str] = mapped_column(String(100), primary_key=True)
    occupation: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)

    @classmethod
    def counted(cls, skills: Iterable[str], occupations: Sequence[str],
                title_words: Iterable[str] = ()) -> Counter[tuple[str, str]]:
        """The (skill, occupation) rows one profile counts in: itself (ALL, ALL), each skill,
        its latest occupation and each (skill, latest occupation) pair, and the same for each
        role word of its latest title (`evidence["title_words"]`). Indexing adds them,
        re-indexing and erasure take them back, so the counts stay exact."""
        out: Counter[tuple[str, str]] = Counter({(cls.ALL, cls.ALL): 1})
        latest = occupations[0] if occupations else None
        groups = ([latest] if latest else []) + list(dict.fromkeys(
            (cls.TITLE_WORD + w)[:16] for w in title_words if w))
        for group in groups:
            out[(cls.ALL, group)] += 1
        for skill in dict.fromkeys(s[:100] for s in skills if s):
            out[(skill, cls.ALL)] += 1
            for group in groups:
                out[(skill, group)] += 1
        return out


class ErasureTombstone(Base):
    """A person erased on request, remembered only as a keyed hash of an email or a phone.

    The digest is an HMAC (key derived from the encryption key), so the table cannot be
    reversed by hashing guessed addresses; it lets a later import of the same person be refused.
    """

    __tablename__ = "erasure_tombstones"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # email / phone
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = _ts()


class AuditEvent(Base):
    """Who imported, viewed, matched, exported or erased which candidate, when, from where.

    Rows name the candidate by id only and carry no personal data, so they outlive an erasure.
    """

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(16), index=True)
    candidate_id: Mapped[int | None] = mapped_column(Integer, index=True)
    source: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


Index("ix_resumes_status_updated", Resume.status, Resume.updated_at)

SEED_TABLES = ("resumes", "resume_data", "processing_jobs", "candidate_skills", "candidate_matches")


class CandidateLink(Base):
    """Two records that may be one person, or a merge that can be undone (pipeline/identity).

    `status`: `possible` (a suspicion for the recruiter: `evidence` says why), `merged` (the
    resumes in `resume_ids` were attached to `candidate_id`; `absorbed_id` names the record
    they came from when a recruiter merged two), `distinct` (a recruiter said "not the same
    person", or a merge was split: `other_id` is the record made from the split resumes).
    """

    __tablename__ = "candidate_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("recruiters.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    other_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id"), index=True)
    absorbed_id: Mapped[int | None] = mapped_column(Integer)  # no FK: that record is gone
    status: Mapped[str] = mapped_column(String(16), index=True)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    resume_ids: Mapped[list[Any]] = mapped_column(default=list)
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = _ts()


class Application(Base):
    """A candidate's application through the public apply page: the batch that carries their
    resume, the consent they gave (when, from which address — an HMAC, never the address —
    and which wording), and the hash of their status link's token (the token itself is only
    ever in the candidate's hands)."""

    __tablename__ = "applications"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    # not nullable: erasing the candidate deletes the emptied batch, and this row with it
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_version: Mapped[str] = mapped_column(String(32))
    ip_hash: Mapped[str] = mapped_column(String(64))
    status_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = _ts()


class ApiToken(Base):
    """A recruiter's API token (`hotgigs token create`): only a keyed hash of it is stored.

    `prefix` is the token's first characters, shown in `token list` so a recruiter can tell
    their tokens apart without the secret; a revoked token stays listed with `revoked_at`.
    """

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(32), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = _ts()
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
