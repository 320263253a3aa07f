"""drive sync: per-file import state, folder names, the scheduler's job store

Revision ID: 0003_drive_sync
Revises: 0002_matching
Create Date: 2026-11-30 12:00:00

`drive_files` remembers what each watched folder already imported (file id, md5/version,
sha256), `drive_folders.name` is shown by `hotgigs drive list`, and `apscheduler_jobs` is
APScheduler's SQLAlchemy job store (its own column layout).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_drive_sync"
down_revision: str | None = "0002_matching"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("drive_folders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=500), nullable=True))

    op.create_table(
        "drive_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("folder_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("md5", sa.String(length=64), nullable=True),
        sa.Column("version", sa.String(length=32), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.id"], name=op.f("fk_drive_files_batch_id_batches")
        ),
        sa.ForeignKeyConstraint(
            ["folder_id"], ["drive_folders.id"],
            name=op.f("fk_drive_files_folder_id_drive_folders"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drive_files")),
        sa.UniqueConstraint("folder_id", "file_id", name=op.f("uq_drive_files_folder_id")),
    )
    with op.batch_alter_table("drive_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drive_files_folder_id"), ["folder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_drive_files_sha256"), ["sha256"], unique=False)

    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apscheduler_jobs")),
    )
    with op.batch_alter_table("apscheduler_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_apscheduler_jobs_next_run_time"), ["next_run_time"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("apscheduler_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apscheduler_jobs_next_run_time"))
    op.drop_table("apscheduler_jobs")
    with op.batch_alter_table("drive_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drive_files_sha256"))
        batch_op.drop_index(batch_op.f("ix_drive_files_folder_id"))
    op.drop_table("drive_files")
    with op.batch_alter_table("drive_folders", schema=None) as batch_op:
        batch_op.drop_column("name")
