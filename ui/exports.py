"""Exports for slides and analysis: the canvas as PNG or SVG, the event log as JSON Lines or CSV.

Every function raises ValueError for a file name it cannot serve (naming the file and the
suffixes it accepts) and OSError when the file cannot be written; the window shows both in a
dialog. The timeline's picture is ui.timeline's ``export_picture``; the whole window is a grab.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from simulator.trace.events import Event
from ui import style
from ui.svg_portable import portable_svg

PICTURE_SUFFIXES = (".png", ".svg")
LOG_SUFFIXES = (".jsonl", ".csv")
MIN_SIZE = (200, 150)


def picture_suffix(path: Path) -> str:
    """The lower-case suffix of a picture file name (ValueError when not .png or .svg)."""
    suffix = path.suffix.lower()
    if suffix not in PICTURE_SUFFIXES:
        shown = f"'{path.suffix}'" if path.suffix else "no suffix"
        raise ValueError(f"{path}: cannot save a picture with {shown}; "
                         "use a name ending in .png or .svg")
    return suffix


def _check_size(path: Path, width: int, height: int) -> None:
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        raise ValueError(f"{path}: picture size {width}x{height} is too small "
                         f"(at least {MIN_SIZE[0]}x{MIN_SIZE[1]})")


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise OSError(f"{path}: cannot write the file ({error.strerror or error})") from None


def export_scene(scene: QGraphicsScene, path: Path, width: int, height: int,
                 title: str = "leadersim canvas") -> None:
    """Draw the whole ``scene`` into a ``width`` x ``height`` PNG or SVG at ``path``.

    The scene keeps its proportions and is centred on the canvas background colour.
    """
    suffix = picture_suffix(path)
    _check_size(path, width, height)
    frame = QRectF(0, 0, width, height)
    # A cluster scene lays itself out for the picture's shape, with its banner (time, summary,
    # caption) above the hosts: on screen the banner is a widget of its own.
    picture = getattr(scene, "picture", None)
    with picture(width / height) if picture is not None else nullcontext(scene.sceneRect()) \
            as source:
        data = _draw(scene, source, frame, width, height, suffix, path, title)
    if suffix == ".svg":
        data = portable_svg(pixel_size_header(data, width, height))
    _write(path, data)


def _draw(scene: QGraphicsScene, source: QRectF, frame: QRectF, width: int, height: int,
          suffix: str, path: Path, title: str) -> bytes:
    """The PNG or SVG bytes of ``source`` of ``scene`` drawn into ``frame``."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    background = QColor(style.BACKGROUND)
    if suffix == ".png":
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        image.fill(background)
        painter = QPainter(image)
        _paint_scene(painter, scene, frame, source)
        painter.end()
        if not image.save(buffer, "PNG"):
            raise OSError(f"{path}: could not encode the picture")
    else:
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(QSize(width, height))
        generator.setViewBox(QRectF(0, 0, width, height))
        generator.setTitle(title)
        generator.setDescription("leadersim cluster canvas")
        painter = QPainter(generator)
        painter.fillRect(frame, background)
        _paint_scene(painter, scene, frame, source)
        painter.end()
    data = bytes(buffer.data())
    buffer.close()
    return data


def pixel_size_header(svg: bytes, width: int, height: int) -> bytes:
    """Give the root <svg> its size in pixels (Qt writes millimetres, which viewers scale
    differently), so every viewer opens it at width x height."""
    head, sep, rest = svg.partition(b"viewBox=")
    head = re.sub(rb'width="[^"]*"', f'width="{width}"'.encode(), head, count=1)
    head = re.sub(rb'height="[^"]*"', f'height="{height}"'.encode(), head, count=1)
    return head + sep + rest


def _paint_scene(painter: QPainter, scene: QGraphicsScene, frame: QRectF,
                 source: QRectF) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    selected = scene.selectedItems()
    for item in selected:  # the selection frame is for the screen, not for slides
        item.setSelected(False)
    # Items cached as pixmaps for speed would be pasted as images: draw them as shapes.
    cached = [(item, item.cacheMode()) for item in scene.items()
              if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item, _mode in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        scene.render(painter, frame, source, Qt.AspectRatioMode.KeepAspectRatio)
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)
        for item in selected:
            item.setSelected(True)


def export_events(events: Sequence[Event], path: Path) -> None:
    """Write ``events`` as JSON Lines (.jsonl) or CSV (.csv), chosen by the file name."""
    from simulator.trace.export import save_csv, save_jsonl

    suffix = path.suffix.lower()
    if suffix not in LOG_SUFFIXES:
        shown = f"'{path.suffix}'" if path.suffix else "no suffix"
        raise ValueError(f"{path}: cannot save the event log with {shown}; "
                         "use a name ending in .jsonl or .csv")
    try:
        if suffix == ".jsonl":
            save_jsonl(events, path)
        else:
            save_csv(events, path)
    except OSError as error:
        raise OSError(f"{path}: cannot write the event log ({error.strerror or error})") \
            from None
