"""Canvas overlays: flying messages, partition walls and the legend (the banner: banner.py)."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from simulator.projection.legend import LegendRow, legend_rows
from simulator.projection.world import Flight
from ui import style
from ui.canvas.items import (
    REPLICA_COLOURS,
    draw_countdown,
    draw_cross,
    draw_crown,
    draw_pause_mark,
    role_path,
)
from ui.canvas.walls import Wall
from ui.style import colour, font

# Above this many messages in the air, dots lose their text labels to stay readable.
MAX_LABELLED_FLIGHTS = 14
# Room kept for a dot's label when working out what to repaint.
LABEL_WIDTH = 190.0
# Messages leave and arrive this far outside a host's disc (scene units).
ARRIVAL_GAP = 16.0


class FlightsItem(QGraphicsItem):
    """Every message in the air, drawn as a labelled dot along its link at the cursor time.

    A message that has already arrived (or been dropped) but is still in the World's
    ``flights`` (the runner's linger) stays at its end, fading out over ``linger`` simulated
    seconds, so even a 1 ms message is on screen long enough to be seen at a slow speed.
    """

    def __init__(self, width: float, height: float,
                 position_of: Callable[[str], QPointF | None],
                 obstacles: Callable[[], list[QRectF]] | None = None) -> None:
        super().__init__()
        self._rect = QRectF(0, 0, width, height)
        self._position_of = position_of
        self._obstacles = obstacles
        self._flights: tuple[Flight, ...] = ()
        self._t = 0.0
        self._latency = 0.003
        self._linger = 0.0
        self._dirty = QRectF()
        self.text_scale = 1.0
        self.setZValue(20)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_text_scale(self, scale: float) -> None:
        """Draw the message labels ``scale`` times larger."""
        self.text_scale = scale
        self.update()

    def set_flights(self, flights: tuple[Flight, ...], t: float, expected_latency: float,
                    linger: float = 0.0) -> None:
        """Show ``flights`` at ``t`` (one with no known end moves at the mean latency); those
        that ended fade out over ``linger`` seconds after their end."""
        if flights == self._flights and (not flights or t == self._t):
            return
        self._flights = flights
        self._t = t
        self._latency = expected_latency
        self._linger = linger
        area = self._area()
        self.update(self._dirty.united(area))
        self._dirty = area

    def _area(self) -> QRectF:
        """The part of the canvas the dots and their labels cover now."""
        area = QRectF()
        reach = style.MESSAGE_RADIUS + 4
        for _flight, point in self.positions():
            area = area.united(QRectF(point.x() - reach, point.y() - reach,
                                      reach * 2 + LABEL_WIDTH * self.text_scale,
                                      reach * 2 + 6 + 22 * (self.text_scale - 1.0)))
        return area

    def opacity_of(self, flight: Flight) -> float:
        """1 while the message flies; after its end, fading to 0 over the linger time."""
        if flight.ends is None or self._t < flight.ends or self._linger <= 0:
            return 1.0
        return max(0.0, 1.0 - (self._t - flight.ends) / self._linger)

    def refresh(self) -> None:
        """Redraw every dot (after a host moved)."""
        self.update()

    def set_area(self, area: QRectF) -> None:
        """Cover this part of the canvas."""
        self.prepareGeometryChange()
        self._rect = QRectF(area)

    def boundingRect(self) -> QRectF:
        """The whole canvas."""
        return self._rect

    def positions(self) -> list[tuple[Flight, QPointF]]:
        """Each flight with its point on the canvas now (flights between unknown hosts skipped)."""
        placed = []
        for flight in self._flights:
            a = self._position_of(flight.src)
            b = self._position_of(flight.dst)
            if a is None or b is None:
                continue
            s = flight.progress(self._t, self._latency)
            # A message flies from rim to rim: it never covers a host's name.
            length = math.hypot(b.x() - a.x(), b.y() - a.y())
            rim = min(0.45, (style.NODE_RADIUS + ARRIVAL_GAP) / length) if length > 0 else 0.0
            s = rim + s * (1.0 - 2.0 * rim)
            placed.append((flight, QPointF(a.x() + (b.x() - a.x()) * s,
                                           a.y() + (b.y() - a.y()) * s)))
        return placed

    def label_font(self) -> QFont:
        """The font of the message labels (larger in presenter mode)."""
        return font(14 * self.text_scale, bold=True)

    def labels(self, placed: list[tuple[Flight, QPointF]]) -> list[tuple[Flight, QRectF]]:
        """Which dots get a label, and where: none when many messages fly, none crowding
        another label, and none over a host (its name, role or state stay readable)."""
        if len(placed) > MAX_LABELLED_FLIGHTS:
            return []
        scale = self.text_scale
        metrics = QFontMetricsF(self.label_font())
        r = style.MESSAGE_RADIUS
        hosts = self._obstacles() if self._obstacles is not None else []
        chosen: list[tuple[Flight, QRectF]] = []
        gap = 4 * scale
        for flight, point in placed:
            if self.opacity_of(flight) <= 0:
                continue
            width = metrics.horizontalAdvance(flight.label) + 10 * scale
            box = QRectF(point.x() + r + 2, point.y() - 11 * scale, width, 22 * scale)
            if any(box.intersects(area) for area in hosts):
                continue
            # whole boxes, not just their dots, are kept apart: a long label ("watch
            # progress #3") must not run over its neighbour's
            roomy = box.adjusted(-gap, -gap, gap, gap)
            if any(roomy.intersects(other) for _, other in chosen):
                continue
            chosen.append((flight, box))
        return chosen

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Paint the dots, with a short label each when there are few of them."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        placed = self.positions()
        r = style.MESSAGE_RADIUS
        for flight, point in placed:
            alpha = round(255 * self.opacity_of(flight))
            if alpha <= 0:
                continue
            fill = colour(style.message_colour(flight.type), alpha)
            painter.setPen(QPen(colour("#263238", alpha), 1.5))
            painter.setBrush(QBrush(fill))
            painter.drawEllipse(point, r, r)
            if flight.fate == "drop" and flight.ends is not None \
                    and self._t >= flight.ends - 1e-12:
                draw_cross(painter, point.x(), point.y(), r)
        painter.setFont(self.label_font())
        for flight, box in self.labels(placed):
            alpha = round(255 * self.opacity_of(flight))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(colour("#ffffff", round(215 * alpha / 255))))
            painter.drawRoundedRect(box, 5, 5)
            doomed = flight.fate == "drop"
            painter.setPen(colour(style.DROP_COLOUR if doomed else style.FOREGROUND, alpha))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, flight.label)


class WallItem(QGraphicsItem):
    """A partition wall across the canvas: movable, selectable, deletable."""

    def __init__(self, wall: Wall, area: QRectF, on_moved: Callable[[WallItem], None]) -> None:
        super().__init__()
        self.base = wall
        self.since = 0.0
        """The simulated time the wall was put up (it is hidden before that)."""
        self.until: float | None = None
        """The simulated time it was taken down (None: it still stands)."""
        self.rest = QPointF(0, 0)
        """The item's offset before the drag in progress (where the last drag left it)."""
        self._on_moved = on_moved
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setZValue(5)
        self.setCursor(Qt.CursorShape.SizeAllCursor)
        self.setToolTip("A wall: hosts on different sides cannot talk. Drag to move it; "
                        "click and press Delete to remove it.")
        self._ends = wall.clipped(area.left(), area.top(), area.right(), area.bottom())

    def set_area(self, area: QRectF) -> None:
        """Draw the wall right across ``area`` (scene coordinates): the canvas changed size."""
        local = area.translated(-self.pos())
        self.prepareGeometryChange()
        self._ends = self.base.clipped(local.left(), local.top(), local.right(), local.bottom())

    def stands_at(self, t: float) -> bool:
        """True when the wall was up at simulated time ``t``."""
        return self.since <= t and (self.until is None or t < self.until)

    @property
    def wall(self) -> Wall:
        """The wall where it is now (its drawn line moved by the item's offset)."""
        return self.base.moved(self.pos().x(), self.pos().y())

    def _path(self) -> QPainterPath:
        (ax, ay), (bx, by) = self._ends
        path = QPainterPath(QPointF(ax, ay))
        path.lineTo(QPointF(bx, by))
        return path

    def boundingRect(self) -> QRectF:
        """The drawn segment with room for its thickness."""
        return self.shape().boundingRect().adjusted(-4, -4, 4, 4)

    def shape(self) -> QPainterPath:
        """A band 26 units wide along the wall, easy to grab."""
        stroker = QPainterPathStroker()
        stroker.setWidth(26)
        return stroker.createStroke(self._path())

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Paint a thick brick-red line; dashed blue outline when selected."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        path = self._path()
        if self.isSelected():
            painter.setPen(QPen(colour("#1565c0"), 18, Qt.PenStyle.SolidLine,
                                Qt.PenCapStyle.RoundCap))
            painter.drawPath(path)
        painter.setPen(QPen(colour(style.WALL_COLOUR, 210), 10, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap))
        painter.drawPath(path)
        painter.setPen(QPen(colour("#ffffff", 200), 2, Qt.PenStyle.DashLine))
        painter.drawPath(path)

    def mouseReleaseEvent(self, event: object) -> None:
        """After a drag, the partition follows the wall."""
        moved = self.pos() != self.rest
        super().mouseReleaseEvent(event)  # type: ignore[arg-type]
        if moved:
            self._on_moved(self)


class LegendItem(QGraphicsItem):
    """What each shape and colour means, in the canvas's bottom-left corner: the rows the run's
    store and protocol describe (simulator.projection.legend), Raft's until a world is shown."""

    ROW = 31.0
    WIDTH = 270.0

    def __init__(self) -> None:
        super().__init__()
        self._rows: tuple[LegendRow, ...] = legend_rows("raft")
        self.setZValue(2)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    @property
    def leader_text(self) -> str:
        """What the leader's row says, e.g. "Multi-Paxos leader" ("" without a leader row)."""
        return next((row.text for row in self._rows if row.symbol == "leader"), "")

    def set_rows(self, rows: tuple[LegendRow, ...]) -> bool:
        """Show ``rows`` (from the world the canvas shows); True when they changed."""
        if rows == self._rows:
            return False
        self.prepareGeometryChange()
        self._rows = rows
        self.update()
        return True

    def rows(self) -> list[str]:
        """The texts of the legend's rows, top to bottom."""
        return [row.text for row in self._rows]

    def boundingRect(self) -> QRectF:
        """The legend box."""
        return QRectF(0, 0, self.WIDTH, 16 + self.ROW * len(self._rows))

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Paint one symbol and its meaning per row."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(colour("#cfd4da"), 1.5))
        painter.setBrush(QBrush(colour("#ffffff", 230)))
        painter.drawRoundedRect(self.boundingRect(), 10, 10)
        for number, row in enumerate(self._rows):
            cy = 8 + self.ROW * number + self.ROW / 2
            painter.save()
            painter.translate(26, cy)
            self._symbol(painter, row.symbol)
            painter.restore()
            painter.setPen(colour(style.FOREGROUND))
            painter.setFont(font(16))
            painter.drawText(QRectF(54, cy - 14, self.WIDTH - 58, 28),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             row.text)

    @staticmethod
    def _symbol(painter: QPainter, name: str) -> None:
        r = 11.0
        if name in style.ROLE_COLOURS:
            pen = QPen(colour("#37474f"), 2)
            if name == "precandidate":
                pen = QPen(colour(style.ROLE_COLOURS["candidate"]), 2.5, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(QBrush(colour(style.ROLE_COLOURS[name])))
            if name == "leader":
                # A smaller disc set lower, so its crown stays inside the row (clear of the
                # candidate's diamond above it).
                painter.drawPath(role_path(name, 9.0).translated(0, 4))
                draw_crown(painter, 0, -13, 14, 8)
            else:
                painter.drawPath(role_path(name, r))
        elif name in REPLICA_COLOURS:  # an eventual store node: how fresh its copy is
            painter.setPen(QPen(colour("#37474f"), 2))
            painter.setBrush(QBrush(colour(REPLICA_COLOURS[name])))
            painter.drawEllipse(QPointF(0, 0), r, r)
        elif name == "crashed":
            painter.setPen(QPen(colour("#37474f"), 2))
            painter.setBrush(QBrush(colour(style.CRASH_COLOUR)))
            painter.drawEllipse(QPointF(0, 0), r, r)
            draw_cross(painter, 0, 0, 6)
        elif name == "paused":
            draw_pause_mark(painter, 0, 0, 11)
        elif name == "timer":
            draw_countdown(painter, QPointF(0, 0), 10, 0.65, style.TIMER_COLOUR, 4)
        elif name == "app":
            painter.setPen(QPen(colour("#3b2a5c"), 2))
            painter.setBrush(QBrush(colour(style.APP_LEADER_COLOUR)))
            painter.drawRoundedRect(QRectF(-15, -10, 30, 20), 5, 5)
        elif name == "lease":
            draw_countdown(painter, QPointF(0, 0), 10, 0.7, style.LEASE_COLOUR, 4)
        elif name == "message":
            painter.setPen(QPen(colour("#263238"), 1.5))
            painter.setBrush(QBrush(colour(style.MESSAGE_COLOURS["AppendEntries"])))
            painter.drawEllipse(QPointF(0, 0), 7, 7)
        elif name == "cut":
            painter.setPen(QPen(colour(style.CUT_COLOUR), 3, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(-16, 0), QPointF(16, 0))
            painter.setPen(QPen(colour(style.CUT_COLOUR), 4))
            painter.drawLine(QPointF(0, -8), QPointF(0, 8))
        elif name == "wall":
            painter.setPen(QPen(colour(style.WALL_COLOUR, 210), 7, Qt.PenStyle.SolidLine,
                                Qt.PenCapStyle.RoundCap))
            painter.drawLine(QPointF(-12, 12), QPointF(12, -12))

