"""`hotgigs token create/list/revoke` as an operator runs them, against the API they unlock."""

from __future__ import annotations

import json
import subprocess
import sys

from storage.api_tokens import verify_token
from storage.models import ApiToken
from tests.helpers import cli_env
from tests.integration.api_support import ANN, api_server, bearer, is_problem
from tests.integration.pipeline_harness import Harness


def hotgigs(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hotgigs", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_token_create_list_revoke(harness: Harness) -> None:
    env = cli_env(harness.settings, harness.settings.effective_database_url)
    made = hotgigs(env, "token", "create", "--owner", " Ann@Agency.test ", "--name", "ATS sync")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("hg_") and len(secret) > 40
    assert "not shown again" in made.stderr
    hotgigs(env, "token", "create", "--owner", "bob@other.test")

    # only a hash is stored; the token speaks for its owner
    with harness.services.db.session() as session:
        stored = {t.token_hash for t in session.query(ApiToken)}
    assert secret not in str(stored)
    owner = verify_token(harness.services.db, secret)
    assert owner is not None and owner.identity == ANN

    listed = hotgigs(env, "token", "list", "--owner", ANN, "--json")
    assert listed.returncode == 0, listed.stderr
    (row,) = json.loads(listed.stdout)
    assert row["owner"] == ANN and row["name"] == "ATS sync" and row["revoked_at"] is None
    assert secret.startswith(row["prefix"]) and len(row["prefix"]) < len(secret) // 2
    assert len(json.loads(hotgigs(env, "token", "list", "--json").stdout)) == 2

    with api_server(harness.services) as client:
        assert client.get("/api/v1/jobs", headers=bearer(secret)).status_code == 200
        revoked = hotgigs(env, "token", "revoke", row["prefix"])
        assert revoked.returncode == 0 and "revoked" in revoked.stdout, revoked.stderr
        is_problem(client.get("/api/v1/jobs", headers=bearer(secret)), 401)
    again = json.loads(hotgigs(env, "token", "list", "--owner", ANN, "--json").stdout)
    assert again[0]["revoked_at"] is not None and again[0]["last_used_at"] is not None

    unknown = hotgigs(env, "token", "revoke", "hg_nothing")
    assert unknown.returncode == 2 and "no token" in unknown.stderr
    bad = hotgigs(env, "token", "create", "--owner", "not-an-address")
    assert bad.returncode == 2 and "not an email address" in bad.stderr
