"""render_timeline writes PNG and SVG pictures that open, have the asked size and show the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore, QtGui, QtSvg
from pytestqt.qtbot import QtBot

from simulator.config import Scenario
from tests.ui.test_timeline_stories import leader_crash_story, story_scenario
from ui.timeline.render import default_height, render_timeline
from ui.timeline.style import APP_LEADER_COLOUR, ROLE_COLOURS


def _colours(image: QtGui.QImage) -> set[str]:
    """Every distinct colour on a grid of sample points (hex #rrggbb)."""
    found = set()
    for x in range(0, image.width(), 4):
        for y in range(0, image.height(), 4):
            found.add(image.pixelColor(x, y).name())
    return found


def test_png_opens_at_the_requested_size_and_shows_roles(qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "crash.png"
    render_timeline(leader_crash_story(), story_scenario(), out, width=1200, height=700)
    image = QtGui.QImage(str(out))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1200, 700)
    colours = _colours(image)
    for wanted in (ROLE_COLOURS["follower"], ROLE_COLOURS["leader"], APP_LEADER_COLOUR):
        assert wanted in colours
    assert len(colours) > 10


def test_png_height_defaults_to_room_for_every_lane(qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "crash.png"
    render_timeline(leader_crash_story(), story_scenario(), out, width=1600)
    image = QtGui.QImage(str(out))
    lanes = 1 + 5 + 3
    assert (image.width(), image.height()) == (1600, default_height(lanes, 1.6))


def test_svg_opens_with_the_requested_size_and_draws_the_run(
    qtbot: QtBot, tmp_path: Path
) -> None:
    out = tmp_path / "crash.SVG"
    render_timeline(leader_crash_story(), story_scenario(), out, width=1000, height=600)
    renderer = QtSvg.QSvgRenderer(str(out))
    assert renderer.isValid()
    assert renderer.defaultSize() == QtCore.QSize(1000, 600)
    image = QtGui.QImage(1000, 600, QtGui.QImage.Format.Format_ARGB32)
    image.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(image)
    renderer.render(painter)
    painter.end()
    colours = _colours(image)
    assert ROLE_COLOURS["leader"] in colours and ROLE_COLOURS["follower"] in colours
    assert "term 2" in out.read_text(encoding="utf-8")


def test_a_run_without_scenario_still_renders_its_lanes(qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "plain.png"
    render_timeline([e.to_record() for e in leader_crash_story()], None, out, width=800)
    image = QtGui.QImage(str(out))
    assert image.width() == 800
    assert ROLE_COLOURS["leader"] in _colours(image)


def test_other_suffix_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    out = tmp_path / "crash.jpg"
    with pytest.raises(ValueError, match=r"crash\.jpg.*\.png or \.svg"):
        render_timeline(leader_crash_story(), story_scenario(), out)
    assert not out.exists()
    with pytest.raises(ValueError, match="no suffix"):
        render_timeline(leader_crash_story(), story_scenario(), tmp_path / "crash")


def test_unwritable_path_raises_oserror(qtbot: QtBot, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        render_timeline(leader_crash_story(), story_scenario(), tmp_path / "missing" / "t.png")


def test_real_run_with_a_leader_crash_renders(qtbot: QtBot, tmp_path: Path) -> None:
    simulation_module = pytest.importorskip("simulator.runtime.simulation")
    simulation = simulation_module.Simulation(Scenario(seed=3))
    simulation.run_until(5.0)
    leader = simulation.raft_leader()
    assert leader is not None
    simulation.crash(leader)
    simulation.run_until(12.0)
    out = tmp_path / "real.png"
    render_timeline(simulation.trace.events, simulation.scenario, out, width=1000)
    image = QtGui.QImage(str(out))
    assert image.width() == 1000
    colours = _colours(image)
    assert ROLE_COLOURS["leader"] in colours and ROLE_COLOURS["follower"] in colours


def test_time_range_limits_the_picture(qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "early.svg"
    render_timeline(leader_crash_story(), story_scenario(), out, width=1000,
                    time_range=(0.0, 9.0))
    text = out.read_text(encoding="utf-8")
    assert "Leader crash, seed 1: 0 to 9.0 s" in text
    assert "term 1" in text and "term 2" not in text
