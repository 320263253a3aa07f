"""Reviewing who is who: list possible duplicates, merge two candidates, say they are not the
same person, split a merge again. One function per use case; the CLI, Slack and the admin
dashboard all call these (they translate, they do not decide).

A recruiter (`owner`, their identity) only ever sees and changes their own candidates; an
operator (`owner=None`) may act on anyone's, but two recruiters' candidates are never merged.
A merge moves the resumes and rebuilds the kept candidate from its resume versions; the link
keeps which resumes moved, so `split` can rebuild both sides from their own resumes.
`reindex` is matching's hook (profiles and stored matches of the candidates that changed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from pipeline import candidates
from pipeline.links import DISTINCT, MERGED, POSSIBLE, describe
from pipeline.models import ParsedResume
from storage import audit, privacy
from storage.db import Database
from storage.models import (
    NO_SYNC,
    Candidate,
    CandidateLink,
    CandidateMatch,
    CandidateProfile,
    CandidateSkill,
    Recruiter,
    Resume,
    ResumeData,
    utcnow,
)

log = logging.getLogger(__name__)

Reindex = Callable[[list[int]], None]


class IdentityError(Exception):
    """A request that cannot be done, with the reason a user reads."""


@dataclass(frozen=True)
class LinkView:
    """One link as the CLI, Slack and the dashboard show it."""

    id: int
    status: str
    candidate_id: int
    candidate_name: str | None
    other_id: int | None
    other_name: str | None
    evidence: str
    resume_ids: list[int]
    decided_by: str | None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _owner_id(session: Session, owner: str | None) -> int | None:
    """The recruiter row of `owner`; IdentityError for an identity nobody uses."""
    if owner is None:
        return None
    rid = session.scalar(select(Recruiter.id).where(Recruiter.identity == owner))
    if rid is None:
        raise IdentityError(f"no recruiter {owner}")
    return int(rid)


def list_links(db: Database, owner: str | None, *, status: str | None = POSSIBLE,
               candidate_id: int | None = None) -> list[LinkView]:
    """Links of the owner's candidates (all owners' for an operator), newest first."""
    with db.session() as session:
        query = select(CandidateLink).order_by(CandidateLink.id.desc())
        if owner is not None:
            query = query.where(CandidateLink.owner_id == _owner_id(session, owner))
        if status is not None:
            query = query.where(CandidateLink.status == status)
        if candidate_id is not None:
            query = query.where(or_(CandidateLink.candidate_id == candidate_id,
                                    CandidateLink.other_id == candidate_id))
        found = list(session.scalars(query))
        ids = {i for link in found for i in (link.candidate_id, link.other_id) if i}
        names = dict(session.execute(select(Candidate.id, Candidate.name)
                                     .where(Candidate.id.in_(sorted(ids)))).all())
        return [LinkView(link.id, link.status, link.candidate_id, names.get(link.candidate_id),
                         link.other_id, names.get(link.other_id) if link.other_id else None,
                         describe(link.evidence or {}), list(link.resume_ids or []),
                         link.decided_by) for link in found]


def _link(session: Session, link_id: int, owner: str | None) -> CandidateLink:
    link = session.get(CandidateLink, link_id)
    mine = owner is None or (link is not None and link.owner_id is not None and session.scalar(
        select(Recruiter.identity).where(Recruiter.id == link.owner_id)) == owner)
    if link is None or not mine:
        raise IdentityError(f"no duplicate link {link_id}")  # another's: as if absent
    return link


def _candidate(session: Session, candidate_id: int, owner_id: int | None,
               operator: bool) -> Candidate:
    found = session.get(Candidate, candidate_id)
    if found is None or (not operator and found.owner_id != owner_id):
        raise IdentityError(f"no candidate {candidate_id}")
    return found


def _arrivals(session: Session, resume_ids: list[int]) -> list[candidates.Arrival]:
    """The stored parses of these resumes, oldest first, as `candidates.rebuild` takes them."""
    rows = session.execute(
        select(Resume.id, Resume.sha256, ResumeData.data)
        .join(ResumeData, ResumeData.resume_id == Resume.id)
        .where(Resume.id.in_(resume_ids)).order_by(Resume.id))
    return [candidates.Arrival(rid, sha, ParsedResume.model_validate(data), data)
            for rid, sha, data in rows]


def resumes_of(session: Session, candidate_id: int) -> list[int]:
    return list(session.scalars(select(Resume.id).where(Resume.candidate_id == candidate_id)
                                .order_by(Resume.id)))


def rebuild(session: Session, candidate_id: int, owner_id: int | None) -> None:
    """A candidate rebuilt from the resumes attached to it now."""
    candidates.rebuild(session, owner_id, candidate_id,
                       _arrivals(session, resumes_of(session, candidate_id)))


def drop_candidate(session: Session, candidate_id: int, into: int | None) -> None:
    """Remove a candidate that holds no resume any more: skills, matches and profile go (its
    words leave the corpus statistics); links move to `into` (or go)."""
    privacy.forget_profiles(session, {candidate_id})
    session.execute(delete(CandidateProfile).where(
        CandidateProfile.candidate_id == candidate_id), execution_options=NO_SYNC)
    session.execute(delete(CandidateSkill).where(CandidateSkill.candidate_id == candidate_id),
                    execution_options=NO_SYNC)
    session.execute(delete(CandidateMatch).where(CandidateMatch.candidate_id == candidate_id),
                    execution_options=NO_SYNC)
    for column in (CandidateLink.candidate_id, CandidateLink.other_id):
        if into is None:
            session.execute(delete(CandidateLink).where(column == candidate_id),
                            execution_options=NO_SYNC)
        else:
            session.execute(update(CandidateLink).where(column == candidate_id)
                            .values({column: into}), execution_options=NO_SYNC)
    if into is not None:  # a link of the two merged records with each other means nothing now
        session.execute(delete(CandidateLink).where(
            CandidateLink.candidate_id == into, CandidateLink.other_id == into),
            execution_options=NO_SYNC)
    session.execute(delete(Candidate).where(Candidate.id == candidate_id),
                    execution_options=NO_SYNC)


@dataclass(frozen=True)
class Done:
    """What a merge or split did: the link, and the candidates that now exist."""

    link_id: int
    kept: int
    other: int | None
    message: str


def merge(db: Database, a: int, b: int, *, owner: str | None, actor: str, source: str,
          reindex: Reindex | None = None) -> Done:
    """Merge candidate `b` into `a` (the older one is kept): `b`'s resumes move to `a`, which is
    rebuilt from all of them; `b` is removed. The link remembers the moved resumes for split."""
    if a == b:
        raise IdentityError("a candidate cannot be merged with itself")
    with db.session() as session:
        owner_id = _owner_id(session, owner)
        first = _candidate(session, a, owner_id, owner is None)
        second = _candidate(session, b, owner_id, owner is None)
        if first.owner_id != second.owner_id:
            raise IdentityError("these candidates belong to different recruiters")
        keep, gone = (first, second) if first.id < second.id else (second, first)
        keep_id, gone_id, cand_owner = keep.id, gone.id, keep.owner_id
        moved = resumes_of(session, gone_id)
        pair = session.scalars(select(CandidateLink).where(
            CandidateLink.status.in_((POSSIBLE, DISTINCT)),
            or_((CandidateLink.candidate_id == keep_id) & (CandidateLink.other_id == gone_id),
                (CandidateLink.candidate_id == gone_id) & (CandidateLink.other_id == keep_id)))
        ).first()
        evidence = pair.evidence if pair is not None else {"same": [], "differs": [],
                                                           "values": {}}
        session.execute(update(Resume).where(Resume.id.in_(moved))
                        .values(candidate_id=keep_id, updated_at=utcnow()),
                        execution_options=NO_SYNC)
        if pair is not None:
            session.delete(pair)
        drop_candidate(session, gone_id, into=keep_id)
        rebuild(session, keep_id, cand_owner)
        link = CandidateLink(owner_id=cand_owner, candidate_id=keep_id, other_id=None,
                             absorbed_id=gone_id, status=MERGED, evidence=evidence,
                             resume_ids=moved, decided_by=actor, decided_at=utcnow())
        session.add(link)
        session.flush()
        audit.record(session, "merged", actor=actor, source=source, candidate_id=keep_id,
                     link_id=link.id, absorbed=gone_id, resumes=moved)
        link_id = link.id
    log.info("candidate %s merged into %s (link %s) by %s", gone_id, keep_id, link_id, source)
    if reindex is not None:
        reindex([keep_id])
    return Done(link_id, keep_id, None,
                f"merged candidate {gone_id} into {keep_id} ({len(moved)} resumes moved)")


def merge_link(db: Database, link_id: int, *, owner: str | None, actor: str, source: str,
               reindex: Reindex | None = None) -> Done:
    """Merge the two candidates of a possible-duplicate link."""
    with db.session() as session:
        link = _link(session, link_id, owner)
        if link.status != POSSIBLE or link.other_id is None:
            raise IdentityError(f"link {link_id} is {link.status}, not a possible duplicate")
        a, b = link.candidate_id, link.other_id
    return merge(db, a, b, owner=owner, actor=actor, source=source, reindex=reindex)


def not_same(db: Database, link_id: int, *, owner: str | None, actor: str,
             source: str) -> Done:
    """A recruiter's "not the same person": the suspicion is closed and never raised again."""
    with db.session() as session:
        link = _link(session, link_id, owner)
        if link.status != POSSIBLE:
            raise IdentityError(f"link {link_id} is {link.status}, not a possible duplicate")
        link.status, link.decided_by, link.decided_at = DISTINCT, actor, utcnow()
        audit.record(session, "distinct", actor=actor, source=source,
                     candidate_id=link.candidate_id, link_id=link.id, other=link.other_id)
        return Done(link.id, link.candidate_id, link.other_id,
                    f"candidates {link.candidate_id} and {link.other_id} are different people")


