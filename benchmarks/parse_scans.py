"""Scans against text: the dev PDFs parsed as they are and as degraded scans of themselves.

Every PDF of ../shared/data/parse-dev is rasterised the way a office scanner would:
grayscale at 200 dpi, a seeded 1–3° skew, speckle noise and JPEG artefacts, wrapped as an
image-only PDF (no text layer, so the parser must OCR it). Both versions are scored with the
shared scorer; the target (issue 16) is a scan MACRO within 0.10 of the text MACRO. It also
prints the OCR time per page.

Run: `.venv/bin/python benchmarks/parse_scans.py [--only GLOB] [--seed 7] [--keep DIR]`.
"""

from __future__ import annotations

import argparse
import fnmatch
import io
import random
import sys
import time
from pathlib import Path

import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.parse_layouts import SCORE
from pipeline.errors import Rejected
from pipeline.parser import parse_document

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "parse-dev"


def degrade(pdf: bytes, rng: random.Random, dpi: int = 200) -> bytes:
    """An image-only PDF of `pdf`: skewed, speckled and JPEG-compressed pages."""
    from PIL import Image, ImageFilter

    out = pymupdf.open()
    with pymupdf.open(stream=pdf, filetype="pdf") as src:
        for page in src:
            pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
            img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
            angle = rng.uniform(1.0, 3.0) * rng.choice((-1, 1))
            img = img.rotate(angle, expand=False, fillcolor=255, resample=Image.BICUBIC)
            noise = Image.effect_noise(img.size, 24).convert("L")
            img = Image.blend(img, noise, 0.08).filter(ImageFilter.GaussianBlur(0.4))
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=rng.randint(45, 70))
            new = out.new_page(width=page.rect.width, height=page.rect.height)
            new.insert_image(new.rect, stream=buf.getvalue())
    data = out.tobytes()
    out.close()
    return data


def _parse(data: bytes, name: str) -> dict[str, object]:
    try:
        return {"file": name, **parse_document(data, name).model_dump()}
    except Rejected as exc:
        return {"file": name, "error": str(exc)}


def _macro(preds: list[dict[str, object]]) -> float:
    """MACRO of these predictions over their own truth files (an error scores as empty)."""
    truths = SCORE.load_truth(str(DEV))
    per_file = {}
    for pred in preds:
        stem = Path(str(pred["file"])).stem
        res, _ = SCORE.score_file(truths[stem], {} if "error" in pred else pred)
        per_file[stem] = {"res": res}
    _, macro = SCORE.summarise(per_file, list(per_file))
    return float(macro)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="*", help="glob over the dev PDF names")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", type=Path, help="write the degraded PDFs here")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    files = [p for p in sorted(DEV.glob("*.pdf")) if fnmatch.fnmatch(p.name, args.only)]
    text_preds, scan_preds = [], []
    pages = 0
    ocr_seconds = 0.0
    for path in files:
        data = path.read_bytes()
        text_preds.append(_parse(data, path.name))
        scan = degrade(data, rng)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / path.name).write_bytes(scan)
        t0 = time.perf_counter()
        scan_preds.append(_parse(scan, path.name))
        ocr_seconds += time.perf_counter() - t0
        with pymupdf.open(stream=scan, filetype="pdf") as doc:
            pages += doc.page_count
    text_macro, scan_macro = _macro(text_preds), _macro(scan_preds)
    print(f"{len(files)} dev PDFs, {pages} scanned pages")
    print(f"text MACRO {text_macro:.3f}   scan MACRO {scan_macro:.3f}   "
          f"gap {text_macro - scan_macro:.3f} (target <= 0.10)")
    print(f"scan parse time: {ocr_seconds / max(pages, 1):.2f} s per page")


if __name__ == "__main__":
    main()
