"""`hotgigs import DIR --wait --json` as an operator runs it, through a real worker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.integration.pipeline_harness import Harness
from tests.resumes import docx_resume, password_pdf, scanned_pdf, text_pdf, zip_of


def _folder(root: Path) -> Path:
    folder = root / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "lee.pdf").write_bytes(text_pdf("Jin Lee", "jin@x.test"))
    (folder / "sub" / "omar.docx").write_bytes(docx_resume("Omar Haddad", "omar@x.test"))
    (folder / "scan.pdf").write_bytes(scanned_pdf("Ana Silva", "ana@x.test"))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.5\nnot really")
    (folder / "locked.pdf").write_bytes(password_pdf("Lock Ed", "lock@x.test"))
    (folder / "more.zip").write_bytes(zip_of({"kim.pdf": text_pdf("Kim Park", "kim@x.test"),
                                             "notes.exe": b"MZ" + bytes(64)}))
    (folder / ".hidden.pdf").write_bytes(b"skipped")
    return folder


def _import(h: Harness, folder: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-m", "hotgigs", "import", str(folder), "--wait", "--json"],
        env=h.env(), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stderr  # some files failed: exit 1
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_every_file_is_accounted_for_and_a_reimport_creates_nothing(
    pg_harness: Harness, tmp_path: Path
) -> None:
    harness = pg_harness
    folder = _folder(tmp_path)
    harness.start_worker(log=tmp_path / "worker.log")
    first = _import(harness, folder)
    assert first["submitted"] == 7
    assert first["parsed"] + first["failed"] == first["submitted"]  # type: ignore[operator]
    assert first["parsed"] == 4 and first["created"] == 4
    items = {i["filename"]: i for i in first["items"]}  # type: ignore[attr-defined]
    assert all(i["reason"] for i in items.values() if i["status"] == "failed")
    assert items["locked.pdf"]["reason"] == "password-protected PDF"
    assert items["more.zip/notes.exe"]["reason"] == "not a resume file type: .exe"
    assert ".hidden.pdf" not in items

    second = _import(harness, folder)
    assert second["created"] == 0
    assert second["duplicates"] == 4
    assert harness.candidate_count() == 4


def test_cli_import_applies_the_file_and_zip_limits_of_the_settings(tmp_path: Path) -> None:
    """HOTGIGS_MAX_FILE_MB and HOTGIGS_ZIP_MAX_ENTRIES hold for `hotgigs import` too (in
    process here: no Redis), as for the email and Slack doors."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "three.zip").write_bytes(zip_of({
        f"p{n}.pdf": text_pdf(f"Person {n}", f"p{n}@x.test") for n in range(3)}))
    (folder / "huge.txt").write_bytes(b"Resume\n" + b"x" * (3 * 1024 * 1024 // 2))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HOTGIGS_", "DATABASE_URL", "REDIS_URL"))}
    env.update(HOTGIGS_DATA_DIR=str(tmp_path / "var"), HOTGIGS_MAX_FILE_MB="1",
               HOTGIGS_ZIP_MAX_ENTRIES="2", HOTGIGS_SPAN_MODEL="off")
    result = subprocess.run([sys.executable, "-m", "hotgigs", "import", str(folder), "--json"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    items = {i["filename"]: i for i in json.loads(result.stdout)["items"]}
    assert items["huge.txt"]["reason"].startswith("file too large"), items["huge.txt"]
    refused = [i for name, i in items.items() if name.startswith("three.zip/")
               and i["status"] == "failed"]
    assert [i["reason"] for i in refused] == ["archive has more than 2 files"]
    assert sum(1 for i in items.values() if i["status"] == "parsed") == 2
