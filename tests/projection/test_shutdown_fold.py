"""A graceful shutdown is a state of the World: from its user.action until restart or crash."""

from __future__ import annotations

from simulator.presets.catalog import find_scenario
from simulator.projection import Projector
from simulator.projection.fold import FoldState
from simulator.runtime.simulation import Simulation
from simulator.trace.events import AppRole, Event, NodeCrash, NodeRestart, UserAction


def fold(*events: Event) -> FoldState:
    state = FoldState(app_ids=("app1", "app2"))
    for event in events:
        state.apply(event)
    return state


def shut_down(state: FoldState, server: str) -> bool:
    view = state.world(100.0, {}).app(server)
    assert view is not None
    return view.shut_down


def test_a_shutdown_lasts_until_the_server_restarts_or_crashes() -> None:
    shutdown = UserAction(5.0, "app_shutdown", "app1", "server=app1")
    assert not shut_down(fold(), "app1")
    assert shut_down(fold(shutdown), "app1")
    assert not shut_down(fold(shutdown), "app2")
    assert shut_down(fold(shutdown, AppRole(5.0, "app1", False, 1)), "app1")
    assert not shut_down(fold(shutdown, NodeRestart(9.0, "app1")), "app1")
    crashed = fold(shutdown, NodeCrash(9.0, "app1")).world(10.0, {}).app("app1")
    assert crashed is not None and crashed.crashed and not crashed.shut_down


def test_a_skipped_step_or_another_action_shuts_nothing_down() -> None:
    assert not shut_down(fold(UserAction(5.0, "shutdown", "app1",
                                         "skipped: app1 is crashed")), "app1")
    assert not shut_down(fold(UserAction(5.0, "app_exception", "app1", "server=app1")), "app1")
    assert not shut_down(fold(UserAction(5.0, "crash", "app1", "node=app1")), "app1")
    # a preset step named "shutdown" counts when its target is the server itself
    assert shut_down(fold(UserAction(5.0, "shutdown", "app1", "schedule server=app1")), "app1")


def test_the_shutdown_lesson_shows_app1_shut_down_from_30_s() -> None:
    scenario = find_scenario("app-leader-shutdown")
    simulation = Simulation(scenario)
    simulation.run_until(60.0)
    projector = Projector(simulation.trace, scenario.raft.node_ids, scenario.app_ids, True)
    before = projector.world_at(29.0).app("app1")
    after = projector.world_at(35.0).app("app1")
    assert before is not None and before.leader and not before.shut_down
    assert after is not None and after.shut_down and not after.crashed and not after.leader
    assert not any(view.shut_down for view in projector.world_at(60.0).apps
                   if view.id != "app1")
