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
    # app1 was frozen while app2 led and steps down as it resumes: it never acts beside app2,
    # yet a charge it sent before the pause lands late: only the double-charge check catches it
    assert summary.overlaps == ()
    assert summary.failovers[0].lost == "app1" and summary.failovers[0].cause == "pause"
    assert not summary.safe
    assert [v.what for v in summary.violations] == ["double-charge"]
    recorded = [(e.what, e.detail) for e in events if isinstance(e, Violation)]
    assert recorded == [(i.what, i.detail) for i in checker.incidents]
    assert [(v.what, v.detail) for v in summary.violations] == recorded
    assert not any(v.what in ("two-raft-leaders", "state-machine-safety")
                   for v in summary.violations)


def test_fencing_rejects_the_stale_charge_and_the_run_is_safe() -> None:
    summary, checker, _ = _run("pause-fenced-charge")
    assert summary.double_charges == 0
    assert summary.charges.rejected == 1
    assert summary.overlaps == () and summary.safe and checker.incidents == ()
