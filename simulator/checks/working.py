"""The app tier's *working* leader, folded from the trace: failovers and the requests in them.

An app server is a working leader while it believes it leads (``app.role`` leader=true until
leader=false or its crash), is not paused (``node.pause`` to ``node.resume``) and can reach the
store. It cannot reach the store from the ``kv.invoke`` of an operation that completes with
ok=false (timeout, unavailable), or is answered only after the client's request timeout
(``answer_within``: its first attempt went unanswered and the client had to fail over), or is
never answered at all (the caller gave up on it, e.g. a keepalive abandoned at a step-down),
until the next completion of one of its operations with ok=true (even one asked earlier: any
answer proves the store is reachable again). An operation still unanswered when the run ends
counts once it is older than the request timeout. Client ids map to servers with
``ids.server_of`` (``app1.1`` is server ``app1``, incarnation 1).

A *failover* starts when the last working leader stops working (crash, pause, step-down or
"cut-off" from the store) and ends when some server works as leader again. A cut-off whose
first failed request went to a store member that had crashed names that instead:
"store-leader-crash" when the member was the store's Raft leader when it crashed (the client
still knew it as the leader), "store-member-crash" otherwise; ``member`` names it. The member
a request went to is the destination of the server's first ``msg.send`` after its
``kv.invoke`` (``observe_send``; the summary's fold passes only those messages on). Every change of
one instant is applied before looking, so a stretch of zero seconds is neither a leader nor a
failover.

Each failover also counts the herd its hand-over wakes: the store requests (``kv.invoke`` of
every app server) and the watch events (``watch.event``) from the loss until the hand-over's
traffic has *settled*: the first instant, once the new leader works, at which every request
asked since the loss has been answered (the losers of a race still ask after the winner took
over: they find the key taken, revoke their lease, watch again). A request never answered
stops the count at the next failover or the end of the run.
"""

from __future__ import annotations

import bisect

from simulator.checks.gaps import LEADS, Change, LeaderGap, find_gaps, paused_change
from simulator.checks.ids import server_of
from simulator.frozen import frozen
from simulator.trace.events import (
    AppRole,
    Event,
    KvComplete,
    KvInvoke,
    MsgSend,
    NodeCrash,
    NodeRestart,
    PaxosRole,
    RaftRole,
    WatchEvent,
)

DEFAULT_ANSWER_WITHIN = 1.0  # StoreConfig.request_timeout's default
UNREACHABLE = "unreachable"
CUT_OFF = "cut-off"
STORE_LEADER_CRASH = "store-leader-crash"
STORE_MEMBER_CRASH = "store-member-crash"


@frozen
class Failover(LeaderGap):
    """No server worked as leader from ``start`` to ``end``, after ``lost`` stopped by ``cause``.

    ``cause`` is "crash", "pause", "stepdown", "cut-off" (cut off from the store), or
    "store-leader-crash" / "store-member-crash" (its requests went to the crashed store member
    ``member``: the Raft leader, or another member); ``successor`` is the server that worked as leader next (None, with ``finished`` false, if
    none did before the run ended). ``requests`` and ``watch_events`` count the store requests
    and watch events of all app servers from ``start`` until the hand-over ``settled``.
    """

    requests: int = 0
    watch_events: int = 0
    settled: float | None = None
    member: str | None = None

    def to_dict(self) -> dict[str, object]:
        """A JSON-serialisable form with a fixed key order."""
        return {
            **LeaderGap.to_dict(self), "member": self.member, "requests": self.requests,
            "watch_events": self.watch_events, "settled": self.settled,
        }


@frozen
class WorkingReport:
    """When a server first worked as leader (None: never), the failovers after that, and the
    seconds each server worked as leader (by server id)."""

    first_leader_at: float | None
    failovers: tuple[Failover, ...]
    working_time: tuple[tuple[str, float], ...] = ()


