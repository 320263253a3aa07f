"""The CLI door end to end: `hotgigs import DIR --wait` on the data dir of a running
`hotgigs serve` finds its private Redis, and the serve's workers do the parsing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.e2e.conftest import Serve
from tests.resumes import docx_resume, text_pdf


def test_import_wait_next_to_a_running_serve(start_serve: Callable[..., Serve],
                                             tmp_path: Path) -> None:
    serve = start_serve()
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "lee.pdf").write_bytes(text_pdf("Jin Lee", "jin@x.test"))
    (folder / "sub" / "omar.docx").write_bytes(docx_resume("Omar Haddad", "omar@x.test"))
    (folder / "notes.exe").write_bytes(b"MZ" + bytes(64))

    done = serve.hotgigs("import", str(folder), "--wait", "--json")
    assert done.returncode == 1, done.stderr  # one file failed: exit 1
    assert "processing in this process" not in done.stderr
    summary = json.loads(done.stdout)
    assert (summary["submitted"], summary["parsed"], summary["created"]) == (3, 2, 2)
    failed = [i for i in summary["items"] if i["status"] == "failed"]
    assert [(i["filename"], i["reason"]) for i in failed] == [
        ("notes.exe", "not a resume file type: .exe")]
    assert serve.candidate_names() == ["Jin Lee", "Omar Haddad"]
