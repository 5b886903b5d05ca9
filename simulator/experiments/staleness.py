"""Probabilistically bounded staleness (Bailis et al., "PBS", VLDB 2012) on the eventual store.

Every trial runs the store's own replicas (``simulator.eventual.Replica``) and request
coordinators (``WriteCoordinator``, ``ReadCoordinator``) on the pure event loop, with a
coordinator that is not one of the N replicas, as in PBS's WARS model: a write's message to a
replica takes W, the replica's acknowledgement A, a read's request R and the replica's response
S, each drawn independently per message from its own distribution.

- t-visibility: the write commits when W replicas acknowledged it; a read starts t after the
  commit and answers with the newest of the first R replies. Consistent: it returned the write.
- k-staleness: k writes in a row, each started when the one before committed, then a read at
  the last commit. Within k: it returned one of those k writes, not the value before them. As
  in the paper's closed form, a write reaches only the W replicas of its quorum (no
  anti-entropy, no delivery beyond the quorum), and the read is not started later.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from simulator.eventual import (
    ReadCoordinator,
    ReplicaRead,
    ReplicaWrite,
    Timestamp,
    WriteAck,
    WriteCoordinator,
)
from simulator.eventual.coordinator import Settings
from simulator.eventual.loop import Loop
from simulator.eventual.messages import Message, ReadReply
from simulator.experiments.delays import Mixture
from simulator.frozen import frozen
from simulator.rng import derive_seed

KEY = "/leader"
COORDINATOR = "coordinator"
CHUNK = 500


@frozen
class Wars:
    """One configuration: N replicas, quorums R and W, and the four WARS delays."""

    replicas: int
    read_quorum: int
    write_quorum: int
    write: Mixture
    ack: Mixture
    read: Mixture
    response: Mixture

    @property
    def nodes(self) -> tuple[str, ...]:
        """The replicas' ids (the coordinator is none of them)."""
        return tuple(f"r{i}" for i in range(1, self.replicas + 1))

    def problem(self) -> str | None:
        """Why these quorums are impossible (None: they are fine)."""
        for option, value in (("--read-quorum", self.read_quorum),
                              ("--write-quorum", self.write_quorum)):
            if not 1 <= value <= self.replicas:
                return f"{option} must be from 1 to --replicas ({self.replicas}), got {value}"
        return None


class _WarsDelays:
    """The transport's delay for each message, by its kind (W, A, R or S).

    With ``quorum_only`` a write's messages are delivered only to the W replicas it reaches
    first; the others are lost (the closed form's assumption for k-staleness).
    """

    __slots__ = ("wars", "rng", "quorum_only", "_write_plan")

    def __init__(self, wars: Wars, rng: random.Random, quorum_only: bool = False) -> None:
        self.wars = wars
        self.rng = rng
        self.quorum_only = quorum_only
        self._write_plan: dict[tuple[Timestamp, str], float | None] = {}

    def __call__(self, src: str, dst: str, msg: Message, t: float) -> float | None:
        if isinstance(msg, ReplicaWrite):
            if self.quorum_only:
                return self._planned(msg.ts, dst)
            return self.wars.write.sample(self.rng)
        if isinstance(msg, WriteAck):
            return self.wars.ack.sample(self.rng)
        if isinstance(msg, ReplicaRead):
            return self.wars.read.sample(self.rng)
        if isinstance(msg, ReadReply):
            return self.wars.response.sample(self.rng)
        raise TypeError(f"no delay for {type(msg).__name__}")

    def _planned(self, ts: Timestamp, dst: str) -> float | None:
        """Draw the write's N delays at once; only the W smallest arrive."""
        if (ts, dst) not in self._write_plan:
            delays = [(self.wars.write.sample(self.rng), node) for node in self.wars.nodes]
            arriving = {node for _, node in sorted(delays)[:self.wars.write_quorum]}
            for delay, node in delays:
                self._write_plan[(ts, node)] = delay if node in arriving else None
        return self._write_plan.pop((ts, dst))


