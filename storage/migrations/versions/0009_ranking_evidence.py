"""ranking: profile fields and evidence, and the short-list key index

Revision ID: 0009_ranking_evidence
Revises: 0008_email_proof
Create Date: 2026-12-05 09:00:00

`candidate_profiles.fields` (title and skill words, for field-weighted scoring) and
`.evidence` (skill depth, occupations, seniority) are filled when a profile is (re)indexed;
rows from before stay `{}` until then. `profile_keys` holds each candidate's telling words and
skills ordered by strength, so `match_job` short-lists with index range scans.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_ranking_evidence"
down_revision: str | None = "0008_email_proof"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("candidate_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fields", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("evidence", sa.JSON(), nullable=False,
                                      server_default="{}"))
    op.create_table(
        "profile_keys",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("impact", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"],
            name=op.f("fk_profile_keys_candidate_id_candidates"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidate_id", "key", name=op.f("pk_profile_keys")),
    )
    op.create_index("ix_profile_keys_key_impact", "profile_keys", ["key", "impact"])
    op.create_index("ix_profile_keys_owner_key_impact", "profile_keys",
                    ["owner_id", "key", "impact"])


def downgrade() -> None:
    op.drop_index("ix_profile_keys_owner_key_impact", table_name="profile_keys")
    op.drop_index("ix_profile_keys_key_impact", table_name="profile_keys")
    op.drop_table("profile_keys")
    with op.batch_alter_table("candidate_profiles", schema=None) as batch_op:
        batch_op.drop_column("evidence")
        batch_op.drop_column("fields")
