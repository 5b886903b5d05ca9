"""Log tails and the store at a time, and messages lingering after their end, from the trace."""

from __future__ import annotations

from simulator.presets.catalog import find_scenario
from simulator.projection import Projector
from simulator.projection.logs import LogIndex
from simulator.projection.store import StoreTimeline
from simulator.projection.store_fold import StoreFold
from simulator.runtime.simulation import Simulation
from simulator.trace.events import (
    MsgDeliver,
    MsgDrop,
    MsgSend,
    RaftAppend,
    RaftApply,
    RaftTruncate,
)
from simulator.trace.recorder import Trace


def trace_of(*events) -> Trace:  # type: ignore[no-untyped-def]
    trace = Trace()
    for event in events:
        trace.emit(event)
    return trace


def test_the_log_tail_follows_appends_truncations_and_applies() -> None:
    trace = trace_of(
        RaftAppend(1.0, "n2", 1, 3, 1),
        RaftApply(1.1, "n1", 1, 1, "put a=1"),
        RaftApply(1.2, "n1", 2, 1, "put b=2"),
        RaftTruncate(2.0, "n2", 3),
        RaftAppend(2.0, "n2", 3, 4, 2),
        RaftApply(2.5, "n1", 3, 2, "put c=3"),
    )
    logs = LogIndex(trace)
    early = logs.tail("n2", 1, commit_index=0)
    assert [(e.index, e.term, e.cmd) for e in early] == [(1, 1, None), (2, 1, None),
                                                         (3, 1, None)]
    later = logs.tail("n2", len(trace.events), commit_index=3, count=3)
    assert [(e.index, e.term, e.cmd, e.committed) for e in later] == [
        (2, 1, "put b=2", True), (3, 2, "put c=3", True), (4, 2, None, False)]
    cut = logs.tail("n2", 4, commit_index=0)
    assert [e.index for e in cut] == [1, 2], "right after the truncation the log is shorter"
    assert logs.tail("n5", len(trace.events)) == ()


def test_the_store_at_a_time_matches_folding_from_the_start() -> None:
    simulation = Simulation(find_scenario("raft-leader-under-app"))
    simulation.run_until(25.0)
    trace = simulation.trace
    timeline = StoreTimeline(trace, checkpoint_every=500)
    for t in (24.0, 3.0, 17.5, 9.0, 25.0, 0.5):
        fold = StoreFold()
        for event in trace.until(t):
            fold.add(event)
        for node in ("n1", "n3"):
            assert timeline.view(node, t) == fold.view(node, t), (node, t)


def test_ended_messages_linger_only_when_asked() -> None:
    trace = trace_of(
        MsgSend(1.0, 1, "n1", "n2", "AppendEntries", "AE"),
        MsgSend(1.0, 2, "n1", "n3", "AppendEntries", "AE"),
        MsgDeliver(1.002, 1),
        MsgDrop(1.003, 2, "cut"),
    )
    projector = Projector(trace, raft_ids=("n1", "n2", "n3"))
    assert projector.world_at(1.01).flights == ()
    lingering = projector.world_at(1.01, linger=0.05).flights
    assert [(f.id, f.fate, f.ends) for f in lingering] == [(1, "deliver", 1.002),
                                                          (2, "drop", 1.003)]
    assert all(f.progress(1.01, 0.003) == 1.0 for f in lingering), "drawn at their end"
    assert [f.id for f in projector.world_at(1.0525, linger=0.05).flights] == [2]
    assert projector.world_at(1.2, linger=0.05).flights == ()
