"""Safe ZIP expansion for intake: every entry either comes out as a file or with a reason.

Archives come from strangers, so nothing in them is trusted: paths (absolute, `..`), counts,
sizes (declared sizes can lie, so reads are capped), compression ratios typical of zip bombs,
nesting (one archive inside another is opened; deeper ones are refused) and encryption.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from pipeline.errors import Rejected

MB = 1024 * 1024
_DOCUMENT_MARKERS = ("word/document.xml", "content.xml")  # DOCX / ODT are ZIPs too


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 500
    max_total: int = 200 * MB
    max_file: int = 20 * MB
    max_ratio: float = 100.0
    max_depth: int = 1  # archives inside the archive are opened this many levels deep


@dataclass
class Expansion:
    files: list[tuple[str, bytes]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # OS metadata (__MACOSX, ._*), not files
    total: int = 0


def is_zip_archive(data: bytes) -> bool:
    """A ZIP that is an archive of files, not a DOCX/ODT document (which are ZIPs too)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return not any(marker in names for marker in _DOCUMENT_MARKERS)


def _unsafe_path(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":")


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes | None:
    """The entry's bytes, or None when it inflates past `cap` whatever its header says."""
    with archive.open(info) as stream:
        data = stream.read(cap + 1)
    return None if len(data) > cap else data


def expand_zip(data: bytes, limits: ZipLimits, prefix: str = "", depth: int = 0,
               out: Expansion | None = None) -> Expansion:
    """Expand `data`; raises `Rejected` only for a whole-archive problem (corrupt, encrypted)."""
    out = out or Expansion()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise Rejected("corrupt ZIP archive") from None
    with archive:
        entries = [i for i in archive.infolist() if not i.is_dir()]
        if any(i.flag_bits & 0x1 for i in entries):
            raise Rejected("encrypted ZIP archive: send it without a password")
        for info in entries:
            name = prefix + info.filename
            base = PurePosixPath(info.filename).name
            if "__MACOSX/" in info.filename or base.startswith("._") or base == ".DS_Store":
                out.skipped.append(name)
                continue
            reason = _entry_problem(info, name, out, limits)
            if reason:
                out.refused.append((name, reason))
                continue
            cap = min(limits.max_file, limits.max_total - out.total)
            try:
                content = _read_capped(archive, info, cap)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
                out.refused.append((name, f"corrupt archive entry: {exc}"))
                continue
            if content is None:
                out.refused.append((name, "archive entry inflates past the size limit"))
                continue
            if is_zip_archive(content):
                if depth + 1 > limits.max_depth:
                    out.refused.append((name, "archive nested too deep"))
                    continue
                try:
                    expand_zip(content, limits, f"{name}/", depth + 1, out)
                except Rejected as exc:
                    out.refused.append((name, exc.reason))
                continue
            out.total += len(content)
            out.files.append((name, content))
    return out


def _entry_problem(info: zipfile.ZipInfo, name: str, out: Expansion,
                   limits: ZipLimits) -> str | None:
    if _unsafe_path(info.filename):
        return "unsafe path in archive (absolute or '..')"
    if len(out.files) >= limits.max_entries:
        return f"archive has more than {limits.max_entries} files"
    if info.file_size > limits.max_file:
        return f"file too large: {info.file_size // MB} MB (limit {limits.max_file // MB} MB)"
    if out.total + info.file_size > limits.max_total:
        return f"archive exceeds {limits.max_total // MB} MB uncompressed"
    if info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
        return "compression ratio typical of a zip bomb"
    return None
