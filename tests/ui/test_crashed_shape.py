"""A crashed node is drawn as the legend's Crashed row: a disc with an X, whatever its last role."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from simulator.presets.catalog import find_scenario
from ui import style


def _filled(item, x: float, y: float) -> bool:  # type: ignore[no-untyped-def]
    """Whether the host item paints anything at (x, y) of its own coordinates."""
    rect = item.boundingRect()
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.translate(-rect.left(), -rect.top())
    item.paint(painter, None, None)
    painter.end()
    return image.pixelColor(int(x - rect.left()), int(y - rect.top())).alpha() > 0


def test_a_candidate_that_crashes_is_drawn_as_a_crashed_disc(qtbot, open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window(find_scenario("split-votes-fixed"), run_to=0.0)
    runner = window.runner
    candidate = None
    while candidate is None and runner.cursor < 20.0:
        runner.seek(runner.cursor + 0.05)
        candidate = next((v.id for v in runner.world.raft if v.role == "candidate"), None)
    assert candidate is not None
    item = window.scene.hosts[candidate]
    corner = style.NODE_RADIUS * 1.1  # inside a candidate's diamond, outside any disc
    assert _filled(item, corner, 0), "a candidate is a diamond"
    assert runner.act("crash", candidate)
    assert item.view.crashed and item.view.role == "candidate"
    assert not _filled(item, corner, 0), "a crashed candidate is a disc, as the legend draws it"
    assert _filled(item, 0, style.NODE_RADIUS * 0.9)
