"""The inspector shows what the trace says at the cursor (Raft log tail, the store's keys,
leases and watches, an app server's belief); clicking the timeline moves the canvas there."""

from __future__ import annotations

import re

from PySide6.QtCore import QPointF, Qt

from simulator.config import FaultStep, Scenario
from simulator.presets.catalog import find_scenario
from tests.ui.conftest import host_point
from ui.mainwindow import MainWindow


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def click_host(qtbot, window: MainWindow, host: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, host))
    assert window.scene.selected_host() == host


def test_a_raft_node_shows_its_log_tail_and_commit_index(qtbot, open_window) -> None:
    window = open_window(find_scenario("raft-leader-under-app"), run_to=12.0)
    leader = window.runner.world.leader
    assert leader is not None
    click_host(qtbot, window, leader.id)
    text = plain(window.inspector.text)
    assert f"Raft node {leader.id}" in text and "Log tail" in text
    assert "commit index" in text
    tail = window.inspector.logs.tail(leader.id, window.runner.world.event_index,
                                      leader.commit_index, 6)
    assert tail and tail[-1].index == leader.log_length
    assert tail[-1].cmd is not None and tail[-1].cmd in text, "commands come from raft.apply"
    assert all(entry.term == leader.term for entry in tail[-2:])
    window.runner.seek(4.0)
    earlier = window.runner.world.raft_node(leader.id)
    assert earlier is not None and earlier.log_length < leader.log_length
    tail = window.inspector.logs.tail(leader.id, window.runner.world.event_index,
                                      earlier.commit_index, 6)
    assert tail[-1].index == earlier.log_length, "seeking back shows the shorter log"


def test_the_store_tab_lists_keys_leases_with_ttl_left_and_watches(qtbot, open_window) -> None:
    window = open_window(find_scenario("raft-leader-under-app"), run_to=20.0)
    window.inspector.show_store_tab()
    qtbot.wait(10)
    world = window.runner.world
    text = plain(window.inspector.store_text)
    assert world.leader is not None and f"{world.leader.id} (Raft leader)" in text
    store = window.inspector.store.view(world.leader.id, world.t)
    assert store.kvs and f"Keys ({len(store.kvs)})" in text
    leader_key = next(kv for kv in store.kvs if kv.lease)
    assert leader_key.key in text and str(leader_key.create_revision) in text
    lease = store.lease(leader_key.lease)
    assert lease is not None and lease.remaining is not None and 0 < lease.remaining <= lease.ttl
    assert f"{lease.remaining:.1f} s" in text
    app_lease = next(app.lease for app in world.apps if app.leader)
    assert app_lease is not None and app_lease.id == lease.lease_id
    assert store.watches and "Watches served here" in text
    assert re.search(rf"\brevision\s+{store.revision}\b", text)
    window.runner.seek(1.0)
    early = window.inspector.store.view(world.leader.id, 1.0)
    assert len(early.kvs) < len(store.kvs), "the store is folded from the trace at the cursor"
    assert f"Keys ({len(early.kvs)})" in plain(window.inspector.store_text)


def test_an_app_server_shows_its_belief_token_and_lease(qtbot, open_window) -> None:
    window = open_window(find_scenario("raft-leader-under-app"), run_to=10.0)
    app = next(view for view in window.runner.world.apps if view.leader)
    click_host(qtbot, window, app.id)
    text = plain(window.inspector.text)
    assert f"App server {app.id}" in text
    assert re.search(r"believes it leads\s+yes", text)
    assert f"fencing token {app.token}" in re.sub(r"\s+", " ", text)
    assert app.lease is not None and f"{app.lease.id} (TTL {app.lease.ttl:g} s)" in text


