"""`hotgigs job add` then `hotgigs match <slug> --json`, as an operator runs them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from matching.score import WEIGHTS
from tests.resumes import text_pdf


def _run(env: dict[str, str], *args: str, code: int = 0) -> str:
    result = subprocess.run([sys.executable, "-m", "hotgigs", *args], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == code, result.stderr
    return result.stdout


def test_job_add_then_match_by_slug_and_free_text(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HOTGIGS_", "DATABASE_URL", "REDIS_URL"))}
    env.update(HOTGIGS_DATA_DIR=str(tmp_path / "data"),
               HOTGIGS_ENCRYPTION_KEY="Bml7ZV7WczmJQj2kdJ_lRxeIC-EgA7XpaG5_Qx7-9Bc=")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ann.pdf").write_bytes(text_pdf("Ann Lee", "ann@x.test", skills="Python, SQL"))
    (inbox / "bo.pdf").write_bytes(text_pdf("Bo Chan", "bo@x.test", title="Accountant",
                                            company="Ledger Ltd", skills="QuickBooks, Excel"))
    _run(env, "import", str(inbox), "--wait", "--json")  # no Redis: parsed in-process
    jd = tmp_path / "jd.txt"
    jd.write_text("Requirements:\n- 3+ years of experience\n- Python and SQL\n"
                  "Nice to have: Docker\n")
    added = json.loads(_run(env, "job", "add", "--title", "Software Engineer", "--file", str(jd),
                            "--location", "Leeds, UK", "--json"))
    assert added["slug"] == "software-engineer"
    assert added["required_skills"] == ["Python", "SQL"] and added["min_years"] == 3

    out = json.loads(_run(env, "match", "software-engineer", "--json", "--top", "5"))
    # the accountant shares no skill and no word with this job: the pre-filter leaves him out
    assert [m["name"] for m in out["matches"]] == ["Ann Lee"]
    best = out["matches"][0]
    assert best["rank"] == 1 and 0 < best["score"] <= 100
    assert "2/2 required skills" in best["reason"] and "3+ asked" in best["reason"]
    # the parts this job names (seniority none, too few candidates for feedback), those the
    # tuned weights count
    named = {"required", "nice", "text", "title", "occupation", "years", "location", "focus"}
    assert set(best["parts"]) == {p for p in named if WEIGHTS[p] > 0}

    free = json.loads(_run(env, "match", "Accountant with QuickBooks", "--json"))
    assert free["job"] == "free text" and free["matches"][0]["name"] == "Bo Chan"

    # every candidate a match showed is in the audit log, with what was asked
    with sqlite3.connect(tmp_path / "data" / "hotgigs.sqlite3") as db:
        shown = db.execute("SELECT candidate_id, source, detail FROM audit_log "
                           "WHERE action = 'matched' ORDER BY id").fetchall()
    assert [(row[0], row[1]) for row in shown] == [
        (best["candidate_id"], "cli"), (free["matches"][0]["candidate_id"], "cli")]
    assert json.loads(shown[0][2]) == {"job": "software-engineer"}

    listed = json.loads(_run(env, "job", "list", "--json"))
    assert [j["slug"] for j in listed] == ["software-engineer"]
    _run(env, "job", "close", "software-engineer")
    assert json.loads(_run(env, "job", "list", "--json")) == []
    _run(env, "match", "--owner", "nobody@x.test", "software-engineer", code=2)
