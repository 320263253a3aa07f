"""Tesseract OCR for images and for PDF pages without a usable text layer.

Settings follow what was measured on this hardware (DESIGN.md): one OpenMP thread, a
grayscale render near 200 dpi, LSTM engine with automatic page segmentation. A page that reads
as garbage is checked with orientation detection (OSD) and read again after rotating.
"""

from __future__ import annotations

import io
import os
import shutil
from typing import Any

import pymupdf

from pipeline.errors import Rejected
from pipeline.metrics import timed
from pipeline.parser.lines import Extracted, Line, clean_text, is_caps

DPI = 200
CONFIG = "--oem 1 --psm 3"
_MIN_CONF = 55.0


def available() -> bool:
    """Whether the tesseract binary is installed (OCR is skipped with a warning otherwise)."""
    return shutil.which("tesseract") is not None


def _read(image: Any) -> tuple[list[Line], float]:
    import pytesseract

    data = pytesseract.image_to_data(image, config=CONFIG, output_type=pytesseract.Output.DICT)
    rows: dict[tuple[int, int, int], list[int]] = {}
    confs: list[float] = []
    for i, word in enumerate(data["text"]):
        if not str(word).strip():
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        rows.setdefault(key, []).append(i)
        conf = float(data["conf"][i])
        if conf >= 0:
            confs.append(conf)
    lines: list[Line] = []
    prev_block = None
    for key, idx in rows.items():
        text = clean_text(" ".join(str(data["text"][i]) for i in idx))
        if not text:
            continue
        height = max(int(data["height"][i]) for i in idx)
        # px at DPI → points, so sizes compare with text-layer PDFs
        lines.append(Line(text, size=round(height * 72 / DPI * 1.3, 1),
                          block_start=key[0] != prev_block, caps=is_caps(text)))
        prev_block = key[0]
    mean = sum(confs) / len(confs) if confs else 0.0
    return lines, mean


def _rotation(image: Any) -> int:
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(image, config="--psm 0", output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:
        return 0
    return int(osd.get("rotate", 0))


def ocr_image(image: Any) -> list[Line]:
    """OCR one PIL image; when the result looks poor, detect orientation and retry."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with timed("ocr"):
        image = image.convert("L")
        lines, conf = _read(image)
        if conf < _MIN_CONF or len(lines) < 3:
            angle = _rotation(image)
            if angle:
                rotated = image.rotate(-angle, expand=True)
                lines2, conf2 = _read(rotated)
                if conf2 > conf:
                    lines = lines2
    return lines


def ocr_pdf_page(page: pymupdf.Page, pno: int) -> list[Line]:
    """Render a PDF page in grayscale and OCR it; [] when tesseract is missing."""
    if not available():
        return []
    from PIL import Image

    pix = page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    return [Line(ln.text, size=ln.size, page=pno, block_start=ln.block_start, caps=ln.caps)
            for ln in ocr_image(image)]


def extract_image(data: bytes) -> Extracted:
    """OCR an image file (PNG, JPEG, TIFF…), one page per frame."""
    if not available():
        raise Rejected("image resume needs OCR, but tesseract is not installed")
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        frames = [f.copy() for f in ImageSequence.Iterator(img)]
    except (UnidentifiedImageError, OSError) as exc:
        raise Rejected(f"corrupt image: {str(exc)[:80]}") from None
    if len(frames) > 50:
        raise Rejected(f"file too large: {len(frames)} pages (limit 50)")
    lines: list[Line] = []
    for pno, frame in enumerate(frames):
        for ln in ocr_image(frame):
            lines.append(Line(ln.text, size=ln.size, page=pno, block_start=ln.block_start,
                              caps=ln.caps))
    return Extracted(lines, len(frames), "tesseract", ocr_used=True)
