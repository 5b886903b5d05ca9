"""The Kubernetes lesson shows how long each server believes the lease record holds, counted on
its own clock (app.belief in the trace): the slow-clocked leader's countdown runs at half speed."""

from __future__ import annotations

import pytest

from simulator.presets.catalog import find_scenario
from ui.canvas.items import ring_text


def test_each_server_counts_down_its_lease_record_by_its_own_clock(qtbot, open_window) -> None:
    window = open_window(find_scenario("kubernetes-clock-skew"), run_to=47.0)
    world = window.runner.world
    left = {app.id: app.belief_left(47.0) for app in world.apps}
    assert all(value is not None and value > 0 for value in left.values()), left
    assert world.app("app1").leader and world.app("app1").belief.holder == "app1"
    for server in ("app1", "app2", "app3"):
        ring = window.scene.hosts[server].ring
        assert ring.fraction is not None, f"{server} shows a countdown, not 'no lease'"
        assert ring.text == ring_text(left[server])
    window.runner.seek(48.0)
    later = window.runner.world
    # app1's clock runs at half speed since 20 s: one real second is half a second of its clock
    assert later.app("app1").belief_left(48.0) == pytest.approx(left["app1"] - 0.5, abs=1e-6)
    for server in ("app2", "app3"):
        if later.app(server).belief == world.app(server).belief:  # not renewed or re-read
            assert later.app(server).belief_left(48.0) == pytest.approx(left[server] - 1.0)
    window.scene.select_host("app1")
    window.runner.refresh()
    assert "gives up unless renewed in" in window.inspector.text
    assert "of its clock" in window.inspector.text
