"""digests: recruiters' timezone and send hour; claim state on digests_sent

Revision ID: 0006_digests
Revises: 0005_privacy_audit
Create Date: 2026-12-01 09:00:00

`recruiters.timezone` (IANA name) and `recruiters.digest_hour` (local hour) say when a
recruiter's digest is due; NULL means the configured default. `digests_sent` rows are now
written when a send is claimed (`status` claimed → sent / empty / failed), so a crash between
claim and send is retried; rows from before this revision were sent.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_digests"
down_revision: str | None = "0005_privacy_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recruiters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("digest_hour", sa.Integer(), nullable=True))
    with op.batch_alter_table("digests_sent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=False,
                                      server_default="sent"))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False,
                                      server_default="1"))
        batch_op.add_column(sa.Column("window_start", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("window_end", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch_op.alter_column("sent_at", existing_type=sa.DateTime(timezone=True),
                              nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM digests_sent WHERE sent_at IS NULL")
    with op.batch_alter_table("digests_sent", schema=None) as batch_op:
        batch_op.alter_column("sent_at", existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.drop_column("error")
        batch_op.drop_column("window_end")
        batch_op.drop_column("window_start")
        batch_op.drop_column("attempts")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("status")
    with op.batch_alter_table("recruiters", schema=None) as batch_op:
        batch_op.drop_column("digest_hour")
        batch_op.drop_column("timezone")
