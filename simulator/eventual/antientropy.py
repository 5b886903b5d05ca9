"""Anti-entropy between two replicas: exchange digests, send each other the newer versions.

Dynamo compares Merkle trees of key ranges to find what differs; here a digest lists each
shared key's timestamp, which finds the same differences with more bytes (the model does not
count bytes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from simulator.eventual.messages import ReplicaWrite
from simulator.eventual.replica import Replica
from simulator.eventual.versions import Timestamp, rank

Digest = tuple[tuple[str, Timestamp | None, bool, str | None], ...]


def digest(replica: Replica, keys: Iterable[str], now: float) -> Digest:
    """(key, timestamp, live, value) for each of ``keys`` (timestamp None: never written)."""
    rows = []
    for key in sorted(set(keys)):
        version = replica.version(key)
        if version is None:
            rows.append((key, None, False, None))
        else:
            rows.append((key, version.ts, version.live(now), version.value))
    return tuple(rows)


def newer_than(replica: Replica, other: Digest, now: float) -> list[ReplicaWrite]:
    """The versions ``replica`` holds that are newer than the ones the digest lists."""
    sends: list[ReplicaWrite] = []
    for key, ts, live, value in other:
        version = replica.version(key)
        if version is None:
            continue
        if rank(version.ts, version.live(now), version.value) > rank(ts, live, value):
            entry = replica.entry(key, now)
            assert entry is not None
            sends.append(entry)
    return sends


def exchange(
    a: Replica, b: Replica, keys: Sequence[str], now_a: float, now_b: float
) -> tuple[list[ReplicaWrite], list[ReplicaWrite]]:
    """One round between ``a`` and ``b`` over ``keys``: (writes a sends b, writes b sends a)."""
    to_b = newer_than(a, digest(b, keys, now_b), now_a)
    to_a = newer_than(b, digest(a, keys, now_a), now_b)
    return to_b, to_a
