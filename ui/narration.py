"""The narration feed: the lesson's title and description first, then plain sentences for what
happened up to the cursor; click one to seek."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from simulator.config import Scenario
from simulator.projection import World
from simulator.projection.narration import NarrationEntry
from ui import style
from ui.runner import SimRunner

LEVEL_COLOURS: dict[str, str] = {
    "info": "#37474f",
    "election": "#b35c00",
    "leader": "#1b6e33",
    "fault": "#8e24aa",
    "safeguard": style.SAFEGUARD_COLOUR,
    "warning": style.VIOLATION_COLOUR,
    "caption": "#1f1f1f",
}
TIME_ROLE = Qt.ItemDataRole.UserRole


def lesson_paragraphs(scenario: Scenario) -> list[str]:
    """The scenario's description as paragraphs (blank lines split them; line breaks inside a
    paragraph become spaces)."""
    paragraphs = [" ".join(block.split()) for block in scenario.description.split("\n\n")]
    return [paragraph for paragraph in paragraphs if paragraph]


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
        self._header = 0
        runner.frame.connect(self.show_world)
        runner.session_replaced.connect(self._restart)
        self._restart()
        self.show_world(runner.world)

    def _restart(self) -> None:
        """Start the list again with the lesson's title (bold) and its description."""
        scenario = self.runner.session.scenario
        if self._header and self._header_texts() == self._lesson_texts(scenario):
            # the same lesson (a fork): keep its rows and drop the sentences, newest first, as
            # a seek back does; show_world adds the new run's
            while self.list.count() > self._header:
                self.list.takeItem(self.list.count() - 1)
            return
        self.list.clear()
        title = QListWidgetItem(scenario.title or scenario.name)
        title.setFont(style.font(17 * self.scale, bold=True))
        title.setBackground(QBrush(style.colour(style.CAPTION_BACKGROUND)))
        title.setToolTip("The lesson: File > Preset library… opens another")
        items = [title]
        for paragraph in lesson_paragraphs(scenario):
            item = QListWidgetItem(paragraph)
            item.setFont(style.font(15 * self.scale))
            item.setBackground(QBrush(style.colour(style.CAPTION_BACKGROUND)))
            items.append(item)
        for item in items:
            item.setData(TIME_ROLE, 0.0)
            item.setForeground(QBrush(style.colour(LEVEL_COLOURS["caption"])))
            self.list.addItem(item)
        self._header = len(items)

    @staticmethod
    def _lesson_texts(scenario: Scenario) -> list[str]:
        return [scenario.title or scenario.name, *lesson_paragraphs(scenario)]

    def _header_texts(self) -> list[str]:
        return [self.list.item(row).text() for row in range(min(self._header, self.list.count()))]

    @property
    def header_rows(self) -> int:
        """How many rows the lesson's title and description take at the top."""
        return self._header

    def set_scale(self, scale: float) -> None:
        """Text ``scale`` times the normal size (presenter mode)."""
        self.scale = scale
        self.list.setFont(style.font(15 * scale))
        for row in range(self.list.count()):
            item = self.list.item(row)
            size = 17 if row == 0 and self._header else 15
            item.setFont(style.font(size * scale, bold=item.font().bold()))

    def show_world(self, world: World) -> None:
        """Show every entry up to ``world.t`` (adding new ones, hiding those after a seek back)."""
        session = self.runner.session
        session.update_narration()
        header = self._header
        shown = header + session.narration_count_at(world.t)
        while self.list.count() > shown:
            self.list.takeItem(self.list.count() - 1)
        if self.list.count() < shown:
            for entry in session.narration[self.list.count() - header:shown - header]:
                self.list.addItem(self._item(entry))
            self.list.scrollToBottom()

    def _item(self, entry: NarrationEntry) -> QListWidgetItem:
        item = QListWidgetItem(f"{entry.t:8.3f} s   {entry.text}")
        item.setData(TIME_ROLE, entry.t)
        item.setForeground(QBrush(style.colour(LEVEL_COLOURS.get(entry.level, "#37474f"))))
        if entry.level in ("caption", "warning", "leader", "safeguard"):
            item.setFont(style.font(15 * self.scale, bold=True))
        if entry.level == "caption":
            item.setBackground(QBrush(style.colour(style.CAPTION_BACKGROUND)))
        return item

    def _clicked(self, item: QListWidgetItem) -> None:
        self.runner.pause()
        self.runner.seek(float(item.data(TIME_ROLE)))

    def texts(self) -> list[str]:
        """The rows shown, top to bottom: the lesson's title and description, then the
        sentences, oldest first."""
        return [self.list.item(row).text() for row in range(self.list.count())]
