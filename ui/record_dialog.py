"""File > Record…: record a stretch of the current session as video, with a cancellable progress.

The session (its scenario, seed and every action taken so far, forks included) is replayed in a
window drawn offscreen (ui.recorder), so the window on screen is left as it is. ``RecordDialog``
asks for the stretch, frame rate, speed, size and presenter mode; ``record_session`` does the
work and shows a progress dialog whose Cancel stops it and removes the partial file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QWidget,
)

from simulator.cli_args import output_problem
from simulator.recording import (
    DEFAULT_FPS,
    DEFAULT_SIZE,
    MAX_FPS,
    MAX_SPEED,
    VIDEO_SUFFIXES,
    RecordRequest,
)
from ui.session_preset import session_scenario

if TYPE_CHECKING:
    from ui.mainwindow import MainWindow

SIZES = ((1280, 720), (1920, 1080), (1024, 768), (1280, 800), (854, 480))
DEFAULT_SPEED_IN_WINDOW = 1.0


class RecordDialog(QDialog):
    """Asks what to record: file, from, until, frames a second, speed, size, presenter mode."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Record a video")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        runner = window.runner
        name = f"{runner.session.scenario.name}.mp4"
        self.path = QLineEdit(str(Path.cwd() / name))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.path, 1)
        layout.addWidget(browse)
        limit = max(runner.seek_limit, runner.cursor)
        self.start = self._seconds(0.0, limit)
        end = runner.cursor if runner.cursor > 0 else runner.lesson_end
        self.end = self._seconds(end, limit)
        self.fps = QSpinBox()
        self.fps.setRange(1, MAX_FPS)
        self.fps.setValue(DEFAULT_FPS)
        self.speed = QDoubleSpinBox()
        self.speed.setRange(0.01, MAX_SPEED)
        self.speed.setDecimals(2)
        self.speed.setValue(DEFAULT_SPEED_IN_WINDOW)
        self.speed.setSuffix(" x")
        self.size = QComboBox()
        for width, height in SIZES:
            self.size.addItem(f"{width} x {height}", (width, height))
        self.presenter = QCheckBox("Presenter mode (larger text)")
        self.presenter.setChecked(window.presenting)
        form = QFormLayout(self)
        form.addRow("File (.mp4, .gif, .webp)", row)
        form.addRow("From (simulated s)", self.start)
        form.addRow("Until (simulated s)", self.end)
        form.addRow("Frames a second", self.fps)
        form.addRow("Speed (simulated s per video s)", self.speed)
        form.addRow("Size", self.size)
        form.addRow("", self.presenter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @staticmethod
    def _seconds(value: float, limit: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0.0, max(limit, value, 1.0))
        box.setDecimals(3)
        box.setSuffix(" s")
        box.setValue(value)
        return box

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Record to", self.path.text(),
                                              "Video (*.mp4);;GIF (*.gif);;WebP (*.webp)")
        if path:
            self.path.setText(path)

    def request(self) -> RecordRequest:
        """What the fields ask for."""
        size = self.size.currentData() or DEFAULT_SIZE
        return RecordRequest(Path(self.path.text().strip()), self.start.value(),
                             self.end.value(), self.fps.value(), self.speed.value(),
                             tuple(size), self.presenter.isChecked())


def record_dialog(window: MainWindow) -> RecordDialog:
    """Open the dialog; on Record, record the session (and return the dialog)."""
    window.runner.pause()
    dialog = RecordDialog(window)
    dialog.accepted.connect(lambda: record_session(window, dialog.request()))
    dialog.open()
    return dialog


def record_session(window: MainWindow, request: RecordRequest) -> bool:
    """Record ``request`` of the window's session with a cancellable progress dialog; a
    dialog names the problem when it cannot (bad request, unwritable file, no encoder)."""
    from ui.recorder import Cancelled, record
    from ui.video import VideoUnavailable, check_available

    problem = request.problem() or _path_problem(request.path)
    if problem is not None:
        window.show_error(f"Could not record the video: {problem.removeprefix('--record ')}.")
        return False
    try:
        check_available(request.suffix)
    except VideoUnavailable as error:
        window.show_error(f"Could not record the video: {error}.")
        return False
    session = window.runner.session
    actions = list(getattr(session.simulation, "actions", ()))
    try:
        scenario = session_scenario(session.scenario, session.seed, actions)
    except ValueError as error:
        window.show_error(f"Could not record this session: {error}.")
        return False
    total = request.frame_count
    progress = QProgressDialog(f"Recording {request.path.name}…", "Cancel", 0, total, window)
    progress.setWindowTitle("Recording")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    progress.setValue(0)
    window.recording_progress = progress

    def step(done: int, _total: int) -> bool:
        progress.setValue(done)
        progress.setLabelText(f"Recording {request.path.name}: frame {done} of {total}")
        QApplication.processEvents()
        return not progress.wasCanceled()

    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    try:
        record(scenario, request, step)
    except Cancelled:
        window.statusBar().showMessage(f"Recording stopped; {request.path} was not kept", 8000)
        return False
    except OSError as error:
        window.show_error(f"Could not write the video {request.path}: "
                          f"{error.strerror or error}.")
        return False
    finally:
        QApplication.restoreOverrideCursor()
        progress.close()
        window.recording_progress = None
    window.statusBar().showMessage(
        f"Recorded {total} frames ({request.start:g} to {request.end:g} s at "
        f"{request.speed:g}x) to {request.path}", 10000)
    return True


def _path_problem(path: Path) -> str | None:
    problem = output_problem(path, VIDEO_SUFFIXES)
    return None if problem is None else f"{path} {problem}"
