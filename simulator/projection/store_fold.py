"""The store of every member folded from the trace alone, for views that only read the trace.

Pure (no simpy): feed it events in order (``add``) and ask for ``view(t)``. It uses
kv.change (keys per member), raft.apply (applied index, compaction), raft.role, node.crash
(a crash loses the member's watches and lessor role; its store survives, and a restarted member
applies only the entries after its applied index), lease.grant / lease.revoke (the replicated lease set), lease.renew and
lease.primary (expiry times on the primary), watch.open / watch.close (served watches).

The result has the shape of ``StoreServer.inspect()``. Differences: a lease appears on every
member as soon as the leader applied its grant (a lagging follower would know it a little later),
and the next revision of a watch is not followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.kv.inspection import LeaseState, StoreInspection, WatchState
from simulator.kv.records import KeyValue
from simulator.trace.events import (
    Event,
    KvChange,
    LeaseGrant,
    LeasePrimary,
    LeaseRenew,
    LeaseRevoke,
    NodeCrash,
    RaftApply,
    RaftRole,
    WatchClose,
    WatchOpen,
)


@dataclass(slots=True)
class _Member:
    role: str = "follower"
    primary: bool = False
    applied_index: int = 0
    revision: int = 0
    compacted: int = 0
    kvs: dict[str, KeyValue] = field(default_factory=dict)
    expiries: dict[int, float] = field(default_factory=dict)
    watches: dict[tuple[str, int], WatchState] = field(default_factory=dict)


class StoreFold:
    """Per-member store state, folded event by event."""

    def __init__(self) -> None:
        self._members: dict[str, _Member] = {}
        self._leases: dict[int, tuple[float, str]] = {}

    def _member(self, node: str) -> _Member:
        member = self._members.get(node)
        if member is None:
            member = self._members[node] = _Member()
        return member

    def add(self, event: Event) -> None:
        """Fold one event (events must come in trace order)."""
        if isinstance(event, KvChange):
            member = self._member(event.node)
            member.revision = max(member.revision, event.revision)
            if event.type == "put":
                member.kvs[event.key] = KeyValue(event.key, event.value, event.create_revision,
                                                 event.revision, event.version, event.lease)
            else:
                member.kvs.pop(event.key, None)
        elif isinstance(event, RaftApply):
            member = self._member(event.node)
            member.applied_index = event.index
            if event.cmd.startswith("compact "):
                revision = int(event.cmd.split()[1])
                if member.compacted < revision <= member.revision:
                    member.compacted = revision
        elif isinstance(event, RaftRole):
            self._member(event.node).role = event.role
        elif isinstance(event, NodeCrash):
            member = self._members.get(event.node)
            if member is not None:
                member.role = "crashed"
                member.primary = False
                member.expiries.clear()
                member.watches.clear()
        elif isinstance(event, LeaseGrant):
            self._leases[event.lease] = (event.ttl, event.owner)
        elif isinstance(event, LeaseRevoke):
            self._leases.pop(event.lease, None)
            for node in sorted(self._members):
                self._members[node].expiries.pop(event.lease, None)
        elif isinstance(event, LeaseRenew):
            self._member(event.node).expiries[event.lease] = event.expiry
        elif isinstance(event, LeasePrimary):
            member = self._member(event.node)
            member.primary = event.primary
            if not event.primary:
                member.expiries.clear()
        elif isinstance(event, WatchOpen):
            self._member(event.node).watches[(event.client, event.watch_id)] = WatchState(
                event.client, event.watch_id, event.key, event.prefix, event.start_revision)
        elif isinstance(event, WatchClose):
            self._member(event.node).watches.pop((event.client, event.watch_id), None)

    def view(self, node: str, t: float) -> StoreInspection:
        """Member ``node``'s store as the trace tells it, at time ``t``."""
        member = self._member(node)
        keys_of: dict[int, list[str]] = {}
        for key in sorted(member.kvs):
            lease = member.kvs[key].lease
            if lease:
                keys_of.setdefault(lease, []).append(key)
        leases = []
        for lease_id in sorted(self._leases):
            ttl, owner = self._leases[lease_id]
            expiry = member.expiries.get(lease_id) if member.primary else None
            leases.append(LeaseState(lease_id, ttl, owner, tuple(keys_of.get(lease_id, ())),
                                     expiry, None if expiry is None else max(0.0, expiry - t)))
        return StoreInspection(
            t, node, member.role, member.primary, member.applied_index, member.revision,
            member.compacted, tuple(member.kvs[k] for k in sorted(member.kvs)), tuple(leases),
            tuple(member.watches[k] for k in sorted(member.watches)),
        )

    @property
    def nodes(self) -> tuple[str, ...]:
        """Every member seen so far, sorted."""
        return tuple(sorted(self._members))
