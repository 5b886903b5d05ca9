"""The canvas widget: draws the scene scaled to fit and turns mouse gestures into actions.

- A stroke across empty canvas puts up a wall (the network is partitioned along it).
- A click on a link cuts or heals it; with Shift only the direction into the nearer host.
- Dragging a host moves it (across a wall, it changes side of the partition).
- Dragging a wall moves it; Delete removes the selected walls.
- Right-click on a host opens its action menu.

CanvasPane puts the banner (time, summary, caption) above the view: the view fits only the
hosts, so they are drawn as large as its room allows.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import (
    QContextMenuEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsView, QMenu, QVBoxLayout, QWidget

from simulator.projection import World
from ui import style
from ui.canvas.banner import BannerWidget
from ui.canvas.items import HostItem, LinkItem
from ui.canvas.overlays import WallItem
from ui.canvas.scene import ClusterScene, caption_text, summary_text
from ui.canvas.walls import wall_from_stroke
from ui.style import colour

# A press that moves less than this (scene units) is a click, not a stroke.
CLICK_SLOP = 12.0


class CanvasView(QGraphicsView):
    """Shows the ClusterScene and handles strokes, link clicks, drags and context menus."""

    def __init__(self, scene: ClusterScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.cluster = scene
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(480, 260)
        self._stroke: list[QPointF] | None = None
        self._stroke_item: QGraphicsPathItem | None = None
        self._press_link: LinkItem | None = None
        self._dragging_host = False
        self.menu_builder: Callable[[str, QMenu], None] | None = None

    # --- geometry --------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the whole canvas in view at the largest size that fits."""
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        """Scale the scene to fit the widget, keeping its proportions."""
        viewport = self.viewport()
        if viewport.height() > 0:
            self.cluster.match_aspect(viewport.width() / viewport.height())
        self.fitInView(self.cluster.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def _grab(self, position: QPointF) -> tuple[HostItem | WallItem | None, LinkItem | None]:
        grabbed: HostItem | WallItem | None = None
        link: LinkItem | None = None
        for item in self.items(position.toPoint()):
            if isinstance(item, HostItem | WallItem) and grabbed is None:
                grabbed = item
            elif isinstance(item, LinkItem) and link is None:
                link = item
        return grabbed, link

    # --- mouse -----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Start a stroke on empty canvas or a link; let hosts and walls be dragged."""
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        grabbed, link = self._grab(event.position())
        if grabbed is not None:
            self._dragging_host = isinstance(grabbed, HostItem)
            super().mousePressEvent(event)
            return
        self.cluster.clearSelection()
        self._stroke = [self.mapToScene(event.position().toPoint())]
        self._press_link = link
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Extend the stroke being drawn (or drag an item)."""
        if self._stroke is None:
            super().mouseMoveEvent(event)
            return
        self._stroke.append(self.mapToScene(event.position().toPoint()))
        if self._stroke_length() > CLICK_SLOP:
            self._draw_stroke()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Finish a stroke (a wall), a link click, or a drag."""
        if self._stroke is None:
            super().mouseReleaseEvent(event)
            if self._dragging_host:
                self._dragging_host = False
                self.cluster.finish_drag()
            return
        self._stroke.append(self.mapToScene(event.position().toPoint()))
        points = [(p.x(), p.y()) for p in self._stroke]
        link = self._press_link
        long_enough = self._stroke_length() > CLICK_SLOP
        self._stroke = None
        self._press_link = None
        if self._stroke_item is not None:
            self.cluster.removeItem(self._stroke_item)
            self._stroke_item = None
        event.accept()
        if long_enough:
            wall = wall_from_stroke(points)
            if wall is not None:
                self.cluster.add_wall(wall)
            return
        if link is not None:
            towards = None
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                towards = self._nearer_end(link, QPointF(*points[-1]))
            self.cluster.toggle_link(link, towards)

    def _nearer_end(self, link: LinkItem, point: QPointF) -> str:
        da = math.hypot(point.x() - link.p1.x(), point.y() - link.p1.y())
        db = math.hypot(point.x() - link.p2.x(), point.y() - link.p2.y())
        return link.a if da <= db else link.b

    def _stroke_length(self) -> float:
        if not self._stroke:
            return 0.0
        first, last = self._stroke[0], self._stroke[-1]
        return math.hypot(last.x() - first.x(), last.y() - first.y())

    def _draw_stroke(self) -> None:
        assert self._stroke is not None
        path = QPainterPath(self._stroke[0])
        for point in self._stroke[1:]:
            path.lineTo(point)
        if self._stroke_item is None:
            self._stroke_item = QGraphicsPathItem()
            self._stroke_item.setPen(QPen(colour(style.WALL_COLOUR, 150), 6, Qt.PenStyle.DashLine,
                                          Qt.PenCapStyle.RoundCap))
            self._stroke_item.setZValue(40)
            self.cluster.addItem(self._stroke_item)
        self._stroke_item.setPath(path)

    # --- keys and menus --------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete or Backspace removes the selected walls."""
        deleting = event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        if deleting and self.cluster.delete_selected_walls():
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Right-click on a host: select it and show its actions."""
        grabbed, _link = self._grab(QPointF(event.pos()))
        if not isinstance(grabbed, HostItem) or self.menu_builder is None:
            super().contextMenuEvent(event)
            return
        self.cluster.select_host(grabbed.host_id)
        menu = QMenu(self)
        self.menu_builder(grabbed.host_id, menu)
        menu.exec(event.globalPos())
        menu.deleteLater()  # a menu per right-click: none may stay behind
        event.accept()


class CanvasPane(QWidget):
    """The banner above the canvas view: the window's central widget."""

    def __init__(self, scene: ClusterScene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.banner = BannerWidget()
        self.view = CanvasView(scene)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 1)
        runner = scene.runner
        self._runner = runner
        runner.frame.connect(self.show_world)
        runner.session_replaced.connect(self._reserve_captions)
        self._reserve_captions()
        self.show_world(runner.world)

    def _reserve_captions(self) -> None:
        """Make the banner tall enough for the lesson's longest caption or question."""
        scenario = self._runner.session.scenario
        self.banner.reserve([step.text for step in scenario.captions]
                            + ["Question: " + step.question for step in scenario.pauses])

    def show_world(self, world: World) -> None:
        """Show ``world``'s time, summary and caption in the banner."""
        self.banner.set_text(world.t, summary_text(world), caption_text(world))

    def set_text_scale(self, scale: float) -> None:
        """The banner's and the canvas's text ``scale`` times larger (presenter mode)."""
        self.banner.set_scale(scale)
        self.view.cluster.set_text_scale(scale)
