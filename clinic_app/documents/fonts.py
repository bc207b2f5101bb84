"""Finding a Chinese font that both Qt and reportlab can use, and registering it for PDFs.

One finder serves the whole app, so it returns file paths and knows nothing of
Qt.  The search order is: a font shipped inside the app bundle
(``resources/fonts``), the operating system's TrueType CJK fonts, and finally
reportlab's built-in CID font ``STSong-Light``.  The CID
font is not embedded: a PDF that uses it shows Chinese only where the reader
has its own Song font, so it is the last resort.  CFF-flavoured OpenType
(``.otf`` with the sfnt tag ``OTTO``) is skipped because reportlab cannot
embed it; TrueType (``.ttf``) and TrueType collections (``.ttc``) are
embedded as subsets.

A name may hold a character the main font lacks: a rare one from CJK
Extension A (㛃) or B (𠮷, outside the BMP).  Such a character is drawn from a
fallback font (SimSun-ExtB on Windows, HanaMin on Linux, any further font in
``resources/fonts``) where one has it; else it prints as 〓 (the typesetter's
mark for a missing character) and a warning goes to the log, so the receipt
shows that something is missing instead of silently printing another name.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import struct
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

# reportlab is imported where a PDF font is registered or measured, not here:
# the desktop app asks this module for a font path at start-up, and reportlab's
# import costs about 0.2 s of that start.

log = logging.getLogger(__name__)

CID_FALLBACK = "STSong-Light"
MISSING_MARK = "〓"
"""Printed for a character that no font has (GETA MARK, as Chinese typesetting does)."""

# Known TrueType CJK fonts per platform, best first.  Each entry is a path and
# the index of the face to use inside a .ttc collection.
_WINDOWS_FONTS = ("msyh.ttc", "simhei.ttf", "simsun.ttc", "msyhl.ttc", "simkai.ttf", "simfang.ttf")
_MAC_FONTS = (
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/Library/Fonts/Songti.ttc",
)
_LINUX_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
    "/usr/share/fonts/google-droid/DroidSansFallback.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
# Fonts with the rare characters (CJK Extension A and B) the main font may lack.
_WINDOWS_FALLBACKS = ("simsunb.ttf", "simsun.ttc", "mingliub.ttc", "msyh.ttc")
_MAC_FALLBACKS = ("/System/Library/Fonts/Supplemental/Songti.ttc", "/Library/Fonts/Arial Unicode.ttf")
_LINUX_FALLBACKS = (
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


@dataclass(frozen=True)
class FontFile:
    """A TrueType font file found on disk (``index``: the face inside a .ttc collection)."""

    path: Path
    index: int = 0


@dataclass(frozen=True)
class PdfFont:
    """A font registered with reportlab: its name, and whether PDFs embed it."""

    name: str
    embedded: bool
    source: FontFile | None
    """The file behind it; None for the CID fallback."""
    fallbacks: tuple[FontFile, ...] | None = None
    """Fonts for the characters this one lacks, best first; None: the system's (found on first need)."""

    def has(self, char: str) -> bool:
        """True when this font has a glyph for `char`."""
        return _has_glyph(self.name, char)


def _on_this_system(windows: Sequence[str], mac: Sequence[str], linux: Sequence[str]) -> list[Path]:
    """The font files this operating system would have (Windows: names in its Fonts folder)."""
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        return [windir / "Fonts" / name for name in windows]
    return [Path(p) for p in (mac if sys.platform == "darwin" else linux)]


def system_font_paths() -> list[Path]:
    """The operating system's usual TrueType CJK font files, best first (existing or not)."""
    return _on_this_system(_WINDOWS_FONTS, _MAC_FONTS, _LINUX_FONTS)


def system_fallback_paths() -> list[Path]:
    """The operating system's fonts with rare CJK characters (Extension A, B), best first."""
    return _on_this_system(_WINDOWS_FALLBACKS, _MAC_FALLBACKS, _LINUX_FALLBACKS)


def bundled_font_paths() -> list[Path]:
    """Fonts shipped with the app (``resources/fonts``); the bundle collects one at build time."""
    from clinic_app.resources import resource_path

    try:
        folder = resource_path("fonts")
    except FileNotFoundError:
        return []
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".ttf", ".ttc"))


