"""Exports produce files that open at the requested size and are not blank; bad paths show a
dialog and the session stays; presenter mode enlarges the text and goes full screen."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from xml.etree import ElementTree

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from simulator.config import AppsConfig, AppServerConfig, FaultStep, Scenario
from ui.mainwindow import PRESENTER_SCALE


def distinct_colours(image: QImage, step: int = 23) -> int:
    return len({image.pixel(x, y) for x in range(0, image.width(), step)
                for y in range(0, image.height(), step)})


def crash_scenario() -> Scenario:
    return Scenario(duration=30.0, faults=(FaultStep("crash", at=4.0, target="raft-leader"),))


def test_the_canvas_exports_as_png_at_the_requested_size(qtbot, open_window,
                                                         tmp_path: Path) -> None:
    window = open_window(crash_scenario(), run_to=8.0)
    path = tmp_path / "canvas.png"
    assert window.files.export_canvas(path, (1280, 720))
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1280, 720)
    assert distinct_colours(image) > 20, "the picture is not blank"
    gold = [image.pixel(x, y) for x in range(0, 1280, 3) for y in range(0, 720, 3)
            if QImage(image).pixelColor(x, y).name() == "#f2b705"]
    assert gold, "the new leader's crown is in the picture"


def test_the_canvas_exports_as_svg_with_shapes_and_labels(qtbot, open_window,
                                                          tmp_path: Path) -> None:
    window = open_window(run_to=3.0)
    path = tmp_path / "canvas.svg"
    assert window.files.export_canvas(path, (1600, 900))
    root = ElementTree.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert (root.get("width"), root.get("height")) == ("1600", "900")
    assert root.get("viewBox") == "0 0 1600 900"
    text = path.read_text(encoding="utf-8")
    shapes = sum(text.count(f"<{tag}") for tag in ("path", "circle", "polyline", "polygon"))
    assert shapes > 20 and "<image" not in text, "nodes are vector shapes, not pasted pixels"
    assert ">n1<" in text and ">n5<" in text, "node labels are text, readable in the SVG"


def test_the_timeline_exports_as_png_and_svg(qtbot, open_window, tmp_path: Path) -> None:
    window = open_window(crash_scenario(), run_to=12.0)
    png = tmp_path / "timeline.png"
    assert window.files.export_timeline(png, width=1400, height=500)
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1400, 500)
    assert distinct_colours(image, 11) > 8
    svg = tmp_path / "timeline.svg"
    assert window.files.export_timeline(svg, width=1400, height=500)
    root = ElementTree.parse(svg).getroot()
    assert (root.get("width"), root.get("height")) == ("1400", "500")


def test_the_whole_window_exports_as_png(qtbot, open_window, tmp_path: Path) -> None:
    window = open_window(run_to=2.0)
    path = tmp_path / "window.png"
    assert window.save_picture(path)
    image = QImage(str(path))
    assert (image.width(), image.height()) == (window.width(), window.height())
    assert distinct_colours(image) > 30


def test_the_event_log_exports_as_json_lines_and_csv(qtbot, open_window,
                                                     tmp_path: Path) -> None:
    window = open_window(crash_scenario(), run_to=6.0)
    events = window.runner.session.trace.events
    jsonl = tmp_path / "events.jsonl"
    assert window.files.export_log(jsonl)
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(events)
    assert records[0]["kind"] == "run.start"
    assert any(r["kind"] == "node.crash" and r["t"] == 4.0 for r in records)
    table = tmp_path / "events.csv"
    assert window.files.export_log(table)
    with open(table, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["t", "kind"] and len(rows) == len(events) + 1


def test_bad_export_paths_show_a_dialog_and_the_session_stays(qtbot, open_window,
                                                              tmp_path: Path) -> None:
    window = open_window(run_to=2.0)
    session, cursor = window.runner.session, window.runner.cursor
    missing = tmp_path / "no" / "such" / "folder"
    attempts = [
        (window.files.export_canvas, missing / "canvas.png", "canvas.png"),
        (window.files.export_canvas, tmp_path / "canvas.gif", ".svg"),
        (window.files.export_timeline, missing / "timeline.svg", "timeline.svg"),
        (window.files.export_log, missing / "events.jsonl", "events.jsonl"),
        (window.files.export_log, tmp_path / "events.xml", ".csv"),
    ]
    for export, path, expected in attempts:
        window.error_box = None
        assert not export(path)
        assert window.error_box is not None and window.error_box.isVisible()
        assert expected in window.error_box.text(), window.error_box.text()
        window.error_box.close()
    assert window.runner.session is session and window.runner.cursor == cursor


def test_presenter_mode_goes_full_screen_with_larger_text(qtbot, open_window) -> None:
    window = open_window(run_to=2.0)
    normal = window.inspector.label.font().pixelSize()
    narration = window.narration.list.font().pixelSize()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.presenting and window.isFullScreen()
    assert window.actions_by_key["presenter"].isChecked()
    assert window.inspector.label.font().pixelSize() > normal
    assert window.narration.list.font().pixelSize() > narration
    assert window.timeline is not None and window.timeline.scale > 1.0
    window.runner.seek(4.0)
    assert window.timeline.cursor_time == 4.0, "the timeline still follows the cursor"
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.presenting and not window.isFullScreen()
    assert window.inspector.label.font().pixelSize() == normal
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.presenting
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert not window.presenting and not window.isFullScreen()


def test_presenter_mode_draws_the_canvas_text_larger(qtbot, open_window) -> None:
    window = open_window(run_to=2.0)
    scene = window.scene
    banner = window.canvas_pane.banner
    node = scene.hosts["n1"]
    normal_banner = banner.height()
    normal_time = banner.time_font_pixels()
    normal_node = node.sceneBoundingRect().height()
    normal_legend = scene.legend.sceneBoundingRect().height()
    window.set_presenter(True)
    qtbot.wait(20)
    assert banner.height() >= 1.5 * normal_banner - 1
    assert banner.time_font_pixels() >= 1.5 * normal_time - 1e-6
    assert banner.geometry().bottom() < window.canvas.geometry().top(), \
        "the banner stands above the canvas, never over its hosts"
    assert node.sceneBoundingRect().height() > 1.2 * normal_node
    assert scene.legend.sceneBoundingRect().height() > 1.2 * normal_legend
    assert scene.flights.text_scale > 1.0
    assert window.seek_bar.font().pixelSize() > window.font().pixelSize()
    assert window.timeline is not None
    # the room gets tall lanes: only the key lanes, the legend a click away
    assert window.timeline.key_lanes and not window.timeline.legend_box.isChecked()
    assert scene.sceneRect().contains(scene.legend.sceneBoundingRect())
    window.set_presenter(False)
    assert node.sceneBoundingRect().height() == normal_node
    assert banner.height() == normal_banner
    assert not window.timeline.key_lanes and window.timeline.legend_box.isChecked()
    assert window.menuBar().isVisible() and window.statusBar().isVisible()


def _on_screen_height(window, host: str) -> int:  # type: ignore[no-untyped-def]
    item = window.scene.hosts[host]
    return window.canvas.mapFromScene(item.sceneBoundingRect()).boundingRect().height()


def _sizes_on_a_projector(qtbot, window,  # type: ignore[no-untyped-def]
                          hosts: tuple[str, ...]) -> tuple[list[int], list[int]]:
    """On-screen heights of ``hosts`` in the normal window and in presenter mode, both on a
    1920x1080 projector (the offscreen screen is smaller, so the window is sized by hand)."""
    window.resize(1920, 1080)
    qtbot.wait(50)
    window.size_panels(1.0)
    qtbot.wait(50)
    normal = [_on_screen_height(window, host) for host in hosts]
    window.set_presenter(True)
    qtbot.wait(50)
    window.resize(1920, 1080)
    qtbot.wait(50)
    window.size_panels(PRESENTER_SCALE)
    qtbot.wait(50)
    assert window.size().width() == 1920 and window.size().height() == 1080
    return normal, [_on_screen_height(window, host) for host in hosts]


def test_presenter_mode_shows_the_cluster_larger_on_a_projector(qtbot, open_window) -> None:
    # Five Raft nodes and three app servers, as most lessons show them: the room must see
    # the nodes and servers clearly larger than in the normal window.
    servers = tuple(AppServerConfig(f"app{i}") for i in (1, 2, 3))
    window = open_window(Scenario(duration=30.0, apps=AppsConfig(servers=servers)), run_to=2.0)
    (node, server), (big_node, big_server) = _sizes_on_a_projector(qtbot, window, ("n1", "app1"))
    assert big_node >= 1.15 * node
    assert big_server >= 1.15 * server
    assert window.timeline is not None
    assert window.timeline.timeline.lane_label_font().pixelSize() >= 12, \
        "the canvas's gain must leave the timeline's lane names readable"


def test_presenter_mode_never_shrinks_the_herds_nine_app_servers(qtbot, open_window) -> None:
    # The herd lessons crowd nine app servers into two columns; presenter mode's larger
    # banner must not leave them smaller than in the normal window.
    servers = tuple(AppServerConfig(f"app{i}") for i in range(1, 10))
    window = open_window(Scenario(duration=30.0, apps=AppsConfig(servers=servers)), run_to=2.0)
    normal, big = _sizes_on_a_projector(qtbot, window, ("n1", "app1", "app9"))
    assert all(b >= n for n, b in zip(normal, big, strict=True))


def test_the_log_export_after_seeking_back_stops_at_the_cursor(qtbot, open_window,
                                                              tmp_path: Path) -> None:
    window = open_window(crash_scenario(), run_to=8.0)
    window.runner.seek(3.0)
    path = tmp_path / "events.jsonl"
    assert window.files.export_log(path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    shown = window.runner.session.trace.until(3.0)
    assert len(records) == len(shown) and records, "what the window shows, up to the cursor"
    assert max(r["t"] for r in records) <= 3.0
    assert not any(r["kind"] == "node.crash" for r in records), "the crash at 4 s is later"
    assert "up to t = 3.000 s" in window.statusBar().currentMessage()


def test_every_export_to_a_missing_folder_says_the_same_clear_thing(qtbot, open_window,
                                                                   tmp_path: Path) -> None:
    window = open_window(run_to=2.0)
    missing = tmp_path / "no" / "such" / "folder"
    messages = []
    for export, name in ((window.files.export_canvas, "canvas.png"),
                         (window.files.export_timeline, "timeline.png"),
                         (window.files.export_log, "events.jsonl")):
        window.error_box = None
        assert not export(missing / name)
        assert window.error_box is not None
        messages.append(window.error_box.text())
        window.error_box.close()
    for message, name in zip(messages, ("canvas.png", "timeline.png", "events.jsonl"),
                             strict=True):
        assert "Errno" not in message, message
        assert name in message and "No such file or directory" in message, message
