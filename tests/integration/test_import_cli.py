"""`hotgigs import DIR --wait --json` as an operator runs it, through a real worker."""

from __future__ import annotations

import json
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
