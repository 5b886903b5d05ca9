"""The canvas's graphics items: Raft nodes, app servers, the provider, links and flying messages.

Each item draws one projected view (simulator.projection.world) at the cursor time; it never
reads the simulation. ``set_state`` stores what to draw and repaints only when it changed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QFont,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem, QWidget

from simulator.projection.world import AppView, ProviderView, RaftView
from ui import style
from ui.style import colour, font

SELECT_COLOUR = "#1565c0"
_WHITE = colour("#ffffff")
_FONTS = {"small": font(15), "ring": font(19, bold=True)}
# A cut mark reaches this far from its point on the link (it is kept off other hosts).
CUT_MARK_REACH = 16.0


def ring_text(seconds: float | None) -> str:
    """A countdown's text, short enough for large type inside a ring: 6.7s, 12s."""
    if seconds is None:
        return ""
    return f"{seconds:.0f}s" if seconds >= 9.95 else f"{seconds:.1f}s"


def crown_polygon(cx: float, top: float, width: float, height: float) -> QPolygonF:
    """A five-point crown whose base is centred at ``cx`` and whose tips reach ``top``."""
    left, right, base = cx - width / 2, cx + width / 2, top + height
    mid = top + height * 0.45
    points = [
        (left, base), (left, top + height * 0.1), (cx - width * 0.25, mid), (cx, top),
        (cx + width * 0.25, mid), (right, top + height * 0.1), (right, base),
    ]
    return QPolygonF([QPointF(x, y) for x, y in points])


def draw_crown(painter: QPainter, cx: float, top: float, width: float, height: float) -> None:
    """Paint a gold crown (the Raft leader's mark)."""
    painter.setPen(QPen(colour("#8a6200"), 2.5))
    painter.setBrush(QBrush(colour(style.CROWN_COLOUR)))
    painter.drawPolygon(crown_polygon(cx, top, width, height))


def draw_pause_mark(painter: QPainter, cx: float, cy: float, size: float) -> None:
    """Paint a pause badge: two bars on a yellow disc."""
    painter.setPen(QPen(colour("#7a5c00"), 2))
    painter.setBrush(QBrush(colour(style.PAUSE_COLOUR)))
    painter.drawEllipse(QPointF(cx, cy), size, size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(colour("#3a2c00")))
    bar_w, bar_h = size * 0.28, size * 1.0
    painter.drawRect(QRectF(cx - bar_w * 1.5, cy - bar_h / 2, bar_w, bar_h))
    painter.drawRect(QRectF(cx + bar_w * 0.5, cy - bar_h / 2, bar_w, bar_h))


def draw_cross(painter: QPainter, cx: float, cy: float, size: float) -> None:
    """Paint a red X (crashed)."""
    painter.setPen(QPen(colour(style.CRASH_MARK_COLOUR, 150), 6, Qt.PenStyle.SolidLine,
                        Qt.PenCapStyle.RoundCap))
    painter.drawLine(QPointF(cx - size, cy - size), QPointF(cx + size, cy + size))
    painter.drawLine(QPointF(cx - size, cy + size), QPointF(cx + size, cy - size))


def draw_power_mark(painter: QPainter, cx: float, cy: float, size: float) -> None:
    """Paint a grey power symbol (shut down): a ring open at the top and a bar through it."""
    pen = QPen(colour(style.SHUTDOWN_MARK_COLOUR), 4, Qt.PenStyle.SolidLine,
               Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    rect = QRectF(cx - size, cy - size, 2 * size, 2 * size)
    painter.drawArc(rect, 120 * 16, 300 * 16)
    painter.drawLine(QPointF(cx, cy - size * 1.25), QPointF(cx, cy - size * 0.1))


COPY_FONT = 18
"""The text size of an eventual store node's copy of the leader key (a Raft node's term: 16)."""


def role_path(role: str, radius: float) -> QPainterPath:
    """The outline of a Raft node: a diamond for a candidate, a circle otherwise."""
    path = QPainterPath()
    if role == "candidate":
        r = radius * 1.18
        path.addPolygon(QPolygonF([QPointF(0, -r), QPointF(r, 0), QPointF(0, r),
                                   QPointF(-r, 0), QPointF(0, -r)]))
    else:
        path.addEllipse(QPointF(0, 0), radius, radius)
    return path


def draw_countdown(painter: QPainter, centre: QPointF, radius: float, fraction: float,
                   hex_colour: str, width: float) -> None:
    """Paint a ring whose coloured arc shows ``fraction`` (0-1) of time left, clockwise from 12."""
    rect = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(colour("#d9dde2"), width))
    painter.drawEllipse(rect)
    fraction = min(1.0, max(0.0, fraction))
    if fraction > 0:
        painter.setPen(QPen(colour(hex_colour), width, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.FlatCap))
        painter.drawArc(rect, 90 * 16, -round(fraction * 360 * 16))


