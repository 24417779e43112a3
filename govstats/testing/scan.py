"""What a scanner or a phone makes of a PDF report: its pages as noisy, slightly turned JPEG images.

`scan_pages` renders each page with pypdfium2 at `dpi`, turns it by `angle` degrees, adds grey
noise and JPEG compression (seeded, so a test reads the same pixels every time).  `image_pdf`
saves pages as an image-only PDF (no text layer), `long_image` stacks them into one tall image (a
report pasted into a web page as a screenshot).  Used by the OCR tests and benchmark.
"""
from __future__ import annotations

import io

import numpy as np
import pypdfium2
from PIL import Image


def scan_pages(pdf: bytes, dpi: int, angle: float, seed: int = 0, noise: float = 12.0,
               quality: int = 70, pages: list[int] | None = None) -> list[Image.Image]:
    """The PDF's pages (0-based `pages`, default all) as degraded greyscale images."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        chosen = range(len(document)) if pages is None else pages
        images = [document[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in chosen]
    finally:
        document.close()
    rng = np.random.default_rng(seed)
    out = []
    for image in images:
        turned = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
        pixels = np.asarray(turned, dtype=np.float32) + rng.normal(0.0, noise, (turned.height, turned.width))
        buffer = io.BytesIO()
        Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, format="JPEG", quality=quality)
        out.append(Image.open(io.BytesIO(buffer.getvalue())))
    return out


def image_pdf(pages: list[Image.Image], dpi: int) -> bytes:
    """The pages as a PDF of JPEG images, one per page, without any text."""
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return buffer.getvalue()


def long_image(pages: list[Image.Image], format: str = "PNG") -> bytes:
    """The pages stacked top to bottom into one image file."""
    width = max(p.width for p in pages)
    tall = Image.new("L", (width, sum(p.height for p in pages)), 255)
    top = 0
    for page in pages:
        tall.paste(page, (0, top))
        top += page.height
    buffer = io.BytesIO()
    tall.save(buffer, format=format)
    return buffer.getvalue()
