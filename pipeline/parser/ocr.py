"""Tesseract OCR for images and for PDF pages without a usable text layer, read with layout.

Tesseract's word boxes are turned into the same blocks of positioned lines that PyMuPDF gives
for a typed PDF, and `layout` puts them in reading order; so a scan keeps its columns,
sidebars, right-aligned dates, text sizes (from box heights) and bold headings (from ink
density), and goes through the same field rules. The page's skew is measured from the word
baselines and taken out of the coordinates (Tesseract itself reads a few degrees of skew
well). Words Tesseract is unsure of and that hold no letter or digit are dropped as specks.

Settings follow what was measured on this hardware (DESIGN.md): one OpenMP thread, a
grayscale render near 200 dpi, LSTM engine with automatic page segmentation. Text too small
for that resolution is read again enlarged. A page read with little confidence is checked
with orientation and script detection (OSD) and read again rotated, or with its script's
model; a name line read with little confidence is read again with the other models.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import re
import shutil
import statistics
from dataclasses import dataclass
from functools import cache
from typing import Any

import pymupdf

from pipeline.errors import Rejected
from pipeline.metrics import timed
from pipeline.parser.layout import Block, RawLine, document_layout, page_lines
from pipeline.parser.lines import ExtractedDocument, Line, clean_text

DPI = 200
CONFIG = "--oem 1 --psm 3"
_ONE_LINE = "--oem 1 --psm 7"  # a crop holding a single line of text
# a page read with less mean confidence than this is checked for rotation and script
_CHECK_SCRIPT_CONF = 75.0
_SPECK_CONF = 40.0
# a word box's height in px → a font size in points comparable with text-layer PDFs
_SIZE_FACTOR = 1.3
# a line whose ink is this much denser than the page's typical line is set in bold
_BOLD_INK = 1.22
# a name read with less confidence than this is read again with other languages' models,
# and a reading must beat the English one by this much to replace it
_SURE_NAME = 93.0
_BETTER_BY = 3.0
_NAME_LANGUAGES = ("deu+fra+spa+por+ita+nld+pol", "rus", "ell", "chi_sim", "jpn")
_SCRIPT_OF = {
    "rus": re.compile(r"[\u0400-\u04ff]"), "ell": re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"),
    "chi_sim": re.compile(r"[\u3400-\u9fff]"), "jpn": re.compile(r"[\u3040-\u30ff\u3400-\u9fff]"),
}
_LETTER_BULLETS = {"e", "o", "«e"}
# word box heights in px: below the first, text is read again enlarged towards the second
_SMALL_TEXT_PX = 16
_GOOD_TEXT_PX = 26
_MAX_SCALE = 2.5
_SCRIPT_LANGUAGES = {"Japanese": "jpn", "Katakana": "jpn", "Hiragana": "jpn", "Han": "chi_sim",
                     "Cyrillic": "rus", "Greek": "ell"}
_BULLET_MISREADS = {"«", "»", "*", "©", "®", "¢", "°", "■", "●"}


@dataclass
class _Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    key: tuple[int, int, int]  # Tesseract's block, paragraph, line


def available() -> bool:
    """Whether the tesseract binary is installed (OCR is skipped with a warning otherwise)."""
    return shutil.which("tesseract") is not None


def _words(image: Any, lang: str = "eng", config: str = CONFIG) -> list[_Word]:
    import pytesseract

    data = pytesseract.image_to_data(image, lang=lang, config=config,
                                     output_type=pytesseract.Output.DICT)
    out: list[_Word] = []
    for i, raw in enumerate(data["text"]):
        text = clean_text(str(raw))
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        if conf < _SPECK_CONF and not any(ch.isalnum() for ch in text):
            continue  # a speck or a scratch read as punctuation
        out.append(_Word(text, int(data["left"][i]), int(data["top"][i]), int(data["width"][i]),
                         int(data["height"][i]), conf,
                         (data["block_num"][i], data["par_num"][i], data["line_num"][i])))
    return out


@cache
def _installed_models() -> tuple[str, ...]:
    """Our other language sets (`_NAME_LANGUAGES`) as far as their models are installed."""
    import pytesseract

    try:
        installed = set(pytesseract.get_languages(config=""))
    except pytesseract.TesseractError:
        return ()
    out = []
    for wanted in _NAME_LANGUAGES:
        have = [lang for lang in wanted.split("+") if lang in installed]
        if have:
            out.append("+".join(have))
    return tuple(out)


def _reread_name(image: Any, words: list[_Word]) -> list[_Word]:
    """Read the largest line near the top (the name) again in other scripts' models.

    English-trained Tesseract reads "Zoë Müller" as "Zoé Miller" and "Анна" as "AHHa"; the
    page is mostly Latin, so orientation/script detection does not help. The crop of that one
    line is read by each installed language set and the most confident reading is kept.
    """
    top = [w for w in words if w.top < image.height * 0.3]
    if not top or not _installed_models():
        return words
    big = max(top, key=lambda w: w.height)
    line = [w for w in words if w.key == big.key]
    base = statistics.fmean(w.conf for w in line)
    if base >= _SURE_NAME or big.height < 1.3 * statistics.median(w.height for w in words):
        return words
    x0, y0 = min(w.left for w in line), min(w.top for w in line)
    x1 = max(w.left + w.width for w in line)
    y1 = max(w.top + w.height for w in line)
    crop = _framed(image, (x0, y0, x1, y1))
    best: tuple[float, str] = (base + _BETTER_BY, "")
    for langs in _installed_models():
        read = _words(crop, langs, _ONE_LINE)
        conf = statistics.fmean(w.conf for w in read) if read else 0.0
        text = " ".join(w.text for w in read)
        # another script's model counts only when it read that script (the CJK models also
        # read Latin letters, without their accents)
        script = _SCRIPT_OF.get(langs)
        if script and not script.search(text):
            continue
        if conf > best[0]:
            best = (conf, text)
    if not best[1]:
        return words
    merged = _Word(best[1], x0, y0, x1 - x0, y1 - y0, best[0], big.key)
    return [w for w in words if w.key != big.key] + [merged]


def _framed(image: Any, box: tuple[int, int, int, int]) -> Any:
    """The box cut out close, on a white margin (a loose crop catches the lines around it)."""
    from PIL import Image

    x0, y0, x1, y1 = box
    tight = (y1 - y0) // 4
    margin = (y1 - y0) // 3
    cut = image.crop((max(0, x0 - tight), max(0, y0 - tight), x1 + tight, y1 + tight))
    framed = Image.new("L", (cut.width + 2 * margin, cut.height + 2 * margin), 255)
    framed.paste(cut, (margin, margin))
    return framed


def _skew(lines: dict[tuple[int, int, int], list[_Word]]) -> float:
    """The page's skew in radians: the median slope of the word baselines along each line."""
    slopes: list[float] = []
    for words in lines.values():
        if len(words) < 3:
            continue
        first, last = words[0], words[-1]
        dx = (last.left + last.width / 2) - (first.left + first.width / 2)
        if dx > 100:
            slopes.append(((last.top + last.height) - (first.top + first.height)) / dx)
    return math.atan(statistics.median(slopes)) if slopes else 0.0


