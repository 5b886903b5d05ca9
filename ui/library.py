"""The preset library: a dialog listing the shipped presets with their titles and descriptions.

Choosing one (double-click, Enter or "Open") accepts the dialog; ``chosen_path`` is its file.
Presets that do not validate are listed greyed out with their first problem, so a broken file
in the catalog is visible rather than silently missing.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from simulator.presets.catalog import PresetInfo, list_presets
from ui import style

PATH_ROLE = Qt.ItemDataRole.UserRole


def describe(info: PresetInfo) -> str:
    """The rich text shown for ``info``: title, file name, description (or its problem)."""
    text = f"<h2>{escape(info.title)}</h2><p style='color:{style.MUTED}'>{escape(info.name)}</p>"
    if not info.valid:
        problem = escape(str(info.problems[0]))
        return text + f"<p style='color:#c62828'>Cannot be opened: {problem}</p>"
    paragraphs = [p.strip() for p in info.description.split("\n\n") if p.strip()]
    return text + "".join(f"<p>{escape(' '.join(p.split()))}</p>" for p in paragraphs)


class PresetLibrary(QDialog):
    """Lists the shipped presets; the one chosen is ``chosen_path`` after ``accept``."""

    def __init__(self, presets: list[PresetInfo] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preset library")
        self.resize(1100, 640)
        self.setFont(style.font(16))
        self.presets = list_presets() if presets is None else presets
        self.chosen_path: Path | None = None
        self.list = QListWidget()
        self.list.setFont(style.font(17))
        self.list.setMinimumWidth(420)
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for info in self.presets:
            item = QListWidgetItem(info.title if info.valid else f"{info.title} (broken)")
            item.setData(PATH_ROLE, str(info.path))
            item.setToolTip(info.name)
            if not info.valid:
                item.setForeground(style.colour(style.MUTED))
            self.list.addItem(item)
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setMargin(12)
        self.details.setFont(style.font(17))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._open_current)
        self.buttons.rejected.connect(self.reject)
        self.list.currentRowChanged.connect(self._show_row)
        self.list.itemActivated.connect(lambda _item: self._open_current())
        layout = QVBoxLayout(self)
        body = QHBoxLayout()
        layout.addLayout(body, 1)  # empty, filled below: see ui/layouts.py
        body.addWidget(self.list, 1)
        body.addWidget(self.details, 1)
        layout.addWidget(self.buttons)
        if self.presets:
            self.list.setCurrentRow(0)

    def select(self, name: str) -> bool:
        """Highlight the preset called ``name`` (its file stem); False if there is none."""
        for row, info in enumerate(self.presets):
            if info.name == name:
                self.list.setCurrentRow(row)
                return True
        return False

    def current(self) -> PresetInfo | None:
        """The highlighted preset."""
        row = self.list.currentRow()
        return self.presets[row] if 0 <= row < len(self.presets) else None

    def _show_row(self, row: int) -> None:
        info = self.current()
        self.details.setText("" if info is None else describe(info))
        open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        open_button.setEnabled(info is not None and info.valid)

    def _open_current(self) -> None:
        info = self.current()
        if info is None or not info.valid:
            return
        self.chosen_path = info.path
        self.accept()
