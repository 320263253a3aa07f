"""ranking: profile fields and evidence, and the short-list key index

Revision ID: 0009_ranking_evidence
Revises: 0008_email_proof
Create Date: 2026-12-05 09:00:00

`candidate_profiles.fields` (title and skill words, for field-weighted scoring) and
`.evidence` (skill depth, occupations, seniority) are filled when a profile is (re)indexed;
rows from before stay `{}` until then. `profile_keys` holds each candidate's telling words and
skills ordered by strength, so `match_job` short-lists with index range scans. Existing
profiles get their keys here, from what they already store (skills by recency, words by
saturated frequency x idf), so no candidate drops out of matching before it is re-indexed;
re-indexing then adds depth and field weights.
"""

import math
from collections.abc import Sequence
from datetime import date

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
    _keys_for_existing_profiles()


# Frozen copies of matching's rules as of this revision (BM25 constants, recency, key count).
K1, B, KEY_WORDS, BATCH = 1.2, 0.75, 30, 1000


def _recency(last: object, this_year: int) -> float:
    if not isinstance(last, int):
        return 0.85
    age = this_year - last
    return 1.0 if age <= 3 else 0.85 if age <= 7 else 0.7


def _keys_for_existing_profiles() -> None:
    bind = op.get_bind()
    stats = dict(bind.execute(sa.text("SELECT term, df FROM term_stats")).all())
    docs = max(int(stats.get("#docs", 0)), 1)
    avg_len = int(stats.get("#len", 0)) / docs or 1.0
    this_year = date.today().year

    def idf(term: str) -> float:
        df = int(stats.get(term[:100], 1))
        return math.log(1 + (docs - df + 0.5) / (df + 0.5))

    profiles = sa.table("candidate_profiles", sa.column("candidate_id", sa.Integer),
                        sa.column("owner_id", sa.Integer), sa.column("skills", sa.JSON),
                        sa.column("terms", sa.JSON), sa.column("doc_len", sa.Integer))
    keys = sa.table("profile_keys", sa.column("candidate_id", sa.Integer),
                    sa.column("key", sa.String), sa.column("owner_id", sa.Integer),
                    sa.column("impact", sa.Float))
    last_id = 0
    while True:
        rows = bind.execute(sa.select(profiles).where(profiles.c.candidate_id > last_id)
                            .order_by(profiles.c.candidate_id).limit(BATCH)).all()
        if not rows:
            return
        out = []
        for cid, owner, skills, terms, doc_len in rows:
            found: dict[str, float] = {}
            for skill, last in (skills or {}).items():
                found[f"s:{skill}"[:100]] = round(_recency(last, this_year) * 0.75, 4)
            norm = K1 * (1 - B + B * (doc_len or 0) / avg_len)
            sat = {t: n / (n + norm) for t, n in (terms or {}).items() if n}
            for term in sorted(sat, key=lambda t: (-sat[t] * idf(t), t))[:KEY_WORDS]:
                found[f"w:{term}"[:100]] = round(sat[term], 4)
            out += [{"candidate_id": cid, "key": k, "owner_id": owner, "impact": v}
                    for k, v in found.items()]
        if out:
            bind.execute(keys.insert(), out)
        last_id = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_profile_keys_owner_key_impact", table_name="profile_keys")
    op.drop_index("ix_profile_keys_key_impact", table_name="profile_keys")
    op.drop_table("profile_keys")
    with op.batch_alter_table("candidate_profiles", schema=None) as batch_op:
        batch_op.drop_column("evidence")
        batch_op.drop_column("fields")