class WorkingLeaders:
    """Folds app events one at a time; ``report(end)`` sweeps them into failovers.

    ``answer_within`` is the store client's request timeout in seconds: an answer later than
    that means the server could not reach the store in the meantime.
    """

    def __init__(self, answer_within: float = DEFAULT_ANSWER_WITHIN) -> None:
        self._answer_within = answer_within
        self._changes: list[Change] = []
        self._believers: set[str] = set()
        self._invoked: dict[tuple[str, int], float] = {}
        self._failed: dict[str, list[float]] = {}
        self._failed_via: dict[tuple[str, float], tuple[str, str]] = {}
        """(server, invoked) of a failed request -> (cause, crashed member it went to)."""
        self.asking: dict[str, tuple[str, int]] = {}
        """Server -> (client, op_id) of its request whose first message is not yet sent."""
        self._sent_to: dict[tuple[str, int], tuple[str, str]] = {}
        self._raft_leader: str | None = None
        self._crashed: dict[str, bool] = {}  # crashed store member -> it led when it crashed
        self._members: dict[tuple[str, float], str] = {}
        self._answered: dict[str, list[float]] = {}
        self._requests: list[float] = []
        self._answers: list[float] = []
        self._watch_events: list[float] = []

    def observe(self, event: Event) -> None:
        """Take the next event (kinds this fold does not read are ignored)."""
        if isinstance(event, KvInvoke):
            self._invoked[(event.client, event.op_id)] = event.t
            self.asking[server_of(event.client)] = (event.client, event.op_id)
            self._requests.append(event.t)
            self._answers.append(float("inf"))
        elif isinstance(event, KvComplete):
            key = (event.client, event.op_id)
            invoked = self._invoked.pop(key, event.t)
            via = self._sent_to.pop(key, None)
            self._answer(invoked, event.t)
            server = server_of(event.client)
            if event.ok:
                self._answered.setdefault(server, []).append(event.t)
            if not event.ok or event.t - invoked > self._answer_within:
                self._failed.setdefault(server, []).append(invoked)
                if via is not None:
                    self._failed_via.setdefault((server, invoked), via)
        elif isinstance(event, MsgSend):
            self.observe_send(event)
        elif isinstance(event, WatchEvent):
            self._watch_events.append(event.t)
        elif isinstance(event, AppRole):
            if event.leader:
                self._believers.add(event.server)
            else:
                self._believers.discard(event.server)
            self._changes.append(Change(event.t, event.server, LEADS, event.leader, "stepdown"))
        elif isinstance(event, NodeCrash) and event.node in self._believers:
            self._believers.discard(event.node)
            self._changes.append(Change(event.t, event.node, LEADS, False, "crash"))
        if isinstance(event, RaftRole | PaxosRole):
            if event.role == "leader":
                self._raft_leader = event.node
            elif event.node == self._raft_leader:
                self._raft_leader = None
        elif isinstance(event, NodeCrash):
            self._crashed[event.node] = event.node == self._raft_leader
            if event.node == self._raft_leader:
                self._raft_leader = None
        elif isinstance(event, NodeRestart):
            self._crashed.pop(event.node, None)
        paused = paused_change(event)
        if paused is not None:
            self._changes.append(paused)

    def observe_send(self, event: MsgSend) -> None:
        """A message left a host: the first one after a server's request names the member
        it asked (only its destination being down at that moment is kept)."""
        request = self.asking.pop(event.src, None)
        if request is None or request not in self._invoked:
            return
        led = self._crashed.get(event.dst)
        if led is not None:
            cause = STORE_LEADER_CRASH if led else STORE_MEMBER_CRASH
            self._sent_to[request] = (cause, event.dst)

    def _cut_offs(self, end: float) -> list[Change]:
        """The stretches each server could not reach the store, merged, as changes."""
        failed = {server: list(times) for server, times in self._failed.items()}
        via = dict(self._failed_via)
        for (client, op_id), invoked in self._invoked.items():
            if end - invoked > self._answer_within:  # never answered, or not by the end
                failed.setdefault(server_of(client), []).append(invoked)
                sent_to = self._sent_to.get((client, op_id))
                if sent_to is not None:
                    via.setdefault((server_of(client), invoked), sent_to)
        changes: list[Change] = []
        for server in sorted(failed):
            answered = self._answered.get(server, [])
            stretches: list[tuple[float, float]] = []
            for since in sorted(failed[server]):
                # an ok answer completed after ``since`` (whenever it was asked) ends it
                found = bisect.bisect_right(answered, since)
                until = answered[found] if found < len(answered) else float("inf")
                if stretches and since <= stretches[-1][1]:
                    stretches[-1] = (stretches[-1][0], max(stretches[-1][1], until))
                else:
                    stretches.append((since, until))
            for since, until in stretches:
                cause, member = via.get((server, since), (CUT_OFF, ""))
                self._members[(server, since)] = member
                changes.append(Change(since, server, UNREACHABLE, True, cause))
                if until != float("inf"):
                    changes.append(Change(until, server, UNREACHABLE, False, cause))
        return changes

    def report(self, end: float) -> WorkingReport:
        """The failovers up to ``end`` (one still open is closed at ``end``, unfinished)."""
        self._members: dict[tuple[str, float], str] = {}
        gaps = find_gaps(self._changes + self._cut_offs(end), end)
        failovers = []
        for number, g in enumerate(gaps.gaps):
            limit = gaps.gaps[number + 1].start if number + 1 < len(gaps.gaps) else end
            settled = self._settled(g.start, g.end, limit) if g.finished else end
            failovers.append(Failover(
                g.start, g.end, g.lost, g.cause, g.successor, g.finished,
                _count(self._requests, g.start, settled, inclusive=g.finished),
                _count(self._watch_events, g.start, settled, inclusive=g.finished),
                settled if g.finished else None,
                self._members.get((g.lost, g.start)) or None,
            ))
        return WorkingReport(gaps.first_at, tuple(failovers), gaps.worked)

    def _answer(self, invoked: float, answered: float) -> None:
        """Record the answer time of the latest unanswered request asked at ``invoked``."""
        at = bisect.bisect_right(self._requests, invoked) - 1
        while at >= 0 and self._requests[at] == invoked:
            if self._answers[at] == float("inf"):
                self._answers[at] = answered
                return
            at -= 1

    def _settled(self, start: float, taken: float, limit: float) -> float:
        """When every request asked since ``start`` is answered, ``taken`` at the earliest."""
        settled = taken
        at = bisect.bisect_left(self._requests, start)
        while at < len(self._requests) and self._requests[at] <= settled:
            settled = max(settled, self._answers[at])
            at += 1
        return min(settled, max(limit, taken))


def _count(times: list[float], start: float, end: float, inclusive: bool) -> int:
    """How many of the sorted ``times`` fall in [start, end] (or [start, end))."""
    stop = bisect.bisect_right(times, end) if inclusive else bisect.bisect_left(times, end)
    return stop - bisect.bisect_left(times, start)
