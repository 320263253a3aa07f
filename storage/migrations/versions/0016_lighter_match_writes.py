"""matching: cheaper writes per indexed candidate (profile_keys by trigger, no full-text index)

Revision ID: 0016_lighter_match_writes
Revises: 0015_inbound_attempts
Create Date: 2026-12-05 21:00:00

Each indexed candidate writes about 32 `profile_keys` rows, and a foreign key checks every
row against `candidates` (on PostgreSQL a `SELECT … FOR KEY SHARE` per row): measured, that
was a quarter of matching's database CPU in a bulk import. The rows are derived data, written
only in the transaction that writes their `candidate_profiles` row (which does hold a foreign
key to the candidate), so they now follow that row: a trigger deletes a profile's keys when
the profile is deleted, directly (a merge) or by the cascade from its candidate (an erasure).

`candidate_matches` loses `ix_candidate_matches_candidate_id`: the unique index on
(candidate_id, job_id) already serves every look-up by candidate, and each stored match paid
for both.

The full-text index of profiles goes (PostgreSQL's `tsv` column, its trigger and GIN index;
SQLite's FTS5 table `candidate_fts` and its triggers): since 0009 every profile has its
`profile_keys`, which short-list every job, and the full-text query ran only where no profile
had any key. Filling it was a sixth of matching's database time per indexed candidate.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016_lighter_match_writes"
down_revision: str | None = "0015_inbound_attempts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_profile_keys_candidate_id_candidates"

PG_FUNCTION = (
    "CREATE FUNCTION profile_keys_follow_profile() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM profile_keys WHERE candidate_id = OLD.candidate_id; RETURN NULL; END $$"
)
PG_TRIGGER = (
    "CREATE TRIGGER candidate_profiles_keys AFTER DELETE ON candidate_profiles "
    "FOR EACH ROW EXECUTE FUNCTION profile_keys_follow_profile()"
)
# The full-text index as 0002_matching made it (for downgrade).
PG_TSV = (
    "CREATE TRIGGER candidate_profiles_tsv BEFORE INSERT OR UPDATE OF doc ON candidate_profiles "
    "FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(tsv, 'pg_catalog.english', doc)"
)
SQLITE_FTS = (
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
    "INSERT INTO candidate_fts(candidate_fts) VALUES ('rebuild')",
)
SQLITE_TRIGGER = (
    "CREATE TRIGGER candidate_profiles_keys AFTER DELETE ON candidate_profiles BEGIN "
    "DELETE FROM profile_keys WHERE candidate_id = OLD.candidate_id; END"
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    with op.batch_alter_table("profile_keys", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
    # keys of a profile already gone (none while the foreign key held; cheap to be sure)
    op.execute("DELETE FROM profile_keys WHERE candidate_id NOT IN "
                "(SELECT candidate_id FROM candidate_profiles)")
    if _postgresql():
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)
    with op.batch_alter_table("candidate_matches", schema=None) as batch_op:
        batch_op.drop_index("ix_candidate_matches_candidate_id")
    if _postgresql():
        op.execute("DROP TRIGGER IF EXISTS candidate_profiles_tsv ON candidate_profiles")
        op.execute("DROP INDEX IF EXISTS ix_candidate_profiles_tsv")
    else:
        for name in ("candidate_fts_ai", "candidate_fts_ad", "candidate_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS candidate_fts")
    op.execute("ALTER TABLE candidate_profiles DROP COLUMN tsv")  # SQLite 3.35+ can too


def downgrade() -> None:
    if _postgresql():
        op.execute("ALTER TABLE candidate_profiles ADD COLUMN tsv tsvector")
        op.execute(PG_TSV)
        op.execute("CREATE INDEX ix_candidate_profiles_tsv ON candidate_profiles USING gin (tsv)")
        op.execute("UPDATE candidate_profiles SET doc = doc")  # the trigger fills tsv
    else:
        op.execute("ALTER TABLE candidate_profiles ADD COLUMN tsv TEXT")
        for statement in SQLITE_FTS:
            op.execute(statement)
    with op.batch_alter_table("candidate_matches", schema=None) as batch_op:
        batch_op.create_index("ix_candidate_matches_candidate_id", ["candidate_id"])
    op.execute("DROP TRIGGER IF EXISTS candidate_profiles_keys"
               + (" ON candidate_profiles" if _postgresql() else ""))
    if _postgresql():
        op.execute("DROP FUNCTION IF EXISTS profile_keys_follow_profile()")
    op.execute("DELETE FROM profile_keys WHERE candidate_id NOT IN (SELECT id FROM candidates)")
    with op.batch_alter_table("profile_keys", schema=None) as batch_op:
        batch_op.create_foreign_key(FK, "candidates", ["candidate_id"], ["id"],
                                    ondelete="CASCADE")
