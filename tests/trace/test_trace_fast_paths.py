"""The trace's fast paths for messages and timers: same log, and listeners still told."""

from __future__ import annotations

from simulator.trace.compact import EventLog
from simulator.trace.events import MsgDeliver, MsgSend, RaftTimer
from simulator.trace.recorder import Trace


def _record(trace: Trace, t: float) -> None:
    trace.msg_send(t, 1, "n1", "n2", "Heartbeat", "HB t1")
    trace.msg_deliver(t + 0.001, 1)
    trace.raft_timer(t + 0.001, "n2", t + 1.5)


def test_a_listener_subscribed_mid_run_hears_the_frequent_kinds_and_the_log_is_unchanged() -> None:
    trace = Trace()
    _record(trace, 0.0)
    heard: list[object] = []
    trace.subscribe(heard.append, kinds=("msg.send", "msg.deliver", "raft.timer"))
    _record(trace, 1.0)
    trace.unsubscribe(heard.append)
    _record(trace, 2.0)
    expected = [MsgSend(1.0, 1, "n1", "n2", "Heartbeat", "HB t1"), MsgDeliver(1.001, 1),
                RaftTimer(1.001, "n2", 2.5)]
    assert heard == expected
    assert list(trace.events)[3:6] == expected
    assert len(trace) == 9


def test_replacing_the_log_sends_the_frequent_kinds_to_the_new_one() -> None:
    trace = Trace()
    _record(trace, 0.0)
    fresh = EventLog()
    trace._events = fresh  # noqa: SLF001 - what a trace that starts keeping events does
    _record(trace, 1.0)
    assert [event.t for event in fresh] == [1.0, 1.001, 1.001]
