"""drive: recruiters' own Google Drive grants (OAuth refresh tokens, encrypted)

Revision ID: 0011_drive_grants
Revises: 0010_candidate_links
Create Date: 2026-12-05 11:45:00

`drive_grants` holds one row per recruiter who connected their Google account at
/drive/connect: the sealed refresh token, the scopes granted, the Google address, and whether
the grant is active or was revoked (disconnected, or refused by Google).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_drive_grants"
down_revision: str | None = "0010_candidate_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drive_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recruiter_id", sa.Integer(), nullable=False),
        sa.Column("refresh_token", sa.LargeBinary(), nullable=True),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("google_email", sa.String(length=320), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["recruiter_id"], ["recruiters.id"],
                                name=op.f("fk_drive_grants_recruiter_id_recruiters")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drive_grants")),
        sa.UniqueConstraint("recruiter_id", name=op.f("uq_drive_grants_recruiter_id")),
    )


def downgrade() -> None:
    op.drop_table("drive_grants")
