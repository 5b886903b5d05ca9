"""The lessor: when each lease expires, decided only by the Raft leader (the primary lessor).

A pure port of the timing logic of etcd's server/lease/lessor.go. Every member keeps one and
feeds it what it applies (``on_apply``), so each knows every lease, its TTL and attached keys;
only the *primary* (the member that is Raft leader) gives leases a finite expiry, renews them
and reports the expired ones. Times are the member's local clock (float seconds).

How the runtime drives it, as etcd does:
- Renewals (keepalives) do not go through Raft: a member forwards them to the leader, whose
  lessor sets ``expiry = now + ttl`` (``renew``). A non-primary answers None: forward it.
- The leader checks every 500 ms (StoreConfig.lease_check_interval; etcd's lessor runLoop
  sleeps 500 ms between checks) with ``claim_expired(now)`` and proposes a
  ``LeaseRevoke(id, "expired")`` through Raft for each id; applying the revoke deletes the keys.
  A claimed lease is not reported again for ``retry_interval`` (etcd: 3 s), so one revoke is in
  flight at a time.
- On gaining leadership, when the new leader applies its first entry of its term (etcd applies
  the no-op entry), it calls ``promote(now, extend=election timeout)``: every lease expires at
  ``now + extend + ttl`` (etcd without lease checkpointing extends by the full TTL). On losing
  leadership it calls ``demote()``: every expiry becomes infinity, so a deposed or partitioned
  leader never revokes anything.

Deliberate simplifications: no lease checkpointing (etcd's default) and no spreading of
expiries when more than 1000 leases would expire together on promotion.
"""

from __future__ import annotations

import math

from simulator.frozen import frozen
from simulator.kv.records import PUT
from simulator.kv.responses import ApplyResult, LeaseGrantResponse, LeaseRevokeResponse

FOREVER = math.inf
DEFAULT_CHECK_INTERVAL = 0.5  # etcd's primary lessor checks for expired leases every 500 ms
DEFAULT_RETRY_INTERVAL = 3.0  # etcd's expiredLeaseRetryInterval


def minimum_ttl(election_timeout: float) -> float:
    """etcd's minimum lease TTL: ceil(1.5 x election timeout) whole seconds (2 s by default)."""
    return float(math.ceil(1.5 * election_timeout))


@frozen
class LeaseInfo:
    """A lease as the lessor sees it at one moment: expiry and remaining time (inf if none)."""

    lease_id: int
    ttl: float
    expiry: float
    remaining: float
    keys: tuple[str, ...]


class _Lease:
    __slots__ = ("ttl", "expiry", "keys", "claimed_until")

    def __init__(self, ttl: float, expiry: float) -> None:
        self.ttl = ttl
        self.expiry = expiry
        self.keys: set[str] = set()
        self.claimed_until = -FOREVER


