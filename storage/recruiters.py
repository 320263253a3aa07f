"""The recruiter row behind an identity (an email address or `slack:<team>/<user>`), made on
first sight: every door, token and grant names its recruiter through it.

Kept in `storage` (not in the intake) so what only needs the row (API tokens, the CLI) does
not load the parser with it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Recruiter


def recruiter_for(session: Session, identity: str) -> Recruiter:
    recruiter = session.scalar(select(Recruiter).where(Recruiter.identity == identity))
    if recruiter is None:
        recruiter = Recruiter(identity=identity,
                              email=identity if "@" in identity and ":" not in identity else None)
        session.add(recruiter)
        session.flush()
    return recruiter
