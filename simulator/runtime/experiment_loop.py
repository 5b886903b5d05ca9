"""A tiny, fast event loop that drives pure consensus nodes for Monte Carlo experiments.

RaftNodes by default; ``build`` makes it drive any ``ConsensusMember`` (the election-time
experiment's Multi-Paxos line builds PaxosNodes), with ``early`` naming the message types that
leave without waiting for their sender's disk write.

The full Simulation traces every message and runs simpy; an experiment repeating an election
thousands of times needs neither. This loop keeps one heap of timed events (node wake-ups and
message arrivals), samples link latency and loss from the run's named streams, delays a node's
outgoing votes and acknowledgements behind its disk writes (they follow any write that
``must_persist`` asked for; a leader's AppendEntries leave at once, in parallel with its own
write), and calls hooks instead of tracing. Clocks are ideal (local time = simulated time).
Election timeouts may be drawn in whole steps (``timeout_step``), as LogCabin draws whole
milliseconds. A node's timer may wake late (``timer_jitter``): the wake-up is drawn after the
deadline and the node acts, and re-arms its timers, at the time it woke. It is deterministic:
one seed gives one history.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections.abc import Callable, Sequence
from typing import Any

from simulator.config import Latency
from simulator.raft.messages import (
    AppendEntries,
    Heartbeat,
    Message,
    RequestVote,
    RequestVoteResponse,
)
from simulator.raft.node import RaftNode
from simulator.raft.options import PersistentState, RaftOptions
from simulator.rng import Streams

_INF = math.inf
_TICK = 0
_DELIVER = 1

MessageHook = Callable[[Message, float], None]
MessageFilter = Callable[[Message], Message | None]


class MiniCluster:
    """Raft nodes ``ids`` on an ideal-clock network with ``latency``, ``loss`` and ``disk`` delay.

    Hooks: ``on_deliver(msg, t)`` after a message is stepped into a live node; ``on_send(msg,
    t)`` when a message leaves (after its disk wait). ``outgoing`` may rewrite or drop (return
    None) a message as it is sent; experiments use it to arrange their starting logs.
    ``timeout_step`` > 0 rounds every election timeout to a whole number of such steps.
    ``overlap_candidate_write`` sends a candidate's RequestVote without waiting for its write;
    ``term_then_vote_writes`` makes a voter that grants a vote in a term new to it write twice
    (the new term, then the vote), as LogCabin's handleRequestVote does.
    ``timer_jitter`` (None: none) delays every timer wake-up past its deadline by a draw from
    the node's own stream ``<node>/timer-jitter``; the heap entry keeps the deadline it serves,
    so a wake-up whose deadline has moved meanwhile is dropped.
    """

    def __init__(
        self,
        ids: Sequence[str],
        options: RaftOptions,
        streams: Streams,
        latency: Latency,
        disk: Latency,
        loss: float = 0.0,
        storage: dict[str, PersistentState] | None = None,
        timeout_step: float = 0.0,
        overlap_candidate_write: bool = False,
        term_then_vote_writes: bool = False,
        build: Callable[[str, tuple[str, ...], random.Random, object], Any] | None = None,
        early: tuple[type, ...] | None = None,
        timer_jitter: Latency | None = None,
    ) -> None:
        self.now = 0.0
        self.ids = tuple(sorted(ids))
        self._early: tuple[type, ...] = early if early is not None else (
            (AppendEntries, Heartbeat, RequestVote) if overlap_candidate_write
            else (AppendEntries, Heartbeat)
        )
        self._loss = loss
        self._net_delay = _sampler(latency, streams.get("net/latency"))
        self._loss_rng = streams.get("net/loss")
        self._disk_delay = _sampler(disk, streams.get("disk/latency"))
        stored = storage or {}
        self.nodes: dict[str, RaftNode] = {
            node_id: RaftNode(
                node_id, self.ids, options,
                _timeout_rng(streams.get(f"{node_id}/election"), options, timeout_step),
                stored.get(node_id), 0.0,
            ) if build is None else build(
                node_id, self.ids,
                _timeout_rng(streams.get(f"{node_id}/election"), options, timeout_step),
                stored.get(node_id),
            )
            for node_id in self.ids
        }
        self.alive: dict[str, bool] = dict.fromkeys(self.ids, True)
        self._disk_free: dict[str, float] = dict.fromkeys(self.ids, 0.0)
        self._two_writes = term_then_vote_writes
        self._term_seen: dict[str, int] = dict.fromkeys(self.ids, 0)
        self._scheduled: dict[str, float] = {}
        self._jitter: dict[str, Callable[[], float]] = {}
        if timer_jitter is not None and _draws(timer_jitter):
            self._jitter = {
                node_id: _sampler(timer_jitter, streams.get(f"{node_id}/timer-jitter"))
                for node_id in self.ids
            }
        self._queue: list[tuple[float, int, int, str, Message | None, float]] = []
        self._crashed_at: dict[str, float] = {}
        self._seq = itertools.count()
        self.on_deliver: MessageHook | None = None
        self.on_send: MessageHook | None = None
        self.outgoing: MessageFilter | None = None
        self.events_processed = 0
        for node_id in self.ids:
            self._flush(node_id)

    # --- control -----------------------------------------------------------------------------

    def campaign(self, node_id: str) -> None:
        """Make ``node_id`` start an election now."""
        self.nodes[node_id].campaign(self.now)
        self._flush(node_id)

    def propose(self, node_id: str, command: object) -> int | None:
        """Propose ``command`` at ``node_id`` now; the log index, or None when not the leader."""
        index = self.nodes[node_id].propose(command, self.now)
        self._flush(node_id)
        return index

    def crash(self, node_id: str) -> None:
        """Stop ``node_id`` now: its timers stop, messages to it are lost, and messages still
        waiting for its disk never leave (messages already on the wire still arrive)."""
        self.alive[node_id] = False
        self._crashed_at[node_id] = self.now
        self._scheduled.pop(node_id, None)

    def run_until(self, t: float, stop: Callable[[], bool] | None = None) -> bool:
        """Process every event up to time ``t``; return True if ``stop()`` became true first."""
        queue = self._queue
        nodes = self.nodes
        alive = self.alive
        scheduled = self._scheduled
        crashed = self._crashed_at
        pop = heapq.heappop
        flush = self._flush
        while queue and queue[0][0] <= t:
            when, _, what, node_id, msg, sent_at = pop(queue)
            self.now = when
            if what == _TICK:
                if scheduled.get(node_id) != sent_at:  # a tick carries its deadline
                    continue
                del scheduled[node_id]
                nodes[node_id].tick(when)
            else:
                if msg is None or not alive[node_id]:
                    continue
                if crashed:
                    crashed_at = crashed.get(msg.src)
                    if crashed_at is not None and sent_at > crashed_at:
                        continue  # it was still waiting for the disk when its sender crashed
                nodes[node_id].step(msg, when)
                if self.on_deliver is not None:
                    self.on_deliver(msg, when)
            self.events_processed += 1
            flush(node_id)
            if stop is not None and stop():
                return True
        self.now = max(self.now, t)
        return False

    def in_flight(self) -> list[Message]:
        """Every message still on its way (or waiting for its sender's disk), in no order."""
        return [entry[4] for entry in self._queue if entry[4] is not None]

    def next_time(self) -> float | None:
        """Time of the next pending event (None when nothing is pending)."""
        return self._queue[0][0] if self._queue else None

    # --- internals ---------------------------------------------------------------------------

    def _flush(self, node_id: str) -> None:
        if not self.alive[node_id]:
            return
        node = self.nodes[node_id]
        ready = node.ready()
        now = self.now
        if ready.messages:
            send_at = max(now, self._disk_free[node_id])
            if ready.must_persist:
                send_at += self._disk_delay()
                if self._two_writes and node.term != self._term_seen[node_id] and any(
                    type(m) is RequestVoteResponse and m.granted and not m.pre_vote
                    for m in ready.messages
                ):
                    send_at += self._disk_delay()  # LogCabin: stepDown writes, then the vote
                self._disk_free[node_id] = send_at
            early = self._early
            for msg in ready.messages:
                # A leader replicates in parallel with its own disk write (Raft paper 10.2.1,
                # etcd's Ready): only votes and acknowledgements wait for the disk; with
                # overlap_candidate_write a candidate's RequestVote do not wait either.
                self._send(msg, now if isinstance(msg, early) else send_at)
        elif ready.must_persist:
            self._disk_free[node_id] = max(now, self._disk_free[node_id]) + self._disk_delay()
        self._term_seen[node_id] = node.term
        deadline = node.next_deadline()
        if deadline != _INF and self._scheduled.get(node_id) != deadline:
            self._scheduled[node_id] = deadline
            jitter = self._jitter.get(node_id)
            wake = deadline if jitter is None else deadline + jitter()
            heapq.heappush(self._queue, (wake, next(self._seq), _TICK, node_id, None, deadline))

    def _send(self, msg: Message, send_at: float) -> None:
        if self.outgoing is not None:
            rewritten = self.outgoing(msg)
            if rewritten is None:
                return
            msg = rewritten
        if self.on_send is not None:
            self.on_send(msg, send_at)
        if self._loss > 0.0 and self._loss_rng.random() < self._loss:
            return
        arrival = send_at + self._net_delay()
        heapq.heappush(self._queue, (arrival, next(self._seq), _DELIVER, msg.dst, msg, send_at))


def _draws(latency: Latency) -> bool:
    """Whether ``latency`` can delay anything (a constant 0 or a uniform 0-0 never does)."""
    return not (latency.kind in ("constant", "uniform") and latency.a == latency.b == 0.0)


def _sampler(latency: Latency, rng: random.Random) -> Callable[[], float]:
    """A fast draw of ``latency`` from ``rng``: the same numbers as ``latency.sample(rng)``."""
    if latency.kind == "uniform":
        low, width, draw = latency.a, latency.b - latency.a, rng.random
        return lambda: low + width * draw()  # what random.uniform computes
    if latency.kind == "constant":
        value = latency.a
        return lambda: value
    return lambda: latency.sample(rng)


class SteppedTimeouts(random.Random):
    """Election-timeout draws rounded to whole ``step``s, the way LogCabin draws its timeout.

    LogCabin's ``setElectionTimer`` takes ``Core::Random::randomRange(min_ms, max_ms)``, which is
    ``lround(uniform(min_ms, max_ms))``: a whole number of milliseconds. RaftNode turns a unit
    draw ``u`` into ``low + (high - low) * u``; this stream returns the ``u`` whose timeout is
    the rounded one. Every draw takes exactly one number from ``source``.
    """

    def __init__(self, source: random.Random, low: float, high: float, step: float) -> None:
        super().__init__(0)
        self._source = source
        self._low = low
        self._width = high - low
        self._step = step

    def random(self) -> float:
        """The unit draw whose timeout is the source's draw rounded to a whole step."""
        u = self._source.random()
        if self._width <= 0.0:
            return u
        steps = math.floor((self._low + self._width * u) / self._step + 0.5)
        return (steps * self._step - self._low) / self._width


def _timeout_rng(source: random.Random, options: RaftOptions, step: float) -> random.Random:
    if step <= 0.0:
        return source
    return SteppedTimeouts(
        source, options.election_timeout_min, options.election_timeout_max, step
    )
