"""email bot: sender and authentication verdicts on inbound messages

Revision ID: 0004_inbound_sender
Revises: 0003_drive_sync
Create Date: 2026-11-30 12:00:00

`sender` (the From address) backs the per-sender rate limit and sender policy;
`auth_results` keeps the SPF/DKIM/DMARC verdicts read from Authentication-Results.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_inbound_sender"
down_revision: str | None = "0003_drive_sync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sender", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("auth_results", sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))
        batch_op.create_index(batch_op.f("ix_inbound_messages_sender"), ["sender"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_messages_sender"))
        batch_op.drop_column("auth_results")
        batch_op.drop_column("sender")
