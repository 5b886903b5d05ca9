"""A member's store, lessor and watch hub stay in step as entries are applied."""

from __future__ import annotations

from simulator.kv import (
    Compare,
    Delete,
    KVMember,
    LeaseGrant,
    LeaseRevoke,
    Put,
    Range,
    Txn,
)


def test_the_leaders_expiry_check_ends_in_a_revoke_and_a_delete_event() -> None:
    leader = KVMember(min_lease_ttl=2.0)
    follower = KVMember(min_lease_ttl=2.0)
    leader.lessor.promote(0.0, extend=1.0)
    key = "/election/leader"
    try_insert = Txn((Compare(key, "create", "=", 0),), (Put(key, "app1", 1),), (Range(key),))
    entries = [LeaseGrant(1, 1.0, "app1"), try_insert]
    for index, command in enumerate(entries, start=1):
        for member in (leader, follower):
            member.apply(index, command, now=0.1 * index)
    leader.watches.create(1, key, owner="app2")
    assert leader.lessor.remaining(1, 0.1) == 2.0  # raised to the minimum, granted at 0.1
    assert [i.keys for i in leader.lessor.leases(0.0)] == [(key,)]
    assert follower.lessor.expired(100.0) == ()
    assert leader.lessor.claim_expired(2.0) == ()
    expired = leader.lessor.claim_expired(2.1)
    assert expired == (1,)
    applied = [member.apply(3, LeaseRevoke(1, "expired"), now=2.2) for member in
               (leader, follower)]
    assert [(d.watch_id, d.events[0].type, d.events[0].key) for d in applied[0].deliveries] == [
        (1, "delete", key),
    ]
    assert leader.store.snapshot() == follower.store.snapshot()
    assert leader.lessor.leases(3.0) == () and follower.lessor.leases(3.0) == ()


def test_lessor_keys_match_the_stores_lease_table() -> None:
    member = KVMember()
    commands = [
        LeaseGrant(1, 5), LeaseGrant(2, 5), Put("a", "1", 1), Put("b", "1", 1),
        Put("a", "2", 2), Delete("b"), Put("c", "1", 2), Txn((), (Put("c", "2"), Put("d", "1", 1))),
        Put("e", "1", 9),  # unknown lease: fails
    ]
    for index, command in enumerate(commands, start=1):
        member.apply(index, command, now=float(index))
    in_store = {record.lease_id: record.keys for record in member.store.leases()}
    in_lessor = {info.lease_id: info.keys for info in member.lessor.leases(0.0)}
    assert in_store == in_lessor == {1: ("d",), 2: ("a",)}
