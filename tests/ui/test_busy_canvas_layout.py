"""Herd lessons and busy canvases are laid out so nothing overprints: message labels keep
apart (whole labels, not just their dots), cut marks stay off other hosts, lane names and
lease-ring text stay readable."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF

from simulator.presets.catalog import find_scenario
from simulator.projection.world import Flight
from ui.canvas.items import LinkItem, ring_text
from ui.canvas.overlays import FlightsItem


def test_long_message_labels_never_overlap(qapp) -> None:
    spots = {"a": QPointF(0, 0), "b": QPointF(1000, 0), "c": QPointF(0, 40),
             "d": QPointF(1000, 40)}
    layer = FlightsItem(1000, 200, spots.get)
    flights = [Flight(1, "a", "b", "Watch", "watch progress #3", 0.0),
               Flight(2, "c", "d", "Watch", "watch progress #4", 0.0)]
    # two dots 70 units apart along x and 18 apart along y: their long labels would overlap
    placed = [(flights[0], QPointF(400, 100)), (flights[1], QPointF(470, 118))]
    boxes = [box for _, box in layer.labels(placed)]
    assert len(boxes) == 1
    placed = [(flights[0], QPointF(100, 100)), (flights[1], QPointF(400, 150))]
    boxes = [box for _, box in layer.labels(placed)]
    assert len(boxes) == 2 and not boxes[0].intersects(boxes[1])


def test_a_cut_mark_moves_off_a_host_the_link_passes(qapp) -> None:
    link = LinkItem("n4", "app7")
    link.set_ends(QPointF(0, 0), QPointF(1000, 0))
    link.set_cuts(True, True)
    host_in_the_middle = QRectF(440, -50, 120, 100)
    fraction = link.mark_fraction(0.5, [host_in_the_middle])
    x = 1000 * fraction
    assert not (440 - 16 <= x <= 560 + 16), "the mark is beside the host, not on it"
    assert 0.15 <= fraction <= 0.85
    assert link.mark_fraction(0.5, []) == 0.5


def test_ring_text_is_short_enough_for_large_type() -> None:
    assert ring_text(6.66) == "6.7s" and ring_text(12.3) == "12s" and ring_text(None) == ""


def test_herd_lanes_are_readable_at_1280_by_800(qtbot, open_window) -> None:
    window = open_window(find_scenario("herd-etcd-election"), run_to=34.0)
    window.resize(1229, 768)  # 1280x800 less a window manager's frame and panel
    qtbot.waitUntil(lambda: window.height() == 768)
    window.size_panels(1.0)
    qtbot.wait(50)
    window.timeline.flush()
    plot = window.timeline.timeline
    assert len(plot.lanes) == 15
    pitch = plot.viewbox.height() / len(plot.lanes)
    assert pitch >= 14, f"lanes {pitch:.1f} px apart"
    assert plot.lane_label_font().pixelSize() >= 11


def test_a_cut_link_is_not_drawn_through_a_host_it_passes(qapp) -> None:
    from PySide6.QtGui import QColor, QImage, QPainter

    link = LinkItem("n4", "app1")
    link.set_ends(QPointF(20, 50), QPointF(980, 50))
    link.set_cuts(True, True)
    ends = [QRectF(0, 20, 40, 60), QRectF(960, 20, 40, 60)]  # the link's own hosts
    passed = QRectF(440, 10, 120, 80)
    image = QImage(1000, 100, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    link.draw(painter, [*ends, passed])
    painter.end()

    def red_between(x0: int, x1: int) -> bool:
        return any(image.pixelColor(x, 50).red() > 200 and image.pixelColor(x, 50).green() < 200
                   for x in range(x0, x1))

    assert red_between(100, 400) and red_between(600, 900), "the cut link is drawn"
    assert not red_between(445, 555), "but not across the host it passes"