def _ink(gray: Any, words: list[_Word]) -> float:
    """Share of dark pixels inside a line's word boxes (bold strokes are thicker)."""
    dark = total = 0
    for w in words:
        box = gray.crop((w.left, w.top, w.left + w.width, w.top + w.height))
        hist = box.histogram()
        dark += sum(hist[:128])
        total += w.width * w.height
    return dark / total if total else 0.0


def _blocks(image: Any, words: list[_Word], dpi: int, cjk: bool = False) -> list[Block]:
    """Tesseract's paragraphs as layout blocks, in points, with the skew taken out."""
    by_line: dict[tuple[int, int, int], list[_Word]] = {}
    for w in words:
        by_line.setdefault(w.key, []).append(w)
    for ws in by_line.values():
        ws.sort(key=lambda w: w.left)
    angle = _skew(by_line)
    cos, sin = math.cos(-angle), math.sin(-angle)
    scale = 72 / dpi
    inks = {key: _ink(image, ws) for key, ws in by_line.items()}
    typical = statistics.median(inks.values()) if inks else 0.0
    blocks: dict[tuple[int, int], Block] = {}
    for key, ws in by_line.items():
        x0 = min(w.left for w in ws)
        x1 = max(w.left + w.width for w in ws)
        y0 = min(w.top for w in ws)
        y1 = max(w.top + w.height for w in ws)
        # rotate the line's box back around the page's origin (small angles: shift only)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        rx, ry = cx * cos - cy * sin, cx * sin + cy * cos
        dx, dy = rx - cx, ry - cy
        height = statistics.median(w.height for w in ws)
        text = _join(ws, cjk)
        raw = RawLine(text, (x0 + dx) * scale, (y0 + dy) * scale, (x1 + dx) * scale,
                      (y1 + dy) * scale, bool(typical) and inks[key] > typical * _BOLD_INK,
                      round(height * scale * _SIZE_FACTOR, 1))
        block = blocks.setdefault(key[:2], Block(raw.x0, raw.y0, raw.x1, raw.y1, []))
        block.lines.append(raw)
        block.x0, block.y0 = min(block.x0, raw.x0), min(block.y0, raw.y0)
        block.x1, block.y1 = max(block.x1, raw.x1), max(block.y1, raw.y1)
    return list(blocks.values())


