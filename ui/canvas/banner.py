"""The canvas's header: the simulated time, the cluster summary and the preset's caption.

On screen the header is a strip of its own above the canvas view (BannerWidget), in pixels, so
the fit-to-view scaling only has the hosts, links and walls to keep and draws them as large as
the view allows. Exported canvas pictures are for slides and need the header too: the scene
keeps a BannerItem that it shows above the hosts only while a picture is drawn. Both paint
with ``draw_banner``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QFontMetricsF, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QGraphicsItem, QSizePolicy, QStyleOptionGraphicsItem, QWidget

from ui import style
from ui.style import colour, font

# The banner's geometry at unit 1 (the scene's units; the widget draws it ``unit`` px a unit).
BANNER_HEIGHT = 112.0
TIME_WIDTH = 300.0
ROW_TOP, ROW_HEIGHT = 6.0, 44.0
CAPTION_TOP, CAPTION_HEIGHT = 52.0, 56.0
TIME_SIZE, SUMMARY_SIZE = 34.0, 24.0
# The caption shrinks through these sizes until it fits its box (two lines at most).
CAPTION_SIZES = (21.0, 19.0, 17.0, 15.0)
# The on-screen banner draws a unit this many pixels (times the presenter scale): the time
# 24 px, the summary 17 px and the caption about 15 px in the normal window.
SCREEN_UNIT = 0.7


def time_rect(unit: float = 1.0) -> QRectF:
    """Where the time is drawn."""
    return QRectF(20 * unit, ROW_TOP * unit, TIME_WIDTH * unit, ROW_HEIGHT * unit)


@dataclass(frozen=True, slots=True)
class BannerLayout:
    """Where a banner's summary and caption go, at which sizes, and how tall it is."""

    summary_rect: QRectF
    summary_size: float
    caption_box: QRectF
    caption_size: float
    height: float


def layout_banner(width: float, summary: str, caption: str, unit: float = 1.0,
                  grow: bool = False) -> BannerLayout:
    """Lay a banner ``width`` wide out. Fixed (``grow`` False, exported pictures): one row
    for the time and the (elided) summary, a two-line caption box that shrinks its text to fit,
    BANNER_HEIGHT tall. Growing (on screen): nothing is cut off; a summary too long for the
    row beside the time first shrinks a little, then gets a row of its own below it, and the
    caption box takes as many lines as its text needs at a readable size."""
    row = QRectF(330 * unit, ROW_TOP * unit, max(0.0, width - 350 * unit), ROW_HEIGHT * unit)
    summary_size = SUMMARY_SIZE
    caption_top = CAPTION_TOP * unit
    if grow and summary:
        for size in (SUMMARY_SIZE, SUMMARY_SIZE * 0.9, SUMMARY_SIZE * 0.8):
            summary_size = size
            if QFontMetricsF(font(size * unit)).horizontalAdvance(summary) <= row.width():
                break
        else:
            summary_size = SUMMARY_SIZE
            row = QRectF(20 * unit, (ROW_TOP + ROW_HEIGHT) * unit,
                         max(0.0, width - 40 * unit), 0.0)
            needed = QFontMetricsF(font(summary_size * unit)).boundingRect(
                row.adjusted(0, 0, 0, 10_000), int(Qt.TextFlag.TextWordWrap), summary)
            row.setHeight(needed.height() + 6 * unit)
            caption_top = row.bottom() + 2 * unit
    box = QRectF(20 * unit, caption_top, max(0.0, width - 40 * unit), CAPTION_HEIGHT * unit)
    inner = box.adjusted(14 * unit, 2 * unit, -14 * unit, -2 * unit)
    caption_size = CAPTION_SIZES[0]
    for caption_size in CAPTION_SIZES[: 3 if grow else len(CAPTION_SIZES)]:
        metrics = QFontMetricsF(font(caption_size * unit))
        needed = metrics.boundingRect(inner, int(Qt.TextFlag.TextWordWrap), caption)
        if needed.height() <= inner.height():
            break
    else:
        if grow:  # a taller box at the smallest readable size rather than a clipped caption
            box.setHeight(needed.height() + 8 * unit)
    height = BANNER_HEIGHT * unit
    if grow:
        height = max(height, box.bottom() + 4 * unit)
    return BannerLayout(row, summary_size, box, caption_size, height)


def draw_banner(painter: QPainter, width: float, t: float, summary: str, caption: str,
                unit: float = 1.0, grow: bool = False) -> None:
    """Paint the time on the left, the summary next to it and the caption in a box below,
    on a strip ``width`` wide, laid out by layout_banner."""
    layout = layout_banner(width, summary, caption, unit, grow)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.setPen(colour(style.FOREGROUND))
    painter.setFont(font(TIME_SIZE * unit, bold=True))
    middle = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    painter.drawText(time_rect(unit), middle, f"t = {t:.3f} s")
    summary_font = font(layout.summary_size * unit)
    painter.setFont(summary_font)
    row = layout.summary_rect
    if grow:
        painter.drawText(row, middle | Qt.TextFlag.TextWordWrap, summary)
    else:
        shown = QFontMetricsF(summary_font).elidedText(summary, Qt.TextElideMode.ElideRight,
                                                       row.width())
        painter.drawText(row, middle, shown)
    if not caption:
        return
    box = layout.caption_box
    painter.setPen(QPen(colour("#d9b64a"), 2))
    painter.setBrush(QBrush(colour(style.CAPTION_BACKGROUND)))
    painter.drawRoundedRect(box, 10 * unit, 10 * unit)
    painter.setPen(colour(style.FOREGROUND))
    inner = box.adjusted(14 * unit, 2 * unit, -14 * unit, -2 * unit)
    painter.setFont(font(layout.caption_size * unit))
    painter.drawText(inner, middle | Qt.TextFlag.TextWordWrap, caption)


