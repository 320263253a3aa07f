"""identity: candidate links (possible duplicates, undoable merges); re-parse attempts

Revision ID: 0010_candidate_links
Revises: 0009_ranking_evidence
Create Date: 2026-12-05 08:40:00

`candidate_links` holds, per recruiter, pairs of candidates that may be one person (with the
evidence), merges with the resumes they moved (so `hotgigs duplicates split` can undo them),
and pairs a recruiter declared distinct. `processing_jobs.reparse_batch_id` ties an attempt to
the `hotgigs reparse` run (a batch) whose progress it counts.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_candidate_links"
down_revision: str | None = "0009_ranking_evidence"
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
    with op.batch_alter_table("processing_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reparse_batch_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_processing_jobs_reparse_batch_id_batches"),
                                    "batches", ["reparse_batch_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_processing_jobs_reparse_batch_id"),
                              ["reparse_batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("processing_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processing_jobs_reparse_batch_id"))
        batch_op.drop_constraint(batch_op.f("fk_processing_jobs_reparse_batch_id_batches"),
                                 type_="foreignkey")
        batch_op.drop_column("reparse_batch_id")
    with op.batch_alter_table("candidate_links", schema=None) as batch_op:
        for column in ("status", "other_id", "candidate_id", "owner_id"):
            batch_op.drop_index(batch_op.f(f"ix_candidate_links_{column}"))
    op.drop_table("candidate_links")
