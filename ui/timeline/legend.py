"""The timeline's legend: one graphics item that paints its own swatches, symbols and texts.

pyqtgraph's LegendItem keeps a child item per entry; adding entries while views come and go
led to crashes at paint time (child items freed twice), so this legend has no children. It
lays its entries out in as many columns as fit its width and asks the layout for the height
that needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol
from PySide6 import QtCore, QtGui, QtWidgets

from ui.timeline.style import FOREGROUND


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One legend line: a bar swatch (``brush``) or a marker (``symbol``), and its text."""

    text: str
    brush: QtGui.QBrush
    symbol: str | None = None
    size: float = 0.0
    edge: str = FOREGROUND


class TimelineLegend(pg.GraphicsWidget):
    """A legend of swatches and symbols laid out in columns across the available width."""

    def __init__(self, scale: float = 1.0) -> None:
        super().__init__()
        self.scale = scale
        self.entries: list[LegendEntry] = []
        self.font = QtGui.QFont()
        self.font.setPointSizeF(9 * scale)
        self._metrics = QtGui.QFontMetricsF(self.font)
        self._columns = 1
        self._shown = True
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                           QtWidgets.QSizePolicy.Policy.Fixed)

    @property
    def row_height(self) -> float:
        """Height of one legend row in pixels."""
        return max(self._metrics.height(), 16 * self.scale) + 4 * self.scale

    @property
    def swatch(self) -> float:
        """Width and height of a bar swatch in pixels."""
        return 14 * self.scale

    def column_width(self) -> float:
        """Width of one column: the widest text plus its swatch and spacing."""
        widest = max((self._metrics.horizontalAdvance(e.text) for e in self.entries), default=0)
        return widest + self.swatch + 22 * self.scale

    def set_entries(self, entries: list[LegendEntry]) -> None:
        """Show ``entries`` (in this order) and resize to fit."""
        self.entries = list(entries)
        self._relayout(self.size().width())
        self.update()

    def set_shown(self, shown: bool) -> None:
        """Show or hide the legend; hidden, it takes no room in the layout."""
        self._shown = bool(shown)
        self.setVisible(self._shown)
        self._relayout(self.size().width())

    def columns(self) -> int:
        """How many columns the entries are laid out in at the current width."""
        return self._columns

    def _relayout(self, width: float) -> None:
        columns = max(1, int(width // self.column_width())) if width > 0 else 4
        columns = min(columns, max(1, len(self.entries)))
        self._columns = columns
        rows = math.ceil(len(self.entries) / columns) if self.entries and self._shown else 0
        height = rows * self.row_height + (6 * self.scale if rows else 0)
        self.setMinimumHeight(height)
        self.setMaximumHeight(height)
        self.setPreferredHeight(height)

    def resizeEvent(self, event: QtWidgets.QGraphicsSceneResizeEvent) -> None:  # noqa: N802
        """Re-flow the columns for the new width."""
        super().resizeEvent(event)
        self._relayout(event.newSize().width())

    def paint(
        self,
        painter: QtGui.QPainter,
        option: QtWidgets.QStyleOptionGraphicsItem,
        widget: QtWidgets.QWidget | None = None,
    ) -> None:
        """Draw every entry: swatch or symbol, then its text."""
        if not self.entries:
            return
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setFont(self.font)
        width = self.size().width()
        column_width = max(self.column_width(), width / self._columns)
        row_height = self.row_height
        swatch = self.swatch
        for index, entry in enumerate(self.entries):
            row, column = divmod(index, self._columns)
            x = 8 * self.scale + column * column_width
            y = 3 * self.scale + row * row_height
            middle = y + row_height / 2
            if entry.symbol is None:
                painter.setPen(QtCore.Qt.PenStyle.NoPen)
                painter.setBrush(entry.brush)
                painter.drawRect(QtCore.QRectF(x, middle - swatch / 2, swatch, swatch))
            else:
                painter.save()
                painter.translate(x + swatch / 2, middle)
                drawSymbol(painter, entry.symbol, entry.size, pg.mkPen(entry.edge),
                           entry.brush)
                painter.restore()
            painter.setPen(QtGui.QColor(FOREGROUND))
            text_rect = QtCore.QRectF(x + swatch + 8 * self.scale, y, column_width, row_height)
            painter.drawText(text_rect, int(QtCore.Qt.AlignmentFlag.AlignVCenter), entry.text)
