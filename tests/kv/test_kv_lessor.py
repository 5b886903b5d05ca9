"""The lessor: minimum TTL, renewals, expiry on the primary only, promote and demote."""

from __future__ import annotations

import math

from simulator.kv import FOREVER, Lessor, minimum_ttl


def _primary(min_ttl: float = 0.0) -> Lessor:
    lessor = Lessor(min_ttl)
    lessor.promote(0.0, 0.0)
    return lessor


def test_minimum_ttl_is_ceil_of_one_and_a_half_election_timeouts() -> None:
    assert minimum_ttl(1.0) == 2.0  # etcd defaults
    assert minimum_ttl(0.15) == 1.0
    assert minimum_ttl(3.0) == 5.0


def test_grant_raises_a_short_ttl_to_the_minimum() -> None:
    lessor = _primary(min_ttl=2.0)
    assert lessor.grant(1, 1.0, now=10.0) == 2.0
    assert lessor.grant(2, 5.0, now=10.0) == 5.0
    assert lessor.expiry(1) == 12.0 and lessor.expiry(2) == 15.0


def test_a_lease_without_renewal_expires_after_its_ttl() -> None:
    lessor = _primary()
    lessor.grant(1, 5.0, now=0.0)
    assert lessor.expired(4.99) == ()
    assert lessor.remaining(1, 4.0) == 1.0
    assert lessor.expired(5.0) == (1,)


def test_renew_pushes_the_expiry_to_now_plus_ttl() -> None:
    lessor = _primary()
    lessor.grant(1, 5.0, now=0.0)
    assert lessor.renew(1, now=3.0) == 8.0
    assert lessor.expired(7.0) == ()
    assert lessor.expired(8.0) == (1,)


def test_renew_fails_for_unknown_expired_or_when_not_primary() -> None:
    lessor = _primary()
    lessor.grant(1, 5.0, now=0.0)
    assert lessor.renew(99, now=1.0) is None
    assert lessor.renew(1, now=6.0) is None  # already expired: waits for the revoke
    follower = Lessor()
    follower.grant(1, 5.0, now=0.0)
    assert follower.renew(1, now=1.0) is None


def test_expired_ids_come_sorted() -> None:
    lessor = _primary()
    for lease_id, ttl in ((9, 1.0), (3, 2.0), (5, 10.0), (1, 1.5)):
        lessor.grant(lease_id, ttl, now=0.0)
    assert lessor.expired(3.0) == (1, 3, 9)
    assert lessor.next_expiry() == 1.0


def test_followers_track_leases_but_never_expire_them() -> None:
    follower = Lessor(min_ttl=2.0)
    assert follower.grant(1, 1.0, now=0.0) == 2.0
    assert 1 in follower
    assert follower.expiry(1) == FOREVER
    assert follower.expired(1e9) == ()
    assert follower.next_expiry() == FOREVER
    assert math.isinf(follower.remaining(1, 5.0) or 0.0)


def test_promote_extends_every_lease_by_election_timeout_plus_ttl() -> None:
    lessor = Lessor()
    lessor.grant(1, 5.0, now=0.0)
    lessor.grant(2, 10.0, now=0.0)
    lessor.promote(now=100.0, extend=1.0)
    assert lessor.primary
    assert (lessor.expiry(1), lessor.expiry(2)) == (106.0, 111.0)
    assert lessor.expired(105.9) == ()
    assert lessor.expired(106.0) == (1,)


def test_a_lease_near_expiry_survives_a_leader_change() -> None:
    old_leader = _primary()
    new_leader = Lessor()
    for lessor in (old_leader, new_leader):
        lessor.grant(1, 5.0, now=0.0)
    assert old_leader.remaining(1, 4.9) is not None
    old_leader.demote()  # the old leader loses leadership just before expiry
    new_leader.promote(now=6.0, extend=1.0)  # the new one applies its first entry at 6 s
    assert old_leader.expired(100.0) == ()
    assert new_leader.expired(11.9) == ()
    assert new_leader.expired(12.0) == (1,)


def test_demote_means_no_lease_ever_expires() -> None:
    lessor = _primary()
    lessor.grant(1, 2.0, now=0.0)
    lessor.demote()
    assert not lessor.primary
    assert lessor.expiry(1) == FOREVER
    assert lessor.expired(1e9) == ()
    assert lessor.renew(1, now=1.0) is None


def test_claim_expired_reports_a_lease_once_per_retry_interval() -> None:
    lessor = Lessor(retry_interval=3.0)
    lessor.promote(0.0, 0.0)
    lessor.grant(1, 1.0, now=0.0)
    assert lessor.claim_expired(1.0) == (1,)
    assert lessor.claim_expired(1.5) == ()  # the revoke is in flight
    assert lessor.expired(1.5) == (1,)
    assert lessor.claim_expired(4.0) == (1,)  # still not revoked: propose again


def test_revoke_forgets_the_lease() -> None:
    lessor = _primary()
    lessor.grant(1, 1.0, now=0.0)
    assert lessor.revoke(1) and not lessor.revoke(1)
    assert lessor.expired(10.0) == ()
    assert lessor.remaining(1, 0.0) is None


def test_inspection_lists_leases_with_remaining_time_and_keys() -> None:
    lessor = _primary()
    lessor.grant(2, 10.0, now=0.0)
    lessor.grant(1, 4.0, now=0.0)
    lessor.attach(1, "/b")
    lessor.attach(1, "/a")
    lessor.detach(1, "/b")
    assert [(i.lease_id, i.ttl, i.expiry, i.remaining, i.keys) for i in lessor.leases(1.0)] == [
        (1, 4.0, 4.0, 3.0, ("/a",)),
        (2, 10.0, 10.0, 9.0, ()),
    ]
