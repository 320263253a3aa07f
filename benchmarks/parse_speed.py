"""Parser speed and memory: median / p95 ms per résumé in one warm process.

Generates its own files (no real résumés): a 1-page and a 3-page text PDF, a DOCX and a
scanned page (rendered, rasterised, wrapped in a PDF), and prints each beside the bare
PyMuPDF `get_text()` time for the same PDF. Run: `.venv/bin/python benchmarks/parse_speed.py`.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.parser import parse_document
from tests.unit.parser import docgen


def _text_pdf(pages: int) -> bytes:
    body: list[str | tuple[str, float, bool]] = list(docgen.ONE_COLUMN)
    for i in range(12):
        body += [(f"Engineer Level {i}", 10.0, True), f"Company {i} Inc | 2010 - 2012",
                 "• Did a number of useful things for customers and teammates every week",
                 "• Improved reliability of the platform by measured amounts"]
    per_page = 52
    chunks = [body[i:i + per_page] for i in range(0, len(body), per_page)][:pages]
    while len(chunks) < pages:
        chunks.append(body[:per_page])
    return docgen.pdf([docgen.column(50, 50, chunk) for chunk in chunks])


def _full_scan() -> list[str | tuple[str, float, bool]]:
    """A page as full as a real résumé page (about 38 lines of text)."""
    lines: list[str | tuple[str, float, bool]] = list(docgen.SCAN_LINES)
    for i in range(7):
        lines += [(f"Shift Lead {i}", 11.0, True), f"Harbor Freight Co {i} | 2010 - 2012",
                  "- Coordinated inbound trucks and a team of twelve pickers",
                  "- Cut mis-picks by a third with a barcode check at packing"]
    return lines


def _docx() -> bytes:
    from tests.unit.parser.test_docx import BODY

    return docgen.docx_file(header=["Nadia Haddad", "nadia@example.com | 201-555-0148"],
                            body=BODY * 4)


def _time(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def _bare(data: bytes) -> Callable[[], object]:
    def run() -> object:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            return [page.get_text() for page in doc]
    return run


def main() -> None:
    cases = {
        "1-page text PDF": ("a.pdf", _text_pdf(1), 60),
        "3-page text PDF": ("b.pdf", _text_pdf(3), 40),
        "DOCX": ("c.docx", _docx(), 60),
        "scanned page (PDF)": ("d.pdf", docgen.scanned_pdf(docgen.scan_png(_full_scan())), 5),
    }
    print(f"{'case':22} {'median ms':>10} {'p95 ms':>8} {'bare PyMuPDF ms':>16} {'ratio':>6}")
    for label, (name, data, runs) in cases.items():
        med, p95 = _time(lambda d=data, n=name: parse_document(d, n), runs)
        bare = ""
        ratio = ""
        if name.endswith(".pdf") and "scanned" not in label:
            bmed, _ = _time(_bare(data), runs)
            bare, ratio = f"{bmed:.1f}", f"{med / bmed:.1f}x"
        print(f"{label:22} {med:10.1f} {p95:8.1f} {bare:>16} {ratio:>6}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
