"""web door: the candidate apply page — a per-job switch and the applications with consent

Revision ID: 0012_job_apply
Revises: 0011_drive_grants
Create Date: 2026-12-05 12:00:00

`jobs.apply_open` says whether `/apply/<slug>` takes applications. It starts off for every
job, old and new: a public page publishes the job's description, and recruiters add jobs for
matching (confidential clients' roles among them) without meaning to publish them.
`applications` holds one row per application: the job, the batch with the resume, the
candidate's email, the consent (time, HMAC of the client address, wording version) and the
SHA-256 of the status link's token.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_job_apply"
down_revision: str | None = "0011_drive_grants"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("apply_open", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_version", sa.String(length=32), nullable=False),
        sa.Column("ip_hash", sa.String(length=64), nullable=False),
        sa.Column("status_token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"],
                                name=op.f("fk_applications_batch_id_batches")),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"],
                                name=op.f("fk_applications_job_id_jobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("status_token_hash",
                            name=op.f("uq_applications_status_token_hash")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_job_id"), ["job_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_batch_id"), ["batch_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_batch_id"))
        batch_op.drop_index(batch_op.f("ix_applications_job_id"))
    op.drop_table("applications")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("apply_open")
