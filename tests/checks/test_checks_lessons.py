"""The checks on real runs of the pause lessons: a double charge without protection, none with
fencing, and the live checker agreeing with the summary."""

from simulator.checks import LiveChecker, Summary, summarize
from simulator.presets.catalog import find_scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.events import Event, Violation


def _run(name: str) -> tuple[Summary, LiveChecker, list[Event]]:
    scenario = find_scenario(name)  # a missing or broken preset fails the test
    sim = Simulation(scenario, scenario.seed)
    checker = sim.checker  # the simulation's own live checker
    sim.run_until(scenario.duration)
    events = list(sim.trace.events)
    return summarize(events, scenario, end=scenario.duration), checker, events


def test_a_paused_leader_without_protection_charges_twice() -> None:
    summary, checker, events = _run("pause-double-charge")
    assert summary.double_charges >= 1
    assert summary.overlaps and set(summary.overlaps[0].servers) >= {"app1", "app2"}
    assert summary.failovers[0].lost == "app1" and summary.failovers[0].cause == "pause"
    assert not summary.safe
    recorded = [(e.what, e.detail) for e in events if isinstance(e, Violation)]
    assert recorded == [(i.what, i.detail) for i in checker.incidents]
    assert [(v.what, v.detail) for v in summary.violations] == recorded
    assert not any(v.what in ("two-raft-leaders", "state-machine-safety")
                   for v in summary.violations)


def test_fencing_rejects_the_stale_charge() -> None:
    summary, _, _ = _run("pause-fenced-charge")
    assert summary.double_charges == 0
    assert summary.charges.rejected >= 1
    assert [v.what for v in summary.violations] == ["app-leader-overlap"]
