"""ranking: skill/occupation counts, for jobs given only as a skill list

Revision ID: 0013_skill_occupations
Revises: 0012_job_apply
Create Date: 2026-12-05 12:10:00

`skill_occupations` counts, over candidate profiles, the holders of each skill, the candidates
of each O*NET occupation (their latest title's) and of each (skill, occupation) pair; ""
stands for "any" in the total rows. Matching reads it to tell which occupations a job's skills
are typical of (`matching.skill_occupations`). Existing profiles are counted here from what
they already store (skills, evidence.occupations), so nothing needs re-indexing first.
"""

from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_skill_occupations"
down_revision: str | None = "0012_job_apply"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
ALL = ""  # frozen copy of matching.skill_occupations.ALL


def upgrade() -> None:
    op.create_table(
        "skill_occupations",
        sa.Column("skill", sa.String(length=100), nullable=False),
        sa.Column("occupation", sa.String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("skill", "occupation", name=op.f("pk_skill_occupations")),
    )
    _count_existing_profiles()


def _count_existing_profiles() -> None:
    """The counts `matching.skill_occupations.counts_of` gives, summed over stored profiles."""
    bind = op.get_bind()
    profiles = sa.table("candidate_profiles", sa.column("candidate_id", sa.Integer),
                        sa.column("skills", sa.JSON), sa.column("evidence", sa.JSON))
    counts: Counter[tuple[str, str]] = Counter()
    last_id = 0
    while True:
        rows = bind.execute(sa.select(profiles).where(profiles.c.candidate_id > last_id)
                            .order_by(profiles.c.candidate_id).limit(BATCH)).all()
        if not rows:
            break
        for _, skills, evidence in rows:
            occupations = list((evidence or {}).get("occupations") or [])
            latest = occupations[0] if occupations else None
            counts[(ALL, ALL)] += 1
            if latest:
                counts[(ALL, latest)] += 1
            for skill in dict.fromkeys(str(s)[:100] for s in (skills or {}) if s):
                counts[(skill, ALL)] += 1
                if latest:
                    counts[(skill, latest)] += 1
        last_id = rows[-1][0]
    table = sa.table("skill_occupations", sa.column("skill", sa.String),
                     sa.column("occupation", sa.String), sa.column("n", sa.Integer))
    found = [{"skill": s, "occupation": o, "n": n} for (s, o), n in sorted(counts.items())]
    for start in range(0, len(found), BATCH):
        bind.execute(table.insert(), found[start:start + BATCH])


def downgrade() -> None:
    op.drop_table("skill_occupations")
