"""email door: how often a stored message was queued again by the sweeper

Revision ID: 0015_inbound_attempts
Revises: 0014_api_tokens
Create Date: 2026-12-05 18:00:00

`inbound_messages.attempts` counts the sweeper's re-queues of a message still `received`. A
message whose handling fails every time (a bug, a stored copy that cannot be read) was
re-queued by every sweep for ever; after `MAX_ATTEMPTS` it now ends `failed` with a reason.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_inbound_attempts"
down_revision: str | None = "0014_api_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False,
                                      server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_column("attempts")
