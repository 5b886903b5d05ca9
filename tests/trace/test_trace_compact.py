"""The compact event log: what is read back equals what was emitted, in every way of reading."""

import random

from simulator.trace.compact import EventLog
from simulator.trace.events import Caption, Event, MsgDeliver, MsgDrop, MsgSend, NodeCrash, RaftTimer
from simulator.trace.recorder import Trace


def mixed_events(seed: int, count: int = 400) -> list[Event]:
    rng = random.Random(seed)
    events: list[Event] = []
    t = 0.0
    for number in range(count):
        t += rng.choice((0.0, rng.random()))
        node = rng.choice(("n1", "n2", "app1", "ünïcode"))
        pick = rng.randrange(6)
        if pick == 0:
            events.append(MsgSend(t, number, node, "n3", "AppendEntries", f"HB t{number % 3}"))
        elif pick == 1:
            events.append(MsgDeliver(t, number))
        elif pick == 2:
            events.append(RaftTimer(t, node, t + rng.random()))
        elif pick == 3:
            events.append(MsgDrop(t, number, "cut"))
        elif pick == 4:
            events.append(NodeCrash(t, node))
        else:
            events.append(Caption(t, f"caption {number}"))
    return events


def test_every_way_of_reading_gives_back_the_events_emitted() -> None:
    for seed in range(5):
        events = mixed_events(seed)
        log = EventLog()
        for event in events:
            log.append(event)
        assert len(log) == len(events)
        assert list(log) == events
        assert [log[i] for i in range(len(events))] == events
        assert log[-1] == events[-1] and log[-len(events)] == events[0]
        assert log[17:230] == events[17:230] and log[::7] == events[::7]
        assert list(log.iter_from(100)) == events[100:]
        assert list(log.times) == [e.t for e in events]
        assert [type(e) for e in log] == [type(e) for e in events]


def test_an_event_with_a_field_of_another_type_is_kept_as_it_is() -> None:
    odd = [MsgSend(1.0, 2**70, "n1", "n2", "X", "big id"), RaftTimer(2.0, "n1", "soon"),  # type: ignore[arg-type]
           MsgDeliver(3.0, "m1"), MsgSend(4.0, 5, "n1", 7, "X", "odd dst")]  # type: ignore[arg-type]
    log = EventLog()
    for event in odd:
        log.append(event)
    assert list(log) == odd


def test_the_shared_prefix_of_two_logs_is_where_they_first_differ() -> None:
    events = mixed_events(9, 9000)
    for cut in (0, 1, 4095, 4096, 5000, 8999):
        changed = list(events)
        victim = changed[cut]
        changed[cut] = NodeCrash(victim.t, "somebody else")
        a, b = EventLog(), EventLog()
        for event in events:
            a.append(event)
        for event in changed:
            b.append(event)
        assert a.shared_prefix(b, len(events)) == cut
        assert a.shared_prefix(a, 7000) == 7000


def test_the_trace_hands_its_listeners_the_events_it_stores() -> None:
    trace = Trace()
    heard: list[Event] = []
    trace.msg_send(0.5, 1, "n1", "n2", "RequestVote", "vote t2")
    trace.subscribe(heard.append, kinds=("msg.send", "raft.timer"))
    trace.msg_send(1.0, 2, "n1", "n2", "RequestVote", "vote t2")
    trace.msg_deliver(1.5, 2)
    trace.raft_timer(2.0, "n2", 3.25)
    assert heard == [MsgSend(1.0, 2, "n1", "n2", "RequestVote", "vote t2"),
                     RaftTimer(2.0, "n2", 3.25)]
    assert list(trace) == [MsgSend(0.5, 1, "n1", "n2", "RequestVote", "vote t2"), heard[0],
                           MsgDeliver(1.5, 2), heard[1]]
    assert trace.index_at(1.0) == 2 and trace.end_time == 2.0
    assert trace.until(1.4) == list(trace)[:2]


def test_the_views_readers_agree_with_the_events_across_blocks_and_later_appends() -> None:
    events = mixed_events(4, 13000)  # several blocks of the row index
    log = EventLog()
    for event in events[:6000]:
        log.append(event)
    assert log[5999] == events[5999]  # the index is written for what is there so far
    for event in events[6000:]:
        log.append(event)
    for low, high in ((0, 13000), (4095, 4097), (4096, 8192), (1234, 12345), (12999, 13000),
                      (700, 700)):
        part = events[low:high]
        runs = list(log.runs(low, high))
        assert [e for _, _, e in runs if e is not None] == [
            e for e in part if type(e) not in (MsgSend, MsgDeliver, RaftTimer)]
        assert [i for a, b, _ in runs for i in range(a, b)] == list(range(low, high))
        assert list(log.deliveries(low, high)) == [
            (e.id, e.t) for e in part if type(e) is MsgDeliver]
        assert log.count_sends_delivers(low, high) == (
            sum(type(e) is MsgSend for e in part), sum(type(e) is MsgDeliver for e in part))
        assert log.sends_from(low, high, {"n1", "ünïcode"}) == [
            e for e in part if type(e) is MsgSend and e.src in ("n1", "ünïcode")]
    for count in (0, 4095, 4096, 9000, 13000):
        copy = log.prefix(count)
        assert list(copy) == events[:count]
        copy.append(events[-1])
        assert copy[count] == events[-1] and len(log) == 13000
