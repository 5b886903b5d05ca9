"""The timeline picture: pyqtgraph items drawn from a TimelineModel for the visible time range.

Used by the live widget and by the offscreen renderer. Bars are batched: one BarGraphItem per
bar state (all lanes together), marks are one ScatterPlotItem per mark kind, and only what
overlaps the visible range is drawn, with sub-pixel spans merged (downsample.reduce_spans).
Lanes run top to bottom: the events lane, the Raft nodes, then the app servers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from simulator.projection.legend import legend_rows
from ui.timeline.downsample import Bar, reduce_spans
from ui.timeline.lanes import key_lanes
from ui.timeline.legend import LegendEntry, TimelineLegend
from ui.timeline.model import APP, EVENTS_LANE, NOTES, RAFT, Lane, TimelineModel
from ui.timeline.style import (
    BACKGROUND,
    BAR_ORDER,
    BAR_STYLES,
    CURSOR_COLOUR,
    FOREGROUND,
    GRID_COLOUR,
    MARK_STYLES,
    VIOLATION_LINE_COLOUR,
)

LANE_LABEL_PX = 15.0
"""The lane names' size in pixels at scale 1 (larger in presenter mode)."""

MIN_LANE_LABEL_PX = 8
"""The lane names never shrink below this many pixels to fit crowded lanes."""

LINE_HEIGHT = 1.25
"""A line of text is about this many times its pixel size tall (for fitting lane names)."""

MAX_LABELS = 240
"""At most this many text labels on bars at once (the widest are kept)."""


@dataclass(frozen=True, slots=True)
class _Band:
    """Where a track's bars sit inside a lane: offset of the top edge from the lane centre and
    height, in lane units (a lane is 1.0 tall)."""

    top: float
    height: float


_BANDS: dict[tuple[str, str], _Band] = {
    (RAFT, "role"): _Band(-0.34, 0.68),
    (APP, "leads"): _Band(-0.26, 0.32),
    (APP, "lease"): _Band(0.10, 0.32),
}
_SHADE_BANDS = {"cut": _Band(-0.5, 1.0), "crash": _Band(-0.46, 0.92), "pause": _Band(-0.46, 0.92)}

_MARK_OFFSETS: dict[tuple[str, str], float] = {
    (RAFT, "election"): -0.17,
    (RAFT, "elected"): 0.17,
    (APP, "app-leader"): -0.37,
    (APP, "charge"): -0.37,
    (APP, "double-charge"): -0.37,
    (APP, "charge-rejected"): -0.37,
    (APP, "watch"): 0.26,
    (APP, "lease-expired"): 0.26,
    (APP, "lease-revoked"): 0.26,
    (APP, "stale-read"): 0.26,
}
"""Vertical place of a mark kind inside a lane. App lanes: a row of marks (take-over and
charges) above the leading bar, lease marks and watch events on the lease band."""

_LABELLED: dict[str, tuple[str, str, str | None]] = {
    "leader": ("term {}", "#ffffff", None),
    "app-leader": ("{}", "#ffffff", None),
    "lease": ("{}", "#2d1f4a", None),
    "crash": ("{}", "#222222", "#ffffffd0"),
}
"""Bar states that carry text: format of the label, its colour and its background."""

_ROLES = ("follower", "precandidate", "candidate", "leader")
"""The bar states of consensus roles: in the legend when the run's protocol draws them
(simulator.projection.legend), whether or not a bar of that role is on screen yet."""


def _brush(state: str, hatching: bool = True) -> QtGui.QBrush:
    """The fill of a bar state; without ``hatching`` hatched states become translucent."""
    style = BAR_STYLES[state]
    colour = QtGui.QColor(style.colour)
    colour.setAlpha(style.alpha if hatching or not style.hatch else min(style.alpha, 110))
    brush_style = QtCore.Qt.BrushStyle
    hatch = brush_style.CrossPattern if style.pattern == "cross" else brush_style.BDiagPattern
    pattern = hatch if style.hatch and hatching else brush_style.SolidPattern
    return QtGui.QBrush(colour, pattern)


