"""Draws the app icon with QPainter and writes resources/icons/clinic_app.png and .ico.

The icon is plain shapes (no font, no outside artwork), so it can be redrawn on
any machine with PySide6: ``uv run python packaging/make_icon.py``.  A green
rounded square with a white cross and a small ledger line under it: a clinic
that keeps books.  Green, not red: the red cross is a protected emblem.

The .ico holds PNG-compressed images at 16, 32, 48 and 256 pixels, which
Windows Vista and later read; it is written by hand (the format is a small
header and a directory) so that every size is in one file.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 32, 48, 256)


def draw(size: int) -> QImage:
    """The icon at `size` x `size` pixels, drawn on a 256-unit grid."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 256, size / 256)
    tile = QPainterPath()
    tile.addRoundedRect(QRectF(8, 8, 240, 240), 48, 48)
    painter.fillPath(tile, QColor("#1f8a5b"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("white"))
    painter.drawRoundedRect(QRectF(103, 40, 50, 146), 8, 8)
    painter.drawRoundedRect(QRectF(55, 88, 146, 50), 8, 8)
    painter.setBrush(QColor("#bfe8d2"))
    painter.drawRoundedRect(QRectF(55, 200, 146, 16), 6, 6)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: list[tuple[int, bytes]]) -> bytes:
    """An ICO file of PNG images: ICONDIR, one ICONDIRENTRY each, then the PNG data."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images:
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    images = [(size, png_bytes(draw(size))) for size in SIZES]
    (ICONS / "clinic_app.png").write_bytes(images[-1][1])
    (ICONS / "clinic_app.ico").write_bytes(ico_bytes(images))
    del app
    print(f"wrote {ICONS / 'clinic_app.png'} and {ICONS / 'clinic_app.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