class CountdownItem(QGraphicsItem):
    """A ring whose arc shows the fraction of time left, with optional text in its middle.

    A child of a host item, repainted every frame on its own so the host's cached body is not.
    """

    def __init__(self, parent: QGraphicsItem, centre: QPointF, radius: float, hex_colour: str,
                 width: float, disc: bool = False) -> None:
        super().__init__(parent)
        self.centre = centre
        self.radius = radius
        self.hex_colour = hex_colour
        self.width = width
        self.disc = disc
        self.fraction: float | None = None
        self.text = ""
        self.empty_text = ""
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_value(self, fraction: float | None, text: str = "") -> None:
        """Show ``fraction`` (None: no countdown) and ``text``; repaint only on change."""
        if (fraction, text) != (self.fraction, self.text):
            self.fraction, self.text = fraction, text
            self.update()

    def boundingRect(self) -> QRectF:
        """The ring and its pen."""
        reach = self.radius + self.width + 4
        return QRectF(self.centre.x() - reach, self.centre.y() - reach, 2 * reach, 2 * reach)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Paint the ring (or a dotted empty ring) and the text."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self.disc:
            painter.setBrush(QBrush(_WHITE))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(self.centre, self.radius + 4, self.radius + 4)
        if self.fraction is None:
            if not self.empty_text:
                return
            painter.setPen(QPen(colour("#c9c9c9"), 3, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(self.centre, self.radius, self.radius)
            painter.setPen(colour(style.MUTED))
            painter.setFont(_FONTS["small"])
            painter.drawText(QRectF(self.centre.x() - 28, self.centre.y() - 22, 56, 44),
                             Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        draw_countdown(painter, self.centre, self.radius, self.fraction, self.hex_colour,
                       self.width)
        if self.text:
            painter.setPen(colour(style.FOREGROUND))
            painter.setFont(_FONTS["ring"])
            painter.drawText(QRectF(self.centre.x() - 30, self.centre.y() - 14, 60, 28),
                             Qt.AlignmentFlag.AlignCenter, self.text)



def box_bounds(w: float, h: float) -> QRectF:
    """A centred ``w`` x ``h`` box plus room for its selection and flash frame."""
    return QRectF(-w / 2 - 12, -h / 2 - 12, w + 24, h + 24)


def box_shape(w: float, h: float, radius: float) -> QPainterPath:
    """The clickable outline of a centred ``w`` x ``h`` box (rounded when ``radius`` > 0)."""
    path = QPainterPath()
    rect = QRectF(-w / 2, -h / 2, w, h)
    if radius > 0:
        path.addRoundedRect(rect, radius, radius)
    else:
        path.addRect(rect)
    return path


class HostItem(QGraphicsItem):
    """A movable, selectable host on the canvas; tells ``on_moved`` when it is dragged."""

    def __init__(self, host_id: str, on_moved: Callable[[str], None]) -> None:
        super().__init__()
        self.host_id = host_id
        self._on_moved = on_moved
        self.flash = 0.0
        self.text_boost = 1.0
        """Labels with room around them are drawn this much larger (presenter mode)."""
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges, True)
        self.setZValue(10)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip(f"{host_id}: drag to move it (across a wall to change sides); "
                        "right-click for crash, pause, restart…")
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        """Report moves so links, messages and the partition follow the host."""
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self._on_moved(self.host_id)
        return super().itemChange(change, value)

    def set_flash(self, amount: float) -> None:
        """Show a violation glow of strength ``amount`` (0 = none, 1 = full)."""
        if abs(amount - self.flash) > 0.02 or (amount == 0.0) != (self.flash == 0.0):
            self.flash = amount
            self.update()

    def _paint_flash(self, painter: QPainter, rect: QRectF) -> None:
        if self.flash <= 0:
            return
        glow = colour(style.VIOLATION_COLOUR, round(80 + 150 * self.flash))
        painter.setPen(QPen(glow, 10))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect, 18, 18)

    def _paint_selection(self, painter: QPainter, rect: QRectF) -> None:
        if self.isSelected():
            painter.setPen(QPen(colour(SELECT_COLOUR), 3, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 14, 14)


class RaftNodeItem(HostItem):
    """A consensus node: role by colour and shape, term or ballot, election timer arc, crown,
    crash, pause."""

    def __init__(self, host_id: str, on_moved: Callable[[str], None]) -> None:
        super().__init__(host_id, on_moved)
        self.view = RaftView(host_id)
        self.t = 0.0
        self.timer = CountdownItem(self, QPointF(0, 0), style.NODE_RADIUS + 11,
                                   style.TIMER_COLOUR, 6)

    @staticmethod
    def _body(view: RaftView) -> tuple[object, ...]:
        return (view.role, view.term, view.ballot, view.crashed, view.paused,
                view.replica_value, view.replica_ts, view.replica_newest, view.hints,
                view.replica_expires)

    def set_state(self, view: RaftView, t: float) -> None:
        """Draw ``view`` at time ``t`` (the cached body repaints only when it changes)."""
        if self._body(view) != self._body(self.view) or (
            view.protocol == "none" and replica_state(view, t) != replica_state(self.view, self.t)
        ):
            self.update()
        self.view = view
        self.t = t
        self.timer.set_value(self.timer_fraction(view, t))

    @staticmethod
    def timer_fraction(view: RaftView, t: float) -> float | None:
        """How much of the election timeout is left (1 = just reset, 0 = fires now)."""
        if view.crashed or view.timer_deadline is None or view.timer_armed_at is None:
            return None
        span = view.timer_deadline - view.timer_armed_at
        if span <= 0:
            return 0.0
        return round(min(1.0, max(0.0, (view.timer_deadline - t) / span)), 3)

    def boundingRect(self) -> QRectF:
        """Room for the node, its timer ring, the crown above and the labels below."""
        r = style.NODE_RADIUS
        return QRectF(-r - 70, -r - 62, 2 * r + 140, 2 * r + 112)

    def shape(self) -> QPainterPath:
        """Clicks hit the node's disc and its timer ring."""
        path = QPainterPath()
        path.addEllipse(QPointF(0, 0), style.NODE_RADIUS + 12, style.NODE_RADIUS + 12)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Paint the node as its projected view says."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        view = self.view
        r = style.NODE_RADIUS
        frame = QRectF(-r - 18, -r - 18, 2 * r + 36, 2 * r + 36)
        self._paint_flash(painter, frame)
        self._paint_selection(painter, frame)
        role = view.role
        fill = style.CRASH_COLOUR if view.crashed else style.ROLE_COLOURS.get(role, "#cccccc")
        if view.protocol == "none" and not view.crashed:
            role = "replica"  # the eventual store: no roles, the copy's freshness instead
            fill = replica_colour(view, self.t)
        edge = colour("#37474f")
        pen = QPen(edge, 3)
        if role == "precandidate" and not view.crashed:
            pen = QPen(colour(style.ROLE_COLOURS["candidate"]), 5, Qt.PenStyle.DashLine)
        if role == "leader" and not view.crashed:
            pen = QPen(colour("#1b5e20"), 5)
        painter.setPen(pen)
        painter.setBrush(QBrush(colour(fill)))
        # a crashed node is a grey disc with an X whatever its last role (as the legend's row)
        painter.drawPath(role_path("crashed" if view.crashed else role, r))
        if role == "leader" and not view.crashed:
            draw_crown(painter, 0, -r - 52, 58, 36)
        text_colour = colour("#ffffff" if role == "leader" and not view.crashed else "#111111")
        painter.setPen(text_colour)
        if view.protocol == "none":
            self._paint_copy(painter, r)
        else:
            painter.setFont(font(26, bold=True))
            painter.drawText(QRectF(-r, -r * 0.75, 2 * r, r * 0.9),
                             Qt.AlignmentFlag.AlignCenter, view.id)
            painter.setFont(font(16 * self.text_boost))
            painter.drawText(QRectF(-r - 4, r * 0.1, 2 * r + 8, r * 0.6),
                             Qt.AlignmentFlag.AlignCenter, view.epoch_short)
        if view.crashed:
            draw_cross(painter, 0, 0, r * 0.7)
        if view.paused:
            draw_pause_mark(painter, r * 0.85, -r * 0.85, 17)
        painter.setPen(colour(style.FOREGROUND))
        painter.setFont(font(17 * self.text_boost))
        painter.drawText(QRectF(-r - 70, r + 16, 2 * r + 140, 30),
                         Qt.AlignmentFlag.AlignCenter, self.caption_text())

    def copy_lines(self) -> list[str]:
        """The eventual store's copy of the leader key as the disc shows it, one line for the
        value and one for its timestamp (``app1``, ``@19.7``), or ``empty``."""
        value, at, stamp = self.view.replica_text.partition(" @")
        return [value, "@" + stamp] if at else [value]

    def copy_font(self, bold: bool = False) -> QFont:
        """The font of the copy's lines (scene units, as large as presenter mode asks)."""
        return font(COPY_FONT * self.text_boost, bold=bold)

    def _paint_copy(self, painter: QPainter, r: float) -> None:
        """An eventual store node: its id at the top and its copy of the leader key below in
        two lines, large enough to read on a projector (a value and a timestamp do not fit one
        line at that size)."""
        painter.setFont(font(23, bold=True))
        painter.drawText(QRectF(-r, -r * 0.95, 2 * r, r * 0.8), Qt.AlignmentFlag.AlignCenter,
                         self.view.id)
        lines = self.copy_lines()
        height = r * 0.42
        top = -r * 0.14 if len(lines) == 2 else -r * 0.05
        for row, line in enumerate(lines):
            painter.setFont(self.copy_font(bold=row == 0))
            painter.drawText(QRectF(-r - 4, top + row * height, 2 * r + 8, height),
                             Qt.AlignmentFlag.AlignCenter, line)

    def caption_text(self) -> str:
        """The line under the node: its role (on the eventual store: how fresh its copy of
        the leader key is, and its hints), or why it is out."""
        view = self.view
        if view.crashed:
            return "crashed"
        if view.paused:
            return "paused"
        if view.protocol == "none":
            hints = f" · {view.hints} hint{'s' if view.hints != 1 else ''}" if view.hints else ""
            return replica_state(view, self.t) + hints
        return style.ROLE_NAMES.get(view.role, view.role).lower()


REPLICA_COLOURS = {"newest": "#66bb6a", "older": "#ffb74d", "expired": "#cfd8dc",
                   "no copy": "#eceff1"}
"""The eventual store's nodes: green holds the newest copy of the leader key, orange an older
one, grey one whose TTL ran out (or none)."""


def replica_state(view: RaftView, t: float) -> str:
    """How fresh a replica's copy of the leader key is: newest, older, expired or no copy."""
    if view.replica_ts is None:
        return "no copy"
    if not view.replica_live(t):
        return "expired" if view.replica_value is not None else (
            "newest" if view.replica_newest else "older")
    return "newest" if view.replica_newest else "older"


def replica_colour(view: RaftView, t: float) -> str:
    """The fill of an eventual store node (see REPLICA_COLOURS)."""
    return REPLICA_COLOURS[replica_state(view, t)]


class AppServerItem(HostItem):
    """An app server: leader belief, fencing token and a lease countdown ring."""

    def __init__(self, host_id: str, on_moved: Callable[[str], None]) -> None:
        super().__init__(host_id, on_moved)
        self.view = AppView(host_id)
        self.t = 0.0
        self.ring = CountdownItem(self, QPointF(-style.APP_WIDTH / 2 + 40, 0), 30.0,
                                  style.LEASE_COLOUR, 7, disc=True)
        self.ring.empty_text = "no\nlease"  # two short lines fit inside the ring

    @staticmethod
    def _body(view: AppView) -> tuple[object, ...]:
        return (view.leader, view.token, view.crashed, view.paused, view.shut_down,
                view.session_state)

    def set_state(self, view: AppView, t: float) -> None:
        """Draw ``view`` at time ``t`` (the cached body repaints only when it changes)."""
        if self._body(view) != self._body(self.view):
            self.update()
        self.view = view
        self.t = t
        left = self.lease_left(view, t)
        self.ring.set_value(self.lease_fraction(view, t), ring_text(left))

    @staticmethod
    def lease_left(view: AppView, t: float) -> float | None:
        """Seconds left of its store lease, or else of the lease record it believes holds, by
        its own clock (Kubernetes' recipe); None with neither."""
        if view.lease is not None:
            return view.lease.remaining(t)
        return view.belief_left(t)

    @staticmethod
    def lease_fraction(view: AppView, t: float) -> float | None:
        """How much of the lease's TTL (or of the record's belief) is left (None: neither)."""
        lease = view.lease
        if lease is None:
            belief = view.belief
            left = view.belief_left(t)
            if belief is None or left is None or belief.length <= 0:
                return None
            return round(min(1.0, left / belief.length), 3)
        if lease.ttl <= 0:
            return None
        left = lease.remaining(t)
        if left is None:
            return None
        return round(min(1.0, left / lease.ttl), 3)

    def boundingRect(self) -> QRectF:
        """The box plus its selection and flash frame."""
        return box_bounds(style.APP_WIDTH, style.APP_HEIGHT)

    def shape(self) -> QPainterPath:
        """Clicks hit the box."""
        return box_shape(style.APP_WIDTH, style.APP_HEIGHT, 14)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Paint the app server as its projected view says."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        view = self.view
        w, h = style.APP_WIDTH, style.APP_HEIGHT
        box = QRectF(-w / 2, -h / 2, w, h)
        self._paint_flash(painter, box.adjusted(-8, -8, 8, 8))
        self._paint_selection(painter, box.adjusted(-6, -6, 6, 6))
        leading = view.leader and not view.crashed
        shut_down = view.shut_down and not view.crashed
        if view.crashed:
            fill = style.CRASH_COLOUR
        elif shut_down:
            fill = style.SHUTDOWN_COLOUR
        else:
            fill = style.APP_LEADER_COLOUR if leading else style.APP_IDLE_COLOUR
        if shut_down:  # greyed, with a dashed outline: the process is up, its work stopped
            painter.setPen(QPen(colour(style.SHUTDOWN_MARK_COLOUR), 2, Qt.PenStyle.DashLine))
        else:
            painter.setPen(QPen(colour("#3b2a5c"), 4 if leading else 2))
        painter.setBrush(QBrush(colour(fill)))
        painter.drawRoundedRect(box, 14, 14)
        if view.crashed:
            # In the free right-hand end of the box: the name, "crashed" and the lease ring
            # (the lease still counts down: nobody renews it) stay readable.
            draw_cross(painter, w / 2 - 24, 0, 14)
        elif shut_down:  # top right, clear of the name and of the "shut down" line
            draw_power_mark(painter, w / 2 - 20, -h / 2 + 22, 9)
        text_left = -w / 2 + 78
        text_colour = colour("#ffffff" if leading else (
            style.SHUTDOWN_MARK_COLOUR if shut_down else "#1f1f1f"))
        painter.setPen(text_colour)
        painter.setFont(font(23, bold=True))
        painter.drawText(QRectF(text_left, -h / 2 + 6, w - 84, 32),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         view.id)
        painter.setFont(font(18, bold=leading or shut_down))
        painter.drawText(QRectF(text_left, -h / 2 + 36, w - 84, 24),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         self.status_text())
        trouble = view.session_state in ("disconnected", "expired") and not view.crashed
        painter.setFont(font(15 if trouble else 17))  # "disconnected" fits the box at 15
        painter.drawText(QRectF(text_left, -h / 2 + 60, w - 84, 24),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         self.detail_text())
        if view.paused:
            draw_pause_mark(painter, w / 2 - 4, -h / 2 + 4, 16)

    def status_text(self) -> str:
        """What the server believes: leading, waiting, or out."""
        view = self.view
        if view.crashed:
            return "crashed"
        if view.shut_down:
            return "shut down"
        if view.paused:
            return "paused"
        return "★ LEADER" if view.leader else "standby"

    def detail_text(self) -> str:
        """The third line: the fencing token, or a ZooKeeper client's trouble with its session
        (disconnected, expired) while it lasts (the inspector still gives the token)."""
        view = self.view
        if view.session_state in ("disconnected", "expired") and not view.crashed:
            return view.session_state
        return "token —" if view.token is None else f"token {view.token}"


class ProviderItem(HostItem):
    """The payment provider: charges accepted, rejected, doubled, and the highest token seen."""

    def __init__(self, host_id: str, on_moved: Callable[[str], None], protection: str) -> None:
        super().__init__(host_id, on_moved)
        self.view = ProviderView(host_id)
        self.protection = protection

    def set_state(self, view: ProviderView) -> None:
        """Draw ``view`` (repaints only when it changed)."""
        if view != self.view:
            self.view = view
            self.update()

    def boundingRect(self) -> QRectF:
        """The box plus its selection and flash frame."""
        return box_bounds(style.PROVIDER_WIDTH, style.PROVIDER_HEIGHT)

    def shape(self) -> QPainterPath:
        """Clicks hit the box."""
        return box_shape(style.PROVIDER_WIDTH, style.PROVIDER_HEIGHT, 0)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Paint the provider's ledger summary."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        view = self.view
        w, h = style.PROVIDER_WIDTH, style.PROVIDER_HEIGHT
        box = QRectF(-w / 2, -h / 2, w, h)
        self._paint_flash(painter, box.adjusted(-8, -8, 8, 8))
        self._paint_selection(painter, box.adjusted(-6, -6, 6, 6))
        painter.setPen(QPen(colour(style.PROVIDER_EDGE), 3))
        painter.setBrush(QBrush(colour(style.CRASH_COLOUR if view.crashed
                                       else style.PROVIDER_COLOUR)))
        painter.drawRoundedRect(box, 8, 8)
        painter.setPen(colour(style.FOREGROUND))
        painter.setFont(font(20, bold=True))
        painter.drawText(QRectF(-w / 2, -h / 2 + 6, w, 28), Qt.AlignmentFlag.AlignCenter,
                         "Payment provider")
        lines = [
            (f"charges  {view.accepted}", style.FOREGROUND),
            (f"rejected  {view.rejected}",
             style.SAFEGUARD_COLOUR if view.rejected else style.FOREGROUND),
            (f"double  {view.duplicates}",
             style.VIOLATION_COLOUR if view.duplicates else style.FOREGROUND),
            ("max token  " + ("—" if view.highest_token is None else str(view.highest_token)),
             style.FOREGROUND),
            (f"protection: {self.protection}", style.MUTED),
        ]
        for number, (text, hex_colour) in enumerate(lines):
            painter.setPen(colour(hex_colour))
            painter.setFont(font(16, bold=(number == 2 and view.duplicates > 0)
                                 or (number == 1 and view.rejected > 0)))
            painter.drawText(QRectF(-w / 2 + 14, -h / 2 + 38 + number * 26, w - 20, 26),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        if view.crashed:
            draw_cross(painter, 0, 0, h * 0.3)
        if view.paused:
            draw_pause_mark(painter, w / 2 - 4, -h / 2 + 4, 16)


class LinkItem(QGraphicsItem):
    """The link between two hosts: grey when it works, red dashed where a direction is cut.

    The item is the link's clickable shape; its picture is painted by the scene into the
    view's cached background (``draw``), so many links cost nothing per frame.
    """

    def __init__(self, a: str, b: str) -> None:
        super().__init__()
        self.a, self.b = a, b
        self.p1 = QPointF()
        self.p2 = QPointF()
        self.cut_ab = False
        self.cut_ba = False
        self.faint = False
        self.setZValue(1)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"{a} ↔ {b}: click to cut or heal; Shift-click cuts only the "
                        "direction into the nearer end")

    def _invalidate(self) -> None:
        scene = self.scene()
        if scene is not None:
            scene.invalidate(self.boundingRect(), QGraphicsScene.SceneLayer.BackgroundLayer)

    def prepare_removal(self) -> None:
        """Clear the link's picture from the cached background before it is removed."""
        self._invalidate()

    def set_ends(self, p1: QPointF, p2: QPointF) -> None:
        """Move the link's ends to the hosts' centres."""
        if p1 != self.p1 or p2 != self.p2:
            self._invalidate()
            self.prepareGeometryChange()
            self.p1, self.p2 = QPointF(p1), QPointF(p2)
            self._invalidate()

    def set_cuts(self, cut_ab: bool, cut_ba: bool) -> None:
        """Show which directions (a->b, b->a) are cut."""
        if (cut_ab, cut_ba) != (self.cut_ab, self.cut_ba):
            self.cut_ab, self.cut_ba = cut_ab, cut_ba
            self._invalidate()

    def boundingRect(self) -> QRectF:
        """The segment's box, with room for the cut marks."""
        return QRectF(self.p1, self.p2).normalized().adjusted(-22, -22, 22, 22)

    def shape(self) -> QPainterPath:
        """A band 18 units wide around the segment, so the link is easy to click."""
        path = QPainterPath(self.p1)
        path.lineTo(self.p2)
        stroker = QPainterPathStroker()
        stroker.setWidth(18)
        return stroker.createStroke(path)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Nothing: the scene draws links into the cached background (see ``draw``)."""

    def mark_fraction(self, preferred: float, obstacles: Sequence[QRectF]) -> float:
        """Where along the link (0 at ``a``, 1 at ``b``) its cut mark goes: ``preferred``, or
        the nearest place where the mark covers no host (a long link passes other hosts)."""
        dx, dy = self.p2.x() - self.p1.x(), self.p2.y() - self.p1.y()
        for step in range(0, 9):
            for sign in ((1,) if step == 0 else (1, -1)):
                fraction = preferred + sign * step * 0.05
                if not 0.15 <= fraction <= 0.85:
                    continue
                x, y = self.p1.x() + dx * fraction, self.p1.y() + dy * fraction
                mark = QRectF(x - CUT_MARK_REACH, y - CUT_MARK_REACH,
                              2 * CUT_MARK_REACH, 2 * CUT_MARK_REACH)
                if not any(mark.intersects(area) for area in obstacles):
                    return fraction
        return preferred

    def draw(self, painter: QPainter, obstacles: Sequence[QRectF] = ()) -> None:
        """Paint the line and, for cut directions, a red dashed line and a bar across it
        (where it covers none of the ``obstacles``, the hosts' areas)."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if not (self.cut_ab or self.cut_ba):
            painter.setPen(QPen(colour(style.LINK_COLOUR, 140 if self.faint else 255), 3))
            painter.drawLine(self.p1, self.p2)
            return
        both = self.cut_ab and self.cut_ba
        others = [area for area in obstacles
                  if not (area.contains(self.p1) or area.contains(self.p2))]
        if others:  # a cut link is drawn around the hosts it passes, not through them
            keep = QPainterPath()
            keep.addRect(self.boundingRect())
            for area in others:
                hole = QPainterPath()
                hole.addRect(area)
                keep = keep.subtracted(hole)
            painter.setClipPath(keep, Qt.ClipOperation.IntersectClip)
        painter.setPen(QPen(colour(style.CUT_COLOUR, 130 if self.faint else 170), 2.5,
                            Qt.PenStyle.DashLine))
        painter.drawLine(self.p1, self.p2)
        dx, dy = self.p2.x() - self.p1.x(), self.p2.y() - self.p1.y()
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        nx, ny = -uy, ux
        painter.setPen(QPen(colour(style.CUT_COLOUR), 5, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap))
        if both:
            half = self.mark_fraction(0.5, obstacles)
            mid = QPointF(self.p1.x() + dx * half, self.p1.y() + dy * half)
            painter.drawLine(QPointF(mid.x() + nx * 14, mid.y() + ny * 14),
                             QPointF(mid.x() - nx * 14, mid.y() - ny * 14))
            return
        # One direction: a bar in front of the host that no longer receives, with an arrow.
        towards = self.mark_fraction(0.62 if self.cut_ab else 0.38, obstacles)
        sign = 1.0 if self.cut_ab else -1.0
        bar = QPointF(self.p1.x() + dx * towards, self.p1.y() + dy * towards)
        painter.drawLine(QPointF(bar.x() + nx * 14, bar.y() + ny * 14),
                         QPointF(bar.x() - nx * 14, bar.y() - ny * 14))
        tip = QPointF(bar.x() - sign * ux * 6, bar.y() - sign * uy * 6)
        back = QPointF(tip.x() - sign * ux * 16, tip.y() - sign * uy * 16)
        painter.drawLine(back, tip)
        painter.drawLine(tip, QPointF(tip.x() - sign * ux * 9 + nx * 7,
                                      tip.y() - sign * uy * 9 + ny * 7))
        painter.drawLine(tip, QPointF(tip.x() - sign * ux * 9 - nx * 7,
                                      tip.y() - sign * uy * 9 - ny * 7))
