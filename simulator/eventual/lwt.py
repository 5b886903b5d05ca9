"""A lightweight transaction's coordinator: compare-and-set on one key through single-decree
Paxos among the key's N home replicas, as Cassandra's StorageProxy.cas does it.

One attempt: take a ballot (``BallotClock``: the local clock in microseconds, never below one
already used or refused); prepare it at the key's live home replicas; with promises from a
quorum (N // 2 + 1 of the N real replicas: no stand-ins, no hints) first finish an accepted
proposal newer than the most recent commit (propose it again under this ballot, commit it,
start over), or send the most recent commit to promisers that missed it (and start over);
otherwise read the key's newest copy among the promisers, and if the condition holds propose
the new value, and once a quorum accepted it commit it to every home replica, answering after
``commit_quorum`` of them applied it. The value is written with the ballot's time as its
timestamp. A refused prepare or a wholly refused proposal waits a random back-off (``rng``)
and tries again with a higher ballot; a proposal some replicas accepted but too few may still
be chosen later, so it answers "timeout" (the client is told it failed, the value may land).
Fewer live home replicas than a quorum answer "unavailable" at once; no answer by the request
timeout answers "timeout".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from simulator.eventual.coordinator import TIMEOUT, Outcome, Settings
from simulator.eventual.lwt_messages import (
    LwtAccepted,
    LwtCommit,
    LwtCommitAck,
    LwtPrepare,
    LwtPromise,
    LwtPropose,
    Proposal,
    ballot_label,
    ballot_ts,
)
from simulator.eventual.messages import ReadReply, Send
from simulator.eventual.versions import Timestamp, rank
from simulator.frozen import frozen
from simulator.paxos.messages import ZERO_BALLOT, Ballot

UNAVAILABLE = "unavailable"
BACKOFF = 0.1  # Cassandra sleeps a random 0-100 ms after contention before a new ballot

PREPARE = "prepare"
PROPOSE = "propose"
COMMIT = "commit"
WAIT = "wait"
DONE = "done"


class Draws(Protocol):
    """A caller's random stream (the core draws from no global random)."""

    def random(self) -> float: ...


class BallotClock:
    """A node's ballots: the local clock in microseconds, always above the last one it used and
    at least ``minimum`` (one above a ballot a replica refused us with), so a node's ballots
    never go backwards (Cassandra's ClientState.getTimestampForPaxos)."""

    __slots__ = ("node", "last")

    def __init__(self, node: str) -> None:
        self.node = node
        self.last = 0

    def next(self, now: float, minimum: int = 0) -> Ballot:
        """A fresh ballot at local time ``now``."""
        current = max(int(now * 1_000_000), minimum)
        round_ = self.last + 1 if self.last >= current else current
        self.last = round_
        return (round_, self.node)


@frozen
class Condition:
    """What the key must hold for the write to apply: the live ``value`` (None = absent), or
    with ``by_ts`` the live copy's timestamp ``ts`` (None = absent)."""

    value: str | None = None
    ts: Timestamp | None = None
    by_ts: bool = False

    def holds(self, current: ReadReply | None) -> bool:
        """True when the newest copy read satisfies the condition."""
        live = current is not None and current.live and current.value is not None
        if self.by_ts:
            return (current.ts if live and current is not None else None) == self.ts
        return (current.value if live and current is not None else None) == self.value

    def text(self) -> str:
        """``absent``, ``value is app1`` or ``written at 12.300@n2``."""
        if self.by_ts:
            return "absent" if self.ts is None else f"written at {self.ts}"
        return "absent" if self.value is None else f"value is {self.value}"


