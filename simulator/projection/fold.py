"""Folding trace events one by one into the state of the world (no Qt, no clock, no random).

``FoldState.apply(event)`` moves the state forward by one event; ``copy()`` is cheap (views are
immutable, only the dicts are copied) so checkpoints can be kept every few hundred events;
``world(t, ends)`` freezes the state into a ``World``.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from simulator.checks.ids import server_of
from simulator.projection.transactions import cas_text
from simulator.projection.world import (
    SLOTS_SHOWN,
    AppView,
    BeliefView,
    CaptionView,
    Flight,
    LeaseView,
    ProviderView,
    RaftView,
    SlotView,
    ViolationView,
    WorkView,
    World,
)
from simulator.trace.events import (
    AppBelief,
    AppRole,
    AppSession,
    Caption,
    Event,
    LeaseGrant,
    LeaseRenew,
    LeaseRevoke,
    MsgDeliver,
    MsgDrop,
    MsgSend,
    NetCut,
    NetHeal,
    NodeClock,
    NodeCrash,
    NodePause,
    NodeRestart,
    NodeResume,
    PausePoint,
    PaxosAccept,
    PaxosApply,
    PaxosChosen,
    PaxosRole,
    RaftAppend,
    RaftApply,
    RaftCommit,
    RaftRole,
    RaftTimer,
    RaftVote,
    UserAction,
    Violation,
    Work,
)

PROVIDER_ID = "provider"
RECENT_VIOLATIONS = 20
# An app server's link to a store member is shown while it sent there this recently.
CONTACT_WINDOW = 10.0
# The user.action names of a graceful shutdown: the runtime's own, and a preset step's name
# (a step that could not run is traced under it with a detail starting "skipped").
SHUTDOWN_ACTIONS = ("app_shutdown", "shutdown")
# A message the trace never resolves is forgotten this long after it was sent.
FLIGHT_HORIZON = 30.0
# Messages that arrived or were dropped are kept this long (simulated seconds) so a view can
# show them lingering at their end for a moment (World.flights with ``linger``).
MAX_LINGER = 0.5

Ending = tuple[float, str, str | None]  # (time, "deliver" | "drop", reason)

_NATURAL = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[object, ...]:
    """Sort key that puts ``n2`` before ``n10``."""
    return tuple(int(part) if part.isdigit() else part for part in _NATURAL.split(name))


def lease_belongs_to(owner: str, server: str) -> bool:
    """True when a lease granted to ``owner`` is held by app server ``server``.

    A lease's owner is a store client of the server: the server's own id, ``<server>.<n>``
    for its restarted incarnation ``n``, or ``<server>/<client>`` (``checks.ids.server_of``).
    """
    return server_of(owner) == server


class FoldState:
    """The world as the events folded so far describe it."""

    __slots__ = (
        "index", "raft", "apps", "provider", "crashed", "paused", "cuts", "flights",
        "leases", "violations", "caption", "pause_question", "contacts", "_order_raft",
        "_order_apps", "ended", "eventual", "hint_slots", "transaction",
    )

    def __init__(self, raft_ids: Iterable[str] = (), app_ids: Iterable[str] = (),
                 with_provider: bool = False) -> None:
        self.index = 0
        self.raft: dict[str, RaftView] = {node: RaftView(node) for node in raft_ids}
        self.apps: dict[str, AppView] = {server: AppView(server) for server in app_ids}
        self.provider: ProviderView | None = ProviderView() if with_provider else None
        self.crashed: set[str] = set()
        self.paused: dict[str, float] = {}
        self.cuts: set[tuple[str, str]] = set()
        self.flights: dict[int, Flight] = {}
        self.ended: deque[tuple[float, Flight, MsgDeliver | MsgDrop]] = deque()
        """(end time, flight, ending event) of the messages that ended in the last MAX_LINGER
        seconds, in the order they ended."""
        self.leases: dict[int, LeaseView] = {}
        self.violations: tuple[ViolationView, ...] = ()
        self.caption: CaptionView | None = None
        self.pause_question: str | None = None
        self.contacts: dict[str, tuple[tuple[str, float], ...]] = {}
        self._order_raft: list[str] | None = None
        self._order_apps: list[str] | None = None
        self.eventual = False
        self.hint_slots: dict[str, frozenset[tuple[str, str]]] = {}
        self.transaction: str | None = None

    def copy(self) -> FoldState:
        """An independent copy (the immutable views are shared)."""
        other = FoldState.__new__(FoldState)
        other.index = self.index
        other.raft = dict(self.raft)
        other.apps = dict(self.apps)
        other.provider = self.provider
        other.crashed = set(self.crashed)
        other.paused = dict(self.paused)
        other.cuts = set(self.cuts)
        other.flights = dict(self.flights)
        other.ended = deque(self.ended)
        other.leases = dict(self.leases)
        other.violations = self.violations
        other.caption = self.caption
        other.pause_question = self.pause_question
        other.contacts = dict(self.contacts)
        other._order_raft = self._order_raft
        other._order_apps = self._order_apps
        other.eventual = self.eventual
        other.hint_slots = dict(self.hint_slots)
        other.transaction = self.transaction
        return other

    # --- folding ---------------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        """Fold one event into the state (events of unknown kinds are counted and ignored)."""
        self.index += 1
        handler = _HANDLERS.get(event.kind)
        if handler is not None:
            handler(self, event)

    def prune_flights(self, now: float) -> None:
        """Forget messages sent more than FLIGHT_HORIZON before ``now`` that never resolved."""
        stale = [key for key, flight in self.flights.items() if now - flight.sent > FLIGHT_HORIZON]
        for key in stale:
            del self.flights[key]

    def _raft_node(self, node: str) -> RaftView:
        view = self.raft.get(node)
        if view is None:
            view = RaftView(node)
            self.raft[node] = view
            self._order_raft = None
        return view

    def _app(self, server: str) -> AppView:
        view = self.apps.get(server)
        if view is None:
            view = AppView(server)
            self.apps[server] = view
            self._order_apps = None
        return view

    def _on_run_start(self, e: Any) -> None:
        if getattr(e, "store", "strong") == "eventual":
            self.eventual = True
            for node in list(self.raft):
                self.raft[node] = replace(self.raft[node], protocol="none")

    def _on_ec_write(self, e: Any) -> None:
        if not e.applied or e.key not in EC_LEADER_KEYS:
            return
        view = self._raft_node(e.replica)
        rate = view.clock_rate or 1.0
        expires = None if e.ttl is None else e.t + e.ttl / rate
        self.raft[view.id] = replace(view, protocol="none", replica_key=e.key,
                                     replica_value=e.value, replica_ts=tuple(e.ts),
                                     replica_expires=expires)

    def _on_ec_paxos(self, e: Any) -> None:
        if e.key not in EC_LEADER_KEYS:
            return
        view = self._raft_node(e.replica)
        promised = tuple(e.promised)
        if view.replica_promised != promised:
            self.raft[view.id] = replace(view, replica_promised=promised)

    def _on_ec_cas(self, e: Any) -> None:
        if e.key in EC_LEADER_KEYS:
            self.transaction = cas_text(e.client, e.condition, e.result, e.detail)

    def _on_ec_hint(self, e: Any) -> None:
        slots = self.hint_slots.get(e.replica, frozenset())
        slot = (e.home, e.key)
        slots = slots | {slot} if e.action == "stored" else slots - {slot}
        self.hint_slots[e.replica] = slots
        view = self._raft_node(e.replica)
        if view.hints != len(slots):
            self.raft[view.id] = replace(view, hints=len(slots))

    def _on_role(self, e: RaftRole) -> None:
        view = self._raft_node(e.node)
        role, term = e.role, e.term
        voted = view.voted_for if term == view.term else None
        if role == "candidate":
            voted = view.id  # a candidate votes for itself
        changes: dict[str, object] = {"role": role, "term": term, "voted_for": voted}
        if role == "leader":
            changes["timer_deadline"] = None
            changes["timer_armed_at"] = None
        self.raft[view.id] = replace(view, **changes)

    def _on_paxos_role(self, e: PaxosRole) -> None:
        view = self._raft_node(e.node)
        ballot = (int(e.ballot[0]), str(e.ballot[1]))
        changes: dict[str, object] = {"role": e.role, "term": ballot[0], "ballot": ballot,
                                      "protocol": "multi-paxos"}
        if e.role == "leader":
            changes["timer_deadline"] = None
            changes["timer_armed_at"] = None
        self.raft[view.id] = replace(view, **changes)

    def _on_paxos_accept(self, e: PaxosAccept) -> None:
        view = self._raft_node(e.node)
        value = SlotView(e.slot, (int(e.ballot[0]), str(e.ballot[1])), e.cmd,
                         e.slot <= view.commit_index)
        slots = tuple(s for s in view.slots if s.slot != e.slot) + (value,)
        if len(slots) > 1 and slots[-2].slot > e.slot:
            slots = tuple(sorted(slots, key=lambda s: s.slot))
        self.raft[view.id] = replace(view, slots=slots[-SLOTS_SHOWN:],
                                     log_length=max(view.log_length, e.slot))

    def _on_paxos_chosen(self, e: PaxosChosen) -> None:
        view = self._raft_node(e.node)
        slots = view.slots
        if any(not s.chosen and s.slot <= e.slot for s in slots):
            slots = tuple(s if s.chosen or s.slot > e.slot else replace(s, chosen=True)
                          for s in slots)
        self.raft[view.id] = replace(view, commit_index=e.slot, slots=slots)

    def _on_paxos_apply(self, e: PaxosApply) -> None:
        view = self._raft_node(e.node)
        self.raft[view.id] = replace(
            view, applied_index=e.slot, last_applied_cmd=e.cmd,
            commit_index=max(view.commit_index, e.slot),
            log_length=max(view.log_length, e.slot),
        )

    def _on_vote(self, e: RaftVote) -> None:
        if e.pre_vote:
            return
        view = self._raft_node(e.node)
        self.raft[view.id] = replace(view, voted_for=e.candidate,
                                     term=max(view.term, e.term))

    def _on_append(self, e: RaftAppend) -> None:
        view = self._raft_node(e.node)
        self.raft[view.id] = replace(view, log_length=e.last_index)

    def _on_commit(self, e: RaftCommit) -> None:
        view = self._raft_node(e.node)
        self.raft[view.id] = replace(view, commit_index=e.index)

    def _on_apply(self, e: RaftApply) -> None:
        view = self._raft_node(e.node)
        self.raft[view.id] = replace(
            view, applied_index=e.index, last_applied_cmd=e.cmd,
            commit_index=max(view.commit_index, e.index),
        )

    def _on_timer(self, e: RaftTimer) -> None:
        view = self._raft_node(e.node)
        self.raft[view.id] = replace(view, timer_deadline=e.deadline,
                                     timer_armed_at=e.t)

    def _on_crash(self, e: NodeCrash) -> None:
        node = e.node
        self.crashed.add(node)
        self.paused.pop(node, None)
        view = self.raft.get(node)
        if view is not None:
            self.raft[node] = replace(view, timer_deadline=None, timer_armed_at=None)
        app = self.apps.get(node)
        if app is not None:  # what it believed was in the memory it lost
            self.apps[node] = replace(app, leader=False, since=None, shut_down=False,
                                      belief=None, session_state=None, session_id=None)

    def _on_restart(self, e: NodeRestart) -> None:
        self.crashed.discard(e.node)
        app = self.apps.get(e.node)
        if app is not None and app.shut_down:
            self.apps[e.node] = replace(app, shut_down=False)

    def _on_user_action(self, e: UserAction) -> None:
        """A graceful shutdown that ran marks its app server shut down (until node.restart or
        node.crash); one traced as skipped changed nothing."""
        if e.action not in SHUTDOWN_ACTIONS or e.detail.startswith("skipped"):
            return
        if e.action == "shutdown" and e.target not in self.apps:
            return  # a symbolic target (app-leader): the runtime traces app_shutdown too
        view = self._app(e.target)
        if not view.shut_down:
            self.apps[view.id] = replace(view, shut_down=True)

    def _on_pause(self, e: NodePause) -> None:
        self.paused[e.node] = e.t + e.duration

    def _on_resume(self, e: NodeResume) -> None:
        self.paused.pop(e.node, None)

    def _on_clock(self, e: NodeClock) -> None:
        view = self.raft.get(e.node)
        if view is not None:
            self.raft[view.id] = replace(view, clock_offset=e.offset,
                                         clock_rate=e.rate)
        app = self.apps.get(e.node)
        if app is not None:
            belief = app.belief
            if belief is not None:  # a host's clock never reads less than it already did
                belief = replace(belief, floor=app.local_time(e.t))
            self.apps[app.id] = replace(app, clock_offset=e.offset, clock_rate=e.rate,
                                        belief=belief)

    def _on_belief(self, e: AppBelief) -> None:
        app = self._app(e.server)
        belief = BeliefView(holder=e.holder, floor=e.local, until=e.until,
                            length=max(0.0, e.until - e.local))
        self.apps[app.id] = replace(app, belief=belief)

    def _on_cut(self, e: NetCut) -> None:
        self.cuts.add((e.src, e.dst))

    def _on_heal(self, e: NetHeal) -> None:
        self.cuts.discard((e.src, e.dst))

    def _on_send(self, e: MsgSend) -> None:
        if e.src in self.apps and e.dst in self.raft:
            seen = dict(self.contacts.get(e.src, ()))
            seen[e.dst] = e.t
            self.contacts[e.src] = tuple(sorted(seen.items()))
        self.flights[e.id] = Flight(
            id=e.id, src=e.src, dst=e.dst, type=e.type,
            label=e.label, sent=e.t,
        )

    def _on_resolve(self, e: MsgDeliver | MsgDrop) -> None:
        flight = self.flights.pop(e.id, None)
        ended = self.ended
        horizon = e.t - MAX_LINGER
        while ended and ended[0][0] < horizon:
            ended.popleft()
        if flight is not None:
            ended.append((e.t, flight, e))

    def _on_lease_grant(self, e: LeaseGrant) -> None:
        lease = LeaseView(id=e.lease, owner=e.owner, ttl=e.ttl,
                          granted_at=e.t, expiry=e.t + e.ttl)
        self.leases[lease.id] = lease

    def _on_lease_renew(self, e: LeaseRenew) -> None:
        lease = self.leases.get(e.lease)
        if lease is not None:
            self.leases[lease.id] = replace(lease, expiry=e.expiry)

    def _on_lease_revoke(self, e: LeaseRevoke) -> None:
        self.leases.pop(e.lease, None)

    def _on_app_role(self, e: AppRole) -> None:
        view = self._app(e.server)
        leader = e.leader
        since = (view.since if view.leader else e.t) if leader else None
        self.apps[view.id] = replace(view, leader=leader, since=since,
                                     token=e.token)

    def _on_app_session(self, e: AppSession) -> None:
        view = self._app(e.server)
        if e.state == "closed":
            if view.session_id == e.session:
                self.apps[view.id] = replace(view, session_state=None, session_id=None)
            return
        self.apps[view.id] = replace(view, session_state=e.state, session_id=e.session)

    def _on_work(self, e: Work) -> None:
        work = WorkView(t=e.t, server=e.server, job=e.job,
                        token=e.token, accepted=e.accepted,
                        duplicate=e.duplicate)
        app = self._app(work.server)
        self.apps[app.id] = replace(app, last_work=work, charges=app.charges + 1)
        provider = self.provider or ProviderView()
        highest = provider.highest_token
        if work.accepted and work.token is not None:
            highest = work.token if highest is None else max(highest, work.token)
        self.provider = replace(
            provider,
            accepted=provider.accepted + (1 if work.accepted else 0),
            rejected=provider.rejected + (0 if work.accepted else 1),
            duplicates=provider.duplicates + (1 if work.duplicate else 0),
            highest_token=highest, last_work=work,
        )

    def _on_violation(self, e: Violation) -> None:
        entry = ViolationView(t=e.t, what=e.what, detail=e.detail)
        self.violations = (*self.violations, entry)[-RECENT_VIOLATIONS:]

    def _on_caption(self, e: Caption) -> None:
        self.caption = CaptionView(t=e.t, text=e.text)

    def _on_pause_point(self, e: PausePoint) -> None:
        self.pause_question = e.question
        self.caption = CaptionView(t=e.t, text="Question: " + e.question)

    # --- freezing --------------------------------------------------------------------------

    def world(self, t: float, ends: Mapping[int, Ending], linger: float = 0.0) -> World:
        """Freeze the state as seen at time ``t``; ``ends`` tells how each message ended.

        ``linger`` (at most MAX_LINGER) keeps messages that ended that recently in
        ``flights`` (with their end and fate), so a slow view can show each one a moment.
        """
        if self._order_raft is None:
            self._order_raft = sorted(self.raft, key=natural_key)
        if self._order_apps is None:
            self._order_apps = sorted(self.apps, key=natural_key)
        raft = tuple(self._host(self.raft[node]) for node in self._order_raft)
        if self.eventual:
            raft = _newest_copies(raft, t)
        apps = tuple(self._app_view(self.apps[server], t) for server in self._order_apps)
        provider = self.provider
        if provider is not None:
            provider = replace(provider, crashed=PROVIDER_ID in self.crashed,
                               paused_until=self.paused.get(PROVIDER_ID))
        flights = []
        for key in sorted(self.flights):
            flight = self.flights[key]
            if t - flight.sent > FLIGHT_HORIZON:
                continue
            ending = ends.get(key)
            if ending is not None:
                flight = replace(flight, ends=ending[0], fate=ending[1], reason=ending[2])
            flights.append(flight)
        if linger > 0:
            since = t - min(linger, MAX_LINGER)
            for end, flight, event in self.ended:
                if since <= end <= t:
                    fate = "deliver" if event.kind == "msg.deliver" else "drop"
                    flights.append(replace(flight, ends=end, fate=fate,
                                           reason=getattr(event, "reason", None)))
            flights.sort(key=lambda f: f.id)
        leases = tuple(self.leases[key] for key in sorted(self.leases))
        return World(
            t=t, event_index=self.index, raft=raft, apps=apps, provider=provider,
            cuts=frozenset(self.cuts), flights=tuple(flights), leases=leases,
            violations=self.violations, caption=self.caption,
            pause_question=self.pause_question, transaction=self.transaction,
        )

    def _host(self, view: RaftView) -> RaftView:
        crashed = view.id in self.crashed
        paused = self.paused.get(view.id)
        if crashed == view.crashed and paused == view.paused_until:
            return view
        return replace(view, crashed=crashed, paused_until=paused)

    def _app_view(self, view: AppView, t: float) -> AppView:
        lease = None
        for key in sorted(self.leases):
            candidate = self.leases[key]
            if lease_belongs_to(candidate.owner, view.id):
                lease = candidate
        contacts = tuple(sorted((member for member, last in self.contacts.get(view.id, ())
                                 if t - last <= CONTACT_WINDOW), key=natural_key))
        return replace(view, crashed=view.id in self.crashed,
                       paused_until=self.paused.get(view.id), lease=lease, contacts=contacts)


EC_LEADER_KEYS = ("/election/leader", "/k8s/lease")
"""The leader keys (seed and Kubernetes recipes) whose copies the eventual store's nodes show."""


