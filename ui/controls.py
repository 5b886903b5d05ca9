"""Toolbar controls: the logarithmic speed slider and the seek slider."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QWidget

from ui import style
from ui.runner import MAX_SPEED, MIN_SPEED

SPEED_STEPS = 400
SEEK_STEPS = 10_000
# The window's text size (pixels) and the room of the seek bar's time label at that size.
WINDOW_FONT = 15
LABEL_WIDTH = 170


def speed_to_position(speed: float) -> int:
    """The slider position of ``speed`` on the log scale 0.01x (0) .. 100x (SPEED_STEPS)."""
    span = math.log10(MAX_SPEED) - math.log10(MIN_SPEED)
    fraction = (math.log10(speed) - math.log10(MIN_SPEED)) / span
    return round(min(1.0, max(0.0, fraction)) * SPEED_STEPS)


def position_to_speed(position: int) -> float:
    """The speed at slider ``position`` (inverse of speed_to_position)."""
    span = math.log10(MAX_SPEED) - math.log10(MIN_SPEED)
    return float(10 ** (math.log10(MIN_SPEED) + span * position / SPEED_STEPS))


def speed_text(speed: float) -> str:
    """``0.05x``, ``1x``, ``25x``: the speed as people read it."""
    if speed >= 10:
        return f"{speed:.0f}x"
    if speed >= 1:
        return f"{speed:.1f}x".replace(".0x", "x")
    return f"{speed:.2f}x"


class SpeedControl(QWidget):
    """A labelled slider from 0.01x to 100x on a logarithmic scale."""

    speed_chosen = Signal(float)

    def __init__(self, speed: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SPEED_STEPS)
        self.slider.setMinimumWidth(110)
        self.slider.setMaximumWidth(320)
        self.slider.setToolTip("Simulation speed (simulated seconds per real second)")
        self.label = QLabel()
        self.label.setMinimumWidth(64)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.addWidget(QLabel("Speed"))
        layout.addWidget(self.slider)
        layout.addWidget(self.label)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self.show_speed(speed)
        self.slider.valueChanged.connect(self._moved)

    def show_speed(self, speed: float) -> None:
        """Put the slider at ``speed`` without emitting."""
        self.slider.blockSignals(True)
        self.slider.setValue(speed_to_position(speed))
        self.slider.blockSignals(False)
        self.label.setText(speed_text(speed))

    def _moved(self, position: int) -> None:
        speed = position_to_speed(position)
        self.label.setText(speed_text(speed))
        self.speed_chosen.emit(speed)


SEEK_MIN_WIDTH = 100


class SeekBar(QWidget):
    """A slider over the simulated time so far; dragging it seeks."""

    seek_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SEEK_STEPS)
        self.slider.setPageStep(SEEK_STEPS // 40)
        self.slider.setToolTip("Drag to go back or forward in simulated time")
        self.slider.setMinimumWidth(SEEK_MIN_WIDTH)  # the timeline's controls share its row
        self.label = QLabel()
        self.label.setMinimumWidth(LABEL_WIDTH)
        self._span = 1.0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(QLabel("Time"))
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.slider.valueChanged.connect(self._moved)

    def set_scale(self, scale: float) -> None:
        """Text ``scale`` times the window's normal size (presenter mode)."""
        self.setFont(style.font(WINDOW_FONT * scale))
        self.label.setMinimumWidth(round(LABEL_WIDTH * scale))

    @property
    def span(self) -> float:
        """The simulated time the slider's right end stands for."""
        return self._span

    def show_time(self, t: float, span: float) -> None:
        """Show cursor ``t`` on a slider covering 0..``span`` seconds, without emitting."""
        self._span = max(span, t, 1e-9)
        self.slider.blockSignals(True)
        self.slider.setValue(round(t / self._span * SEEK_STEPS))
        self.slider.blockSignals(False)
        self.label.setText(f"{t:8.3f} s / {self._span:.1f} s")

    def time_at(self, position: int) -> float:
        """The simulated time of slider ``position``."""
        return self._span * position / SEEK_STEPS

    def _moved(self, position: int) -> None:
        self.seek_requested.emit(self.time_at(position))
