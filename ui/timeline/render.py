"""Offscreen timeline pictures for slides: ``render_timeline(events, scenario, path)``.

Used by ``leadersim run --timeline out.png|svg`` and the window's export. The picture has a
title, the lanes, a time axis and a legend of what appears in it, with fonts sized for a room.
PNG is raster at exactly the requested size; SVG is vector (bars, text and markers as paths),
made portable by ui.svg_portable so browsers and librsvg draw it as the PNG (fonts, hatches).
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ui.timeline.model import TimelineModel

SUFFIXES = (".png", ".svg")


def _check_request(path: Path, width: int, height: int | None) -> str:
    """Return the lower-case suffix, or raise ValueError naming the file and the problem."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        shown = f"'{path.suffix}'" if path.suffix else "no suffix"
        raise ValueError(
            f"{path}: cannot render a timeline picture with {shown}; use a .png or .svg file name"
        )
    if width < 200 or (height is not None and height < 150):
        raise ValueError(f"{path}: picture size {width}x{height} is too small (min 200x150)")
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


def _title_of(scenario: Any, t0: float, t1: float) -> str:
    span = f"{t0:g} to {t1:.1f} s"
    if scenario is None:
        return f"leadersim timeline, {span}"
    title = getattr(scenario, "title", "") or getattr(scenario, "name", "scenario")
    seed = getattr(scenario, "seed", None)
    seed_text = f", seed {seed}" if seed is not None else ""
    return f"{title}{seed_text}: {span}"


def render_timeline(
    events: Iterable[Any],
    scenario: Any,
    path: str | os.PathLike[str],
    width: int = 1600,
    height: int | None = None,
    *,
    time_range: tuple[float, float] | None = None,
) -> None:
    """Render the timeline of ``events`` offscreen to ``path`` (PNG or SVG, by suffix).

    ``scenario`` (a simulator.config.Scenario, or None) fixes the lanes and the title. The
    picture is ``width`` pixels wide and ``height`` tall (default: enough for every lane) and
    shows ``time_range`` (default: the whole run). Raises ValueError for another suffix or a
    size below 200x150; OSError if ``path`` cannot be written.
    """
    target = Path(path)
    _check_request(target, width, height)
    from ui.timeline.model import TimelineModel

    if scenario is not None:
        model = TimelineModel.from_scenario(scenario, events)
    else:
        model = TimelineModel()
        model.extend(events)
    t0, t1 = time_range if time_range is not None else (0.0, max(model.end_time, 1.0))
    render_model(model, target, title=_title_of(scenario, t0, t1), width=width, height=height,
                 time_range=(t0, t1))


def render_model(
    model: TimelineModel,
    path: str | os.PathLike[str],
    *,
    title: str,
    width: int = 1600,
    height: int | None = None,
    time_range: tuple[float, float] | None = None,
) -> None:
    """Render an already folded TimelineModel to ``path`` (what render_timeline and the live
    widget's export share); same suffixes, sizes and errors as render_timeline."""
    target = Path(path)
    suffix = _check_request(target, width, height)
    _ensure_app()
    import pyqtgraph as pg
    from PySide6 import QtCore, QtGui, QtSvg

    from ui.svg_portable import portable_svg
    from ui.timeline.plot import TimelinePlot
    from ui.timeline.style import BACKGROUND

    scale = max(1.0, width / 1000.0)
    if height is None:
        height = default_height(len(model.lanes()), scale)
    t0, t1 = time_range if time_range is not None else (0.0, max(model.end_time, 1.0))
    if not t1 > t0:
        raise ValueError(f"{target}: the time range {t0:g} to {t1:g} s is empty")

    view = pg.GraphicsLayoutWidget()
    view.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    view.setBackground(BACKGROUND)
    view.setFrameShape(view.Shape.NoFrame)
    view.ci.setContentsMargins(12 * scale, 10 * scale, 24 * scale, 10 * scale)
    timeline = TimelinePlot(view.ci, model, scale=scale, title=title,
                            legend_kinds=model.mark_kinds,
                            legend_states=model.bar_states,
                            hatching=True)
    timeline.cursor.hide()
    view.resize(width, height)
    view.show()
    timeline.viewbox.setXRange(t0, t1, padding=0.0)
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
        generator.setTitle(title)
        generator.setDescription("leadersim timeline")
        painter = QtGui.QPainter(generator)
        painter.fillRect(frame, QtGui.QColor(BACKGROUND))
        view.render(painter, frame, source.toRect())
        painter.end()
        clip = _plot_clip(view, timeline)
    data = bytes(buffer.data())
    buffer.close()
    if suffix == ".svg":
        data = portable_svg(_pixel_size_header(data, width, height), hatches(), clip)
    view.close()
    # freed now, on this thread: a Python-owned view left to deleteLater and the garbage
    # collector was freed at a random later moment (its scene first: a crash in paintEvent)
    import shiboken6

    shiboken6.delete(view)
    with open(target, "wb") as out:
        out.write(data)


def _plot_clip(view: Any, timeline: Any) -> Any:
    """The plot's data-to-pixel scale and its area in picture pixels (ui.svg_portable.Clip)."""
    from PySide6 import QtCore

    from ui.svg_portable import Clip

    to_view = view.viewportTransform()
    box = timeline.viewbox
    origin = to_view.map(box.mapViewToScene(QtCore.QPointF(0.0, 0.0)))
    unit = to_view.map(box.mapViewToScene(QtCore.QPointF(1.0, 1.0)))
    area = to_view.mapRect(box.sceneBoundingRect())
    return Clip((unit.x() - origin.x(), unit.y() - origin.y(), origin.x(), origin.y()),
                (area.x(), area.y(), area.width(), area.height()))


def hatches() -> dict[str, str]:
    """Fill colour -> hatch of the hatched bar states (paused, crashed, lease past expiry)."""
    from ui.timeline.style import BAR_STYLES

    return {style.colour: style.pattern for style in BAR_STYLES.values() if style.hatch}


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