def is_truetype(path: Path) -> bool:
    """True for TrueType glyph fonts (.ttf, .ttc); False for CFF ('OTTO') and anything else."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
            if head[:4] == b"ttcf":
                # A collection: look at its first face's own sfnt version.
                (offset,) = struct.unpack(">I", head[12:16])
                handle.seek(offset)
                head = handle.read(4)
    except OSError:
        return False
    return head[:4] in (b"\x00\x01\x00\x00", b"true")


def find_cjk_font(*, candidates: Iterable[Path] | None = None) -> FontFile | None:
    """The first usable TrueType CJK font: bundled, then the system's.

    `candidates` replaces the bundled and system lists (tests pass an empty
    list to get no font at all).  None means: use the CID fallback.
    """
    ordered = bundled_font_paths() + system_font_paths() if candidates is None else list(candidates)
    for path in ordered:
        if path.is_file() and is_truetype(path):
            return FontFile(path, 0)
    return None


def register_pdf_font(font: FontFile | None, fallbacks: Sequence[FontFile] | None = None) -> PdfFont:
    """Register `font` with reportlab (embedded as a subset), or the CID fallback for None.

    `fallbacks`: the fonts for characters `font` lacks; None: the system's and the
    bundle's, looked for the first time a character is missing; () for none at all.
    """
    from reportlab.pdfbase import pdfmetrics

    chosen = None if fallbacks is None else tuple(fallbacks)
    if font is None:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        if CID_FALLBACK not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
        return PdfFont(CID_FALLBACK, embedded=False, source=None, fallbacks=chosen)
    return PdfFont(_register_ttf(font), embedded=True, source=font, fallbacks=chosen)


def to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """The ToUnicode CMap of a font subset, as reportlab writes it, but with a character beyond
    the BMP (𠮷) as its UTF-16 pair: reportlab writes the code point's hex as it is (<20BB7>),
    which a reader takes for U+20BB (₻), so the PDF's text, copied or searched, had another name."""
    return "\n".join([
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>" for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ])


def _register_ttf(font: FontFile) -> str:
    from reportlab.pdfbase import pdfmetrics, ttfonts
    from reportlab.pdfbase.ttfonts import TTFont

    ttfonts.makeToUnicodeCMap = to_unicode_cmap  # reportlab's own, but right beyond the BMP
    name = f"CJK-{font.path.stem}-{font.index}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font.path), subfontIndex=font.index))
    return name


@functools.cache
def _has_glyph(name: str, char: str) -> bool:
    from reportlab.pdfbase import pdfmetrics

    glyphs = getattr(getattr(pdfmetrics.getFont(name), "face", None), "charToGlyph", None)
    if glyphs is None:  # the CID font: a UCS-2 encoding, nothing beyond the BMP
        return ord(char) <= 0xFFFF
    return ord(char) in glyphs


@functools.cache
def _system_fallbacks(main: FontFile | None) -> tuple[FontFile, ...]:
    bundled = bundled_font_paths()
    paths = [p for p in (*bundled, *system_fallback_paths()) if main is None or p != main.path]
    return tuple(FontFile(p) for p in dict.fromkeys(paths) if p.is_file() and is_truetype(p))


@functools.cache
def _fallback_name(font: FontFile) -> str | None:
    try:
        return _register_ttf(font)
    except Exception as exc:  # a damaged or unreadable font file: the next one is tried
        log.warning("fallback font %s cannot be used: %s", font.path, exc)
        return None


_warned: set[str] = set()


def _drawn_by(char: str, font: PdfFont) -> str | None:
    """The registered font that draws `char`: `font` itself, else the first fallback with it;
    None when no font has it."""
    if font.has(char) or char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
        return font.name
    fallbacks = font.fallbacks if font.fallbacks is not None else _system_fallbacks(font.source)
    for fallback in fallbacks:
        name = _fallback_name(fallback)
        if name is not None and _has_glyph(name, char):
            return name
    return None


def missing_characters(text: str, font: PdfFont | None = None) -> tuple[str, ...]:
    """The characters of `text` that no font has (each once, in order): they print as
    MISSING_MARK.  `font`: the PDFs' font (`pdf_font`) unless given."""
    chosen = font or pdf_font()
    return tuple(char for char in dict.fromkeys(text) if _drawn_by(char, chosen) is None)


def _font_for(char: str, font: PdfFont) -> str | None:
    """The registered font that draws `char` (`_drawn_by`); a character none has is logged once."""
    name = _drawn_by(char, font)
    if name is not None:
        return name
    if char not in _warned:
        _warned.add(char)
        log.warning("no font has the character %s (U+%04X): printed as %s", char, ord(char), MISSING_MARK)
    return None


def runs(text: str, font: PdfFont) -> list[tuple[str, str]]:
    """`text` cut into (font name, text) runs that each font can draw; a character no font
    has becomes MISSING_MARK (in the main font, or "?" if even that lacks the mark)."""
    found: list[tuple[str, str]] = []
    for char in text:
        name = _font_for(char, font)
        if name is None:
            name, char = font.name, (MISSING_MARK if font.has(MISSING_MARK) else "?")
        if found and found[-1][0] == name:
            found[-1] = (name, found[-1][1] + char)
        else:
            found.append((name, char))
    return found


def markup(text: str, font: PdfFont) -> str:
    """`text` as reportlab Paragraph markup, each run the main font lacks in its own <font>."""
    from xml.sax.saxutils import escape

    return "".join(
        escape(chunk) if name == font.name else f'<font name="{name}">{escape(chunk)}</font>'
        for name, chunk in runs(text, font)
    )


def needs_fallback(text: str, font: PdfFont) -> bool:
    """True when some character of `text` is not drawn by `font` itself."""
    return any(not (font.has(char) or char.isspace()) for char in text)


def draw_string(canvas: Canvas, x: float, y: float, text: str, font: PdfFont, size: float, align: str = "l") -> None:
    """Draw `text` at baseline `y`, left-aligned at `x` ("l"), right-aligned ("r") or centred
    ("c") on it, each character in a font that has it."""
    parts = runs(text, font)
    if align != "l":
        width = sum(_width(chunk, name, size) for name, chunk in parts)
        x -= width if align == "r" else width / 2
    for name, chunk in parts:
        canvas.setFont(name, size)
        canvas.drawString(x, y, chunk)
        x += _width(chunk, name, size)
    canvas.setFont(font.name, size)


def _width(text: str, name: str, size: float) -> float:
    from reportlab.pdfbase import pdfmetrics

    return float(pdfmetrics.stringWidth(text, name, size))


@functools.cache
def pdf_font() -> PdfFont:
    """The font every PDF of the app uses (found and registered once)."""
    return register_pdf_font(find_cjk_font())


def text_width(text: str, font: PdfFont, size: float) -> float:
    """Width of `text` in points, as `draw_string` will draw it."""
    return sum(_width(chunk, name, size) for name, chunk in runs(text, font))


def size_to_fit(text: str, font: PdfFont | str, size: float, room: float, smallest: float = 0.0) -> float:
    """The size `text` fits `room` in: `size` where it fits, else the largest tenth of a point
    below that does (a text's width is in proportion to its size, so no stepping down is needed;
    a step down follows only where the measure's rounding put the result a hair over), but not
    below `smallest`, where it may still not fit (the caller wraps it, or lets it be).

    Measured as it is drawn: a `PdfFont` with its fallbacks (`draw_string`, `markup`), a font
    name as one plain string in that font (`canvas.drawString`)."""

    def width(at: float) -> float:
        return _width(text, font, at) if isinstance(font, str) else text_width(text, font, at)

    whole = width(size)
    if whole <= room:
        return size
    fitted = math.floor(size * room / whole * 10) / 10
    while fitted > smallest and width(fitted) > room:
        fitted = round(fitted - 0.1, 1)
    return max(fitted, smallest)


NO_LINE_START = frozenset(",.;:!?)]}%，。、；：！？）》」』】〕")
"""Punctuation that may not begin a line."""


def wrap_text(text: str, font: PdfFont, size: float, width: float) -> list[str]:
    """Break `text` into lines no wider than `width` points.

    Chinese has no spaces, so lines break between any two characters; a Latin
    word is kept whole where it fits on a line of its own.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for token in _tokens(paragraph):
            trial = current + token
            if text_width(trial, font, size) <= width:
                current = trial
                continue
            if current:
                if token[0] in NO_LINE_START and len(current) > 1:
                    # A comma or closing bracket never starts a line (禁则): the character
                    # before it goes down with it.
                    token, current = current[-1] + token, current[:-1]
                lines.append(current.rstrip())
            # Taken whatever comes before: a first token wider than the line (a long receipt
            # number on a 58 mm roll) was dropped, and the line printed empty.
            current = token.lstrip()
            while text_width(current, font, size) > width and len(current) > 1:
                # One token wider than the line (a long code): cut it by characters.
                cut = len(current) - 1
                while cut > 1 and text_width(current[:cut], font, size) > width:
                    cut -= 1
                lines.append(current[:cut])
                current = current[cut:]
        lines.append(current.rstrip())
    return lines


def _tokens(text: str) -> Sequence[str]:
    """Latin words (with their trailing space) stay together; every other character stands alone."""
    tokens: list[str] = []
    word = ""
    for char in text:
        if char.isascii() and not char.isspace():
            word += char
            continue
        if word:
            tokens.append(word)
            word = ""
        if char == " " and tokens:
            tokens[-1] += char
        else:
            tokens.append(char)
    if word:
        tokens.append(word)
    return tokens
