"""On the eventual store the banner, the inspector and the drawn replicas tell the same leader key."""

from __future__ import annotations

from simulator.presets.catalog import find_scenario


def test_the_banner_and_the_drawn_replicas_agree_on_the_leader_key(qtbot, open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window(find_scenario("eventual-fencing"), run_to=30.0)
    hosts = window.scene.hosts
    holders = ("n1", "n3", "n4")
    assert [hosts[n].caption_text() for n in holders] == ["newest"] * 3
    assert "newest leader key app1 @71.4 on n1, n3, n4" in window.canvas_pane.banner.summary
    window.runner.seek(40.0)  # app1 paused: its copies aged out by the replicas' clocks
    assert [hosts[n].caption_text() for n in holders] == ["expired"] * 3
    told = "no live leader key (newest app1 @71.4 on n1, n3, n4: expired)"
    summary = window.canvas_pane.banner.summary
    assert told in summary and "newest leader key" not in summary
    assert told in window.inspector.text
