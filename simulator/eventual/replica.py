"""A replica: last-writer-wins register per key, TTL by its own clock, hints for hinted handoff,
and the per-key Paxos records of lightweight transactions."""

from __future__ import annotations


from simulator.eventual.lwt_messages import PaxosRecord
from simulator.eventual.messages import ReadReply, ReplicaWrite, ScanReply
from simulator.eventual.versions import Expect, Timestamp, Version, rank
from simulator.frozen import frozen


@frozen
class WriteResult:
    """What a write did: ``applied`` (False = ignored as older or refused), ``conflict`` (its
    precondition failed), ``before`` the timestamp the replica held (None = none)."""

    applied: bool
    conflict: bool = False
    before: Timestamp | None = None


ReadResult = ReadReply


@frozen
class Hint:
    """A write a stand-in holds for home replica ``home`` until it can hand it over."""

    home: str
    key: str
    value: str | None
    ts: Timestamp
    expires: float | None

    def as_write(self, now: float) -> ReplicaWrite:
        """The handoff write, with the TTL left by the stand-in's clock."""
        ttl = None if self.expires is None else max(0.0, self.expires - now)
        return ReplicaWrite(self.key, self.value, self.ts, ttl, source="hint")


class Replica:
    """One store node's data: a version per key and the hints it holds for other nodes.

    Times passed in are this node's local clock: a TTL starts when the replica stores the
    write and lapses when its own clock says so.
    """

    __slots__ = ("node_id", "data", "hints", "paxos")

    def __init__(self, node_id: str) -> None:
        self.node_id = node_id
        self.data: dict[str, Version] = {}
        self.hints: dict[tuple[str, str], Hint] = {}
        self.paxos: dict[str, PaxosRecord] = {}  # per key, for lightweight transactions

    def version(self, key: str) -> Version | None:
        """The stored version of ``key`` (may be deleted or expired)."""
        return self.data.get(key)

    def live_ts(self, key: str, now: float) -> Timestamp | None:
        """The timestamp of the live value of ``key`` (None when absent, deleted or expired)."""
        version = self.data.get(key)
        return version.ts if version is not None and version.live(now) else None

    def write(self, w: ReplicaWrite, now: float) -> WriteResult:
        """Apply a write by last-writer-wins (a hint request is held instead, see ``hold``)."""
        current = self.data.get(w.key)
        before = current.ts if current is not None else None
        if w.expect is not None and self.live_ts(w.key, now) != w.expect.ts:
            return WriteResult(False, conflict=True, before=before)
        expires = None if w.ttl is None else now + w.ttl
        incoming = Version(w.value, w.ts, expires)
        if current is not None and rank(current.ts, current.live(now), current.value) >= rank(
            incoming.ts, incoming.live(now), incoming.value
        ):
            return WriteResult(False, before=before)
        self.data[w.key] = incoming
        return WriteResult(True, before=before)

    def hold(self, w: ReplicaWrite, now: float) -> bool:
        """Keep a hinted write for ``w.hint_for``; False when an equal or newer hint is held."""
        assert w.hint_for is not None
        slot = (w.hint_for, w.key)
        held = self.hints.get(slot)
        if held is not None and held.ts >= w.ts:
            return False
        expires = None if w.ttl is None else now + w.ttl
        self.hints[slot] = Hint(w.hint_for, w.key, w.value, w.ts, expires)
        return True

    def receive(self, w: ReplicaWrite, now: float) -> WriteResult:
        """A write as it arrives: held as a hint when it names another home, else applied."""
        if w.hint_for is not None and w.hint_for != self.node_id:
            return WriteResult(self.hold(w, now))
        return self.write(w, now)

    def read(self, key: str, now: float) -> ReadReply:
        """This replica's copy of ``key`` at local time ``now`` (hints are not read)."""
        version = self.data.get(key)
        if version is None:
            return ReadReply(key, None, None, False)
        live = version.live(now)
        return ReadReply(
            key, version.value if live else None, version.ts, live,
            version.ttl_left(now) if live else None,
        )

    def scan(self, prefix: str, now: float) -> ScanReply:
        """This replica's copies of every key under ``prefix``, by key."""
        return ScanReply(prefix, tuple(self.read(key, now) for key in sorted(self.data)
                                       if key.startswith(prefix)))

    def hinted_homes(self) -> list[str]:
        """The home replicas this node holds hints for, sorted."""
        return sorted({home for home, _ in self.hints})

    def hints_for(self, home: str) -> list[Hint]:
        """The hints held for ``home``, by key."""
        return [self.hints[slot] for slot in sorted(self.hints) if slot[0] == home]

    def handed_off(self, hint: Hint) -> None:
        """Forget a hint its home acknowledged (unless a newer one arrived meanwhile)."""
        slot = (hint.home, hint.key)
        held = self.hints.get(slot)
        if held is not None and held.ts == hint.ts:
            del self.hints[slot]

    def keys(self) -> list[str]:
        """Every key stored (live or not), sorted."""
        return sorted(self.data)

    def entry(self, key: str, now: float) -> ReplicaWrite | None:
        """The stored version as a write another replica can apply (anti-entropy, repair)."""
        version = self.data.get(key)
        if version is None:
            return None
        return ReplicaWrite(key, version.value, version.ts, version.ttl_left(now),
                            source="anti-entropy")
