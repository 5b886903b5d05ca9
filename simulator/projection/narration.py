"""Plain sentences for the events that matter to a class ("n3 timed out and started an election").

``Narrator.feed(event, index)`` returns a ``NarrationEntry`` for important events and None for
the chatter (messages, timers, log appends). It remembers each node's previous role so a
step-down reads differently from a first election.
"""

from __future__ import annotations

import re
from typing import Any

from simulator.frozen import frozen
from simulator.projection.transactions import cas_name, cas_text
from simulator.trace.events import (
    AppRole,
    AppSession,
    Caption,
    Event,
    LeaseGrant,
    LeaseRevoke,
    NodeClock,
    NodeCrash,
    NodePause,
    NodeRestart,
    NodeResume,
    PausePoint,
    PaxosRecover,
    PaxosRole,
    RaftRole,
    UserAction,
    Violation,
    Work,
)

# Entry levels, from calm to alarming: the narration feed colours them. WARNING is for harm
# (a double charge, a safety violation); SAFEGUARD for a protection doing its job (a leader
# stepping down, a lease freeing a dead leader's key, the provider fencing off a stale charge).
INFO, ELECTION, FAULT, LEADER, SAFEGUARD, WARNING, CAPTION = (
    "info", "election", "fault", "leader", "safeguard", "warning", "caption",
)


def _ballot(ballot: object) -> str:
    """``(4, n3)`` for a ballot [4, "n3"]."""
    round_, node = ballot  # type: ignore[misc]
    return f"({round_}, {node})" if node else f"({round_})"


# These actions are told by the events they cause (node.crash, node.pause, ...).
ACTIONS_WITH_OWN_EVENTS = ("crash", "restart", "pause", "set_clock")


def action_arguments(detail: str) -> dict[str, str]:
    """The ``key=value`` words of a user.action detail (a leading "schedule" is dropped)."""
    arguments: dict[str, str] = {}
    for word in detail.split():
        key, sep, value = word.partition("=")
        if sep:
            arguments[key] = value
    return arguments


_JOB = re.compile(r"^(c\d+)/m(\d+)$")


def charge_text(job: str) -> str:
    """A charge's name for a class: ``c12/m0`` is "contract c12 for month 1"."""
    match = _JOB.match(job)
    if match is None:
        return job
    return f"contract {match.group(1)} for month {int(match.group(2)) + 1}"


@frozen
class NarrationEntry:
    """One sentence of the narration: when, which trace index, what, how important, about whom."""

    t: float
    index: int
    text: str
    level: str
    subject: str | None = None


def client_server(client: str) -> str:
    """The app server behind a store client id: ``app1.1`` (app1's client after its first
    restart, docs/events.md) is app1's."""
    base, dot, incarnation = client.rpartition(".")
    return base if dot and incarnation.isdigit() else client


def _client_name(client: str) -> str:
    """A client for a class: ``app1``, or "app1 (restarted, client app1.1)"."""
    server = client_server(client)
    return client if server == client else f"{server} (restarted, client {client})"


