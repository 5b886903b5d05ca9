"""What an eventually consistent store did to its clients: stale reads and lost writes.

Folded from the eventual store's events (docs/events.md): ``ec.result`` (a client's answer with
its timestamp) and ``ec.write`` (what each replica did with a write).

- A **stale read** returned an older timestamp than a write to the same key that was
  acknowledged before the read began and had not yet outlived its TTL (counted in simulated
  seconds from its acknowledgement): the read missed a write it should have seen.
- A **lost write** was acknowledged to its client, yet every replica that received it ignored
  it, because each held a newer timestamp (last-writer-wins with a clock that ran ahead).
"""

from __future__ import annotations

from simulator.frozen import frozen
from simulator.trace.events import EcResult, EcWrite, Event

WRITE_OPS = ("put", "delete", "put_if", "cas")


@frozen
class StaleRead:
    """A read at ``t`` (begun at ``invoked``) that returned ``got`` while ``missed`` (written
    by ``writer``, acknowledged at ``acked``) was newer."""

    t: float
    client: str
    key: str
    got: str | None
    got_ts: tuple[float, str] | None
    missed: str | None
    missed_ts: tuple[float, str]
    writer: str
    acked: float
    invoked: float

    def to_dict(self) -> dict[str, object]:
        return {"t": self.t, "client": self.client, "key": self.key, "got": self.got,
                "got_ts": None if self.got_ts is None else list(self.got_ts),
                "missed": self.missed, "missed_ts": list(self.missed_ts),
                "writer": self.writer, "acked": self.acked}

    @property
    def text(self) -> str:
        """The read in words, with the timestamps of the write it returned and of the newer one
        it missed (both may hold the same value: app1's older and newer claim)."""
        if self.got_ts is None:
            got = "nothing (no write seen)"
        else:
            got = f"{self.got if self.got is not None else 'a deletion'} ({_stamp(self.got_ts)})"
        missed = "the newer deletion" if self.missed is None else f"the newer {self.missed}"
        return (f"{self.client} read {self.key} = {got} and missed {missed} "
                f"({_stamp(self.missed_ts)}) written by {self.writer}, acknowledged at "
                f"{self.acked:.3f} s")


def _stamp(ts: tuple[float, str]) -> str:
    """A write's timestamp as the store stamped it: ``ts 19.736 n1``."""
    return f"ts {ts[0]:.3f} {ts[1]}"


@frozen
class LostWrite:
    """A write acknowledged to ``client`` at ``t`` that no replica kept (``held``: the newer
    timestamp that beat it)."""

    t: float
    client: str
    key: str
    value: str | None
    ts: tuple[float, str]
    held: tuple[float, str] | None

    def to_dict(self) -> dict[str, object]:
        return {"t": self.t, "client": self.client, "key": self.key, "value": self.value,
                "ts": list(self.ts), "held": None if self.held is None else list(self.held)}


@frozen
class EventualReport:
    """The eventual store's report: reads, stale reads, acknowledged and lost writes, what
    the replicas did (writes ignored by last-writer-wins, repairs, hints), and with
    lightweight transactions how they ended (``transactions``: applied, not applied because
    the condition did not hold, failed by a timeout or unavailable replicas)."""

    reads: int
    stale_reads: tuple[StaleRead, ...]
    writes: int
    lost_writes: tuple[LostWrite, ...]
    ignored: int
    repairs: int
    hints: int
    transactions: tuple[int, int, int] = (0, 0, 0)

    def to_dict(self) -> dict[str, object]:
        applied, not_applied, failed = self.transactions
        return {"reads": self.reads, "stale_reads": [r.to_dict() for r in self.stale_reads],
                "writes": self.writes, "lost_writes": [w.to_dict() for w in self.lost_writes],
                "ignored": self.ignored, "repairs": self.repairs, "hints": self.hints,
                "transactions": {"applied": applied, "not_applied": not_applied,
                                 "failed": failed}}


def _ts(value: object) -> tuple[float, str] | None:
    if value is None:
        return None
    time, node = value  # type: ignore[misc]
    return (float(time), str(node))


class EventualFold:
    """Folds the eventual store's events, in order, into an EventualReport."""

    __slots__ = ("_acked", "_writes", "_kept", "_held", "_stale", "_reads", "_ignored",
                 "_repairs", "_hints", "_cas", "seen")

    def __init__(self) -> None:
        self._acked: dict[str, list[tuple[float, tuple[float, str], float | None, str | None,
                                          str]]] = {}
        self._writes: list[tuple[float, str, str, str | None, tuple[float, str]]] = []
        self._kept: set[tuple[str, tuple[float, str]]] = set()
        self._held: dict[tuple[str, tuple[float, str]], tuple[float, str] | None] = {}
        self._stale: list[StaleRead] = []
        self._reads = 0
        self._ignored = 0
        self._repairs = 0
        self._hints = 0
        self._cas: dict[str, int] = {}
        self.seen = False

    def observe(self, event: Event) -> None:
        """Take one event (others are ignored)."""
        kind = event.kind
        if kind == "ec.write":
            assert isinstance(event, EcWrite)
            self.seen = True
            ts = _ts(event.ts)
            assert ts is not None
            if event.applied:
                self._kept.add((event.key, ts))
            elif not event.conflict:
                self._ignored += 1
                self._held.setdefault((event.key, ts), _ts(event.held))
            if event.source == "repair":
                self._repairs += 1
        elif kind == "ec.hint":
            self.seen = True
            if getattr(event, "action", "") == "stored":
                self._hints += 1
        elif kind == "ec.result":
            assert isinstance(event, EcResult)
            self.seen = True
            self._result(event)
        elif kind == "ec.cas":
            self.seen = True
            result = str(getattr(event, "result", ""))
            self._cas[result] = self._cas.get(result, 0) + 1

    def _result(self, e: EcResult) -> None:
        ts = _ts(e.ts)
        if e.op == "get" or (e.op == "put_if" and not e.succeeded):  # a refused put-if read
            self._reads += 1
            missed = None
            for acked, wts, ttl, value, writer in self._acked.get(e.key, ()):
                if acked >= e.invoked or (ttl is not None and acked + ttl <= e.invoked):
                    continue
                if ts is None or wts > ts:
                    if missed is None or wts > missed[1]:
                        missed = (acked, wts, ttl, value, writer)
            if missed is not None:
                self._stale.append(StaleRead(e.t, e.client, e.key, e.value, ts, missed[3],
                                             missed[1], missed[4], missed[0], e.invoked))
            return
        if e.op in WRITE_OPS and e.succeeded and ts is not None:
            self._acked.setdefault(e.key, []).append((e.t, ts, e.ttl, e.value, e.client))
            self._writes.append((e.t, e.client, e.key, e.value, ts))

    def report(self) -> EventualReport:
        """What was folded so far."""
        lost = tuple(
            LostWrite(t, client, key, value, ts, self._held.get((key, ts)))
            for t, client, key, value, ts in self._writes
            if (key, ts) not in self._kept and (key, ts) in self._held
        )
        applied = self._cas.get("applied", 0)
        not_applied = self._cas.get("not-applied", 0)
        failed = sum(self._cas.values()) - applied - not_applied
        return EventualReport(self._reads, tuple(self._stale), len(self._writes), lost,
                              self._ignored, self._repairs, self._hints,
                              (applied, not_applied, failed))
