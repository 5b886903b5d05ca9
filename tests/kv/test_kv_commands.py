"""Commands: their canonical one-line text (the raft.apply cmd) and validation of bad fields."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from simulator.kv import (
    Compact,
    Compare,
    Delete,
    LeaseGrant,
    LeaseRevoke,
    Put,
    Range,
    Txn,
)


@pytest.mark.parametrize(
    ("command", "text"),
    [
        (Put("/election/leader", "app1", lease=3), "put /election/leader=app1 lease=3"),
        (Put("k", "v"), "put k=v"),
        (Put("k", "a b=c"), 'put k="a b=c"'),
        (Put("k", ""), 'put k=""'),
        (Delete("k"), "delete k"),
        (Delete("/e/", prefix=True), "delete prefix /e/"),
        (Range("k"), "get k"),
        (Range.first_created("/e/"), "get prefix /e/ sort=create asc limit=1"),
        (Range.last_created("/e/", 7), "get prefix /e/ sort=create desc limit=1 max_create=7"),
        (Range("k", revision=4), "get k rev=4"),
        (
            Txn(
                (Compare("/election/leader", "create", "=", 0),),
                (Put("/election/leader", "app1", 3),),
                (Range("/election/leader"),),
            ),
            "txn if create(/election/leader)=0 then put /election/leader=app1 lease=3 "
            "else get /election/leader",
        ),
        (
            Txn((Compare("k", "value", "!=", "x y"), Compare("k", "mod", "<", 5)),
                (Put("a", "1"), Delete("b"))),
            'txn if value(k)!="x y" and mod(k)<5 then put a=1, delete b',
        ),
        (Txn(), "txn then nothing"),
        (LeaseGrant(3, 10, "app1"), "lease grant 3 ttl=10 owner=app1"),
        (LeaseGrant(0, 2.5), "lease grant ttl=2.5"),
        (LeaseRevoke(3, "expired"), "lease revoke 3 reason=expired"),
        (LeaseRevoke(4), "lease revoke 4 reason=revoked"),
        (Compact(12), "compact 12"),
    ],
)
def test_canonical_text(command: object, text: str) -> None:
    assert str(command) == text


def test_equal_commands_have_equal_text_and_different_ones_differ() -> None:
    assert str(Put("a", "b=c")) != str(Put("a=b", "c"))
    assert str(Put("k", "v", 1)) == str(Put("k", "v", 1))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Put("", "v"), "Put.key must not be empty"),
        (lambda: Put("k", 5), "Put.value must be a string"),
        (lambda: Put("k", "v", -1), "Put.lease must be >= 0"),
        (lambda: Compare("k", "size", "=", 1), "Compare.target must be one of"),
        (lambda: Compare("k", "create", "==", 0), "Compare.op must be one of"),
        (lambda: Compare("k", "create", "=", "0"), "Compare.operand must be an integer"),
        (lambda: Compare("k", "value", "=", 0), "Compare.operand must be a string"),
        (lambda: Range("k", sort="value"), "Range.sort must be one of"),
        (lambda: Range("k", order="up"), "Range.order must be one of"),
        (lambda: Range("k", limit=-1), "Range.limit must be >= 0"),
        (lambda: Txn(success=[Put("k", "v")]), "Txn.success must be a tuple"),  # type: ignore[arg-type]
        (lambda: Txn(success=(Compact(1),)), "Txn.success must hold Put, Delete or Range"),  # type: ignore[arg-type]
        (lambda: LeaseGrant(1, 0), "LeaseGrant.ttl must be a positive finite number"),
        (lambda: LeaseRevoke(0), "LeaseRevoke.lease_id must be >= 1"),
        (lambda: LeaseRevoke(1, "timeout"), "LeaseRevoke.reason must be one of"),
        (lambda: Compact(0), "Compact.revision must be >= 1"),
    ],
)
def test_bad_fields_are_refused_with_a_message_naming_them(
    build: Callable[[], object], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        build()
