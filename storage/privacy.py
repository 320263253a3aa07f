"""GDPR erasure: remove everything held about a person and keep only a keyed-hash tombstone.

`erase` deletes the candidate (and, for an erasure request, every other recruiter's record
of the same email or phone), their resumes, parsed data, skills, matches, matching profile and
word statistics, the batches left empty, and the stored files no one else's resume shares.
The tombstone is an HMAC of the normalized email/phone under a key derived from the
encryption key, so a later import of the same person is refused ("erased on request")
without the table revealing who it was.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Column, Table, delete, func, or_, select, update
from sqlalchemy.orm import Session

from storage import audit
from storage.db import Database
from storage.files import BlobStore
from storage.models import (
    Base,
    Batch,
    Candidate,
    CandidateProfile,
    DriveFile,
    ErasureTombstone,
    InboundMessage,
    Resume,
    ResumeData,
    SkillOccupation,
    TermStat,
)

log = logging.getLogger(__name__)

ERASED_REASON = "erased on request"
_TOMBSTONE_INFO = b"hotgigs erasure tombstone v1"
_TOTALS_PREFIX = "#"  # term_stats rows holding corpus totals (#docs, #len), never deleted


def tombstone_key(encryption_key: bytes) -> bytes:
    """The HMAC key for tombstones, derived (HKDF) so it is never the encryption key itself."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=_TOMBSTONE_INFO).derive(encryption_key)


def normalize_email(value: str | None) -> str | None:
    text = (value or "").strip().lower()
    return text if "@" in text else None


def normalize_phone(value: str | None) -> str | None:
    """Digits only: `+44 20 7946 0958` and `+442079460958` are the same phone."""
    digits = re.sub(r"\D", "", value or "")
    return digits if len(digits) >= 6 else None


def digests(key: bytes, emails: Iterable[str | None],
            phones: Iterable[str | None]) -> dict[str, str]:
    """Tombstone digest → kind, for every usable email and phone given."""
    out: dict[str, str] = {}
    for kind, values, norm in (("email", emails, normalize_email),
                               ("phone", phones, normalize_phone)):
        for value in values:
            normalized = norm(value)
            if normalized:
                mac = hmac.new(key, f"{kind}:{normalized}".encode(), hashlib.sha256)
                out[mac.hexdigest()] = kind
    return out


def is_erased(session: Session, key: bytes, email: str | None, phone: str | None) -> bool:
    """Whether this email or phone belongs to a person erased on request."""
    return erased_among(session, key, [(email, phone)])[0]


def erased_among(session: Session, key: bytes,
                 people: list[tuple[str | None, str | None]]) -> list[bool]:
    """For each (email, phone), whether it belongs to a person erased on request (one query)."""
    each = [set(digests(key, [email], [phone])) for email, phone in people]
    wanted = sorted(set().union(*each))
    if not wanted:
        return [False] * len(people)
    found = set(session.scalars(
        select(ErasureTombstone.digest).where(ErasureTombstone.digest.in_(wanted))))
    return [bool(mine & found) for mine in each]


@dataclass
class ErasureReport:
    candidate_ids: list[int] = field(default_factory=list)
    resumes: int = 0
    batches_deleted: int = 0
    blobs_deleted: int = 0
    blobs_kept: int = 0  # identical bytes still used by someone else's resume
    tombstones: int = 0
    quarantined_dropped: int = 0  # quarantined raw emails that carried the person
    # what the person was known by (lowercased emails, phones as parsed): for the stores
    # outside these tables (quarantined mail) to find them too; never printed
    emails: set[str] = field(default_factory=set, repr=False)
    phones: set[str] = field(default_factory=set, repr=False)


