"""Run a callback once a window has painted its first frame (to defer slow widgets past it)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

FALLBACK_MS = 2000  # a window that is never painted (e.g. minimised) still gets its widgets


class AfterFirstPaint(QObject):
    """Calls ``callback`` right after the first paint of any widget of ``window`` has finished.

    It watches the application's events until that paint (a paint of one widget is part of one
    synchronous repaint of the window, so a zero timer started then runs after the whole first
    frame is on screen), then stops watching. After ``FALLBACK_MS`` without a paint it runs
    the callback anyway.
    """

    def __init__(self, window: QWidget, callback: Callable[[], object]) -> None:
        super().__init__(window)
        self._window = window
        self._callback = callback
        self._done = False
        # Timers that are children of this object die with the window: a callback queued with
        # QTimer.singleShot outlives it, and ran on a window already deleted (a crash later).
        self._fallback = self._timer(FALLBACK_MS)
        self._soon = self._timer(0)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._fallback.start()

    def _timer(self, ms: int) -> QTimer:
        """A single-shot timer of this object that calls ``_fire`` after ``ms``."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(self._fire)
        return timer

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Note the first paint of the window (never consumes the event)."""
        if (not self._done and event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget) and watched.window() is self._window):
            self._stop_watching()
            self._soon.start()
        return False

    def _stop_watching(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def _fire(self) -> None:
        if self._done:
            return
        self._done = True
        self._stop_watching()
        self._fallback.stop()
        self._callback()