class Lessor:
    """One member's lessor: the lease set, attached keys, and (on the primary) expiries."""

    def __init__(
        self, min_ttl: float = 0.0, retry_interval: float = DEFAULT_RETRY_INTERVAL
    ) -> None:
        self.min_ttl = min_ttl
        self.retry_interval = retry_interval
        self._primary = False
        self._leases: dict[int, _Lease] = {}

    @property
    def primary(self) -> bool:
        """True while this member is the Raft leader's (promoted) lessor."""
        return self._primary

    def __contains__(self, lease_id: object) -> bool:
        return lease_id in self._leases

    # --- the lease set, kept in sync with what the member applies --------------------------

    def grant(self, lease_id: int, ttl: float, now: float) -> float:
        """Add lease ``lease_id``; returns its TTL, raised to ``min_ttl``.

        On the primary it expires at ``now + ttl``; elsewhere never (until a promotion).
        """
        if lease_id in self._leases:
            raise ValueError(f"lease {lease_id} already exists")
        ttl = max(float(ttl), self.min_ttl)
        self._leases[lease_id] = _Lease(ttl, now + ttl if self._primary else FOREVER)
        return ttl

    def revoke(self, lease_id: int) -> bool:
        """Forget lease ``lease_id`` (its revoke was applied); False when it was unknown."""
        return self._leases.pop(lease_id, None) is not None

    def attach(self, lease_id: int, key: str) -> None:
        """Record that ``key`` is attached to ``lease_id`` (ignored for an unknown lease)."""
        lease = self._leases.get(lease_id)
        if lease is not None:
            lease.keys.add(key)

    def detach(self, lease_id: int, key: str) -> None:
        """Record that ``key`` no longer belongs to ``lease_id``."""
        lease = self._leases.get(lease_id)
        if lease is not None:
            lease.keys.discard(key)

    def on_apply(self, result: ApplyResult, now: float) -> None:
        """Follow one applied entry: key attachments from its events, grants and revokes."""
        for event in result.events:
            if event.prev is not None and event.prev.lease:
                self.detach(event.prev.lease, event.key)
            if event.type == PUT and event.lease:
                self.attach(event.lease, event.key)
        response = result.response
        if isinstance(response, LeaseGrantResponse):
            self.grant(response.lease_id, response.ttl, now)
        elif isinstance(response, LeaseRevokeResponse):
            self.revoke(response.lease_id)

    # --- timing (meaningful on the primary only) -------------------------------------------

    def renew(self, lease_id: int, now: float) -> float | None:
        """Keepalive: on the primary, the lease now expires at ``now + ttl`` (returned).

        None when this member is not primary (forward to the leader), the lease is unknown, or
        it has already expired (etcd waits for the pending revoke and answers "lease not found").
        """
        lease = self._leases.get(lease_id)
        if not self._primary or lease is None or lease.expiry <= now:
            return None
        lease.expiry = now + lease.ttl
        lease.claimed_until = -FOREVER
        return lease.expiry

    def remaining(self, lease_id: int, now: float) -> float | None:
        """Seconds until ``lease_id`` expires (inf when not primary, None when unknown)."""
        lease = self._leases.get(lease_id)
        if lease is None:
            return None
        return lease.expiry - now

    def expiry(self, lease_id: int) -> float | None:
        """The local time ``lease_id`` expires at (inf when not primary, None when unknown)."""
        lease = self._leases.get(lease_id)
        return None if lease is None else lease.expiry

    def expired(self, now: float) -> tuple[int, ...]:
        """Ids of the leases whose expiry has passed, sorted; always empty when not primary."""
        if not self._primary:
            return ()
        return tuple(
            lease_id for lease_id in sorted(self._leases)
            if self._leases[lease_id].expiry <= now
        )

    def claim_expired(self, now: float) -> tuple[int, ...]:
        """The expired leases to propose a revoke for now, skipping ones claimed recently.

        Each returned id is not returned again for ``retry_interval`` seconds, unless renewed.
        """
        claimed: list[int] = []
        for lease_id in self.expired(now):
            lease = self._leases[lease_id]
            if lease.claimed_until <= now:
                lease.claimed_until = now + self.retry_interval
                claimed.append(lease_id)
        return tuple(claimed)

    def next_expiry(self) -> float:
        """The earliest expiry of any lease (inf when none, or when not primary)."""
        if not self._primary or not self._leases:
            return FOREVER
        return min(lease.expiry for lease in self._leases.values())

    def promote(self, now: float, extend: float) -> None:
        """Become primary: every lease expires at ``now + extend + ttl`` (etcd's Promote)."""
        self._primary = True
        for lease in self._leases.values():
            lease.expiry = now + extend + lease.ttl
            lease.claimed_until = -FOREVER

    def demote(self) -> None:
        """Stop being primary: no lease expires any more (etcd's Demote sets them forever)."""
        self._primary = False
        for lease in self._leases.values():
            lease.expiry = FOREVER
            lease.claimed_until = -FOREVER

    # --- inspection ------------------------------------------------------------------------

    def leases(self, now: float) -> tuple[LeaseInfo, ...]:
        """Every known lease with its expiry and remaining time at ``now``, by id."""
        return tuple(
            LeaseInfo(
                lease_id,
                lease.ttl,
                lease.expiry,
                lease.expiry - now,
                tuple(sorted(lease.keys)),
            )
            for lease_id, lease in sorted(self._leases.items())
        )
