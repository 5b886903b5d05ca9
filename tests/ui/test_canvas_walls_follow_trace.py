"""The walls on the canvas, and the sides hosts are drawn on, agree with the trace at the cursor.

A wall always applies its partition at the cursor (forking in the past), even when an earlier
wall made the same split; a wall whose links the preset healed no longer stands.
"""

from __future__ import annotations

from simulator.presets.catalog import find_scenario
from tests.ui.test_canvas_gestures import between, stroke, vertical_wall
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

