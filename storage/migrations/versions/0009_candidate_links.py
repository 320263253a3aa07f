"""identity: candidate links (possible duplicates, undoable merges, "not the same person")

Revision ID: 0009_candidate_links
Revises: 0008_email_proof
Create Date: 2026-12-05 08:40:00

`candidate_links` holds, per recruiter, pairs of candidates that may be one person (with the
evidence), merges with the resumes they moved (so `hotgigs duplicates split` can undo them),
and pairs a recruiter declared distinct.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_candidate_links"
down_revision: str | None = "0008_email_proof"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "candidate_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=True),
        sa.Column("absorbed_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("resume_ids", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(length=320), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidates.id"],
                                name=op.f("fk_candidate_links_candidate_id_candidates")),
        sa.ForeignKeyConstraint(["other_id"], ["candidates.id"],
                                name=op.f("fk_candidate_links_other_id_candidates")),
        sa.ForeignKeyConstraint(["owner_id"], ["recruiters.id"],
                                name=op.f("fk_candidate_links_owner_id_recruiters")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_links")),
    )
    with op.batch_alter_table("candidate_links", schema=None) as batch_op:
        for column in ("owner_id", "candidate_id", "other_id", "status"):
            batch_op.create_index(batch_op.f(f"ix_candidate_links_{column}"), [column],
                                  unique=False)


def downgrade() -> None:
    with op.batch_alter_table("candidate_links", schema=None) as batch_op:
        for column in ("status", "other_id", "candidate_id", "owner_id"):
            batch_op.drop_index(batch_op.f(f"ix_candidate_links_{column}"))
    op.drop_table("candidate_links")
