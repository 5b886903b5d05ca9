"""The walls on the canvas, and the sides hosts are drawn on, agree with the trace at the cursor.

A wall always applies its partition at the cursor (forking in the past), even when an earlier
wall made the same split; a wall whose links the preset healed no longer stands; and a fork
puts back a node that was dragged across a wall later on.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from simulator.presets.catalog import find_scenario
from tests.ui.conftest import host_point, to_view
from tests.ui.test_canvas_gestures import between, drag, stroke, vertical_wall
from ui.mainwindow import MainWindow

LEFT, RIGHT = ["n1", "n4", "n5"], ["n2", "n3"]


def standing(window: MainWindow) -> int:
    return sum(item.isVisible() for item in window.scene.walls)


def test_the_same_wall_drawn_earlier_partitions_there(qtbot, open_window) -> None:
    window = open_window(run_to=5.0)
    runner = window.runner
    stroke(qtbot, window, vertical_wall(window, 650))
    assert runner.world.cuts == between(LEFT, RIGHT)
    runner.seek(2.0)
    assert runner.world.cuts == frozenset()
    stroke(qtbot, window, vertical_wall(window, 650))  # the same split, three seconds earlier
    assert runner.session.forks == 1, "a wall drawn in the past forks the run there"
    assert runner.world.cuts == between(LEFT, RIGHT)
    partitions = [e.t for e in runner.session.trace.events
                  if e.kind == "user.action" and e.action == "partition"]  # type: ignore[attr-defined]
    assert partitions and partitions[0] < 3.0
    runner.seek(4.0)
    assert standing(window) == 1
    assert runner.world.cuts == between(LEFT, RIGHT)


def test_a_wall_the_preset_healed_comes_down_and_a_new_one_partitions(qtbot,
                                                                      open_window) -> None:
    window = open_window(find_scenario("raft-minority-partition"), run_to=3.0)
    runner = window.runner
    xs = sorted(item.pos().x() for item in window.scene.hosts.values())
    stroke(qtbot, window, vertical_wall(window, xs[2] + 20))
    assert runner.world.cuts >= between(LEFT, RIGHT)
    runner.seek(10.0)
    assert standing(window) == 1, "the preset's isolation of n4 leaves the wall's cuts alone"
    runner.seek(25.0)  # the preset healed every link at 20 s
    assert runner.world.cuts == frozenset()
    assert standing(window) == 0, "the wall the preset healed is no longer drawn"
    assert window.scene.active_walls() == []
    stroke(qtbot, window, vertical_wall(window, xs[3] - 20))  # the same split again
    assert runner.world.cuts == between(LEFT, RIGHT)
    runner.seek(27.0)
    assert standing(window) == 1
    assert runner.world.cuts == between(LEFT, RIGHT)
    runner.seek(10.0)
    assert standing(window) == 1, "before the heal the first wall stood"


def test_a_fork_puts_back_a_node_dragged_across_a_wall_later(qtbot, open_window) -> None:
    window = open_window(run_to=5.0)
    runner, scene = window.runner, window.scene
    stroke(qtbot, window, vertical_wall(window, 650))
    runner.seek(10.0)
    start = scene.hosts["n1"].pos()
    drag(qtbot, window, host_point(window, "n1"), to_view(window, start.x() + 250, start.y() + 40))
    assert scene.wall_groups() == [["n1", "n2", "n3"], ["n4", "n5"]]
    assert runner.world.is_cut("n1", "n5")
    runner.seek(7.0)
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, "n5"))
    qtbot.keyClick(window.canvas, Qt.Key.Key_T)  # force n5's election timeout: a fork at 7 s
    assert runner.session.forks == 1
    runner.seek(12.0)
    assert scene.hosts["n1"].pos() == start, "n1 is back where it stood before the drag"
    assert scene.wall_groups() == [LEFT, RIGHT]
    assert runner.world.is_cut("n1", "n2") and not runner.world.is_cut("n1", "n5")
    link = scene.links[("n1", "n2")]
    assert link.p1 == scene.hosts["n1"].pos()
