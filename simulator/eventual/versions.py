"""Write timestamps (local time, node id), versions with a TTL, and last-writer-wins order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from simulator.frozen import frozen


@dataclass(frozen=True, slots=True, order=True)
class Timestamp:
    """When a write was stamped: the coordinator's local clock, ties broken by its node id."""

    time: float
    node: str

    def __str__(self) -> str:
        return f"{self.time:.3f}@{self.node}"

    def as_list(self) -> list[float | str]:
        """The JSON form of the event log: [time, node]."""
        return [self.time, self.node]


@frozen
class Version:
    """One replica's copy of a key: ``value`` (None = deleted) at ``ts``.

    ``expires`` is the replica's own local time at which the value lapses (None = no TTL).
    """

    value: str | None
    ts: Timestamp
    expires: float | None = None

    def live(self, now: float) -> bool:
        """True while the value exists at local time ``now`` (not deleted, not expired)."""
        return self.value is not None and (self.expires is None or now < self.expires)

    def ttl_left(self, now: float) -> float | None:
        """The TTL still to run at local time ``now`` (None = no TTL)."""
        return None if self.expires is None else max(0.0, self.expires - now)


@frozen
class Expect:
    """A replica-side precondition: the replica's live version must have timestamp ``ts``.

    ``Expect(None)`` means the key must be absent (never written, deleted or expired).
    """

    ts: Timestamp | None


def rank(
    ts: Timestamp | None, live: bool, value: str | None = None
) -> tuple[int, Timestamp | None, int, str]:
    """The order last-writer-wins reconciles by: newer timestamp wins; on a tie, a deletion or
    an expired copy beats a live one, then the greater value (as Cassandra reconciles cells)."""
    if ts is None:
        return (0, None, 0, "")
    return (1, ts, 0 if live else 1, value or "")


def newest(
    replies: Iterable[tuple[str | None, Timestamp | None, bool]],
) -> tuple[str | None, Timestamp | None, bool]:
    """The reply last-writer-wins keeps among (value, ts, live) replies (an absent key: ts None)."""
    best: tuple[str | None, Timestamp | None, bool] = (None, None, False)
    for reply in replies:
        if best[1] is None or (
            reply[1] is not None
            and rank(reply[1], reply[2], reply[0]) > rank(best[1], best[2], best[0])
        ):
            best = reply
    return best