def test_clicking_the_timeline_moves_the_canvas_there(qtbot, open_window) -> None:
    window = open_window(Scenario(duration=30.0,
                                  faults=(FaultStep("crash", at=5.0, target="raft-leader"),)),
                         run_to=14.0)
    crashed = next(view.id for view in window.runner.world.raft if view.crashed)
    timeline = window.timeline
    assert timeline is not None
    timeline.set_time_range(0.0, 14.0)
    timeline.redraw()
    viewbox = timeline.timeline.viewbox
    y = timeline.timeline.lane_y(crashed) or 1.0
    point = timeline.view.mapFromScene(viewbox.mapViewToScene(QPointF(3.0, y)))
    qtbot.mouseClick(timeline.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    per_pixel = 14.0 / viewbox.width()
    assert abs(window.runner.cursor - 3.0) < 3 * per_pixel
    world = window.runner.world
    assert not world.raft_node(crashed).crashed, "the canvas shows the time before the crash"
    assert window.scene.hosts[crashed].caption_text() != "crashed"
    assert abs(timeline.cursor_time - window.runner.cursor) < 1e-9
    assert window.runner.session.forks == 0


def test_at_classroom_speed_every_message_stays_on_screen_a_while(qtbot, open_window) -> None:
    """At 0.1x a message of a few milliseconds would cross in one or two frames; it lingers
    at its end so it is drawn for at least a third of a second of real time."""
    window = open_window(run_to=5.0)
    runner = window.runner
    runner.set_speed(0.1)
    frame = runner.frame_ms / 1000.0
    seen: dict[int, int] = {}
    start = runner.cursor
    for _ in range(200):
        runner.advance(frame * runner.speed)
        for flight, _point in window.scene.flights.positions():
            if window.scene.flights.opacity_of(flight) > 0:
                seen[flight.id] = seen.get(flight.id, 0) + 1
    sent = {e.id: e.t for e in runner.session.trace.events  # type: ignore[attr-defined]
            if e.kind == "msg.send"}
    ends = runner.session.projector.ends
    # messages sent and finished lingering while we watched, that took under 10 ms
    watched = [key for key, t in sent.items() if key in ends and t > start + 0.001
               and ends[key][0] + runner.linger < runner.cursor - 0.001
               and ends[key][0] - t < 0.01]
    assert len(watched) > 10, "heartbeats and their answers went by"
    fewest = min(seen.get(key, 0) for key in watched)
    assert fewest * frame >= 0.3, f"a message was on screen only {fewest} frames"


def test_the_store_table_fits_the_side_column_without_splitting_keys(qtbot,
                                                                     open_window) -> None:
    from simulator.presets.catalog import find_scenario
    from ui.inspector import elide

    window = open_window(find_scenario("herd-etcd-election"))
    window.default_layout()
    window.inspector.tabs.setCurrentIndex(1)
    window.runner.seek(8.0)
    page = window.inspector.store_label
    document = page.document()
    block = document.begin()
    cells: list[tuple[str, int]] = []
    while block.isValid():
        if block.text():
            cells.append((block.text(), block.layout().lineCount()))
        block = block.next()
    texts = [text for text, _lines in cells]
    assert "/election/1" in texts and "create" in texts, "whole keys and headers"
    assert all(lines == 1 for text, lines in cells if text.startswith("/election")), \
        "no key wraps onto a second line"
    assert page.horizontalScrollBar().maximum() == 0, "every column is in view"
    shortened = elide("/election/694d8f3bc1a2e0f7")
    assert len(shortened) == 22 and shortened.startswith("/election") \
        and shortened.endswith("e0f7") and "…" in shortened


def test_the_cluster_summary_names_a_crashed_app_server(qtbot, open_window) -> None:
    # app-leader-crash: app1 crashes at 30 s while every Raft node runs; the summary shown with
    # nothing selected must not say "crashed: none" beside a crossed-out app1.
    window = open_window(find_scenario("app-leader-crash"), run_to=35.0)
    world = window.runner.world
    assert not any(view.crashed for view in world.raft)
    crashed_app = world.app("app1")
    assert crashed_app is not None and crashed_app.crashed
    window.scene.clearSelection()
    qtbot.wait(10)
    assert re.search(r"crashed\s+app1\b", plain(window.inspector.text))
    window.runner.seek(10.0)
    qtbot.wait(10)
    assert re.search(r"crashed\s+none\b", plain(window.inspector.text))