class Narrator:
    """Turns trace events into sentences, one event at a time, in trace order.

    ``session_servers`` are the app servers whose store leases are ZooKeeper sessions (the
    ZooKeeper recipe): their leases are told as sessions whose ephemeral nodes go with them.
    """

    def __init__(self, session_servers: frozenset[str] = frozenset()) -> None:
        self._session_servers = session_servers
        self._roles: dict[str, str] = {}
        self._leases: dict[int, str] = {}
        self._app_leader: dict[str, bool] = {}
        self._clocks: dict[str, float] = {}
        self._app_session_state: dict[str, tuple[int, str]] = {}
        self._cas_last: dict[tuple[str, str, str], str] = {}

    def feed(self, event: Event, index: int) -> NarrationEntry | None:
        """The sentence for ``event`` (the ``index``-th event of the trace), or None."""
        method = getattr(self, "_" + event.kind.replace(".", "_"), None)
        if method is None:
            return None
        said: tuple[str, str, str | None] | None = method(event)
        if said is None:
            return None
        text, level, subject = said
        return NarrationEntry(t=event.t, index=index, text=text, level=level, subject=subject)

    def _raft_role(self, e: RaftRole) -> tuple[str, str, str | None] | None:
        before = self._roles.get(e.node)
        self._roles[e.node] = e.role
        if e.role == "precandidate":
            return (f"{e.node} heard no leader in time and asks for pre-votes "
                    f"for term {e.term + 1}.", ELECTION, e.node)
        if e.role == "candidate":
            return (f"{e.node} timed out and started an election for term {e.term}.",
                    ELECTION, e.node)
        if e.role == "leader":
            return f"{e.node} won the election and leads term {e.term}.", LEADER, e.node
        if before == "leader":
            return (f"{e.node} stepped down: it is a follower in term {e.term}.",
                    SAFEGUARD, e.node)
        return None

    def _paxos_role(self, e: PaxosRole) -> tuple[str, str, str | None] | None:
        before = self._roles.get(e.node)
        self._roles[e.node] = e.role
        ballot = _ballot(e.ballot)
        if e.role == "candidate":
            return (f"{e.node} heard no leader in time and runs phase 1 with ballot {ballot}: "
                    f"it asks every acceptor to promise it and report what it accepted.",
                    ELECTION, e.node)
        if e.role == "leader":
            return (f"{e.node} got promises from a majority and leads with ballot {ballot}.",
                    LEADER, e.node)
        if before in ("leader", "candidate"):
            return (f"{e.node} saw the higher ballot {ballot} and stepped back: it is a "
                    f"follower now.", SAFEGUARD, e.node)
        return None

    def _paxos_recover(self, e: PaxosRecover) -> tuple[str, str, str | None] | None:
        ballot = _ballot(e.ballot)
        if e.cmd == "noop" and e.source is not None:
            return None  # an earlier leader's no-op: nothing to tell
        if e.chosen:
            return (f"{e.node} became leader with ballot {ballot} and recovered slot {e.slot} = "
                    f"{e.cmd} from {e.source}'s promise (chosen there under ballot "
                    f"{_ballot(e.was)}).", LEADER, e.node)
        if e.source is None:
            return (f"{e.node} (ballot {ballot}) found no value for slot {e.slot} in the "
                    f"promises and fills the gap with a no-op.", INFO, e.node)
        was = f" under ballot {_ballot(e.was)}" if e.was is not None else ""
        if e.source == e.node:
            return (f"{e.node} (ballot {ballot}) re-proposes slot {e.slot} = {e.cmd}, which it "
                    f"had accepted itself{was}.", INFO, e.node)
        return (f"{e.node} became leader with ballot {ballot} and recovered slot {e.slot} = "
                f"{e.cmd} from {e.source}'s promise (accepted there{was}).", LEADER, e.node)

    def _node_crash(self, e: NodeCrash) -> tuple[str, str, str | None]:
        self._roles.pop(e.node, None)
        return f"{e.node} crashed.", FAULT, e.node

    def _node_restart(self, e: NodeRestart) -> tuple[str, str, str | None]:
        return f"{e.node} restarted.", INFO, e.node

    def _node_pause(self, e: NodePause) -> tuple[str, str, str | None]:
        return (f"{e.node} froze (a process pause) for {e.duration:g} s.", FAULT, e.node)

    def _node_resume(self, e: NodeResume) -> tuple[str, str, str | None]:
        return f"{e.node} woke up from its pause, unaware time has passed.", INFO, e.node

    def _node_clock(self, e: NodeClock) -> tuple[str, str, str | None]:
        self._clocks[e.node] = e.offset
        return (f"{e.node}'s clock now runs at {e.rate:g}x with offset {e.offset:+g} s.",
                FAULT, e.node)

    def _user_action(self, e: UserAction) -> tuple[str, str, str | None] | None:
        detail: str = e.detail or ""
        who = "The preset" if detail.startswith("schedule") else "You"
        if "skipped:" in detail:
            reason = detail.split("skipped:", 1)[1].strip()
            return (f"The preset's {e.action} on {e.target or 'the cluster'} was skipped "
                    f"({reason}).", INFO, e.target or None)
        args = action_arguments(detail)
        if e.action in ACTIONS_WITH_OWN_EVENTS:
            return None
        if e.action == "partition":
            groups = args.get("groups", "").strip("[]").split("],[")
            sides = "  |  ".join("{" + group.replace(",", ", ") + "}" for group in groups)
            return f"{who} split the network: {sides}.", FAULT, None
        if e.action == "heal_all":
            return f"{who} healed every cut link.", INFO, None
        if e.action in ("cut", "heal_link"):
            verb = "cut" if e.action == "cut" else "healed"
            src, dst = args.get("src", e.target), args.get("dst", "?")
            way = f"{src} ↔ {dst}" if args.get("both_ways", "True") == "True" \
                else f"{src} → {dst} (one way)"
            return f"{who} {verb} the link {way}.", FAULT if verb == "cut" else INFO, src
        if e.action == "isolate":
            return f"{who} cut {e.target} off from everyone.", FAULT, e.target
        if e.action == "force_timeout":
            return f"{who} made {e.target}'s election timer fire now.", FAULT, e.target
        if e.action == "app_exception":
            return (f"{who} made {e.target} raise an exception in its work loop.",
                    FAULT, e.target)
        if e.action == "app_shutdown":
            return f"{who} shut {e.target} down gracefully.", FAULT, e.target
        target = f" on {e.target}" if e.target else ""
        extra = f" ({detail})" if detail else ""
        return f"{who}: {e.action}{target}{extra}.", FAULT, e.target or None

    def _lease_grant(self, e: LeaseGrant) -> tuple[str, str, str | None] | None:
        self._leases[e.lease] = e.owner
        server = client_server(e.owner)
        if server in self._session_servers:
            return None  # the session's app.session "connected" tells it
        return (f"The store granted lease {e.lease} ({e.ttl:g} s) to {_client_name(e.owner)}.",
                INFO, server)

    def _lease_revoke(self, e: LeaseRevoke) -> tuple[str, str, str | None]:
        owner = self._leases.pop(e.lease, None)
        server = client_server(owner) if owner else None
        whose = f" of {_client_name(owner)}" if owner else ""
        if server is not None and server in self._session_servers:
            if e.reason == "expired":
                return (f"ZooKeeper expired session {e.lease}{whose}: its ephemeral nodes are "
                        f"deleted.", SAFEGUARD, server)
            return (f"Session {e.lease}{whose} was closed: its ephemeral nodes are deleted.",
                    INFO, server)
        if e.reason == "expired":
            return (f"Lease {e.lease}{whose} expired: its keys are deleted.", SAFEGUARD,
                    server)
        return f"Lease {e.lease}{whose} was revoked.", INFO, server

    def _app_role(self, e: AppRole) -> tuple[str, str, str | None] | None:
        before = self._app_leader.get(e.server, False)
        self._app_leader[e.server] = e.leader
        if e.leader and not before:
            token = f" with fencing token {e.token}" if e.token is not None else ""
            return f"{e.server} now believes it is the leader{token}.", LEADER, e.server
        if before and not e.leader:
            return f"{e.server} stopped acting as the leader.", SAFEGUARD, e.server
        return None

    def _app_session(self, e: AppSession) -> tuple[str, str, str | None] | None:
        before = self._app_session_state.get(e.server)
        self._app_session_state[e.server] = (e.session, e.state)
        if e.state == "connected":
            if before == (e.session, "disconnected"):
                return (f"{e.server} reached the ensemble again: its session {e.session} is "
                        "still alive (Connected).", INFO, e.server)
            return f"{e.server} opened ZooKeeper session {e.session}.", INFO, e.server
        if e.state == "disconnected":
            return (f"{e.server} heard nothing from the ensemble for two thirds of its session "
                    f"timeout: Disconnected (session {e.session} may still be alive).",
                    WARNING, e.server)
        if e.state == "expired" and e.by == "client":
            return (f"{e.server} gave its session {e.session} up: a whole session timeout "
                    "disconnected (Curator's LOST), without news from the ensemble.",
                    WARNING, e.server)
        if e.state == "expired":
            return (f"{e.server} reached the ensemble and learnt that its session {e.session} "
                    "had expired (Expired).", WARNING, e.server)
        return None

    def _work(self, e: Work) -> tuple[str, str, str | None] | None:
        job = charge_text(e.job)
        if e.duplicate:
            return (f"Double charge! {e.server} charged {job} a second time.",
                    WARNING, e.server)
        if not e.accepted:
            return (f"The provider rejected {e.server}'s charge of {job} "
                    f"(stale token {e.token}).", SAFEGUARD, e.server)
        return f"{e.server} charged {job}.", INFO, e.server

    def _ec_write(self, e: Any) -> tuple[str, str, str | None] | None:
        """The eventual store: a write to a leader key that last-writer-wins ignored."""
        if e.applied or e.conflict or e.key not in LEADER_KEYS or e.held is None:
            return None
        ts, held = e.ts, e.held
        what = f"{e.value}'s claim" if e.value is not None else "a deletion"
        skew = self._clocks.get(held[1], 0.0)
        fast = "" if abs(skew) < 0.001 else (
            f", whose clock is {abs(skew):g} s {'fast' if skew > 0 else 'slow'}")
        return (f"{e.replica} ignored {what} (stamped by {ts[1]}): its timestamp "
                f"{ts[0]:.1f} is older than the {held[0]:.1f} it holds from {held[1]}{fast}.",
                WARNING, e.replica)

    def _ec_cas(self, e: Any) -> tuple[str, str, str | None] | None:
        """A lightweight transaction on a leader key: a claim won, or a change of outcome."""
        if e.key not in LEADER_KEYS:
            return None
        what = cas_name(e.condition, e.client)
        slot = (e.client, e.key, what)
        before = self._cas_last.get(slot)
        self._cas_last[slot] = e.result
        text = cas_text(e.client, e.condition, e.result, e.detail) + "."
        if e.result == "applied":
            if what == "put-if-absent":
                return text, LEADER, e.client
            if before in (None, "applied"):
                return None
            return text, INFO, e.client
        if e.result == before:
            return None
        # Paxos refusing a change without a quorum is the protection a lightweight transaction
        # buys (a minority side cannot claim or keep the key), not harm.
        return text, SAFEGUARD, e.client

    def _ec_hint(self, e: Any) -> tuple[str, str, str | None] | None:
        if e.key not in LEADER_KEYS:
            return None
        if e.action == "stored":
            return (f"{e.replica} stands in for {e.home}: it keeps a hint of the leader key "
                    f"to hand over later.", INFO, e.replica)
        return f"{e.replica} handed its hint of the leader key over to {e.home}.", INFO, e.home

    def _violation(self, e: Violation) -> tuple[str, str, str | None]:
        return f"Safety violation ({e.what}): {e.detail}", WARNING, None

    def _caption(self, e: Caption) -> tuple[str, str, str | None]:
        return e.text, CAPTION, None

    def _pause_point(self, e: PausePoint) -> tuple[str, str, str | None]:
        return f"Question: {e.question}", CAPTION, None


LEADER_KEYS = ("/election/leader", "/k8s/lease")
"""The eventual store's leader keys (seed and Kubernetes recipes) that narration follows."""


def narrate(events: list[Event],
            session_servers: frozenset[str] = frozenset()) -> list[NarrationEntry]:
    """The narration of a whole event list, in order (``session_servers`` as for Narrator)."""
    narrator = Narrator(session_servers)
    entries = []
    for index, event in enumerate(events):
        entry = narrator.feed(event, index)
        if entry is not None:
            entries.append(entry)
    return entries
