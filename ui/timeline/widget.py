"""TimelineWidget: the live, zoomable timeline under the canvas, with a cursor synced to it.

Feed it events (``append_events`` or ``feed`` from a trace listener); it folds them into its
TimelineModel and redraws at most every DATA_REDRAW_MS (zoom and pan redraw at once), so a
running simulation keeps its frame budget. ``set_cursor(t)`` moves the cursor line; clicking
the plot emits ``seek_requested(t)``. The mouse wheel zooms and dragging pans along time;
"Follow" pages the view to keep the cursor in sight, "Whole run" fits everything.

Time runs from 0 to the *extent*: the later of the lesson's end (``set_horizon``), the last
event fed and the cursor. The view cannot be zoomed or panned outside it (plus the headroom
of a growing run), and a click seeks at most to the extent, so a stray click on a zoomed-out
timeline cannot make the window simulate far past the lesson.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ui.timeline.model import TimelineModel
from ui.timeline.plot import TimelinePlot
from ui.timeline.render import render_model

FOLLOW_LEAD = 0.25
"""In follow mode the view pages: when the cursor nears the right edge, the window jumps so
the cursor sits at this fraction of the width (paging repaints far less than scrolling)."""

FOLLOW_EDGE = 0.95
"""In follow mode the view pages when the cursor passes this fraction of the width."""

FIT_HEADROOM = 0.2
"""While fitting a growing run, the view extends this fraction beyond the end, so it does not
have to rescale (and repaint everything) on every frame."""

DATA_REDRAW_MS = 100
"""New events redraw the timeline at most this often (zooming and panning redraw at once)."""

MIN_SPAN = 0.01
"""The narrowest time window one can zoom into (seconds)."""

MIN_EXTENT = 1.0
"""The timeline always spans at least this many seconds (a run that has not started)."""


class _LaneView(pg.GraphicsLayoutWidget):
    """A GraphicsLayoutWidget whose plot and legend always fit its own height.

    Resizing clamps the layout to its minimum size first; a narrower width had given the
    legend more rows and so a taller minimum, and that stale minimum would leave the layout
    taller than the view (the axis and legend cut off at the bottom). The second pass, once
    the legend has re-flowed for the new width, fits the layout to the view again.
    """

    def resizeEvent(self, ev: Any) -> None:  # noqa: N802
        """Fit the plot and legend to the new size (twice: see the class docstring)."""
        super().resizeEvent(ev)
        if not self.closed and self.centralWidget is not None:
            self.centralWidget.setGeometry(QtCore.QRectF(self.range))


class TimelineWidget(QtWidgets.QWidget):
    """One lane per Raft node and per app server over simulated time, with a seek cursor."""

    seek_requested = QtCore.Signal(float)

    def __init__(
        self,
        model: TimelineModel | None = None,
        parent: QtWidgets.QWidget | None = None,
        *,
        scale: float = 1.0,
        horizon: float = 0.0,
    ) -> None:
        super().__init__(parent)
        self._model = model if model is not None else TimelineModel()
        self._cursor = 0.0
        self._horizon = max(0.0, float(horizon))
        self._limit = 0.0
        self._auto_fit = True
        self._follow = False
        self._drawn: tuple[Any, ...] = ()
        self._redraw_timer = QtCore.QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.timeout.connect(self._deferred_redraw)

        self._scale = scale
        self.view, self.timeline = self._build_view(scale)

        self.follow_box = QtWidgets.QCheckBox("Follow")
        self.follow_box.setToolTip("Keep the cursor in view while the simulation runs")
        self.follow_box.toggled.connect(self.set_follow)
        self.fit_button = QtWidgets.QPushButton("Whole run")
        self.fit_button.setToolTip("Zoom out to show the whole run")
        self.fit_button.clicked.connect(self.fit_all)
        self.legend_box = QtWidgets.QCheckBox("Legend")
        self.legend_box.setChecked(True)
        self.legend_box.toggled.connect(self._show_legend)
        self.key_box = QtWidgets.QCheckBox("Key lanes")
        self.key_box.setToolTip("Only the lanes of hosts that did something: led, campaigned, "
                                "crashed, paused or were cut off (taller lanes)")
        self.key_box.toggled.connect(self.set_key_lanes)
        self._layout = QtWidgets.QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        bar = QtWidgets.QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        self._layout.addLayout(bar)  # empty, filled below: see ui/layouts.py
        # No "Timeline" label here: the dock's title says it, and a second one right under
        # the "Time" seek bar read as a stutter. What the pointer is over shows here instead.
        self.hover_label = QtWidgets.QLabel("")
        self.hover_label.setStyleSheet("color: #444; padding-left: 4px")
        self.hover_label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                                       QtWidgets.QSizePolicy.Policy.Preferred)
        bar.addWidget(self.hover_label, 1)
        bar.addWidget(self.key_box)
        bar.addWidget(self.legend_box)
        bar.addWidget(self.follow_box)
        bar.addWidget(self.fit_button)
        self._layout.addWidget(self.view, 1)
        self._fit_range()
        self.redraw()

    def _build_view(self, scale: float) -> tuple[pg.GraphicsLayoutWidget, TimelinePlot]:
        view = _LaneView()
        view.setBackground("w")
        view.ci.setContentsMargins(4, 4, 8, 4)
        timeline = TimelinePlot(
            view.ci, self._model, scale=scale,
            legend_kinds=lambda: self._model.mark_kinds(),
            legend_states=lambda: self._model.bar_states(),
        )
        viewbox = timeline.viewbox
        viewbox.setLimits(minXRange=MIN_SPAN)
        self._limit = 0.0
        viewbox.sigXRangeChanged.connect(self._on_range_changed)
        viewbox.sigRangeChangedManually.connect(self._on_manual_range)
        viewbox.sigResized.connect(self._on_range_changed)
        view.scene().sigMouseClicked.connect(self._on_click)
        view.scene().sigMouseMoved.connect(self._on_hover)
        return view, timeline

    @property
    def scale(self) -> float:
        """The size factor of fonts and markers (1.0 normal, larger in presenter mode)."""
        return self._scale

    def set_scale(self, scale: float) -> None:
        """Redraw with fonts and markers ``scale`` times larger (presenter mode), keeping the
        time window, the cursor and the legend setting."""
        if scale == self._scale:
            return
        x0, x1 = self.time_range()
        old = self.view
        self._scale = scale
        self.view, self.timeline = self._build_view(scale)
        self._layout.replaceWidget(old, self.view)
        old.hide()
        old.deleteLater()
        self.timeline.legend.set_shown(self.legend_box.isChecked())
        self.timeline.set_key_lanes_only(self.key_box.isChecked())
        self.timeline.set_cursor(self._cursor)
        self._update_limits()
        self._set_x_range(x0, x1)
        self.redraw()

    def _show_legend(self, shown: bool) -> None:
        self.timeline.legend.set_shown(shown)

    def set_key_lanes(self, on: bool) -> None:
        """Show only the lanes that matter (ui.timeline.lanes), or every lane."""
        if self.key_box.isChecked() != on:
            self.key_box.setChecked(on)  # comes back here through toggled
            return
        self.timeline.set_key_lanes_only(on)
        self.redraw()

    @property
    def key_lanes(self) -> bool:
        """True when only the lanes that matter are shown."""
        return self.key_box.isChecked()

    def header_controls(self) -> tuple[QtWidgets.QWidget, ...]:
        """The header's widgets (pointer text, key lanes, legend, follow, whole run), for a
        window that puts them in a row of its own."""
        return (self.hover_label, self.key_box, self.legend_box, self.follow_box,
                self.fit_button)

    # --- model -------------------------------------------------------------------------------

    @property
    def model(self) -> TimelineModel:
        """The lane model drawn (feed it through this widget so it redraws)."""
        return self._model

    def set_model(self, model: TimelineModel) -> None:
        """Draw ``model`` instead (e.g. after a fork replaced the trace) and fit the view."""
        self._model = model
        self.timeline.set_model(model)
        self._auto_fit = True
        self._fit_range()
        self.redraw()

    def reset(self, events: Iterable[Any] = (), scenario: Any | None = None) -> None:
        """Start over from ``events`` (with the lanes of ``scenario`` and its duration as the
        horizon when given)."""
        model = TimelineModel.from_scenario(scenario) if scenario is not None else TimelineModel()
        model.extend(events)
        if scenario is not None:
            self._horizon = max(0.0, float(getattr(scenario, "duration", 0.0) or 0.0))
        self.set_model(model)

    @property
    def horizon(self) -> float:
        """The lesson's end (simulated seconds): the timeline reaches at least this far."""
        return self._horizon

    def set_horizon(self, t: float) -> None:
        """Let the view and clicks reach at least to ``t`` (the lesson's end)."""
        self._horizon = max(0.0, float(t))
        self._update_limits()

    def extent(self) -> float:
        """The latest time one can see or click: the lesson's end, the last event fed or the
        cursor, whichever is later (at least MIN_EXTENT)."""
        return max(self._horizon, self._model.end_time, self._cursor, MIN_EXTENT)

    def _update_limits(self) -> None:
        """Keep the view inside [0, extent] (plus FIT_HEADROOM, so fitting a growing run
        still has room): zooming out and panning stop there."""
        limit = self.extent() * (1.0 + FIT_HEADROOM)
        if limit == self._limit:
            return
        self._limit = limit
        self.timeline.viewbox.setLimits(xMin=0.0, xMax=limit, maxXRange=limit)

    def feed(self, event: Any) -> None:
        """Fold one event in (usable as a Trace listener); the redraw follows shortly."""
        self._model.append(event)
        self._schedule_redraw()

    def append_events(self, events: Iterable[Any], start: int = 0) -> None:
        """Fold ``events`` (from index ``start`` on) in and schedule one redraw."""
        self._model.extend(events, start)
        self._schedule_redraw()

    # --- cursor, follow, zoom ----------------------------------------------------------------

    @property
    def cursor_time(self) -> float:
        """Where the cursor line is (simulated seconds)."""
        return self._cursor

    @QtCore.Slot(float)
    def set_cursor(self, t: float) -> None:
        """Move the cursor line to ``t``; in follow mode scroll so it stays in view.

        The cursor is never ahead of the simulation, so a cursor past the last event means
        simulated time went on quietly: what is still going on (a role, a lease, a crash) is
        drawn up to it.
        """
        self._cursor = max(0.0, float(t))
        if self._cursor > self._model.end_time:
            self._model.advance_to(self._cursor)
            self._schedule_redraw()
        self._update_limits()
        self.timeline.set_cursor(self._cursor)
        if self._follow:
            self._keep_cursor_in_view()

    @property
    def follow(self) -> bool:
        """Whether the view scrolls to keep the cursor visible."""
        return self._follow

    @QtCore.Slot(bool)
    def set_follow(self, on: bool) -> None:
        """Turn follow mode on or off."""
        self._follow = bool(on)
        if self.follow_box.isChecked() != self._follow:
            self.follow_box.setChecked(self._follow)
        if self._follow:
            self._auto_fit = False
            self._keep_cursor_in_view()

    @QtCore.Slot()
    def fit_all(self) -> None:
        """Show the whole run, and keep showing it as the run grows."""
        self._auto_fit = True
        self.set_follow(False)
        self._fit_range()

    def set_time_range(self, t0: float, t1: float) -> None:
        """Show simulated times [t0, t1] (stops fitting the whole run)."""
        self._auto_fit = False
        self._set_x_range(t0, t1)

    def time_range(self) -> tuple[float, float]:
        """The visible time window."""
        (x0, x1), _ = self.timeline.viewbox.viewRange()
        return float(x0), float(x1)

    def export_picture(
        self,
        path: str | os.PathLike[str],
        width: int = 1600,
        height: int | None = None,
        title: str = "leadersim timeline",
    ) -> None:
        """Write the visible time window as a PNG or SVG picture for slides (by suffix).

        Raises ValueError for another suffix and OSError if the file cannot be written, so the
        window can show the problem in a dialog.
        """
        self.flush()
        x0, x1 = self.time_range()
        render_model(self._model, path, title=f"{title}: {max(0.0, x0):.1f} to {x1:.1f} s",
                     width=width, height=height, time_range=(max(0.0, x0), x1))

    def flush(self) -> None:
        """Apply what is pending now (the fitted or followed range, a redraw) rather than at
        the next redraw tick: before a picture is taken of the timeline."""
        self._deferred_redraw()

    def _fit_range(self) -> None:
        self._update_limits()
        self._set_x_range(0.0, max(self._model.end_time, self._cursor, 1.0))

    def _keep_cursor_in_view(self) -> None:
        x0, x1 = self.time_range()
        width = x1 - x0
        if x0 <= self._cursor <= x0 + width * FOLLOW_EDGE:
            return
        start = max(0.0, self._cursor - width * FOLLOW_LEAD)
        self._set_x_range(start, start + width)

    def _set_x_range(self, t0: float, t1: float) -> None:
        self.timeline.viewbox.setXRange(t0, t1, padding=0.0)

    def _on_manual_range(self, *_: Any) -> None:
        self._auto_fit = False
        x0, x1 = self.time_range()
        if self._follow and not x0 <= self._cursor <= x1:
            self.set_follow(False)

    def _on_range_changed(self, *_: Any) -> None:
        self._schedule_redraw(urgent=True)

    def _on_click(self, event: Any) -> None:
        if event.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        pos = event.scenePos()
        viewbox = self.timeline.viewbox
        if not viewbox.sceneBoundingRect().contains(pos):
            return
        t = min(max(0.0, float(viewbox.mapSceneToView(pos).x())), self.extent())
        self.set_cursor(t)
        self.seek_requested.emit(t)

    def _on_hover(self, pos: QtCore.QPointF) -> None:
        viewbox = self.timeline.viewbox
        lanes = self.timeline.lanes
        if not viewbox.sceneBoundingRect().contains(pos) or not lanes:
            self.hover_label.setText("")
            return
        point = viewbox.mapSceneToView(pos)
        index = min(max(round(point.y()), 0), len(lanes) - 1)
        t = max(0.0, float(point.x()))
        lane = lanes[index]
        if lane.kind == "notes":
            self.hover_label.setText(f"t = {t:.3f} s")
        else:
            self.hover_label.setText(self._model.describe(lane.id, t))

    # --- drawing -----------------------------------------------------------------------------

    def _schedule_redraw(self, urgent: bool = False) -> None:
        """Redraw soon: at once for a zoom or pan, at most every DATA_REDRAW_MS for new data,
        so a running simulation does not spend its frames on the timeline."""
        timer = self._redraw_timer
        if urgent:
            if not timer.isActive() or timer.remainingTime() > 0:
                timer.start(0)
        elif not timer.isActive():
            timer.start(DATA_REDRAW_MS)

    def _deferred_redraw(self) -> None:
        self._update_limits()
        if self._auto_fit and not self._follow:
            x0, x1 = self.time_range()
            wanted = max(self._model.end_time, self._cursor, 1.0)
            if wanted > x1 or x0 != 0.0:
                self._set_x_range(0.0, wanted * (1.0 + FIT_HEADROOM))
        elif self._follow:
            self._keep_cursor_in_view()
        self._redraw_timer.stop()
        if self._draw_key() != self._drawn:
            self.redraw()

    def redraw(self) -> None:
        """Redraw now for the visible range (normally scheduled for you)."""
        self.timeline.redraw()
        self._drawn = self._draw_key()

    def _draw_key(self) -> tuple[Any, ...]:
        viewbox = self.timeline.viewbox
        return (id(self._model), self._model.version, tuple(viewbox.viewRange()[0]),
                viewbox.width(), viewbox.height(), id(self.timeline))
