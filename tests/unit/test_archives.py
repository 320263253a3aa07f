"""ZIP safety: each refused entry gets a reason, and the rest of the archive comes out."""

from __future__ import annotations

import zipfile

import pytest

from pipeline.archives import ZipLimits, expand_zip, is_zip_archive
from pipeline.errors import Rejected
from tests.resumes import text_pdf, zip_of


def test_plain_entries_come_out_and_os_junk_is_skipped() -> None:
    data = zip_of({"a.pdf": text_pdf("Ann Lee"), "dir/b.txt": b"Bob Stone\nbob@x.example",
                   "__MACOSX/._a.pdf": b"junk", ".DS_Store": b"junk"})
    out = expand_zip(data, ZipLimits())
    assert [name for name, _ in out.files] == ["a.pdf", "dir/b.txt"]
    assert out.refused == []
    assert len(out.skipped) == 2


def test_traversal_and_absolute_paths_are_refused() -> None:
    data = zip_of({"../../etc/evil.pdf": b"x" * 10, "/abs/cv.txt": b"y" * 10, "ok.txt": b"fine"})
    out = expand_zip(data, ZipLimits())
    assert [name for name, _ in out.files] == ["ok.txt"]
    reasons = dict(out.refused)
    assert "unsafe path" in reasons["../../etc/evil.pdf"]
    assert "unsafe path" in reasons["/abs/cv.txt"]


def test_one_level_of_nesting_is_opened_and_deeper_is_refused() -> None:
    inner = zip_of({"deep.txt": b"deep"})
    middle = zip_of({"inner.zip": inner, "mid.txt": b"middle"})
    outer = zip_of({"middle.zip": middle, "top.txt": b"top"})
    out = expand_zip(outer, ZipLimits())
    names = [name for name, _ in out.files]
    assert "top.txt" in names and "middle.zip/mid.txt" in names
    assert not any("deep.txt" in n for n in names)
    assert dict(out.refused)["middle.zip/inner.zip"] == "archive nested too deep"


def test_zip_bomb_ratio_and_sizes_are_refused() -> None:
    bomb = zip_of({"bomb.txt": b"0" * (5 * 1024 * 1024), "cv.txt": b"Real resume text here"})
    out = expand_zip(bomb, ZipLimits())
    assert dict(out.refused)["bomb.txt"] == "compression ratio typical of a zip bomb"
    assert [name for name, _ in out.files] == ["cv.txt"]
    stored = zip_of({"big.txt": b"x" * 2000, "small.txt": b"x" * 10},
                    compression=zipfile.ZIP_STORED)
    out = expand_zip(stored, ZipLimits(max_file=1000))
    assert "file too large" in dict(out.refused)["big.txt"]
    out = expand_zip(stored, ZipLimits(max_total=1500))
    assert "exceeds" in dict(out.refused)["big.txt"]


def test_entry_count_limit() -> None:
    data = zip_of({f"cv{i}.txt": f"resume {i}".encode() for i in range(5)})
    out = expand_zip(data, ZipLimits(max_entries=3))
    assert len(out.files) == 3
    assert [reason for _, reason in out.refused] == ["archive has more than 3 files"] * 2


def test_an_encrypted_zip_is_refused_as_a_whole() -> None:
    data = bytearray(zip_of({"cv.pdf": b"ciphertext"}, compression=zipfile.ZIP_STORED))
    # set the "encrypted" flag bit in the local and central headers, as ZipCrypto tools do
    data[data.index(b"PK\x03\x04") + 6] |= 0x1
    data[data.index(b"PK\x01\x02") + 8] |= 0x1
    with pytest.raises(Rejected, match="encrypted ZIP"):
        expand_zip(bytes(data), ZipLimits())


def test_docx_is_a_document_not_an_archive() -> None:
    docx_like = zip_of({"word/document.xml": b"<w:document/>", "[Content_Types].xml": b"<x/>"})
    assert not is_zip_archive(docx_like)
    assert is_zip_archive(zip_of({"a.txt": b"a"}))
    with pytest.raises(Rejected, match="corrupt ZIP"):
        expand_zip(b"PK\x03\x04 broken", ZipLimits())
