"""Rasterise an SVG text (e.g. an experiment's plot) to a PNG file with Qt, offscreen if need be."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from ui.app import ensure_application

DEFAULT_WIDTH = 1600


def _no_display() -> bool:
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def svg_to_png(svg_text: str, path: Path, width: int = DEFAULT_WIDTH) -> None:
    """Render ``svg_text`` to the PNG ``path``, ``width`` pixels wide on a white background.

    Raises ValueError when the SVG cannot be read and OSError when the file cannot be written.
    """
    ensure_application(offscreen=_no_display())
    renderer = QSvgRenderer(QByteArray(svg_text.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError("the SVG picture could not be read")
    size = renderer.defaultSize()
    height = max(1, round(size.height() * width / max(1, size.width())))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(path), "PNG"):
        raise OSError(f"{path}: cannot be written")