class CasCoordinator:
    """One compare-and-set at the coordinating node (the interface of the other coordinators:
    ``start``, ``on_reply``, ``on_deadline``, ``next_deadline``, ``outcome``, ``finished``).

    ``detail`` says in words why it ended as it did; ``ballot`` is the ballot of its last
    attempt, ``attempts`` how many ballots it tried, ``current`` the copy it last read.
    """

    __slots__ = ("key", "condition", "value", "ttl", "homes", "quorum", "commit_quorum",
                 "participants", "started", "timeout", "clock", "rng", "phase", "ballot",
                 "floor", "proposal", "finishing", "answers", "outcome", "finished", "detail",
                 "attempts", "current", "_wake", "heard", "refused_by")

    def __init__(self, key: str, condition: Condition, value: str | None, walk: Sequence[str],
                 settings: Settings, now: float, clock: BallotClock,
                 ttl: float | None = None, commit_quorum: int | None = None,
                 rng: Draws | None = None) -> None:
        self.key = key
        self.condition = condition
        self.value = value
        self.ttl = ttl
        self.homes = tuple(walk[:settings.n])
        self.quorum = len(self.homes) // 2 + 1
        self.commit_quorum = min(len(self.homes), commit_quorum or self.quorum)
        self.participants = tuple(h for h in self.homes if h not in settings.suspected)
        self.started = now
        self.timeout = settings.timeout
        self.clock = clock
        self.rng = rng
        self.phase = PREPARE
        self.ballot: Ballot = ZERO_BALLOT
        self.floor = 0
        self.proposal: Proposal | None = None
        self.finishing = False
        self.answers: dict[str, object] = {}
        self.outcome: Outcome | None = None
        self.finished = False
        self.detail = ""
        self.attempts = 0
        self.current: ReadReply | None = None
        self._wake = math.inf
        self.heard: set[str] = set()
        self.refused_by: tuple[str, Ballot] | None = None

    # --- the coordinator interface ------------------------------------------------------------

    def start(self, now: float) -> list[Send]:
        """Refuse at once without a quorum of live home replicas, else prepare a ballot."""
        if len(self.participants) < self.quorum:
            down = [h for h in self.homes if h not in self.participants]
            self._end(Outcome(False, error=UNAVAILABLE),
                      f"only {len(self.participants)} of the key's replicas "
                      f"{', '.join(self.homes)} {'is' if len(self.participants) == 1 else 'are'}"
                      f" reachable ({', '.join(down)} unreachable): Paxos needs {self.quorum}")
            return []
        return self._prepare(now)

    def next_deadline(self) -> float:
        """The request timeout, or the end of a back-off (inf once finished)."""
        if self.finished:
            return math.inf
        return min(self.started + self.timeout, self._wake)

    def on_deadline(self, now: float) -> list[Send]:
        """Time out, or try a new ballot after a back-off."""
        if self.finished:
            return []
        if now >= self.started + self.timeout:
            self._end(Outcome(False, error=TIMEOUT), self._timeout_detail())
            return []
        if self.phase == WAIT and now >= self._wake:
            return self._prepare(now)
        return []

    def on_reply(self, node: str, reply: object, now: float) -> list[Send]:
        """Count a promise, an acceptance or a commit acknowledgement of the current ballot."""
        if self.finished or node in self.answers:
            return []
        if isinstance(reply, LwtPromise) and self.phase == PREPARE and \
                reply.ballot == self.ballot:
            self.heard.add(node)
            self.answers[node] = reply
            return self._on_promise(node, reply, now)
        if isinstance(reply, LwtAccepted) and self.phase == PROPOSE and \
                reply.ballot == self.ballot:
            self.heard.add(node)
            self.answers[node] = reply
            return self._on_accepted(node, reply, now)
        if isinstance(reply, LwtCommitAck) and self.phase == COMMIT and \
                self.proposal is not None and reply.ballot == self.proposal.ballot:
            self.heard.add(node)
            self.answers[node] = reply
            return self._on_commit_ack(now)
        return []

    def silent_homes(self) -> list[str]:
        """The home replicas that never answered (for the host's failure detector)."""
        return [h for h in self.participants if h not in self.heard]

    # --- phases -----------------------------------------------------------------------------

    def _prepare(self, now: float) -> list[Send]:
        self.ballot = self.clock.next(now, self.floor)
        self.attempts += 1
        self.phase = PREPARE
        self.answers = {}
        self.proposal = None
        self.finishing = False
        self._wake = math.inf
        return [Send(h, LwtPrepare(self.key, self.ballot)) for h in self.participants]

    def _back_off(self, now: float, higher: Ballot, by: str) -> list[Send]:
        self.refused_by = (by, higher)
        self.floor = max(self.floor, higher[0] + 1)
        self.phase = WAIT
        self.answers = {}
        delay = BACKOFF * (self.rng.random() if self.rng is not None else 0.5)
        self._wake = now + delay
        return []

    def _on_promise(self, node: str, reply: LwtPromise, now: float) -> list[Send]:
        if not reply.ok:
            return self._back_off(now, reply.promised, node)
        promises = [m for m in self.answers.values() if isinstance(m, LwtPromise) and m.ok]
        if len(promises) < self.quorum:
            return []
        in_progress = max((p.accepted for p in promises if p.accepted is not None),
                          key=lambda p: p.ballot, default=None)
        recent = max((p.committed for p in promises if p.committed is not None),
                     key=lambda p: p.ballot, default=None)
        if in_progress is not None and (recent is None or in_progress.ballot > recent.ballot):
            # an accepted value may have been chosen: finish it under our ballot first
            return self._propose(Proposal(self.ballot, in_progress.value, in_progress.ttl),
                                 finishing=True)
        if recent is not None:
            behind = [n for n, m in self.answers.items() if isinstance(m, LwtPromise)
                      and (m.committed is None or m.committed.ballot < recent.ballot)]
            if behind:
                # the promisers must all know the last commit before a new value: repair them
                sends = [Send(n, LwtCommit(self.key, recent)) for n in sorted(behind)]
                return sends + self._prepare(now)
        self.current = _newest(p.read for p in promises)
        if not self.condition.holds(self.current):
            held = self.current.value if self.current is not None and self.current.live \
                else None
            what = f"the key holds {held}" if held is not None else "the key is absent"
            self._end(Outcome(True, held, self.current.ts if self.current else None,
                              succeeded=False),
                      f"{what} (read from {', '.join(sorted(self.answers))} under ballot "
                      f"{ballot_label(self.ballot)}), not {self.condition.text()}")
            return []
        return self._propose(Proposal(self.ballot, self.value, self.ttl), finishing=False)

    def _propose(self, proposal: Proposal, finishing: bool) -> list[Send]:
        self.phase = PROPOSE
        self.answers = {}
        self.proposal = proposal
        self.finishing = finishing
        return [Send(h, LwtPropose(self.key, proposal)) for h in self.participants]

    def _on_accepted(self, node: str, reply: LwtAccepted, now: float) -> list[Send]:
        accepted = [n for n, m in self.answers.items() if isinstance(m, LwtAccepted) and m.ok]
        refusals = [(n, m) for n, m in self.answers.items()
                    if isinstance(m, LwtAccepted) and not m.ok]
        assert self.proposal is not None
        if len(accepted) >= self.quorum:
            self.phase = COMMIT
            self.answers = {}
            return [Send(h, LwtCommit(self.key, self.proposal)) for h in self.homes]
        if len(self.participants) - len(refusals) >= self.quorum:
            return []  # a quorum may still accept
        if not self.finishing and not accepted and len(self.answers) < len(self.participants):
            # our own value: back off only when every replica refused it; one that has not
            # answered may have accepted it (Cassandra's ProposeCallback.isFullyRefused)
            return []
        by, higher = max(refusals, key=lambda r: r[1].promised)
        if accepted and not self.finishing:
            self.refused_by = (by, higher.promised)
            self._end(Outcome(False, error=TIMEOUT, acks=tuple(sorted(accepted))),
                      f"pre-empted after {', '.join(sorted(accepted))} accepted ballot "
                      f"{ballot_label(self.ballot)}: {by} had promised ballot "
                      f"{ballot_label(higher.promised)} (the value may still be committed)")
            return []
        return self._back_off(now, higher.promised, by)

    def _on_commit_ack(self, now: float) -> list[Send]:
        acks = sorted(n for n, m in self.answers.items() if isinstance(m, LwtCommitAck))
        if len(acks) < self.commit_quorum:
            return []
        assert self.proposal is not None
        if self.finishing:
            return self._prepare(now)
        self._end(Outcome(True, self.value, ballot_ts(self.ballot), acks=tuple(acks)),
                  f"committed under ballot {ballot_label(self.ballot)} by {', '.join(acks)}")
        return []

    def _end(self, outcome: Outcome, detail: str) -> None:
        self.outcome = outcome
        self.detail = detail
        self.phase = DONE
        self.finished = True

    def _timeout_detail(self) -> str:
        if self.refused_by is not None and self.phase == WAIT:
            by, higher = self.refused_by
            return f"{by} had promised ballot {ballot_label(higher)}"
        answered = sorted(self.answers)
        what = {PREPARE: "promised", PROPOSE: "accepted", COMMIT: "applied the commit",
                WAIT: "answered"}.get(self.phase, "answered")
        need = self.commit_quorum if self.phase == COMMIT else self.quorum
        return (f"only {', '.join(answered) or 'none'} of {', '.join(self.participants)} "
                f"{what} ballot {ballot_label(self.ballot)}: Paxos needs {need}")


def _newest(replies: object) -> ReadReply | None:
    best: ReadReply | None = None
    for reply in replies:  # type: ignore[attr-defined]
        if best is None or rank(reply.ts, reply.live, reply.value) > rank(best.ts, best.live,
                                                                          best.value):
            best = reply
    return best