def _join(words: list[_Word], cjk: bool = False) -> str:
    """A line's words; a wide gap (a tab stop, a right-aligned date) becomes a tab. On a
    Chinese or Japanese page, characters set close together ("2 0 1 1 年") are one word."""
    parts = [_bullet(words[0], True)]
    for prev, cur in itertools.pairwise(words):
        gap = cur.left - (prev.left + prev.width)
        height = max(prev.height, cur.height)
        close = cjk and gap < 0.4 * height
        parts.append("\t" if gap > 2.5 * height else "" if close else " ")
        parts.append(_bullet(cur, gap > 1.2 * height))
    return "".join(parts)


def _bullet(word: _Word, set_apart: bool) -> str:
    """A bullet or a dot separator, which Tesseract often reads as «, *, © or °, and as a
    lone "e" or "o" where it starts a line or stands apart (not the Portuguese "e")."""
    if word.text in _BULLET_MISREADS or (set_apart and word.text in _LETTER_BULLETS):
        return "•"
    return word.text


def _sharper(image: Any, words: list[_Word], dpi: int,
             lang: str = "eng") -> tuple[Any, list[_Word], int]:
    """Text too small for Tesseract (a low-resolution scan, small print) read again enlarged
    to about the height it reads best at; the more confident reading is kept."""
    if not words:
        return image, words, dpi
    height = statistics.median(w.height for w in words)
    if height >= _SMALL_TEXT_PX:
        return image, words, dpi
    scale = min(_MAX_SCALE, _GOOD_TEXT_PX / max(height, 1))
    from PIL import Image

    bigger = image.resize((round(image.width * scale), round(image.height * scale)),
                          Image.Resampling.LANCZOS)
    again = _words(bigger, lang)
    if again and statistics.fmean(w.conf for w in again) > statistics.fmean(
            w.conf for w in words):
        return bigger, again, round(dpi * scale)
    return image, words, dpi


def _read(image: Any, pno: int, dpi: int, lang: str = "eng",
          ) -> tuple[list[Line], str, float]:
    image, words, dpi = _sharper(image, _words(image, lang), dpi, lang)
    if pno == 0 and words and lang == "eng":
        words = _reread_name(image, words)
    mean = statistics.fmean(w.conf for w in words) if words else 0.0
    width = image.width * 72 / dpi
    cjk = lang.split("+")[0] in {"jpn", "chi_sim"}
    lines, layout = page_lines(_blocks(image, words, dpi, cjk), width, pno, tolerance=4.0)
    return lines, layout, mean


def _orientation(image: Any) -> tuple[int, str]:
    """Tesseract's orientation and script detection: (degrees to rotate, script name)."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(image, config="--psm 0", output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:
        return 0, ""
    return int(osd.get("rotate", 0)), str(osd.get("script", ""))


def _language_for(script: str) -> str | None:
    """The installed Tesseract languages for a page in `script` (None: English will do)."""
    wanted = _SCRIPT_LANGUAGES.get(script)
    if wanted is None or wanted not in _installed_models():
        return None
    return f"{wanted}+eng"


def ocr_image(image: Any, pno: int = 0, dpi: int = DPI) -> tuple[list[Line], str]:
    """OCR one PIL image into lines and a layout.

    A page read with little confidence is checked with orientation and script detection
    (OSD): it is read again after rotating, and a page in another script (Japanese, Chinese,
    Cyrillic, Greek) is read again with that script's model.
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with timed("ocr"):
        image = image.convert("L")
        lines, layout, conf = _read(image, pno, dpi)
        if conf < _CHECK_SCRIPT_CONF or len(lines) < 3:
            angle, script = _orientation(image)
            lang = _language_for(script) or "eng"
            if angle or lang != "eng":
                turned = image.rotate(-angle, expand=True) if angle else image
                lines2, layout2, conf2 = _read(turned, pno, dpi, lang)
                if conf2 > conf or (lang != "eng" and lines2):
                    lines, layout = lines2, layout2
    return lines, layout


def ocr_pdf_page(page: pymupdf.Page, pno: int) -> tuple[list[Line], str]:
    """Render a PDF page in grayscale and OCR it; no lines when tesseract is missing."""
    if not available():
        return [], "single"
    from PIL import Image

    pix = page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    return ocr_image(image, pno)


def extract_image(data: bytes) -> ExtractedDocument:
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
    layouts: set[str] = set()
    for pno, frame in enumerate(frames):
        # an image's own resolution, when it says one, sizes its text in points
        dpi = int(frame.info.get("dpi", (DPI, DPI))[0]) or DPI
        page, layout = ocr_image(frame, pno, dpi if 72 <= dpi <= 1200 else DPI)
        lines.extend(page)
        layouts.add(layout)
    result = ExtractedDocument(lines, len(frames), "tesseract", ocr_used=True)
    result.layout = document_layout(layouts)
    return result
