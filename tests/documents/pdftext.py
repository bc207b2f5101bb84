"""Reading PDFs back for the tests: all text, and each drawn string with its position and size."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader


@dataclass(frozen=True)
class Drawn:
    text: str
    x: float
    y: float
    size: float
    page_width: float


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def drawn_strings(pdf: bytes) -> list[Drawn]:
    found: list[Drawn] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        width = float(page.mediabox.width)

        def visit(text, cm, tm, font_dict, font_size, width=width):  # noqa: ANN001
            if text.strip():
                found.append(Drawn(text.strip("\n"), cm[4] + tm[4], cm[5] + tm[5], font_size * tm[0], width))

        page.extract_text(visitor_text=visit)
    return found
