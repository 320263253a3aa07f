"""A scanned CV: the one-column PDF printed, scanned at 200 dpi in grey, slightly skewed,
speckled and JPEG-compressed, then wrapped as an image-only PDF (no text layer at all).

The skew and noise come from the person's key, so a scan is the same on every run.
"""

from __future__ import annotations

import io
import random

import numpy as np
import pymupdf
from PIL import Image, ImageFilter

from tests.layouts.people import Person
from tests.layouts.render_pdf import one_column

DPI = 200


def degrade(img: Image.Image, rng: random.Random) -> Image.Image:
    """Skew 1–3 degrees either way, add sensor noise and a little blur."""
    angle = rng.uniform(1.0, 3.0) * rng.choice((-1, 1))
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    pixels = np.asarray(img, dtype=np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0.0, rng.uniform(12, 22),
                                                                 pixels.shape)
    img = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8), mode="L")
    return img.filter(ImageFilter.GaussianBlur(0.6))


def scan(p: Person) -> tuple[bytes, str]:
    data, _ = one_column(p)
    rng = random.Random(p.key)
    out = pymupdf.open()
    with pymupdf.open("pdf", data) as src:
        for page in src:
            pix = page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY)
            img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
            buf = io.BytesIO()
            degrade(img, rng).save(buf, format="JPEG", quality=rng.randint(45, 70))
            target = out.new_page(width=page.rect.width, height=page.rect.height)
            target.insert_image(target.rect, stream=buf.getvalue())
    pdf = out.tobytes(deflate=True)
    out.close()
    return pdf, f"{p.key}.pdf"
