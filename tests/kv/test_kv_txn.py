"""Transactions: compares on value, version, create and mod revision; then/else branches."""

from __future__ import annotations

import pytest
from kvtools import Feed

from simulator.kv import (
    ERR_DUPLICATE_KEY,
    ERR_LEASE_NOT_FOUND,
    Compare,
    Delete,
    ErrorResponse,
    LeaseGrant,
    Put,
    PutResponse,
    Range,
    RangeResponse,
    Txn,
    TxnResponse,
)


def _setup() -> Feed:
    feed = Feed()
    feed(Put("other", "o"))  # rev 1
    feed(Put("k", "a"))  # rev 2 (create 2, version 1)
    feed(Put("k", "b"))  # rev 3 (mod 3, version 2)
    return feed


@pytest.mark.parametrize(
    ("compare", "holds"),
    [
        (Compare("k", "value", "=", "b"), True),
        (Compare("k", "value", "=", "a"), False),
        (Compare("k", "value", "!=", "a"), True),
        (Compare("k", "value", ">", "a"), True),
        (Compare("k", "value", "<", "a"), False),
        (Compare("k", "version", "=", 2), True),
        (Compare("k", "version", ">", 2), False),
        (Compare("k", "version", "<", 3), True),
        (Compare("k", "create", "=", 2), True),
        (Compare("k", "create", "!=", 2), False),
        (Compare("k", "mod", "=", 3), True),
        (Compare("k", "mod", "<", 3), False),
        (Compare("k", "mod", ">", 2), True),
        (Compare("k", "lease", "=", 0), True),
        (Compare("missing", "create", "=", 0), True),
        (Compare("missing", "version", "=", 0), True),
        (Compare("missing", "mod", ">", 0), False),
        # etcd: a value compare on a missing key always fails, even "!="
        (Compare("missing", "value", "!=", "x"), False),
        (Compare("missing", "value", "=", ""), False),
    ],
)
def test_compare_picks_the_branch(compare: Compare, holds: bool) -> None:
    feed = _setup()
    response = feed.answer(Txn((compare,), (Put("then", "1"),), (Put("else", "1"),)))
    assert isinstance(response, TxnResponse)
    assert response.succeeded is holds
    assert (feed.store.get("then") is not None) is holds
    assert (feed.store.get("else") is not None) is not holds


def test_all_compares_must_hold() -> None:
    feed = _setup()
    compares = (Compare("k", "value", "=", "b"), Compare("other", "version", "=", 5))
    response = feed.answer(Txn(compares, (Delete("k"),), ()))
    assert isinstance(response, TxnResponse) and not response.succeeded
    assert feed.store.get("k") is not None
    assert feed.store.revision == 3


def test_put_if_absent_succeeds_once() -> None:
    feed = Feed()
    feed(LeaseGrant(1, 10))
    feed(LeaseGrant(2, 10))

    def try_insert(name: str, lease: int) -> TxnResponse:
        key = "/election/leader"
        response = feed.answer(
            Txn((Compare(key, "create", "=", 0),), (Put(key, name, lease),), (Range(key),))
        )
        assert isinstance(response, TxnResponse)
        return response

    first = try_insert("app1", 1)
    second = try_insert("app2", 2)
    assert first.succeeded and not second.succeeded
    holder = second.responses[0]
    assert isinstance(holder, RangeResponse) and holder.first is not None
    assert (holder.first.value, holder.first.lease) == ("app1", 1)
    assert holder.first.create_revision == first.revision


def test_guard_on_mod_revision_detects_a_concurrent_change() -> None:
    feed = _setup()
    seen_mod = 3
    feed(Put("k", "c"))  # someone else changed it: mod 4
    response = feed.answer(Txn((Compare("k", "mod", "=", seen_mod),), (Put("k", "mine"),)))
    assert isinstance(response, TxnResponse) and not response.succeeded
    kv = feed.store.get("k")
    assert kv is not None and kv.value == "c"


def test_reads_in_a_txn_see_its_earlier_writes() -> None:
    feed = Feed()
    response = feed.answer(Txn((), (Put("a", "1"), Range("a"))))
    assert isinstance(response, TxnResponse)
    put, read = response.responses
    assert isinstance(put, PutResponse) and isinstance(read, RangeResponse)
    assert read.first is not None and read.first.value == "1"
    assert put.revision == read.revision == response.revision == 1


def test_a_txn_with_an_unknown_lease_fails_whole_and_changes_nothing() -> None:
    feed = _setup()
    result = feed(Txn((), (Put("new", "1"), Put("k", "z", lease=99))))
    assert isinstance(result.response, ErrorResponse)
    assert result.response.error == ERR_LEASE_NOT_FOUND
    assert result.events == ()
    assert feed.store.get("new") is None and feed.store.revision == 3


def test_writing_one_key_twice_in_a_txn_is_refused() -> None:
    feed = _setup()
    result = feed(Txn((), (Put("x", "1"), Put("x", "2"))))
    assert isinstance(result.response, ErrorResponse)
    assert result.response.error == ERR_DUPLICATE_KEY
    assert feed.store.get("x") is None and feed.store.revision == 3


def test_only_the_executed_branch_is_checked() -> None:
    feed = _setup()
    txn = Txn((Compare("k", "value", "=", "b"),), (Put("ok", "1"),), (Put("bad", "1", 99),))
    response = feed.answer(txn)
    assert isinstance(response, TxnResponse) and response.succeeded
    assert feed.store.get("ok") is not None
