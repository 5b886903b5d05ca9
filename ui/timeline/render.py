"""Offscreen timeline pictures for slides: ``render_timeline(events, scenario, path)``.

Used by ``leadersim run --timeline out.png|svg`` and the window's export. The picture has a
title, the lanes, a time axis and a legend of what appears in it, with fonts sized for a room.
PNG is raster at exactly the requested size; SVG is vector (bars, text and markers as paths).
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ui.timeline.none_guard import keep_none_alive

SUFFIXES = (".png", ".svg")


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        shown = f"'{path.suffix}'" if path.suffix else "no suffix"
        raise ValueError(
            f"{path}: cannot render a timeline picture with {shown}; use a .png or .svg file name"
        )
    return suffix


def _ensure_app() -> Any:
    """Return the running QApplication, creating one (offscreen when there is no display)."""
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import QtWidgets

    app = QtWidgets.QApplication.instance()
    if app is None:
        app = QtWidgets.QApplication([sys.argv[0] if sys.argv else "leadersim"])
    return app


def default_height(lane_count: int, scale: float) -> int:
    """A height that gives every lane room for its bars, markers and labels."""
    return int(math.ceil((190 + 42 * lane_count) * scale))


def _title_of(scenario: Any, end: float) -> str:
    if scenario is None:
        return f"leadersim timeline, 0 to {end:.1f} s"
    title = getattr(scenario, "title", "") or getattr(scenario, "name", "scenario")
    seed = getattr(scenario, "seed", None)
    seed_text = f", seed {seed}" if seed is not None else ""
    return f"{title}{seed_text}: 0 to {end:.1f} s"


def render_timeline(
    events: Iterable[Any],
    scenario: Any,
    path: str | os.PathLike[str],
    width: int = 1600,
    height: int | None = None,
) -> None:
    """Render the timeline of ``events`` offscreen to ``path`` (PNG or SVG, by suffix).

    ``scenario`` (a simulator.config.Scenario, or None) fixes the lanes and the title. The
    picture is ``width`` pixels wide and ``height`` tall (default: enough for every lane).
    Raises ValueError for another suffix or a size below 200x150; OSError if ``path`` cannot be
    written.
    """
    target = Path(path)
    suffix = _check_suffix(target)
    if width < 200 or (height is not None and height < 150):
        raise ValueError(f"{target}: picture size {width}x{height} is too small (min 200x150)")
    _ensure_app()
    keep_none_alive()
    import pyqtgraph as pg
    from PySide6 import QtCore, QtGui, QtSvg

    from ui.timeline.model import TimelineModel
    from ui.timeline.plot import TimelinePlot
    from ui.timeline.style import BACKGROUND

    if scenario is not None:
        model = TimelineModel.from_scenario(scenario, events)
    else:
        model = TimelineModel()
        model.extend(events)
    scale = max(1.0, width / 1000.0)
    if height is None:
        height = default_height(len(model.lanes()), scale)

    view = pg.GraphicsLayoutWidget()
    view.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    view.setBackground(BACKGROUND)
    view.setFrameShape(view.Shape.NoFrame)
    view.ci.setContentsMargins(12 * scale, 10 * scale, 24 * scale, 10 * scale)
    end = max(model.end_time, 1.0)
    timeline = TimelinePlot(view.ci, model, scale=scale, title=_title_of(scenario, end),
                            legend_kinds=model.mark_kinds,
                            legend_states=model.bar_states,
                            hatching=suffix == ".png")
    timeline.cursor.hide()
    view.resize(width, height)
    view.show()
    timeline.viewbox.setXRange(0.0, end, padding=0.0)
    _process_events()
    timeline.redraw()
    _process_events()

    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    source = QtCore.QRectF(view.viewport().rect())
    frame = QtCore.QRectF(0, 0, width, height)
    if suffix == ".png":
        image = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32)
        image.fill(QtGui.QColor(BACKGROUND))
        painter = QtGui.QPainter(image)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        view.render(painter, frame, source.toRect())
        painter.end()
        image.save(buffer, "PNG")
    else:
        timeline.use_vector_marks()
        generator = QtSvg.QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setResolution(round(view.logicalDpiX()))
        generator.setSize(QtCore.QSize(width, height))
        generator.setViewBox(QtCore.QRect(0, 0, width, height))
        generator.setTitle(_title_of(scenario, end))
        generator.setDescription("leadersim timeline")
        painter = QtGui.QPainter(generator)
        painter.fillRect(frame, QtGui.QColor(BACKGROUND))
        view.render(painter, frame, source.toRect())
        painter.end()
    data = bytes(buffer.data())
    buffer.close()
    if suffix == ".svg":
        data = _pixel_size_header(data, width, height)
    view.close()
    view.deleteLater()
    with open(target, "wb") as out:
        out.write(data)


def _pixel_size_header(svg: bytes, width: int, height: int) -> bytes:
    """Give the root <svg> a size in pixels (Qt writes millimetres at 72 dpi, which viewers
    scale differently), so every viewer opens it at width x height."""
    head, sep, rest = svg.partition(b"viewBox=")
    head = re.sub(rb'width="[^"]*"', f'width="{width}"'.encode(), head, count=1)
    head = re.sub(rb'height="[^"]*"', f'height="{height}"'.encode(), head, count=1)
    return head + sep + rest


def _process_events() -> None:
    """Let Qt lay out the offscreen view (resize and range changes) before painting."""
    from PySide6 import QtWidgets

    QtWidgets.QApplication.processEvents()