def _newest_copies(raft: tuple[RaftView, ...], t: float) -> tuple[RaftView, ...]:
    """Mark the replicas holding the newest copy of the leader key (by last-writer-wins)."""
    stamps = [tuple(v.replica_ts) for v in raft if v.replica_ts is not None]
    best = max(stamps) if stamps else None
    return tuple(replace(v, replica_newest=v.replica_ts is not None
                         and tuple(v.replica_ts) == best) for v in raft)


_HANDLERS: dict[str, Callable[[FoldState, Any], None]] = {
    "run.start": FoldState._on_run_start,
    "ec.write": FoldState._on_ec_write,
    "ec.hint": FoldState._on_ec_hint,
    "ec.paxos": FoldState._on_ec_paxos,
    "ec.cas": FoldState._on_ec_cas,
    "raft.role": FoldState._on_role,
    "raft.vote": FoldState._on_vote,
    "raft.append": FoldState._on_append,
    "raft.commit": FoldState._on_commit,
    "raft.apply": FoldState._on_apply,
    "raft.timer": FoldState._on_timer,
    "paxos.role": FoldState._on_paxos_role,
    "paxos.accept": FoldState._on_paxos_accept,
    "paxos.chosen": FoldState._on_paxos_chosen,
    "paxos.apply": FoldState._on_paxos_apply,
    "node.crash": FoldState._on_crash,
    "node.restart": FoldState._on_restart,
    "node.pause": FoldState._on_pause,
    "node.resume": FoldState._on_resume,
    "node.clock": FoldState._on_clock,
    "net.cut": FoldState._on_cut,
    "net.heal": FoldState._on_heal,
    "msg.send": FoldState._on_send,
    "msg.deliver": FoldState._on_resolve,
    "msg.drop": FoldState._on_resolve,
    "lease.grant": FoldState._on_lease_grant,
    "lease.renew": FoldState._on_lease_renew,
    "lease.revoke": FoldState._on_lease_revoke,
    "app.role": FoldState._on_app_role,
    "app.belief": FoldState._on_belief,
    "app.session": FoldState._on_app_session,
    "work": FoldState._on_work,
    "violation": FoldState._on_violation,
    "caption": FoldState._on_caption,
    "pause.point": FoldState._on_pause_point,
    "user.action": FoldState._on_user_action,
}
