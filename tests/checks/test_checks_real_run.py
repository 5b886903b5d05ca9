"""A real simulated run's trace passes the Raft safety checks."""

import json

from simulator.checks import check_raft, events_from_records, summarize
from simulator.config import RaftConfig, Scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.events import RaftRole
from simulator.trace.export import to_jsonl


def _current_leader(events: list) -> str | None:
    leader: str | None = None
    term = -1
    for event in events:
        if isinstance(event, RaftRole) and event.term >= term:
            term = event.term
            if event.role == "leader":
                leader = event.node
            elif event.node == leader:
                leader = None
    return leader


def test_a_run_with_leader_crashes_keeps_raft_safe() -> None:
    scenario = Scenario(name="checks-real-run", seed=11, duration=20.0, raft=RaftConfig(nodes=5))
    sim = Simulation(scenario)
    checker = sim.checker  # the simulation's own live checker
    sim.run_until(4.0)
    for stop in (8.0, 12.0):
        leader = _current_leader(list(sim.trace.events))
        assert leader is not None, "no Raft leader was elected"
        sim.crash(leader)
        sim.run_until(stop)
        sim.restart(leader)
    sim.run_until(16.0)
    events = list(sim.trace.events)
    report = check_raft(events)
    assert report.incidents == () and checker.incidents == ()
    assert len(report.leaders_per_term) >= 3, "each crash should have led to a new leader"
    assert report.elections >= 3
    summary = summarize(events, scenario)
    assert summary.safe
    assert summary.max_term >= report.leaders_per_term[-1][0]
    records = [json.loads(line) for line in to_jsonl(events).splitlines()]
    assert events_from_records(records) == events, "the event log reads back to the same events"
