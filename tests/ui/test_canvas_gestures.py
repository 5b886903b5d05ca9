"""Mouse gestures on the canvas change the simulated network, and the trace records it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from tests.ui.conftest import host_point, to_view
from ui.mainwindow import MainWindow


def stroke(qtbot, window: MainWindow, points: list[QPoint]) -> None:  # type: ignore[no-untyped-def]
    viewport = window.canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=points[0])
    for point in points[1:]:
        qtbot.mouseMove(viewport, point)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=points[-1])


def drag(qtbot, window: MainWindow, start: QPoint, end: QPoint) -> None:  # type: ignore[no-untyped-def]
    viewport = window.canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    steps = 8
    for i in range(1, steps + 1):
        qtbot.mouseMove(viewport, start + (end - start) * i / steps)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def vertical_wall(window: MainWindow, x: float) -> list[QPoint]:
    height = window.scene.sceneRect().height()
    return [to_view(window, x, 130 + (height - 150) * i / 10) for i in range(11)]


def cut_links(window: MainWindow) -> set[tuple[str, str]]:
    return set(window.runner.session.simulation.network.cut_links)  # type: ignore[attr-defined]


def between(a: list[str], b: list[str]) -> set[tuple[str, str]]:
    return {(x, y) for x in a for y in b} | {(y, x) for x in a for y in b}


def test_a_stroke_across_the_canvas_partitions_the_cluster(qtbot, open_window) -> None:
    window = open_window(run_to=3.0)
    before = len(window.runner.session.trace)
    stroke(qtbot, window, vertical_wall(window, 650))
    assert len(window.scene.walls) == 1
    right, left = ["n2", "n3"], ["n1", "n4", "n5"]
    assert cut_links(window) == between(left, right)
    new_events = window.runner.session.trace.events[before:]
    assert any(e.kind == "user.action" and e.action == "partition" for e in new_events)
    assert {(e.src, e.dst) for e in new_events if e.kind == "net.cut"} == between(left, right)
    assert window.runner.world.cuts == between(left, right), "the canvas shows the cut links"
    link = window.scene.links[("n1", "n2")]
    assert link.cut_ab and link.cut_ba


def test_dragging_a_node_across_a_wall_moves_it_to_the_other_side(qtbot, open_window) -> None:
    window = open_window(run_to=3.0)
    stroke(qtbot, window, vertical_wall(window, 650))
    n1 = window.scene.hosts["n1"].pos()
    drag(qtbot, window, host_point(window, "n1"), to_view(window, 780, n1.y()))
    assert window.scene.hosts["n1"].pos().x() > 650
    assert cut_links(window) == between(["n4", "n5"], ["n1", "n2", "n3"])


def test_a_wall_can_be_moved_and_deleted(qtbot, open_window) -> None:
    window = open_window(run_to=3.0)
    stroke(qtbot, window, vertical_wall(window, 650))
    low = window.scene.sceneRect().bottom() - 12
    wall_point = to_view(window, 650, low)
    drag(qtbot, window, wall_point, to_view(window, 500, low))
    assert cut_links(window) == between(["n4", "n5"], ["n1", "n2", "n3"])
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=to_view(window, 500, low))
    assert window.scene.walls[0].isSelected()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Delete)
    assert window.scene.walls == []
    assert cut_links(window) == set()


def test_clicking_a_link_cuts_it_and_clicking_again_heals_it(qtbot, open_window) -> None:
    window = open_window(run_to=3.0)
    a, b = window.scene.hosts["n1"].pos(), window.scene.hosts["n2"].pos()
    middle = to_view(window, (a.x() + b.x()) / 2, (a.y() + b.y()) / 2)
    viewport = window.canvas.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=middle)
    assert cut_links(window) == {("n1", "n2"), ("n2", "n1")}
    assert window.scene.links[("n1", "n2")].cut_ab
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=middle)
    assert cut_links(window) == set()


def test_shift_click_cuts_only_the_direction_into_the_nearer_node(qtbot, open_window) -> None:
    window = open_window(run_to=3.0)
    a, b = window.scene.hosts["n1"].pos(), window.scene.hosts["n2"].pos()
    near_n2 = to_view(window, a.x() + (b.x() - a.x()) * 0.7, a.y() + (b.y() - a.y()) * 0.7)
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ShiftModifier, pos=near_n2)
    assert cut_links(window) == {("n1", "n2")}
    link = window.scene.links[("n1", "n2")]
    assert link.cut_ab and not link.cut_ba


def test_heal_all_removes_walls_and_cuts(qtbot, open_window) -> None:
    window = open_window(run_to=3.0)
    stroke(qtbot, window, vertical_wall(window, 650))
    assert cut_links(window)
    button = window.toolbar.widgetForAction(window.actions_by_key["heal"])
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert cut_links(window) == set()
    assert window.scene.walls == []
    assert window.runner.world.cuts == frozenset()


def test_walls_belong_to_the_time_they_were_drawn(qtbot, open_window) -> None:
    window = open_window(run_to=6.0)
    stroke(qtbot, window, vertical_wall(window, 650))
    wall = window.scene.walls[0]
    window.runner.seek(3.0)
    assert not wall.isVisible(), "before it was drawn the wall is not there"
    assert window.runner.world.cuts == frozenset()
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, "n1"))
    qtbot.keyClick(window.canvas, Qt.Key.Key_C)
    assert window.runner.session.forks == 1
    assert window.scene.walls == [], "a fork before the wall discards it with the old future"
    assert cut_links(window) == set()


def click_link(qtbot, window: MainWindow, a: str, b: str) -> None:  # type: ignore[no-untyped-def]
    pa, pb = window.scene.hosts[a].pos(), window.scene.hosts[b].pos()
    middle = to_view(window, (pa.x() + pb.x()) / 2, (pa.y() + pb.y()) / 2)
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton, pos=middle)


def test_a_wall_is_one_partition_and_a_clicked_cut_comes_back_as_one_step(qtbot,
                                                                         open_window) -> None:
    window = open_window(run_to=3.0)
    click_link(qtbot, window, "n4", "n5")  # both on the left of the wall
    click_link(qtbot, window, "n1", "n2")  # across the wall
    actions = window.runner.session.simulation.actions  # type: ignore[attr-defined]
    assert [a.name for a in actions] == ["cut", "cut"]
    window.runner.seek(4.0)
    stroke(qtbot, window, vertical_wall(window, 650))
    after = [(a.name, a.kwargs().get("both_ways")) for a in actions[2:]]
    assert after == [("partition", None), ("cut", True)], \
        "the wall is one partition; the clicked n4-n5 cut is restored as one both-way cut"
    right, left = ["n2", "n3"], ["n1", "n4", "n5"]
    assert cut_links(window) == between(left, right) | {("n4", "n5"), ("n5", "n4")}
    narration = [entry.text for entry in window.runner.session.update_narration()]
    assert not any("one way" in text for text in narration)


def test_a_wall_alone_adds_no_cut_steps(qtbot, open_window) -> None:
    window = open_window(run_to=3.0)
    stroke(qtbot, window, vertical_wall(window, 650))
    actions = window.runner.session.simulation.actions  # type: ignore[attr-defined]
    assert [a.name for a in actions] == ["partition"]


def test_a_node_dropped_onto_another_moves_to_the_nearest_free_spot(qtbot,
                                                                    open_window) -> None:
    from ui.canvas.spacing import boxes_overlap, placed

    window = open_window(run_to=3.0)
    scene = window.scene
    leader = window.runner.world.leader
    assert leader is not None
    target = scene.hosts[leader.id].pos()
    mover = next(h for h in ("n1", "n2", "n3") if h != leader.id)
    drop = QPoint(to_view(window, target.x() + 10, target.y() - 30))
    drag(qtbot, window, host_point(window, mover), drop)
    moved = scene.hosts[mover].pos()
    boxes = {host: placed((item.pos().x(), item.pos().y()), scene.footprint(host))
             for host, item in scene.hosts.items()}
    assert not any(boxes_overlap(boxes[mover], box) for host, box in boxes.items()
                   if host != mover), "the dropped node covers nobody (nor the crown)"
    distance = ((moved.x() - target.x()) ** 2 + (moved.y() - target.y()) ** 2) ** 0.5
    assert distance < 260, "it lands next to where it was dropped"
    link = scene.links[tuple(sorted((mover, leader.id)))]  # type: ignore[index]
    assert link.p1 == scene.hosts[link.a].pos() and link.p2 == scene.hosts[link.b].pos()


def test_larger_hosts_never_cover_each_other() -> None:
    from ui.canvas.spacing import boxes_overlap, largest_scale, nearest_free_spot, placed

    box = (-50.0, -50.0, 50.0, 50.0)
    positions = [(0.0, 0.0), (150.0, 0.0), (0.0, 300.0)]
    scale = largest_scale(positions, [box] * 3, wanted=2.0)
    assert scale == 1.5, "the two hosts 150 apart touch at 1.5x"
    assert largest_scale(positions, [box] * 3, wanted=1.2) == 1.2
    spot = nearest_free_spot((10.0, 0.0), box, [placed((0.0, 0.0), box)],
                             bounds=(-500.0, -500.0, 500.0, 500.0))
    assert not boxes_overlap(placed(spot, box), placed((0.0, 0.0), box))
    assert abs(spot[0]) + abs(spot[1]) <= 130


def test_message_labels_never_cover_a_host(qtbot, open_window) -> None:
    window = open_window(run_to=3.0)
    scene, runner = window.scene, window.runner
    hosts = scene.host_areas()
    labelled = 0
    for step in range(150):
        runner.seek(1.0 + step * 0.013)
        for _flight, box in scene.flights.labels(scene.flights.positions()):
            labelled += 1
            assert not any(box.intersects(area) for area in hosts), box
    assert labelled > 20, "messages in open space keep their labels"


def test_a_wall_still_spans_the_canvas_after_the_window_changes_shape(qtbot,
                                                                      open_window) -> None:
    window = open_window(run_to=3.0)
    rect = window.scene.sceneRect()
    y = rect.center().y()
    stroke(qtbot, window, [to_view(window, rect.left() + 40 + (rect.width() - 80) * i / 10, y)
                           for i in range(11)])
    [wall] = window.scene.walls
    window.resize(1900, 700)  # a wider view: the canvas widens to fill it
    qtbot.waitUntil(lambda: window.scene.sceneRect().width() > rect.width() + 100, timeout=3000)
    area = window.scene.sceneRect()
    drawn = wall.mapRectToScene(wall.shape().boundingRect())
    assert drawn.left() <= area.left() + 6 and drawn.right() >= area.right() - 6, (drawn, area)
