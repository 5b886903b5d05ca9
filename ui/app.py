"""Opening the window: the GUI front end the command line calls (``leadersim gui PRESET``).

``run_gui(scenario, until, screenshot)`` shows the window ready to play; with ``until`` it first
runs to that simulated time; with ``screenshot`` it renders the whole window offscreen to a PNG
and returns without entering the event loop.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import shiboken6

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

from simulator.cli import ProgressBar, run_with_progress
from simulator.config import Scenario
from simulator.recording import RecordRequest
from ui.mainwindow import DEFAULT_SIZE, MainWindow
from ui.session import Session

EXIT_OK = 0
EXIT_FAILED = 2


# Harmless notices of Qt's offscreen platform that would only confuse a command-line user.
OFFSCREEN_NOISE = ("propagateSizeHints",)


def _quiet_offscreen(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Print Qt's messages except the offscreen platform's harmless notices."""
    if any(noise in message for noise in OFFSCREEN_NOISE):
        return
    print(message, file=sys.stderr)


def ensure_application(offscreen: bool = False) -> QApplication:
    """The running QApplication, created (offscreen when asked) if there is none yet."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if offscreen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        qInstallMessageHandler(_quiet_offscreen)
    QCoreApplication.setOrganizationName("leadersim")
    QCoreApplication.setApplicationName("leadersim")
    return QApplication(sys.argv[:1])


def render_window(scenario: Scenario, until: float | None, path: Path,
                  size: tuple[int, int] = DEFAULT_SIZE) -> None:
    """Render the window showing ``scenario`` at simulated time ``until`` to the PNG ``path``.

    Raises OSError when the picture cannot be written.
    """
    app = ensure_application(offscreen=True)
    window = MainWindow(Session(scenario), remember=False)
    window.resize(*size)
    window.show()
    app.processEvents()
    window.ensure_timeline()
    if until is not None:
        # a long run shows its progress on stderr (a bar on a terminal, else status lines)
        run_with_progress(window.runner.session.simulation, until, sys.stderr, "simulating")
        window.runner.seek(until)
    window.canvas.fit()
    app.processEvents()
    app.processEvents()
    picture = window.grab()
    window.close()
    app.processEvents()
    # freed now, on this thread: left to the garbage collector, a closed window was freed at a
    # random later moment, in the middle of other windows' work (a crash in the test suite)
    shiboken6.delete(window)
    if not picture.save(str(path)):
        raise OSError(f"{path}: cannot write the picture")


def run_gui(scenario: Scenario, until: float | None = None,
            screenshot: Path | None = None) -> int:
    """Open the window on ``scenario`` (or only save a screenshot); return an exit status."""
    if screenshot is not None:
        try:
            render_window(scenario, until, screenshot)
        except OSError as error:
            print(f"leadersim: {error}", file=sys.stderr)
            return EXIT_FAILED
        return EXIT_OK
    app = ensure_application()
    show_window(scenario, until)
    return int(app.exec())


def show_window(scenario: Scenario, until: float | None = None) -> MainWindow:
    """Show the window on ``scenario`` as ``leadersim gui`` does (the event loop runs it).

    The simulation is built right after the first frame (MainWindow.finish_loading), which
    shows the lesson at time 0 from its run.start alone.
    """
    window = MainWindow(Session(scenario, start=False))
    window.show()
    if until is not None:
        # once the window is on screen and loaded, so a long run shows its progress over it
        window.loaded.connect(lambda: window.runner.seek(until))
    return window


def run_record(scenario: Scenario, request: RecordRequest) -> int:
    """Record ``request`` offscreen, with its progress on stderr; return an exit status (2
    with one message when the encoder is missing or the file cannot be written)."""
    from ui.recorder import record
    from ui.video import VideoUnavailable, check_available

    try:
        check_available(request.suffix)
    except VideoUnavailable as error:
        print(f"leadersim: --record {request.path}: {error}", file=sys.stderr)
        return EXIT_FAILED
    ensure_application(offscreen=True)
    bar = ProgressBar(sys.stderr, request.frame_count, "recording", prefix="frame ", suffix="")

    def progress(done: int, _total: int) -> bool:
        bar.update(done)
        return True

    try:
        record(scenario, request, progress)
    except OSError as error:
        bar.close()
        print(f"leadersim: --record {request.path}: cannot be written: "
              f"{error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    bar.close()
    return EXIT_OK
