"""Colours say what they mean: red is for harm (a double charge, a violation); a protection doing
its job (the provider fencing off a stale charge, a leader stepping down) is drawn in blue."""

from __future__ import annotations

from PySide6.QtGui import QColor

from simulator.presets.catalog import find_scenario
from ui import style
from ui.narration import LEVEL_COLOURS
from ui.timeline.style import MARK_STYLES


def reddish(hex_text: str) -> bool:
    colour = QColor(hex_text)
    return colour.red() > 150 and colour.green() < 90 and colour.blue() < 90


def narration_colours(window) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each sentence shown (after the lesson's header) with the colour it is drawn in."""
    rows = window.narration.list
    return {rows.item(row).text(): rows.item(row).foreground().color().name()
            for row in range(window.narration.header_rows, rows.count())}


def test_a_fenced_off_charge_and_a_step_down_are_not_red(qtbot, open_window) -> None:
    window = open_window(find_scenario("pause-fenced-charge"), run_to=45.0)
    shown = narration_colours(window)
    rejected = [text for text in shown if "(stale token" in text]
    stepped = [text for text in shown if "stopped acting as the leader" in text]
    assert rejected and stepped, "the lesson fences a stale charge and its leader steps down"
    for text in rejected + stepped:
        assert shown[text] == QColor(style.SAFEGUARD_COLOUR).name(), text
        assert not reddish(shown[text])
    assert not any("Double charge" in text for text in shown)
    provider = window.runner.world.provider
    assert provider is not None and provider.rejected > 0
    assert not reddish(MARK_STYLES["charge-rejected"].colour)
    assert not reddish(MARK_STYLES["lease-expired"].colour)


def test_a_double_charge_is_red(qtbot, open_window) -> None:
    window = open_window(find_scenario("pause-double-charge"), run_to=45.0)
    shown = narration_colours(window)
    doubles = [text for text in shown if text.strip().split("   ", 1)[-1].startswith("Double")]
    assert doubles
    assert all(reddish(shown[text]) for text in doubles)
    assert reddish(LEVEL_COLOURS["warning"]) and reddish(MARK_STYLES["double-charge"].colour)
