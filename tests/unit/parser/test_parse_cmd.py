"""`hotgigs parse`: JSON per file, JSONL with a `file` key for several, errors inline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hotgigs.cli.parse import run_parse
from tests.unit.parser import docgen


def test_jsonl_with_a_failing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.pdf"
    good.write_bytes(docgen.one_column_pdf())
    bad = tmp_path / "bad.exe"
    bad.write_bytes(b"MZ\x90\x00binary\x00\x00")
    code = run_parse([good, bad], as_json=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    first, second = (json.loads(x) for x in lines)
    assert first["file"] == str(good)
    assert first["name"] == "Priya Ramanathan"
    assert second == {"file": str(bad), "error": "not a resume file type: .exe"}


def test_single_file_json_and_summary(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.pdf"
    good.write_bytes(docgen.one_column_pdf())
    assert run_parse([good], as_json=True) == 0
    obj = json.loads(capsys.readouterr().out)
    assert "file" not in obj and obj["email"] == "priya.r@example.org"
    assert run_parse([good], as_json=False) == 0
    out = capsys.readouterr().out
    assert "Priya Ramanathan" in out and "Senior Software Engineer" in out