def _label_text(state: str, label: str, width_px: float, char_px: float) -> str:
    """The longest form of a bar's label that fits ``width_px``: full text, else its number."""
    if not label:
        return ""
    # A Raft term is a number ("term 3"); a Multi-Paxos lane's label is its ballot text.
    full = _LABELLED[state][0].format(label) if label.isdigit() or state != "leader" else \
        f"ballot {label}"
    candidates = [full]
    number = label.split()[-1] if state != "lease" else ""
    if label.startswith("("):
        number = label  # a ballot stays whole
    if number and number != full:
        candidates.append(number)
    for text in candidates:
        if len(text) * char_px + 10 <= width_px:
            return text
    return ""


class TimelinePlot:
    """All the pyqtgraph items of one timeline, placed in a GraphicsLayout.

    ``scale`` multiplies font and marker sizes (1.0 on screen, larger for slides). ``title``
    adds a heading row. ``hatching`` False fills crashes and lapsed leases with translucent
    colour instead of hatch patterns (SVG viewers render Qt's pattern masks poorly).
    ``redraw()`` rebuilds the items for the current x range.
    """

    def __init__(
        self,
        layout: pg.GraphicsLayout,
        model: TimelineModel,
        *,
        scale: float = 1.0,
        title: str | None = None,
        legend_kinds: Callable[[], tuple[str, ...]] | None = None,
        legend_states: Callable[[], tuple[str, ...]] | None = None,
        hatching: bool = True,
    ) -> None:
        self.model = model
        self.scale = scale
        self._legend_kinds = legend_kinds
        self._legend_states = legend_states
        self._hatching = hatching
        row = 0
        if title:
            layout.addLabel(title, row=row, col=0, size=f"{round(15 * scale)}pt", bold=True,
                            color=FOREGROUND)
            row += 1
        self.plot: pg.PlotItem = layout.addPlot(row=row, col=0)
        self.legend = TimelineLegend(scale)
        layout.addItem(self.legend, row=row + 1, col=0)
        self.viewbox: pg.ViewBox = self.plot.getViewBox()
        self._lanes: tuple[Lane, ...] = ()
        self.key_lanes_only = False
        self._key_cache: tuple[int, tuple[Lane, ...]] | None = None
        self._setup_axes()
        self._bars: dict[str, pg.BarGraphItem] = {}
        for z, state in enumerate(BAR_ORDER):
            item = pg.BarGraphItem(x0=[], x1=[], y0=[], height=[], pen=pg.mkPen(None),
                                   brush=_brush(state, hatching))
            item.setZValue(-20 + z if state == "cut" else z)
            self.plot.addItem(item)
            self._bars[state] = item
        self._separators = pg.PlotCurveItem(pen=pg.mkPen(GRID_COLOUR, width=1), connect="pairs")
        self._separators.setZValue(-30)
        self.plot.addItem(self._separators)
        self._violation_lines = pg.PlotCurveItem(
            pen=pg.mkPen(VIOLATION_LINE_COLOUR, width=1.5 * scale,
                         style=QtCore.Qt.PenStyle.DashLine),
            connect="pairs",
        )
        self._violation_lines.setZValue(90)
        self.plot.addItem(self._violation_lines)
        self._marks: dict[str, pg.ScatterPlotItem] = {}
        for z, (kind, mstyle) in enumerate(MARK_STYLES.items()):
            item = pg.ScatterPlotItem(
                symbol=mstyle.symbol, size=mstyle.size * scale, brush=pg.mkBrush(mstyle.colour),
                pen=pg.mkPen(mstyle.edge, width=max(1.0, scale)), hoverable=True,
                tip=lambda x, y, data: f"{x:.3f} s  {data}",
            )
            item.setZValue(100 + z)
            self.plot.addItem(item)
            self._marks[kind] = item
        self._labels: list[pg.TextItem] = []
        self.cursor = pg.InfiniteLine(pos=0.0, angle=90, movable=False,
                                      pen=pg.mkPen(CURSOR_COLOUR, width=2 * scale))
        self.cursor.setZValue(200)
        self.plot.addItem(self.cursor, ignoreBounds=True)
        self._mark_version = -1
        self._legend_key: tuple[frozenset[str], frozenset[str], str] | None = None
        self.sync_lanes()
        self.update_legend()

    def set_model(self, model: TimelineModel) -> None:
        """Draw ``model`` from now on (everything is rebuilt at the next redraw)."""
        self.model = model
        self._mark_version = -1
        self._legend_key = None
        self._lanes = ()
        self._key_cache = None

    # --- layout ------------------------------------------------------------------------------

    def _setup_axes(self) -> None:
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.viewbox.invertY(True)
        self.viewbox.setMouseEnabled(x=True, y=False)
        self.viewbox.setDefaultPadding(0.0)
        font = QtGui.QFont()
        font.setPointSizeF(9 * self.scale)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(FOREGROUND))
            axis.setTextPen(pg.mkPen(FOREGROUND))
            axis.setStyle(tickFont=font, tickTextOffset=round(6 * self.scale))
        self._lane_font_px = 0
        self.plot.getAxis("left").setStyle(tickLength=0)
        self.fit_lane_labels()
        self.plot.setLabel("bottom", "simulated time (s)", color=FOREGROUND)
        label_font = QtGui.QFont()
        label_font.setPointSizeF(9.5 * self.scale)
        self.plot.getAxis("bottom").label.setFont(label_font)
        self.plot.showGrid(x=True, y=False, alpha=0.25)
        self.plot.getAxis("bottom").setStyle(maxTickLevel=1)  # two grid levels: clearer, cheaper

    def lane_label_font(self) -> QtGui.QFont:
        """The font of the lane names: bold, LANE_LABEL_PX times the scale, or smaller where
        the lanes are closer together than its lines are tall (names never overlap)."""
        pitch = self.viewbox.height() / max(1, len(self._lanes))
        size = LANE_LABEL_PX * self.scale
        if pitch > 0:
            size = max(MIN_LANE_LABEL_PX, min(size, math.floor(pitch / LINE_HEIGHT)))
        font = QtGui.QFont()
        font.setPixelSize(int(size))
        font.setBold(True)
        return font

    def fit_lane_labels(self) -> None:
        """Give the lane names the font lane_label_font picks for the current height."""
        font = self.lane_label_font()
        if font.pixelSize() != self._lane_font_px:
            self._lane_font_px = font.pixelSize()
            self.plot.getAxis("left").setStyle(tickFont=font)

    def lane_y(self, lane_id: str) -> float | None:
        """The y of a lane's centre, or None if there is no such lane."""
        for index, lane in enumerate(self._lanes):
            if lane.id == lane_id:
                return float(index)
        return None

    @property
    def lanes(self) -> tuple[Lane, ...]:
        """The lanes currently laid out, top to bottom."""
        return self._lanes

    def shown_lanes(self) -> tuple[Lane, ...]:
        """The model's lanes, or only those that matter when ``key_lanes_only`` is set."""
        if not self.key_lanes_only:
            return self.model.lanes()
        version = self.model.version
        if self._key_cache is None or self._key_cache[0] != version:
            self._key_cache = (version, key_lanes(self.model))
        return self._key_cache[1]

    def set_key_lanes_only(self, on: bool) -> None:
        """Show only the lanes that matter (ui.timeline.lanes) or every lane."""
        self.key_lanes_only = on
        self._key_cache = None

    def sync_lanes(self) -> bool:
        """Lay out the lanes shown (y ticks, separators, y range); True if they changed."""
        lanes = self.shown_lanes()
        if lanes == self._lanes:
            return False
        self._lanes = lanes
        n = len(lanes)
        ticks = [(float(i), lane.id) for i, lane in enumerate(lanes)]
        self.plot.getAxis("left").setTicks([ticks, []])
        self.viewbox.setLimits(yMin=-0.5, yMax=n - 0.5)
        self.viewbox.setYRange(-0.5, n - 0.5, padding=0.0)
        self._mark_version = -1
        return True

    def update_legend(self) -> None:
        """List the bar states and mark kinds present (all of them when not filtered)."""
        kinds = set(self._legend_kinds() if self._legend_kinds is not None else MARK_STYLES)
        roles = {row.symbol for row in legend_rows(self.model.protocol)} & set(_ROLES)
        states = set(self._legend_states() if self._legend_states is not None else BAR_STYLES)
        states = (states - set(_ROLES)) | roles
        leader = self.model.leader_legend
        key = (frozenset(kinds), frozenset(states), leader)
        if key == self._legend_key:
            return
        self._legend_key = key
        entries = [
            LegendEntry(leader if state == "leader" else BAR_STYLES[state].label,
                        _brush(state, self._hatching))
            for state in BAR_STYLES if state in states
        ]
        entries.extend(
            LegendEntry(mstyle.label, pg.mkBrush(mstyle.colour), mstyle.symbol,
                        mstyle.size * self.scale, mstyle.edge)
            for kind, mstyle in MARK_STYLES.items() if kind in kinds
        )
        self.legend.set_entries(entries)

    # --- drawing -----------------------------------------------------------------------------

    def pixel_width(self) -> float:
        """Seconds per screen pixel at the current zoom (a positive number)."""
        (x0, x1), _ = self.viewbox.viewRange()
        width = max(1.0, self.viewbox.width())
        return max((x1 - x0) / width, 1e-9)

    def redraw(self) -> None:
        """Rebuild bars, labels and (when the model changed) marks for the visible range."""
        self.sync_lanes()
        self.fit_lane_labels()
        (x0, x1), _ = self.viewbox.viewRange()
        px = self.pixel_width()
        pad = (x1 - x0) * 0.05
        lo, hi = x0 - pad, x1 + pad
        columns: dict[str, tuple[list[float], list[float], list[float], list[float]]] = {
            state: ([], [], [], []) for state in BAR_ORDER
        }
        labelled: list[tuple[float, float, str, float, str]] = []
        lane_px = self.viewbox.height() / max(1, len(self._lanes))
        text_px = 13.0 * self.scale
        for index, lane in enumerate(self._lanes):
            if lane.kind == NOTES:
                continue
            for track, band in self._bands_of(lane.kind):
                spans = self.model.spans_between(lane.id, track, lo, hi)
                if track == "lease":
                    spans.sort(key=lambda s: s.start)
                for bar in reduce_spans(spans, px):
                    start, end = max(bar.start, lo), min(bar.end, hi)
                    if end <= start:
                        continue
                    col = columns[bar.state]
                    col[0].append(start)
                    col[1].append(end)
                    col[2].append(index + band.top)
                    col[3].append(band.height)
                    if bar.label and bar.state in _LABELLED and band.height * lane_px >= text_px:
                        label_band = _BANDS[(APP, "leads")] if (
                            lane.kind == APP and bar.state == "crash") else band
                        y = index + label_band.top + label_band.height / 2
                        self._collect_label(labelled, bar, y, max(start, x0), min(end, x1), px)
        for state, (starts, ends, tops, heights) in columns.items():
            self._bars[state].setOpts(
                x0=np.asarray(starts, dtype=float), x1=np.asarray(ends, dtype=float),
                y0=np.asarray(tops, dtype=float), height=np.asarray(heights, dtype=float),
            )
        self._place_labels(labelled)
        self._draw_separators(lo, hi)
        self._redraw_marks()
        self.update_legend()

    def _draw_separators(self, lo: float, hi: float) -> None:
        """Thin lines between lanes, only as long as the visible range (SVG stays sane)."""
        gaps = np.arange(1, len(self._lanes), dtype=float) - 0.5
        self._separators.setData(np.tile([lo, hi], len(gaps)), np.repeat(gaps, 2))

    def _bands_of(self, kind: str) -> list[tuple[str, _Band]]:
        result = [("cut", _SHADE_BANDS["cut"])]
        result.extend((track, band) for (k, track), band in _BANDS.items() if k == kind)
        result.extend((name, _SHADE_BANDS[name]) for name in ("pause", "crash"))
        return result

    def _collect_label(
        self,
        out: list[tuple[float, float, str, float, str]],
        bar: Bar,
        y: float,
        start: float,
        end: float,
        px: float,
    ) -> None:
        width_px = (end - start) / px
        text = _label_text(bar.state, bar.label, width_px, 7.5 * self.scale)
        if text:
            out.append((width_px, (start + end) / 2, text, y, bar.state))

    def _place_labels(self, labelled: list[tuple[float, float, str, float, str]]) -> None:
        """Show the widest ``(width_px, x, text, y, state)`` labels, reusing text items."""
        labelled.sort(key=lambda item: -item[0])
        labelled = labelled[:MAX_LABELS]
        font = QtGui.QFont()
        font.setPointSizeF(8.5 * self.scale)
        font.setBold(True)
        while len(self._labels) < len(labelled):
            item = pg.TextItem(anchor=(0.5, 0.5))
            item.setFont(font)
            item.setZValue(50)
            self.plot.addItem(item, ignoreBounds=True)
            self._labels.append(item)
        for item, (_, x, text, y, state) in zip(self._labels, labelled, strict=False):
            _, colour, fill = _LABELLED[state]
            item.fill = pg.mkBrush(fill) if fill else pg.mkBrush(None)
            item.setText(text, color=colour)
            item.setPos(x, y)
            item.show()
        for item in self._labels[len(labelled):]:
            item.hide()

    def _redraw_marks(self) -> None:
        count = self.model.mark_count()
        if count == self._mark_version:
            return
        self._mark_version = count
        ys = {lane.id: (float(i), lane.kind) for i, lane in enumerate(self._lanes)}
        for kind, item in self._marks.items():
            marks = self.model.marks(kind)
            if self.key_lanes_only:  # a hidden lane's marks are hidden with it
                hidden = self._all_lane_ids() - ys.keys()
                marks = [mark for mark in marks if mark.lane not in hidden]
            xs = np.empty(len(marks))
            yv = np.empty(len(marks))
            data = np.empty(len(marks), dtype=object)
            for n, mark in enumerate(marks):
                y, lane_kind = ys.get(mark.lane, ys[EVENTS_LANE])
                xs[n] = mark.t
                yv[n] = y + _MARK_OFFSETS.get((lane_kind, kind), 0.0)
                data[n] = mark.text
            item.setData(x=xs, y=yv, data=data)
        times = [m.t for m in self.model.marks("violation")]
        self._violation_lines.setData(
            np.repeat(np.asarray(times, dtype=float), 2),
            np.tile(np.array([-0.5, len(self._lanes) - 0.5]), len(times)),
        )

    def _all_lane_ids(self) -> frozenset[str]:
        return frozenset(lane.id for lane in self.model.lanes())

    def drawn_bars(self, state: str) -> list[tuple[float, float, float, float]]:
        """The bars of ``state`` as drawn now: (start, end, top, height) in plot units."""
        opts = self._bars[state].opts
        columns = [np.asarray(opts[k], dtype=float) for k in ("x0", "x1", "y0", "height")]
        return [tuple(map(float, row)) for row in zip(*columns, strict=True)]

    def drawn_marks(self, kind: str) -> list[tuple[float, float]]:
        """The markers of ``kind`` as drawn now: (time, y) pairs."""
        xs, ys = self._marks[kind].getData()
        return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]

    def use_vector_marks(self) -> None:
        """Draw markers as shapes rather than cached pixmaps (for SVG output)."""
        for item in self._marks.values():
            item.opts["useCache"] = False
            item.update()

    def set_cursor(self, t: float) -> None:
        """Move the vertical cursor line to simulated time ``t``."""
        self.cursor.setValue(t)

    def set_background(self, widget: pg.GraphicsView) -> None:
        """Give ``widget`` the timeline's light background."""
        widget.setBackground(BACKGROUND)