def split(db: Database, link_id: int, *, owner: str | None, actor: str, source: str,
          reindex: Reindex | None = None) -> Done:
    """Undo a merge: the resumes it moved become a candidate again, rebuilt from their own
    versions, and the kept candidate is rebuilt from the rest. The two are then marked as
    different people, so they are not suggested again."""
    with db.session() as session:
        link = _link(session, link_id, owner)
        if link.status != MERGED:
            raise IdentityError(f"link {link_id} is {link.status}, not a merge")
        kept = link.candidate_id
        held = set(resumes_of(session, kept))
        moving = [rid for rid in link.resume_ids or [] if rid in held]
        staying = sorted(held - set(moving))
        if not moving:
            raise IdentityError(f"the resumes of merge {link_id} are no longer with "
                                f"candidate {kept}")
        if not staying:
            raise IdentityError(f"splitting merge {link_id} would leave candidate {kept} "
                                "without a resume")
        owner_id = link.owner_id
        new_id = candidates.rebuild(session, owner_id, None, _arrivals(session, moving))
        session.execute(update(Resume).where(Resume.id.in_(moving))
                        .values(candidate_id=new_id, updated_at=utcnow()),
                        execution_options=NO_SYNC)
        rebuild(session, kept, owner_id)
        link.status, link.other_id = DISTINCT, new_id
        link.decided_by, link.decided_at = actor, utcnow()
        audit.record(session, "split", actor=actor, source=source, candidate_id=kept,
                     link_id=link.id, restored=new_id, resumes=moving)
    log.info("merge %s split by %s: candidate %s restored beside %s", link_id, source, new_id,
             kept)
    if reindex is not None:
        reindex([kept, new_id])
    return Done(link_id, kept, new_id,
                f"split: candidate {new_id} restored from {len(moving)} resumes beside {kept}")
