"""Reads: by key or prefix, sorted, limited, first/last by create revision, at past revisions."""

from __future__ import annotations

from kvtools import Feed

from simulator.kv import (
    ERR_COMPACTED,
    ERR_FUTURE_REV,
    Compact,
    CompactResponse,
    Delete,
    ErrorResponse,
    Put,
    Range,
    RangeResponse,
)


def _read(feed: Feed, op: Range) -> RangeResponse:
    response = feed.store.range(op)
    assert isinstance(response, RangeResponse), response
    return response


def _election_queue() -> Feed:
    """Three candidates queued under /e/ in the order b, c, a (keys sort differently)."""
    feed = Feed()
    feed(Put("/e/b", "app2"))  # create 1
    feed(Put("/other", "x"))  # 2
    feed(Put("/e/c", "app3"))  # create 3
    feed(Put("/e/a", "app1"))  # create 4
    feed(Put("/e/b", "app2-again"))  # mod 5, create stays 1
    return feed


def test_prefix_range_is_sorted_by_key() -> None:
    response = _read(_election_queue(), Range("/e/", prefix=True))
    assert [kv.key for kv in response.kvs] == ["/e/a", "/e/b", "/e/c"]
    assert (response.count, response.more, response.revision) == (3, False, 5)


def test_single_key_range_does_not_match_longer_keys() -> None:
    feed = _election_queue()
    assert _read(feed, Range("/e/")).kvs == ()
    assert [kv.key for kv in _read(feed, Range("/e/a")).kvs] == ["/e/a"]


def test_limit_keeps_the_first_and_reports_more() -> None:
    response = _read(_election_queue(), Range("/e/", prefix=True, limit=2))
    assert [kv.key for kv in response.kvs] == ["/e/a", "/e/b"]
    assert (response.count, response.more) == (3, True)


def test_first_created_is_the_election_leader() -> None:
    response = _read(_election_queue(), Range.first_created("/e/"))
    assert response.first is not None and response.first.key == "/e/b"


def test_last_created_below_a_revision_is_the_predecessor() -> None:
    feed = _election_queue()
    newest = _read(feed, Range.last_created("/e/"))
    assert newest.first is not None and newest.first.key == "/e/a"
    # /e/a (created at 4) waits for the key created just before it
    predecessor = _read(feed, Range.last_created("/e/", max_create_revision=3))
    assert predecessor.first is not None and predecessor.first.key == "/e/c"
    # /e/b, the first in the queue, has no predecessor created before it
    first = _read(feed, Range.last_created("/e/", max_create_revision=1))
    assert first.first is not None and first.first.key == "/e/b" and first.count == 1


def test_sort_by_mod_revision_descending() -> None:
    response = _read(_election_queue(), Range("/e/", prefix=True, sort="mod", order="desc"))
    assert [kv.key for kv in response.kvs] == ["/e/b", "/e/a", "/e/c"]


def test_empty_prefix_reads_every_key() -> None:
    response = _read(_election_queue(), Range("", prefix=True))
    assert [kv.key for kv in response.kvs] == ["/e/a", "/e/b", "/e/c", "/other"]


def test_read_at_a_past_revision_sees_the_state_then() -> None:
    feed = _election_queue()
    feed(Delete("/e/c"))  # 6
    then = _read(feed, Range("/e/", prefix=True, revision=3))
    assert [(kv.key, kv.value) for kv in then.kvs] == [("/e/b", "app2"), ("/e/c", "app3")]
    now = _read(feed, Range("/e/", prefix=True))
    assert [kv.key for kv in now.kvs] == ["/e/a", "/e/b"]


def test_read_at_a_future_revision_is_an_error() -> None:
    feed = _election_queue()
    response = feed.store.range(Range("/e/a", revision=6))
    assert isinstance(response, ErrorResponse) and response.error == ERR_FUTURE_REV


def test_compaction_keeps_reads_at_and_after_it_and_refuses_older_ones() -> None:
    feed = _election_queue()
    feed(Delete("/e/c"))  # 6
    feed(Put("/e/a", "later"))  # 7
    before = {rev: _read(feed, Range("", prefix=True, revision=rev)).kvs for rev in (5, 6, 7)}
    compacted = feed.answer(Compact(6))
    assert isinstance(compacted, CompactResponse) and compacted.compacted == 6
    assert feed.store.compacted_revision == 6
    for rev in (6, 7):
        assert _read(feed, Range("", prefix=True, revision=rev)).kvs == before[rev]
    old = feed.store.range(Range("/e/a", revision=5))
    assert isinstance(old, ErrorResponse) and old.error == ERR_COMPACTED
    again = feed.answer(Compact(6))
    assert isinstance(again, ErrorResponse) and again.error == ERR_COMPACTED
    future = feed.answer(Compact(99))
    assert isinstance(future, ErrorResponse) and future.error == ERR_FUTURE_REV


def test_compaction_forgets_keys_deleted_before_it() -> None:
    feed = _election_queue()
    feed(Delete("/e/c"))  # 6
    feed(Put("/x", "1"))  # 7
    feed(Compact(7))
    history_keys = [key for key, _ in feed.store.snapshot().history]
    assert "/e/c" not in history_keys
    assert history_keys == ["/e/a", "/e/b", "/other", "/x"]