def _references(target: str) -> list[tuple[Table, Column[Any]]]:
    """Every (table, column) with a foreign key to `target`: new tables are covered too."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == target:
                found.append((table, fk.parent))
    return found


def _identities(session: Session, candidate_ids: set[int]) -> tuple[set[str], set[str]]:
    """Emails and phones the person is known by: current values and every parsed resume's."""
    emails: set[str] = set()
    phones: set[str] = set()
    for email, phone in session.execute(
        select(Candidate.email, Candidate.phone).where(Candidate.id.in_(candidate_ids))
    ):
        emails.add(email or "")
        phones.add(phone or "")
    for data in session.scalars(
        select(ResumeData.data).join(Resume, Resume.id == ResumeData.resume_id)
        .where(Resume.candidate_id.in_(candidate_ids))
    ):
        emails.add(str((data or {}).get("email") or ""))
        phones.add(str((data or {}).get("phone") or ""))
    return ({e.lower() for e in emails if e}, {p for p in phones if p})


def find_person(session: Session, candidate_id: int) -> set[int]:
    """The candidate and every other record (any recruiter) sharing one of their emails/phones."""
    ids = {candidate_id}
    while True:
        emails, phones = _identities(session, ids)
        clauses = []
        if emails:
            clauses.append(func.lower(Candidate.email).in_(emails))
        if phones:
            clauses.append(Candidate.phone.in_(phones))
        if not clauses:
            return ids
        more = set(session.scalars(select(Candidate.id).where(or_(*clauses)))) | ids
        if more == ids:
            return ids
        ids = more


def _forget_profiles(session: Session, candidate_ids: set[int]) -> None:
    """Take the profiles' words out of the corpus statistics; drop words nobody else has."""
    deltas: Counter[str] = Counter()
    for terms, doc_len in session.execute(
        select(CandidateProfile.terms, CandidateProfile.doc_len)
        .where(CandidateProfile.candidate_id.in_(candidate_ids))
    ):
        deltas.subtract({str(term)[:100]: 1 for term in (terms or {})})
        deltas[f"{_TOTALS_PREFIX}docs"] -= 1
        deltas[f"{_TOTALS_PREFIX}len"] -= int(doc_len or 0)
    for term, delta in sorted(deltas.items()):  # term order, as matching writes them
        if delta:
            session.execute(update(TermStat).where(TermStat.term == term)
                            .values(df=TermStat.df + delta))
    session.execute(delete(TermStat).where(TermStat.df <= 0,
                                           TermStat.term.not_like(f"{_TOTALS_PREFIX}%")))
    _forget_skill_occupations(session, candidate_ids)


def _forget_skill_occupations(session: Session, candidate_ids: set[int]) -> None:
    """Take the profiles out of the skill/occupation counts; drop rows that fall to zero."""
    counts: Counter[tuple[str, str]] = Counter()
    for skills, evidence in session.execute(
        select(CandidateProfile.skills, CandidateProfile.evidence)
        .where(CandidateProfile.candidate_id.in_(candidate_ids))
    ):
        evidence = evidence or {}
        counts.update(SkillOccupation.counted(
            skills or {}, list(evidence.get("occupations") or []),
            list(evidence.get("title_words") or [])))
    for (skill, occupation), n in sorted(counts.items()):  # key order, as matching writes
        session.execute(update(SkillOccupation).where(
            SkillOccupation.skill == skill, SkillOccupation.occupation == occupation)
            .values(n=SkillOccupation.n - n))
    session.execute(delete(SkillOccupation).where(SkillOccupation.n <= 0))


forget_profiles = _forget_profiles  # also used when a merge removes a candidate record


def _blob_in_use(session: Session, key: str) -> bool:
    return session.scalar(select(Resume.id).where(Resume.storage_key == key).limit(1)) is not None \
        or session.scalar(select(InboundMessage.id).where(InboundMessage.storage_key == key)
                          .limit(1)) is not None


