"""email proof: registered recruiters with a personal inbound address; who proved a message

Revision ID: 0008_email_proof
Revises: 0007_slack_oauth
Create Date: 2026-12-05 06:30:00

`recruiters.registered_at` marks a recruiter added with `hotgigs recruiter add` (rows made by
an import are not registered); `inbound_token` is the secret of their personal address
`resumes+<token>@domain`; `slack_user` links their Slack account (`T…/U…`).
`inbound_messages` keeps what the SMTP session knew (`client_ip`, `smtp_user`) and, once the
worker decided, the `proof` of the sender and the recruiter (`owner`) it was imported for.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_email_proof"
down_revision: str | None = "0007_slack_oauth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recruiters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registered_at", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("inbound_token", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("slack_user", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_recruiters_inbound_token"),
                                          ["inbound_token"])
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_ip", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("smtp_user", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("proof", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("owner", sa.String(length=320), nullable=True))
        batch_op.create_index(batch_op.f("ix_inbound_messages_owner"), ["owner"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_messages_owner"))
        batch_op.drop_column("owner")
        batch_op.drop_column("proof")
        batch_op.drop_column("smtp_user")
        batch_op.drop_column("client_ip")
    with op.batch_alter_table("recruiters", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_recruiters_inbound_token"), type_="unique")
        batch_op.drop_column("slack_user")
        batch_op.drop_column("inbound_token")
        batch_op.drop_column("registered_at")
