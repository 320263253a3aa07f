"""matching: candidate profiles with full-text search, term statistics

Revision ID: 0002_matching
Revises: 0001
Create Date: 2026-11-30 10:00:00

PostgreSQL keeps `candidate_profiles.tsv` by trigger with a GIN index; SQLite keeps an FTS5
table `candidate_fts` by triggers. Both are the database-side pre-filter of `match_job`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_matching"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of storage.models' DDL as of this revision.
PG_PROFILE_DDL = (
    "CREATE TRIGGER candidate_profiles_tsv BEFORE INSERT OR UPDATE OF doc ON candidate_profiles "
    "FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(tsv, 'pg_catalog.english', doc)",
)
SQLITE_PROFILE_DDL = (
    "CREATE VIRTUAL TABLE candidate_fts USING fts5(doc, content='candidate_profiles', "
    "content_rowid='candidate_id', tokenize='porter unicode61')",
    "CREATE TRIGGER candidate_fts_ai AFTER INSERT ON candidate_profiles BEGIN "
    "INSERT INTO candidate_fts(rowid, doc) VALUES (new.candidate_id, new.doc); END",
    "CREATE TRIGGER candidate_fts_ad AFTER DELETE ON candidate_profiles BEGIN "
    "INSERT INTO candidate_fts(candidate_fts, rowid, doc) "
    "VALUES ('delete', old.candidate_id, old.doc); END",
    "CREATE TRIGGER candidate_fts_au AFTER UPDATE OF doc ON candidate_profiles BEGIN "
    "INSERT INTO candidate_fts(candidate_fts, rowid, doc) "
    "VALUES ('delete', old.candidate_id, old.doc); "
    "INSERT INTO candidate_fts(rowid, doc) VALUES (new.candidate_id, new.doc); END",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "candidate_profiles",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("titles", sa.JSON(), nullable=False),
        sa.Column("years", sa.Float(), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("doc", sa.Text(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("doc_len", sa.Integer(), nullable=False),
        sa.Column("tsv", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"),
                  nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"],
            name=op.f("fk_candidate_profiles_candidate_id_candidates"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["recruiters.id"], name=op.f("fk_candidate_profiles_owner_id_recruiters")
        ),
        sa.PrimaryKeyConstraint("candidate_id", name=op.f("pk_candidate_profiles")),
    )
    op.create_index(op.f("ix_candidate_profiles_owner_id"), "candidate_profiles", ["owner_id"])
    op.create_table(
        "term_stats",
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_term_stats")),
    )
    if dialect == "postgresql":
        op.create_index("ix_candidate_profiles_tsv", "candidate_profiles", ["tsv"],
                        postgresql_using="gin")
        for statement in PG_PROFILE_DDL:
            op.execute(statement)
    elif dialect == "sqlite":
        for statement in SQLITE_PROFILE_DDL:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("candidate_fts_ai", "candidate_fts_ad", "candidate_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS candidate_fts")
    op.drop_table("term_stats")
    op.drop_index(op.f("ix_candidate_profiles_owner_id"), table_name="candidate_profiles")
    op.drop_table("candidate_profiles")