class BannerText:
    """What a banner shows: the time, the cluster summary and the caption."""

    def __init__(self) -> None:
        self.t = 0.0
        self.summary = ""
        self.caption = ""

    def change(self, t: float, summary: str, caption: str) -> str:
        """Take the new text; return "all" (summary or caption changed), "time" (only the
        shown time changed) or "" (nothing to repaint)."""
        if (summary, caption) != (self.summary, self.caption):
            self.t, self.summary, self.caption = t, summary, caption
            return "all"
        if round(t, 3) != round(self.t, 3):
            self.t = t
            return "time"
        self.t = t
        return ""


class BannerItem(QGraphicsItem, BannerText):
    """The banner in the scene: drawn above the hosts in exported canvas pictures only."""

    def __init__(self, width: float) -> None:
        QGraphicsItem.__init__(self)
        BannerText.__init__(self)
        self._width = width
        self.setZValue(30)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_text(self, t: float, summary: str, caption: str) -> None:
        """Show time ``t``, the cluster ``summary`` and the ``caption`` (may be empty)."""
        changed = self.change(t, summary, caption)
        if changed == "all":
            self.update()
        elif changed == "time":
            self.update(time_rect())

    def set_width(self, width: float) -> None:
        """Span a canvas this wide."""
        self.prepareGeometryChange()
        self._width = width

    def boundingRect(self) -> QRectF:
        """A strip along the top of the picture."""
        return QRectF(0, 0, self._width, BANNER_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Paint the time, the summary and the caption."""
        draw_banner(painter, self._width, self.t, self.summary, self.caption)


class BannerWidget(QWidget, BannerText):
    """The banner on screen: a strip above the canvas view, with text in pixels (larger in
    presenter mode), on the canvas's background colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        BannerText.__init__(self)
        self.scale = 1.0
        self._reserved: tuple[str, ...] = ()
        """The lesson's captions and questions: the banner is tall enough for the longest, so
        it keeps one height through the lesson (the canvas below does not jump)."""
        self._fitted: tuple[float, float] = (0.0, 0.0)
        self.setAutoFillBackground(False)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fix_height()

    @property
    def unit(self) -> float:
        """Pixels per banner unit."""
        return SCREEN_UNIT * self.scale

    def set_scale(self, scale: float) -> None:
        """Draw the text ``scale`` times its normal size (presenter mode)."""
        if scale == self.scale:
            return
        self.scale = scale
        self._fitted = (0.0, 0.0)
        self._fix_height()
        self.update()

    def reserve(self, captions: Iterable[str]) -> None:
        """Keep room for every one of ``captions`` (the lesson's), whichever is shown."""
        self._reserved = tuple(captions)
        self._fitted = (0.0, 0.0)
        self._fix_height()

    def needed_height(self, width: float | None = None) -> int:
        """The height that shows the summary and the tallest caption reserved, uncut."""
        width = float(self.width() if width is None else width)
        captions = {self.caption, *self._reserved}
        return round(max(layout_banner(width, self.summary, caption, self.unit, True).height
                         for caption in captions))

    def _fix_height(self) -> None:
        """Grow (never shrink while the width stays) to what the text needs."""
        width = float(self.width())
        height = self.needed_height(width)
        if self._fitted[0] == width:
            height = max(height, round(self._fitted[1]))
        self._fitted = (width, float(height))
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)
            self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A new width may need more or fewer lines."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fix_height()

    def sizeHint(self) -> QSize:
        """As wide as the canvas, BANNER_HEIGHT units high."""
        return QSize(round(600 * self.unit), round(BANNER_HEIGHT * self.unit))

    def set_text(self, t: float, summary: str, caption: str) -> None:
        """Show time ``t``, the cluster ``summary`` and the ``caption`` (may be empty)."""
        changed = self.change(t, summary, caption)
        if changed == "all":
            self._fix_height()
            self.update()
        elif changed == "time":
            self.update(time_rect(self.unit).toAlignedRect().adjusted(-2, -2, 2, 2))

    def time_font_pixels(self) -> float:
        """The time's font size in pixels."""
        return TIME_SIZE * self.unit

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint the background, then the time, summary and caption."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), colour(style.BACKGROUND))
        draw_banner(painter, self.width(), self.t, self.summary, self.caption, self.unit,
                    grow=True)
        painter.end()