def _store(wars: Wars, delays: _WarsDelays) -> Loop:
    """N replicas that all hold the value written before the trial (version 0)."""
    loop = Loop(wars.nodes, delays)
    before = ReplicaWrite(KEY, "v0", Timestamp(-1.0, COORDINATOR))
    for replica in loop.replicas.values():
        replica.receive(before, -1.0)
    return loop


def _write(loop: Loop, wars: Wars, value: str) -> tuple[WriteCoordinator, float]:
    """Write ``value`` from the coordinator; return it and the time it committed (W acks)."""
    settings = Settings(n=wars.replicas, quorum=wars.write_quorum, timeout=math.inf)
    write = WriteCoordinator(KEY, value, wars.nodes, settings, loop.local(COORDINATOR),
                             COORDINATOR)
    loop.submit(COORDINATOR, write)
    committed = loop.run_until_answered(write)
    assert committed is not None, "a write with no timeout and no loss always commits"
    return write, committed


def _read(loop: Loop, wars: Wars) -> Timestamp | None:
    """Read at R from the coordinator now; the timestamp of the version it returned."""
    settings = Settings(n=wars.replicas, quorum=wars.read_quorum, timeout=math.inf)
    read = ReadCoordinator(KEY, wars.nodes, settings, loop.local(COORDINATOR))
    loop.submit(COORDINATOR, read)
    loop.run_until_answered(read)
    assert read.outcome is not None
    return read.outcome.ts


def visible_after(wars: Wars, after: float, rng: random.Random) -> bool:
    """One t-visibility trial: does a read started ``after`` seconds past the commit return it?"""
    loop = _store(wars, _WarsDelays(wars, rng))
    write, committed = _write(loop, wars, "v1")
    loop.run(until=committed + after)
    returned = _read(loop, wars)
    return returned is not None and returned >= write.ts


def within_versions(wars: Wars, versions: int, rng: random.Random) -> bool:
    """One k-staleness trial: after ``versions`` writes, does a read return one of them?"""
    loop = _store(wars, _WarsDelays(wars, rng, quorum_only=True))
    first: Timestamp | None = None
    for number in range(1, versions + 1):
        write, _ = _write(loop, wars, f"v{number}")
        first = first or write.ts
    returned = _read(loop, wars)
    return returned is not None and first is not None and returned >= first


def closed_form_within(replicas: int, read_quorum: int, write_quorum: int, versions: int) -> float:
    """PBS's k-staleness closed form: 1 - (C(N-W, R) / C(N, R)) ** k."""
    miss = math.comb(replicas - write_quorum, read_quorum) / math.comb(replicas, read_quorum)
    return 1.0 - miss ** versions


def chunk_seed(seed: int, point: str, chunk: int) -> int:
    """The seed of one chunk of trials: from the experiment seed, the point and the chunk."""
    return derive_seed(seed, f"staleness/{point}/{chunk}")


def run_chunk(wars: Wars, measure: str, value: float, seed: int, chunk: int,
              trials: int) -> int:
    """Run ``trials`` trials of one point; how many were consistent (or within k versions)."""
    point = f"{measure}={value!r}"
    rng = random.Random(chunk_seed(seed, point, chunk))
    if measure == "t":
        return sum(visible_after(wars, value, rng) for _ in range(trials))
    return sum(within_versions(wars, int(value), rng) for _ in range(trials))


def chunks(trials: int) -> list[tuple[int, int]]:
    """(chunk index, trials in it): a fixed cut, so results never depend on the workers."""
    return [(index, min(CHUNK, trials - start))
            for index, start in enumerate(range(0, trials, CHUNK))]


def points(measure: str, values: Sequence[float]) -> list[tuple[str, float]]:
    """The (measure, value) points of an experiment, in the order asked."""
    return [(measure, value) for value in values]
