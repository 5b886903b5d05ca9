"""The narration feed: plain sentences for what happened up to the cursor; click one to seek."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from simulator.projection import World
from simulator.projection.narration import NarrationEntry
from ui import style
from ui.runner import SimRunner

LEVEL_COLOURS: dict[str, str] = {
    "info": "#37474f",
    "election": "#b35c00",
    "leader": "#1b6e33",
    "fault": "#8e24aa",
    "warning": "#c62828",
    "caption": "#1f1f1f",
}
TIME_ROLE = Qt.ItemDataRole.UserRole


class NarrationWidget(QWidget):
    """A list of narration entries at or before the cursor, newest at the bottom."""

    def __init__(self, runner: SimRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.scale = 1.0
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setFont(style.font(15))
        self.list.setAlternatingRowColors(True)
        self.list.setToolTip("Click a sentence to go to that moment")
        self.list.itemClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        runner.frame.connect(self.show_world)
        runner.session_replaced.connect(self.list.clear)
        self.show_world(runner.world)

    def set_scale(self, scale: float) -> None:
        """Text ``scale`` times the normal size (presenter mode)."""
        self.scale = scale
        self.list.setFont(style.font(15 * scale))
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setFont(style.font(15 * scale, bold=item.font().bold()))

    def show_world(self, world: World) -> None:
        """Show every entry up to ``world.t`` (adding new ones, hiding those after a seek back)."""
        session = self.runner.session
        session.update_narration()
        shown = session.narration_count_at(world.t)
        while self.list.count() > shown:
            self.list.takeItem(self.list.count() - 1)
        if self.list.count() < shown:
            for entry in session.narration[self.list.count():shown]:
                self.list.addItem(self._item(entry))
            self.list.scrollToBottom()

    def _item(self, entry: NarrationEntry) -> QListWidgetItem:
        item = QListWidgetItem(f"{entry.t:8.3f} s   {entry.text}")
        item.setData(TIME_ROLE, entry.t)
        item.setForeground(QBrush(style.colour(LEVEL_COLOURS.get(entry.level, "#37474f"))))
        if entry.level in ("caption", "warning", "leader"):
            item.setFont(style.font(15 * self.scale, bold=True))
        if entry.level == "caption":
            item.setBackground(QBrush(style.colour(style.CAPTION_BACKGROUND)))
        return item

    def _clicked(self, item: QListWidgetItem) -> None:
        self.runner.pause()
        self.runner.seek(float(item.data(TIME_ROLE)))

    def texts(self) -> list[str]:
        """The sentences shown, oldest first."""
        return [self.list.item(row).text() for row in range(self.list.count())]
