"""A hidden timeline catches up: its export and its re-showing match the window's time.

The window feeds the timeline only while its dock is shown. With View > Timeline off, a seek
to 25 s and File > Export timeline wrote the picture of 0 to 6 s, and turning the timeline back
on showed the old cursor until the next seek. Now both bring it up to the window's time first.
"""

from __future__ import annotations

import re
from pathlib import Path

from simulator.config import Scenario


def _exported_range(svg: Path) -> tuple[float, float]:
    """The time window an exported picture's title names (``... : 0.0 to 30.0 s``)."""
    found = re.search(r"([0-9.]+) to ([0-9.]+) s", svg.read_text(encoding="utf-8"))
    assert found is not None
    return float(found.group(1)), float(found.group(2))


def test_a_hidden_timeline_exports_and_reshows_at_the_windows_time(
    qtbot, open_window, tmp_path: Path
) -> None:
    window = open_window(Scenario(duration=30.0), run_to=5.0)
    timeline = window.timeline
    qtbot.waitUntil(lambda: timeline.cursor_time == 5.0)
    toggle = window.timeline_dock.toggleViewAction()  # View > Timeline
    toggle.trigger()
    qtbot.waitUntil(lambda: not window.timeline_dock.isVisible())
    window.runner.seek(25.0)
    qtbot.wait(50)

    svg = tmp_path / "timeline.svg"
    assert window.files.export_timeline(svg, width=1200, height=500)
    start, end = _exported_range(svg)
    assert start <= 25.0 <= end

    toggle.trigger()
    qtbot.waitUntil(lambda: window.timeline_dock.isVisible())
    assert timeline.cursor_time == 25.0
    assert timeline.model.event_count >= len(window.runner.session.trace.events)
    x0, x1 = timeline.time_range()
    assert x0 <= 25.0 <= x1


def test_turning_the_timeline_back_on_shows_the_windows_time_at_once(qtbot, open_window) -> None:
    window = open_window(Scenario(duration=30.0), run_to=5.0)
    timeline = window.timeline
    toggle = window.timeline_dock.toggleViewAction()
    toggle.trigger()
    qtbot.waitUntil(lambda: not window.timeline_dock.isVisible())
    window.runner.seek(20.0)
    toggle.trigger()
    qtbot.waitUntil(lambda: window.timeline_dock.isVisible())
    assert timeline.cursor_time == 20.0
    assert timeline.model.event_count == len(window.runner.session.trace.events)
    qtbot.waitUntil(lambda: timeline.time_range()[1] >= 20.0)
