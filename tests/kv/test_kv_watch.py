"""Watches: catch-up from a past revision, live events, no gaps, cancellation on compaction."""

from __future__ import annotations

from kvtools import Feed

from simulator.kv import Compact, Delete, Put, Txn, WatchHub, WatchResponse


def _flat(responses: tuple[WatchResponse, ...]) -> list[tuple[int, str, str]]:
    return [(e.revision, e.type, e.key) for r in responses for e in r.events]


def test_watch_from_a_past_revision_replays_history_in_order() -> None:
    feed = Feed()
    hub = WatchHub(feed.store)
    feed(Put("/e/a", "1"))  # 1
    feed(Put("/x", "1"))  # 2
    feed(Put("/e/b", "1"))  # 3
    feed(Delete("/e/a"))  # 4
    feed(Put("/e/b", "2"))  # 5
    created = hub.create(1, "/e/", prefix=True, start_revision=2)
    assert not created.cancelled
    assert [r.revision for r in created.responses] == [3, 4, 5]
    assert _flat(created.responses) == [(3, "put", "/e/b"), (4, "delete", "/e/a"),
                                        (5, "put", "/e/b")]
    live = hub.on_apply(feed(Put("/e/c", "1")).events)
    assert _flat(live) == [(6, "put", "/e/c")]


def test_catch_up_then_live_events_have_no_gap_and_no_repeat() -> None:
    feed = Feed()
    hub = WatchHub(feed.store)
    for i in range(5):
        feed(Put("k", str(i)))
    created = hub.create(7, "k", start_revision=1)
    delivered = [r.revision for r in created.responses]
    for i in range(5, 8):
        delivered += [r.revision for r in hub.on_apply(feed(Put("k", str(i))).events)]
    assert delivered == list(range(1, 9))


def test_watch_from_now_gets_only_future_events() -> None:
    feed = Feed()
    hub = WatchHub(feed.store)
    feed(Put("k", "old"))
    created = hub.create(1, "k")
    assert created.responses == () and created.start_revision == 2
    live = hub.on_apply(feed(Put("k", "new")).events)
    assert [(r.revision, r.events[0].value) for r in live] == [(2, "new")]


def test_events_of_one_revision_arrive_together_with_prev_values() -> None:
    feed = Feed()
    hub = WatchHub(feed.store)
    feed(Put("/e/a", "old"))
    hub.create(1, "/e/", prefix=True)
    responses = hub.on_apply(feed(Txn((), (Put("/e/a", "new"), Put("/e/b", "x")))).events)
    assert len(responses) == 1
    first, second = responses[0].events
    assert first.prev is not None and first.prev.value == "old"
    assert (first.value, first.version, second.prev, second.version) == ("new", 2, None, 1)


def test_watch_on_a_compacted_revision_is_cancelled_with_a_reason() -> None:
    feed = Feed()
    hub = WatchHub(feed.store)
    for i in range(6):
        feed(Put("k", str(i)))
    feed(Compact(4))
    created = hub.create(1, "k", start_revision=2)
    assert created.cancelled and created.compact_revision == 4
    assert "compacted" in created.reason and "revision 2" in created.reason
    assert hub.active() == ()
    kept = hub.create(2, "k", start_revision=4)
    assert not kept.cancelled
    assert [r.revision for r in kept.responses] == [4, 5, 6]


def test_watch_from_a_future_revision_waits_for_it() -> None:
    feed = Feed()
    hub = WatchHub(feed.store)
    feed(Put("k", "1"))
    hub.create(1, "k", start_revision=3)
    assert hub.on_apply(feed(Put("k", "2")).events) == ()
    assert [r.revision for r in hub.on_apply(feed(Put("k", "3")).events)] == [3]


def test_cancel_stops_delivery_and_active_lists_the_rest() -> None:
    feed = Feed()
    hub = WatchHub(feed.store)
    hub.create(2, "b", owner="app2")
    hub.create(1, "a", prefix=True, owner="app1")
    assert [(w.watch_id, w.key, w.prefix, w.owner) for w in hub.active()] == [
        (1, "a", True, "app1"), (2, "b", False, "app2"),
    ]
    assert hub.cancel(1) and not hub.cancel(1)
    assert hub.on_apply(feed(Put("a", "1")).events) == ()
    assert [r.watch_id for r in hub.on_apply(feed(Put("b", "1")).events)] == [2]
    assert [w.next_revision for w in hub.active()] == [3]


def test_a_watch_id_in_use_is_refused() -> None:
    hub = WatchHub(Feed().store)
    hub.create(1, "a")
    again = hub.create(1, "b")
    assert again.cancelled and "already in use" in again.reason
    assert [w.key for w in hub.active()] == ["a"]
