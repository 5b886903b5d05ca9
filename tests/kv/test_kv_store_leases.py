"""Leases in the replicated state: grant, attach, revoke deleting every key in one revision."""

from __future__ import annotations

from kvtools import Feed

from simulator.kv import (
    ERR_LEASE_EXISTS,
    ERR_LEASE_NOT_FOUND,
    Delete,
    ErrorResponse,
    KVStore,
    LeaseGrant,
    LeaseGrantResponse,
    LeaseRevoke,
    LeaseRevokeResponse,
    Put,
    WatchHub,
)


def test_grant_raises_the_ttl_to_the_minimum_and_does_not_bump_the_revision() -> None:
    feed = Feed(KVStore(min_lease_ttl=2.0))
    short = feed.answer(LeaseGrant(5, 1.0, "app1"))
    long = feed.answer(LeaseGrant(6, 10.0, "app2"))
    assert isinstance(short, LeaseGrantResponse) and isinstance(long, LeaseGrantResponse)
    assert (short.lease_id, short.ttl, long.ttl) == (5, 2.0, 10.0)
    assert feed.store.revision == 0
    assert [(r.lease_id, r.ttl, r.owner) for r in feed.store.leases()] == [
        (5, 2.0, "app1"), (6, 10.0, "app2"),
    ]


def test_grant_without_an_id_takes_the_next_free_one() -> None:
    feed = Feed()
    ids = []
    for command in (LeaseGrant(0, 5), LeaseGrant(7, 5), LeaseGrant(0, 5)):
        response = feed.answer(command)
        assert isinstance(response, LeaseGrantResponse)
        ids.append(response.lease_id)
    assert ids == [1, 7, 8]
    duplicate = feed.answer(LeaseGrant(7, 5))
    assert isinstance(duplicate, ErrorResponse) and duplicate.error == ERR_LEASE_EXISTS


def test_put_with_an_unknown_lease_fails_and_changes_nothing() -> None:
    feed = Feed()
    feed(Put("k", "v"))
    result = feed(Put("k", "w", lease=42))
    assert isinstance(result.response, ErrorResponse)
    assert result.response.error == ERR_LEASE_NOT_FOUND
    assert result.events == ()
    kv = feed.store.get("k")
    assert kv is not None and (kv.value, kv.lease) == ("v", 0)
    assert feed.store.revision == 1


def test_keys_follow_their_lease_through_puts_and_deletes() -> None:
    feed = Feed()
    feed(LeaseGrant(1, 10))
    feed(LeaseGrant(2, 10))
    feed(Put("a", "1", lease=1))
    feed(Put("b", "1", lease=1))
    feed(Put("c", "1", lease=1))
    feed(Put("b", "2", lease=2))  # moves to lease 2
    feed(Put("c", "2"))  # a put without a lease detaches
    feed(Delete("a"))
    feed(Put("a", "3", lease=1))
    records = {record.lease_id: record.keys for record in feed.store.leases()}
    assert records == {1: ("a",), 2: ("b",)}


def test_revoke_deletes_every_attached_key_in_one_revision() -> None:
    feed = Feed()
    feed(LeaseGrant(1, 10))
    feed(Put("/lock/b", "x", lease=1))  # 1
    feed(Put("/free", "y"))  # 2
    feed(Put("/lock/a", "x", lease=1))  # 3
    result = feed(LeaseRevoke(1, "expired"))
    response = result.response
    assert isinstance(response, LeaseRevokeResponse)
    assert (response.revision, response.reason) == (4, "expired")
    assert response.deleted_keys == ("/lock/a", "/lock/b")
    assert [(e.key, e.type, e.revision) for e in result.events] == [
        ("/lock/a", "delete", 4), ("/lock/b", "delete", 4),
    ]
    assert [kv.key for kv in feed.store.kvs()] == ["/free"]
    assert feed.store.lease(1) is None
    again = feed.answer(LeaseRevoke(1))
    assert isinstance(again, ErrorResponse) and again.error == ERR_LEASE_NOT_FOUND


def test_revoking_a_lease_without_keys_does_not_bump_the_revision() -> None:
    feed = Feed()
    feed(Put("k", "v"))
    feed(LeaseGrant(3, 10))
    response = feed.answer(LeaseRevoke(3))
    assert isinstance(response, LeaseRevokeResponse)
    assert (response.deleted_keys, response.revision, feed.store.revision) == ((), 1, 1)


def test_watchers_get_the_revoke_deletes_together() -> None:
    feed = Feed()
    hub = WatchHub(feed.store)
    feed(LeaseGrant(1, 10))
    for key in ("/e/a", "/e/b", "/e/c"):
        feed(Put(key, "v", lease=1))
    hub.create(10, "/e/", prefix=True)
    hub.create(11, "/e/b")
    responses = hub.on_apply(feed(LeaseRevoke(1, "expired")).events)
    assert [(r.watch_id, r.revision, [e.key for e in r.events]) for r in responses] == [
        (10, 4, ["/e/a", "/e/b", "/e/c"]),
        (11, 4, ["/e/b"]),
    ]
    assert all(e.type == "delete" for r in responses for e in r.events)