def _settle_batches(session: Session, removed: list[Resume], report: ErasureReport,
                    blob_keys: set[str]) -> None:
    """Raw emails of the batches go; emptied batches are deleted, others recounted."""
    batch_ids = {r.batch_id for r in removed}
    for message in session.scalars(
        select(InboundMessage).where(InboundMessage.batch_id.in_(batch_ids))
    ):
        if message.storage_key:  # the raw email carries the resume as an attachment
            blob_keys.add(message.storage_key)
        message.storage_key, message.status = "", "erased"
    session.execute(update(DriveFile).where(DriveFile.batch_id.in_(batch_ids))
                    .values(name="(erased)"))
    for batch_id in sorted(batch_ids):
        left = session.scalar(select(func.count()).select_from(Resume)
                              .where(Resume.batch_id == batch_id))
        if left:
            gone = Counter(r.status for r in removed if r.batch_id == batch_id)
            session.execute(update(Batch).where(Batch.id == batch_id).values(
                total=Batch.total - gone.total(), parsed=Batch.parsed - gone["parsed"],
                failed=Batch.failed - gone["failed"]))
            continue
        for table, column in _references("batches"):
            where = column == batch_id
            if column.nullable:
                session.execute(update(table).where(where).values({column.name: None}))
            else:
                session.execute(delete(table).where(where))
        session.execute(delete(Batch).where(Batch.id == batch_id))
        report.batches_deleted += 1


def erase(db: Database, blobs: BlobStore, key: bytes, candidate_id: int, *, actor: str,
          source: str, tombstone: bool = True, related: bool = True) -> ErasureReport:
    """Erase a candidate; `related` also erases other recruiters' records of the same person.

    Retention passes `tombstone=False, related=False`: an expired record may come back with a
    new application, an erasure request may not.
    """
    report = ErasureReport()
    with db.session() as session:
        if session.get(Candidate, candidate_id) is None:
            raise LookupError(f"candidate {candidate_id} does not exist")
        ids = find_person(session, candidate_id) if related else {candidate_id}
        emails, phones = _identities(session, ids)
        removed = list(session.scalars(select(Resume).where(Resume.candidate_id.in_(ids))))
        resume_ids = [r.id for r in removed]
        blob_keys = {r.storage_key for r in removed if r.storage_key}
        _forget_profiles(session, ids)
        for table, column in _references("resumes"):
            session.execute(delete(table).where(column.in_(resume_ids)))
        session.execute(delete(Resume).where(Resume.id.in_(resume_ids)))
        for table, column in _references("candidates"):
            session.execute(delete(table).where(column.in_(ids)))
        _settle_batches(session, removed, report, blob_keys)
        session.execute(delete(Candidate).where(Candidate.id.in_(ids)))
        if tombstone:
            wanted = digests(key, emails, phones)
            known = set(session.scalars(select(ErasureTombstone.digest)
                                        .where(ErasureTombstone.digest.in_(list(wanted)))))
            for digest, kind in wanted.items():
                if digest not in known:
                    session.add(ErasureTombstone(digest=digest, kind=kind))
                    report.tombstones += 1
        for erased_id in sorted(ids):
            audit.record(session, "erased", actor=actor, source=source, candidate_id=erased_id,
                         requested_for=candidate_id, resumes=len(resume_ids),
                         tombstone=tombstone)
        session.flush()
        doomed = sorted(k for k in blob_keys if not _blob_in_use(session, k))
    report.blobs_kept = len(blob_keys) - len(doomed)
    for blob_key in doomed:  # after the commit: a rolled-back erasure keeps its files
        report.blobs_deleted += int(blobs.delete(blob_key))
    report.candidate_ids, report.resumes = sorted(ids), len(resume_ids)
    report.emails, report.phones = emails, phones
    log.info("erased candidates %s: %d resumes, %d files (%d kept, shared)",
             report.candidate_ids, report.resumes, report.blobs_deleted, report.blobs_kept)
    return report


def drop_file(db: Database, blobs: BlobStore, resume_id: int) -> None:
    """Forget a resume's stored bytes but keep its row (its batch report still names it)."""
    with db.session() as session:
        resume = session.get(Resume, resume_id)
        if resume is None or not resume.storage_key:
            return
        blob_key, resume.storage_key = resume.storage_key, None
        session.flush()
        unused = not _blob_in_use(session, blob_key)
    if unused:
        blobs.delete(blob_key)
