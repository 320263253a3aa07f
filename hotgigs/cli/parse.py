"""`hotgigs parse FILE... [--json]`: run the parser locally, no database, no queue.

Useful to check what the bot would extract from a file, and the input format of the parser
benchmark scorer (one JSON object per line with a `file` key when several files are given).
"""

from __future__ import annotations

import json
import pathlib
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from hotgigs.cli.support import settings_or_exit

if TYPE_CHECKING:
    from pipeline.models import ParsedResume


def parse(
    files: Annotated[list[pathlib.Path],
                     typer.Argument(help="resume files", exists=True, dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="print DESIGN.md JSON")] = False,
) -> None:
    """Parse files locally (no database, no Redis) and print what was found."""
    from pipeline.parser import span_model

    settings = settings_or_exit()
    span_model.configure(settings.span_model_dir())
    raise typer.Exit(run_parse(files, as_json, default_region=settings.default_phone_region))


def _summary(path: pathlib.Path, res: ParsedResume) -> str:
    lines = [f"{path}: {res.name or '(no name)'}"]
    contact = " · ".join(x for x in (res.email, res.phone, res.location) if x)
    if contact:
        lines.append(f"  contact: {contact}")
    for e in res.experience[:5]:
        span = f"{e.start_date or '?'} – {e.end_date or '?'}"
        lines.append(f"  job: {e.title or '?'} @ {e.company or '?'} ({span})")
    for ed in res.education[:3]:
        lines.append(f"  edu: {ed.degree or '?'} — {ed.institution or '?'} "
                     f"{ed.graduation_date or ''}".rstrip())
    if res.skills:
        lines.append(f"  skills: {', '.join(res.skills[:15])}")
    if res.certifications:
        lines.append(f"  certifications: {'; '.join(res.certifications)}")
    if res.meta.warnings:
        lines.append(f"  warnings: {'; '.join(res.meta.warnings)}")
    return "\n".join(lines)


def run_parse(files: list[pathlib.Path], as_json: bool, *, default_region: str = "US") -> int:
    """Parse each file and print the result; returns 1 when any file failed, else 0."""
    from pipeline.errors import Rejected
    from pipeline.parser import parse_document

    failed = False
    several = len(files) > 1
    for path in files:
        try:
            res = parse_document(path.read_bytes(), path.name, default_region=default_region)
        except (Rejected, OSError) as exc:
            failed = True
            reason = exc.reason if isinstance(exc, Rejected) else f"cannot read file: {exc}"
            if as_json:
                print(json.dumps({"file": str(path), "error": reason}), flush=True)
            else:
                print(f"{path}: FAILED: {reason}", file=sys.stderr, flush=True)
            continue
        if as_json:
            if several:
                obj = {"file": str(path), **json.loads(res.model_dump_json())}
                print(json.dumps(obj, ensure_ascii=False), flush=True)
            else:
                print(res.model_dump_json(), flush=True)
        else:
            print(_summary(path, res), flush=True)
    return 1 if failed else 0
