"""Revisions: one store-wide revision per write, per-key create/mod revision and version."""

from __future__ import annotations

import pytest
from kvtools import Feed

from simulator.kv import Delete, DeleteResponse, KVStore, Put, PutResponse, Range, Txn


def test_each_put_takes_the_next_store_wide_revision() -> None:
    feed = Feed()
    revisions = [feed.answer(Put(key, "v")).revision for key in ("a", "b", "a", "c")]
    assert revisions == [1, 2, 3, 4]
    assert feed.store.revision == 4


def test_versions_count_changes_and_create_revision_stays() -> None:
    feed = Feed()
    feed(Put("a", "1"))
    feed(Put("b", "x"))
    feed(Put("a", "2"))
    kv = feed.store.get("a")
    assert kv is not None
    assert (kv.value, kv.create_revision, kv.mod_revision, kv.version) == ("2", 1, 3, 2)


def test_put_answers_the_previous_version() -> None:
    feed = Feed()
    first = feed.answer(Put("a", "1"))
    second = feed.answer(Put("a", "2"))
    assert isinstance(first, PutResponse) and first.prev is None
    assert isinstance(second, PutResponse) and second.prev is not None
    assert second.prev.value == "1"


def test_delete_then_recreate_resets_version_and_create_revision() -> None:
    feed = Feed()
    feed(Put("a", "1"))
    feed(Put("a", "2"))
    deleted = feed.answer(Delete("a"))
    assert isinstance(deleted, DeleteResponse) and deleted.deleted == 1
    assert deleted.revision == 3
    assert feed.store.get("a") is None
    feed(Put("a", "3"))
    kv = feed.store.get("a")
    assert kv is not None
    assert (kv.create_revision, kv.mod_revision, kv.version) == (4, 4, 1)


def test_delete_of_a_missing_key_does_not_bump_the_revision() -> None:
    feed = Feed()
    feed(Put("a", "1"))
    response = feed.answer(Delete("zzz"))
    assert isinstance(response, DeleteResponse)
    assert (response.deleted, response.revision, feed.store.revision) == (0, 1, 1)
    assert feed(Delete("zzz")).events == ()


def test_a_txn_writing_several_keys_uses_one_revision() -> None:
    feed = Feed()
    feed(Put("old", "x"))
    result = feed(Txn((), (Put("a", "1"), Put("b", "2"), Delete("old"))))
    assert feed.store.revision == 2
    assert [(e.key, e.type, e.revision) for e in result.events] == [
        ("a", "put", 2), ("b", "put", 2), ("old", "delete", 2),
    ]


def test_a_read_only_txn_does_not_bump_the_revision() -> None:
    feed = Feed()
    feed(Put("a", "1"))
    result = feed(Txn((), (Range("a"),)))
    assert result.events == ()
    assert feed.store.revision == 1


def test_delete_prefix_removes_every_key_under_it_in_one_revision() -> None:
    feed = Feed()
    for key in ("/e/1", "/e/2", "/f/1"):
        feed(Put(key, "v"))
    result = feed(Delete("/e/", prefix=True))
    assert [e.key for e in result.events] == ["/e/1", "/e/2"]
    assert {e.revision for e in result.events} == {4}
    assert [kv.key for kv in feed.store.kvs()] == ["/f/1"]


def test_noop_entries_advance_the_applied_index_only() -> None:
    store = KVStore()
    result = store.apply(1, None)
    assert result.response is None and result.events == ()
    assert (store.applied_index, store.revision) == (1, 0)


def test_applying_an_old_index_again_is_refused() -> None:
    store = KVStore()
    store.apply(1, Put("a", "1"))
    with pytest.raises(ValueError, match="not after applied index 1"):
        store.apply(1, Put("a", "2"))
    kv = store.get("a")
    assert kv is not None and kv.value == "1"
