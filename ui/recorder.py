"""Recording a stretch of a run as video: the window drawn offscreen, frame by frame.

``record(scenario, request, progress)`` opens a window that is never put on screen (Qt's
WA_DontShowOnScreen: laid out and painted, not shown), at the request's size (presenter mode's
larger text when asked), moves its cursor to each frame's time and grabs it. The frames depend
only on the scenario, its seed and the request, not on the machine's speed. ``progress(done,
total)`` is called after each frame; when it returns False the recording stops and the
partial file is removed (``Cancelled``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from simulator.config import Scenario
from simulator.recording import RecordRequest
from ui.mainwindow import PRESENTER_SCALE, MainWindow
from ui.session import Session
from ui.video import open_writer

Progress = Callable[[int, int], bool]


class Cancelled(Exception):
    """The person recording stopped it (the partial file was removed)."""


def record(scenario: Scenario, request: RecordRequest, progress: Progress | None = None,
           seed: int | None = None) -> int:
    """Record ``request`` of a run of ``scenario`` (with ``seed``); return the frames written.

    Raises OSError when the file cannot be written, ui.video.VideoUnavailable when the
    encoder is not installed, Cancelled when ``progress`` returned False.
    """
    app = QApplication.instance()
    assert isinstance(app, QApplication), "a QApplication must exist"
    window = _recording_window(scenario, request, seed)
    writer = open_writer(request.path, request.fps, request.size)
    total = request.frame_count
    written = 0
    try:
        for index in range(total):
            show_frame(window, request.frame_time(index))
            writer.append(grab_rgb(window, request.size))
            written += 1
            if progress is not None and not progress(written, total):
                raise Cancelled(f"recording stopped after {written} of {total} frames")
        writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        _dispose(window)
    return written


def _dispose(window: MainWindow) -> None:
    """Close the recording window and free it now, on this thread (not whenever a garbage
    collection or a later event loop gets to it, in the middle of other work)."""
    window.close()
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
    shiboken6.delete(window)


def _recording_window(scenario: Scenario, request: RecordRequest,
                      seed: int | None) -> MainWindow:
    """A window laid out at the request's size that is never shown on screen."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = MainWindow(Session(scenario, seed=seed), remember=False)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.runner.set_speed(min(request.speed, 100.0))
    width, height = request.size
    window.resize(width, height)
    window.show()
    app.processEvents()
    if request.presenter:
        window.set_presenter(True)
        app.processEvents()
        window.showNormal()  # presenter mode's text and panels, at the video's size
        window.resize(width, height)
        app.processEvents()
        window.size_panels(PRESENTER_SCALE)
    window.ensure_timeline()
    window.canvas.fit()
    app.processEvents()
    window.runner.seek(request.start)
    window.canvas.fit()
    app.processEvents()
    return window


def show_frame(window: MainWindow, t: float) -> None:
    """Move the window to time ``t`` and apply what views defer to a timer (the timeline's
    redraw), so a frame never depends on how fast the machine is."""
    window.runner.seek(t)
    window.sync_timeline()
    timeline = window.timeline
    if timeline is not None:
        timeline.flush()  # type: ignore[attr-defined]
    app = QApplication.instance()
    if app is not None:
        app.processEvents()


def grab_rgb(window: MainWindow, size: tuple[int, int]) -> np.ndarray:
    """The window as a height x width x 3 RGB array of exactly ``size`` pixels."""
    width, height = size
    image = window.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    if (image.width(), image.height()) != (width, height):
        image = image.scaled(width, height, Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    stride = image.bytesPerLine()
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return pixels.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()
