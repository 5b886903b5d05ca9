"""The timeline's lane model: intervals and point markers folded from trace events, without Qt.

One lane per Raft node (track ``role``: follower / precandidate / candidate / leader with the
term as label), one lane per app server (track ``leads``: when it believes it leads, labelled
with its fencing token; track ``lease``: the store's lease it owns, valid until its expiry
deadline, then lapsed until the leader applies the revoke), and on every lane the shading
tracks ``crash``, ``pause`` and ``cut`` (cut off: a Raft node from a majority of the Raft
nodes, an app server from every store member). The ``crash`` track of an app server is
``shutdown`` from a graceful shutdown (its user.action, unless skipped) until it restarts or
crashes. A top lane ``events`` carries captions, pause points and violations. Point marks name
elections, lease expiries, watch events, charges and hand-overs.

The model is incremental: ``append`` costs O(1) for the events it ignores (messages, log
entries) and amortised O(1) for the others, so a live window can feed it every event.
Events may be typed trace events (simulator.trace.events) or JSON objects read from a log.
"""

from __future__ import annotations

import bisect
import re
from itertools import islice
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.checks.eventual import EventualFold
from simulator.checks.records import event_from_record
from simulator.projection.fold import EC_LEADER_KEYS
from simulator.projection.world import elects_leaders

EVENTS_LANE = "events"
RAFT = "raft"
APP = "app"
NOTES = "notes"

TRACKS_BY_LANE_KIND: dict[str, tuple[str, ...]] = {
    RAFT: ("role", "crash", "pause", "cut"),
    APP: ("leads", "lease", "crash", "pause", "cut"),
    NOTES: (),
}
"""The tracks a lane of each kind has."""

_SHADES = ("crash", "pause", "cut")

SHUTDOWN_ACTIONS = ("app_shutdown", "shutdown")
"""user.action names of a graceful shutdown (the runtime's, and a preset step's)."""


@dataclass(frozen=True, slots=True)
class Lane:
    """One horizontal lane of the timeline: a Raft node, an app server or the events lane."""

    id: str
    kind: str


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of time [start, end] in one ``state`` of a track; ``label`` is drawn on it."""

    start: float
    end: float
    state: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class Mark:
    """A point event at time ``t`` on ``lane``; ``kind`` picks the symbol, ``text`` explains it."""

    t: float
    lane: str
    kind: str
    text: str


class _Track:
    """Closed spans of one track in append order plus the one open span (if any)."""

    __slots__ = ("spans", "ends", "monotone", "open", "seen")

    def __init__(self, seen: set[str] | None = None) -> None:
        self.seen = seen if seen is not None else set()
        self.spans: list[Span] = []
        self.ends: list[float] = []
        self.monotone = True
        self.open: tuple[float, str, str] | None = None

    def add(self, span: Span) -> None:
        if span.end <= span.start:
            return
        if self.ends and span.end < self.ends[-1]:
            self.monotone = False
        self.seen.add(span.state)
        self.spans.append(span)
        self.ends.append(span.end)

    def close(self, t: float) -> None:
        if self.open is not None:
            start, state, label = self.open
            self.open = None
            self.add(Span(start, t, state, label))

    def switch(self, t: float, state: str, label: str) -> None:
        if self.open is not None and self.open[1] == state and self.open[2] == label:
            return
        self.close(t)
        self.open = (t, state, label)
        self.seen.add(state)


@dataclass(slots=True)
class _Lease:
    """What the model knows about one store lease while it lives."""

    lane: str | None
    start: float
    expiry: float
    ttl: float


def _natural_key(text: str) -> tuple[Any, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def _field(event: Any, name: str) -> Any:
    if type(event) is dict or isinstance(event, Mapping):
        return event.get(name)
    return getattr(event, name, None)


class TimelineModel:
    """Folds trace events into lanes of spans and point marks for the timeline.

    ``raft_nodes`` and ``app_servers`` fix the lanes and their order up front (a scenario's
    ids); ids first seen in events are added after them in natural order (n2 before n10).
    """

    def __init__(self, raft_nodes: Sequence[str] = (), app_servers: Sequence[str] = ()) -> None:
        self._lane_kind: dict[str, str] = {}
        self._declared: dict[str, list[str]] = {RAFT: [], APP: []}
        self._discovered: dict[str, list[str]] = {RAFT: [], APP: []}
        self._tracks: dict[tuple[str, str], _Track] = {}
        self._seen: set[str] = set()
        self._marks: dict[str, list[Mark]] = {}
        self._mark_count = 0
        self._terms: dict[str, int] = {}
        self._cuts: set[tuple[str, str]] = set()
        self._cut_peers: dict[str, str] = {}
        self._leases: dict[int, _Lease] = {}
        self._app_leader: str | None = None  # the last server that took over
        self._eventual = EventualFold()  # finds the eventual store's stale reads
        self.leader_legend = "Raft leader (term)"  # what the legend calls a leading member
        self.protocol = "raft"  # run.start's protocol: "raft", "multi-paxos" or "none"
        self._end = 0.0
        self._count = 0
        self._version = 0
        for node in raft_nodes:
            self._declare(node, RAFT)
        for server in app_servers:
            self._declare(server, APP)

    @classmethod
    def from_scenario(cls, scenario: Any, events: Iterable[Any] = ()) -> TimelineModel:
        """Build a model with the lanes of ``scenario`` (a simulator.config.Scenario) and fold
        ``events`` into it."""
        model = cls(tuple(scenario.raft.node_ids), tuple(scenario.app_ids))
        model.extend(events)
        return model

    # --- reading -------------------------------------------------------------------------

    @property
    def end_time(self) -> float:
        """The latest event time folded so far (open spans are drawn up to here)."""
        return self._end

    @property
    def version(self) -> int:
        """A counter that grows whenever something visible changed (for redraw decisions)."""
        return self._version

    @property
    def event_count(self) -> int:
        """How many events have been folded in (including ignored ones)."""
        return self._count

    def lanes(self) -> tuple[Lane, ...]:
        """All lanes top to bottom: the events lane, Raft nodes, then app servers."""
        lanes = [Lane(EVENTS_LANE, NOTES)]
        for kind in (RAFT, APP):
            ids = self._declared[kind] + sorted(self._discovered[kind], key=_natural_key)
            lanes.extend(Lane(lane_id, kind) for lane_id in ids)
        return tuple(lanes)

    def spans(self, lane: str, track: str, until: float | None = None) -> list[Span]:
        """All spans of ``track`` on ``lane``; an open span is drawn up to ``until`` (default the
        end time). The lease track splits an open lease at its expiry deadline."""
        return self.spans_between(lane, track, float("-inf"), float("inf"), until)

    def spans_between(
        self, lane: str, track: str, t0: float, t1: float, until: float | None = None
    ) -> list[Span]:
        """The spans of ``track`` on ``lane`` that overlap [t0, t1], oldest first."""
        data = self._tracks.get((lane, track))
        if data is None:
            if track != "lease":
                return []
            data = _Track()
        if data.monotone:
            index = bisect.bisect_left(data.ends, t0)
            result = []
            spans = data.spans
            while index < len(spans) and spans[index].start <= t1:
                result.append(spans[index])
                index += 1
        else:
            result = [s for s in data.spans if s.end >= t0 and s.start <= t1]
        result.extend(
            s for s in self._open_spans(lane, track, data, until) if s.end >= t0 and s.start <= t1
        )
        return result

    def span_at(self, lane: str, track: str, t: float) -> Span | None:
        """The span of ``track`` on ``lane`` covering time ``t`` (the later one at a boundary)."""
        found = None
        for span in self.spans_between(lane, track, t, t):
            if span.start <= t <= span.end and (found is None or span.start >= found.start):
                found = span
        return found

    def describe(self, lane: str, t: float) -> str:
        """One line saying what ``lane`` was doing at time ``t`` (for hover texts)."""
        parts: list[str] = []
        crash = self.span_at(lane, "crash", t)
        if crash is not None:
            what = "shut down" if crash.state == "shutdown" else "crashed"
            parts.append(f"{what} since {crash.start:.3f} s")
        role = self.span_at(lane, "role", t)
        if role is not None:
            epoch = f"term {role.label}" if role.label.isdigit() else f"ballot {role.label}"
            parts.append(f"{role.state} in {epoch} since {role.start:.3f} s")
        leads = self.span_at(lane, "leads", t)
        if leads is not None:
            parts.append(f"believes it leads ({leads.label or 'no token'}) "
                         f"since {leads.start:.3f} s")
        lease = self.span_at(lane, "lease", t)
        if lease is not None:
            if lease.state == "lease":
                parts.append(f"{lease.label} valid")
            else:
                parts.append(f"{lease.label} past its expiry at {lease.start:.3f} s")
        pause = self.span_at(lane, "pause", t)
        if pause is not None:
            parts.append(f"{pause.label} since {pause.start:.3f} s")
        cut = self.span_at(lane, "cut", t)
        if cut is not None:
            parts.append(cut.label)
        return f"{lane} at {t:.3f} s: " + ("; ".join(parts) if parts else "nothing recorded")

    def marks(self, kind: str | None = None) -> list[Mark]:
        """The point marks of ``kind`` (all kinds when None), oldest first."""
        if kind is not None:
            return list(self._marks.get(kind, ()))
        every = [m for k in sorted(self._marks) for m in self._marks[k]]
        every.sort(key=lambda m: m.t)
        return every

    def bar_states(self) -> tuple[str, ...]:
        """The bar states seen in any lane so far (including open spans), sorted."""
        states = set(self._seen)
        for lease in self._leases.values():
            if lease.lane is not None:
                states.add("lease")
                if self._end > lease.expiry:
                    states.add("lease-lapsed")
        return tuple(sorted(states))

    def mark_kinds(self) -> tuple[str, ...]:
        """The mark kinds present so far, sorted."""
        return tuple(sorted(k for k, v in self._marks.items() if v))

    def mark_count(self) -> int:
        """The number of marks of every kind."""
        return self._mark_count

    def _open_spans(
        self, lane: str, track: str, data: _Track, until: float | None
    ) -> list[Span]:
        end = self._end if until is None else until
        if track == "lease":
            return self._open_lease_spans(lane, end)
        if data.open is None or end <= data.open[0]:
            return []
        start, state, label = data.open
        return [Span(start, end, state, label)]

    def _open_lease_spans(self, lane: str, end: float) -> list[Span]:
        result = []
        for lease_id in sorted(self._leases):
            lease = self._leases[lease_id]
            if lease.lane != lane or end <= lease.start:
                continue
            label = _lease_label(lease_id, lease.ttl)
            valid_end = min(end, lease.expiry)
            if valid_end > lease.start:
                result.append(Span(lease.start, valid_end, "lease", label))
            if end > lease.expiry:
                result.append(Span(max(lease.start, lease.expiry), end, "lease-lapsed", label))
        return result

    # --- folding -------------------------------------------------------------------------

    def advance_to(self, t: float) -> None:
        """Note that simulated time reached ``t`` with no new event: open spans grow to it."""
        if t > self._end:
            self._end = t
            self._version += 1

    def extend(self, events: Iterable[Any], start: int = 0) -> None:
        """Fold every event of ``events`` from index ``start`` on, in order.

        A trace's compact log (it has ``runs``) is read without building its message and
        timer records: no lane shows them, so they only move the end time and the count.
        """
        runs = getattr(events, "runs", None)
        if runs is None:
            for event in islice(events, start, None):
                self.append(event)
            return
        times = events.times  # type: ignore[attr-defined]
        append = self.append
        for low, high, event in runs(start, len(events)):  # type: ignore[arg-type]
            if event is not None:
                append(event)
                continue
            self._count += high - low
            t = times[high - 1]
            if t > self._end:
                self._end = t
                self._version += 1

    def append(self, event: Any) -> None:
        """Fold one event (typed trace event or JSON object) into the lanes."""
        self._count += 1
        if type(event) is dict or isinstance(event, Mapping):
            kind, t = event.get("kind"), float(event["t"])
        else:
            kind, t = event.kind, event.t
        handler = _HANDLERS.get(kind)
        if t > self._end:
            self._end = t
            self._version += 1
        if handler is not None:
            handler(self, event, t)
            self._version += 1

    def _declare(self, lane_id: str, kind: str) -> None:
        if lane_id in self._lane_kind or lane_id == EVENTS_LANE:
            return
        self._lane_kind[lane_id] = kind
        self._declared[kind].append(lane_id)

    def _discover(self, lane_id: str, kind: str) -> None:
        if lane_id in self._lane_kind or lane_id == EVENTS_LANE:
            return
        self._lane_kind[lane_id] = kind
        self._discovered[kind].append(lane_id)

    def _track(self, lane: str, track: str) -> _Track:
        data = self._tracks.get((lane, track))
        if data is None:
            data = self._tracks[(lane, track)] = _Track(self._seen)
        return data

    def _mark(self, t: float, lane: str, kind: str, text: str) -> None:
        self._marks.setdefault(kind, []).append(Mark(t, lane, kind, text))
        self._mark_count += 1

    def _app_lane_of(self, who: str | None, create: bool) -> str | None:
        """Map a client or lease owner id to an app server lane (``app1/session`` -> app1)."""
        if not who:
            return None
        if self._lane_kind.get(who) == APP:
            return who
        apps = [lane for lane, kind in self._lane_kind.items() if kind == APP]
        for lane in sorted(apps, key=len, reverse=True):
            if who.startswith(lane) and not who[len(lane)].isalnum():
                return lane
        if self._lane_kind.get(who) == RAFT:
            return None
        if create:
            base = re.split(r"[/:#@]", who, maxsplit=1)[0] or who
            if self._lane_kind.get(base) == RAFT:
                return None
            self._discover(base, APP)
            return base
        return None

    # raft ---------------------------------------------------------------------------------

    def _on_raft_role(self, event: Any, t: float) -> None:
        node = str(_field(event, "node"))
        role = str(_field(event, "role"))
        term = int(_field(event, "term") or 0)
        self._discover(node, RAFT)
        self._terms[node] = term
        self._track(node, "role").switch(t, role, str(term))
        if role == "candidate":
            self._mark(t, node, "election", f"{node} starts an election for term {term}")
        elif role == "leader":
            self._mark(t, node, "elected", f"{node} becomes the Raft leader of term {term}")

    def _on_run_start(self, event: Any, t: float) -> None:
        self.protocol = str(_field(event, "protocol") or "raft")

    def _on_paxos_role(self, event: Any, t: float) -> None:
        node = str(_field(event, "node"))
        role = str(_field(event, "role"))
        round_, owner = _field(event, "ballot") or (0, "")
        ballot = f"({round_}, {owner})" if owner else f"({round_})"
        self.leader_legend = "Multi-Paxos leader (ballot)"
        self._discover(node, RAFT)
        self._terms[node] = ballot  # type: ignore[assignment]
        self._track(node, "role").switch(t, role, ballot)
        if role == "candidate":
            self._mark(t, node, "election", f"{node} runs phase 1 with ballot {ballot}")
        elif role == "leader":
            self._mark(t, node, "elected",
                       f"{node} becomes the Multi-Paxos leader with ballot {ballot}")

    def _on_crash(self, event: Any, t: float) -> None:
        node = str(_field(event, "node"))
        self._track(node, "role").close(t)
        self._track(node, "leads").close(t)
        self._track(node, "pause").close(t)
        self._track(node, "crash").switch(t, "crash", "crashed")

    def _on_restart(self, event: Any, t: float) -> None:
        node = str(_field(event, "node"))
        self._track(node, "crash").close(t)
        if self._lane_kind.get(node) == RAFT:
            term = self._terms.get(node, 0)
            self._track(node, "role").switch(t, "follower", str(term))

    def _on_user_action(self, event: Any, t: float) -> None:
        """A graceful shutdown that ran shades its app server's lane until restart or crash."""
        action = _field(event, "action")
        if action not in SHUTDOWN_ACTIONS or str(_field(event, "detail") or "").startswith(
                "skipped"):
            return
        server = str(_field(event, "target"))
        kind = self._lane_kind.get(server)
        if kind == RAFT or (kind is None and action != "app_shutdown"):
            return  # a preset step's symbolic target: the runtime traces app_shutdown too
        self._discover(server, APP)
        self._track(server, "crash").switch(t, "shutdown", "shut down")

    def _on_pause(self, event: Any, t: float) -> None:
        node = str(_field(event, "node"))
        duration = _field(event, "duration")
        label = f"paused {float(duration):g} s" if duration is not None else "paused"
        self._track(node, "pause").switch(t, "pause", label)

    def _on_resume(self, event: Any, t: float) -> None:
        self._track(str(_field(event, "node")), "pause").close(t)

    def _on_cut(self, event: Any, t: float) -> None:
        self._cuts.add((str(_field(event, "src")), str(_field(event, "dst"))))
        self._update_cut_shading(event, t)

    def _on_heal(self, event: Any, t: float) -> None:
        self._cuts.discard((str(_field(event, "src")), str(_field(event, "dst"))))
        self._update_cut_shading(event, t)

    def _update_cut_shading(self, event: Any, t: float) -> None:
        """Shade exactly the lanes of hosts that are cut off: a Raft (or Multi-Paxos) node
        that cannot talk (both ways) with a majority of the nodes counting itself, an app
        server that cannot talk with any cluster node (store member). The eventual store has
        no majority: a replica is shaded only when it can talk with no other replica. A lone
        cut link shades nothing."""
        raft = self._declared[RAFT] + sorted(self._discovered[RAFT], key=_natural_key)
        apps = self._declared[APP] + sorted(self._discovered[APP], key=_natural_key)
        majority = len(raft) // 2 + 1
        by_majority = elects_leaders(self.protocol)
        for node in [*raft, *apps]:
            peers = tuple(peer for peer in raft if peer != node)
            blocked = tuple(peer for peer in peers
                            if (node, peer) in self._cuts or (peer, node) in self._cuts)
            if node in raft and by_majority:
                cut_off = 1 + len(peers) - len(blocked) < majority
            else:
                cut_off = bool(peers) and len(blocked) == len(peers)
            label = "cut from " + ", ".join(blocked) if cut_off else ""
            if label == self._cut_peers.get(node, ""):
                continue
            self._cut_peers[node] = label
            track = self._track(node, "cut")
            if cut_off:
                track.switch(t, "cut", label)
            else:
                track.close(t)

    # store --------------------------------------------------------------------------------

    def _on_lease_grant(self, event: Any, t: float) -> None:
        lease_id = int(_field(event, "lease"))
        ttl = float(_field(event, "ttl") or 0.0)
        owner = _field(event, "owner")
        lane = self._app_lane_of(str(owner) if owner is not None else None, create=True)
        self._leases[lease_id] = _Lease(lane, t, t + ttl, ttl)

    def _on_lease_renew(self, event: Any, t: float) -> None:
        lease = self._leases.get(int(_field(event, "lease")))
        expiry = _field(event, "expiry")
        if lease is not None and expiry is not None:
            lease.expiry = float(expiry)

    def _on_lease_revoke(self, event: Any, t: float) -> None:
        lease_id = int(_field(event, "lease"))
        reason = str(_field(event, "reason"))
        lease = self._leases.pop(lease_id, None)
        lane = lease.lane if lease is not None and lease.lane else EVENTS_LANE
        if lease is not None and lease.lane is not None:
            track = self._track(lease.lane, "lease")
            label = _lease_label(lease_id, lease.ttl)
            valid_end = min(t, lease.expiry)
            track.add(Span(lease.start, valid_end, "lease", label))
            if t > lease.expiry:
                track.add(Span(max(lease.start, lease.expiry), t, "lease-lapsed", label))
        owner = f" of {lane}" if lane != EVENTS_LANE else ""
        if reason == "expired":
            detail = f" (deadline {lease.expiry:.2f} s)" if lease is not None else ""
            self._mark(t, lane, "lease-expired", f"lease {lease_id}{owner} expired{detail}")
        else:
            self._mark(t, lane, "lease-revoked", f"lease {lease_id}{owner} revoked ({reason})")

    def _on_watch(self, event: Any, t: float) -> None:
        client = str(_field(event, "client"))
        lane = self._app_lane_of(client, create=False) or EVENTS_LANE
        kind = _field(event, "type")
        self._mark(
            t, lane, "watch",
            f"{client} sees {kind} of {_field(event, 'key')} (rev {_field(event, 'revision')})",
        )

    # the eventual store ----------------------------------------------------------------------

    def _on_ec_write(self, event: Any, t: float) -> None:
        """A replica ignored a write of the leader key (an older timestamp than it held)."""
        held = _field(event, "held")
        key = _field(event, "key")
        if _field(event, "applied") or _field(event, "conflict") or held is None or \
                key not in EC_LEADER_KEYS:
            return
        replica = str(_field(event, "replica"))
        ts = _field(event, "ts")
        value = _field(event, "value")
        self._mark(t, replica, "ignored-write",
                   f"{replica} ignored {value if value is not None else 'a deletion'} "
                   f"@{float(ts[0]):.1f} from {ts[1]}: it holds @{float(held[0]):.1f} "
                   f"from {held[1]}")

    def _on_ec_result(self, event: Any, t: float) -> None:
        """A read that missed an acknowledged write (the checks' definition) is marked."""
        typed = event_from_record(event) if isinstance(event, Mapping) else event
        if typed is None:
            return
        before = len(self._eventual._stale)  # noqa: SLF001 - the fold's running list
        self._eventual.observe(typed)
        stale = self._eventual._stale  # noqa: SLF001
        if len(stale) > before:
            read = stale[-1]
            lane = self._app_lane_of(read.client, create=False) or EVENTS_LANE
            self._mark(t, lane, "stale-read", f"Stale read: {read.text}")

    # application --------------------------------------------------------------------------

    def _on_app_role(self, event: Any, t: float) -> None:
        server = str(_field(event, "server"))
        leader = bool(_field(event, "leader"))
        token = _field(event, "token")
        self._discover(server, APP)
        track = self._track(server, "leads")
        if leader:
            label = f"token {token}" if token is not None else ""
            track.switch(t, "app-leader", label)
            previous = self._app_leader
            came_from = f" from {previous}" if previous and previous != server else ""
            text = f"{server} takes over{came_from} ({label or 'no token'})"
            self._mark(t, server, "app-leader", text)
            self._app_leader = server
        else:
            track.close(t)

    def _on_work(self, event: Any, t: float) -> None:
        server = str(_field(event, "server"))
        self._discover(server, APP)
        accepted = bool(_field(event, "accepted"))
        duplicate = bool(_field(event, "duplicate"))
        job = _field(event, "job")
        token = _field(event, "token")
        if accepted and duplicate:
            kind, what = "double-charge", "DOUBLE charge"
        elif accepted:
            kind, what = "charge", "charge"
        else:
            kind = "charge-rejected"
            what = "rejected duplicate charge" if duplicate else "rejected charge"
        self._mark(t, server, kind, f"{server}: {what} of {job} (token {token})")

    # notes --------------------------------------------------------------------------------

    def _on_violation(self, event: Any, t: float) -> None:
        self._mark(
            t, EVENTS_LANE, "violation", f"{_field(event, 'what')}: {_field(event, 'detail')}"
        )

    def _on_caption(self, event: Any, t: float) -> None:
        self._mark(t, EVENTS_LANE, "caption", str(_field(event, "text")))

    def _on_pause_point(self, event: Any, t: float) -> None:
        self._mark(t, EVENTS_LANE, "caption", "Question: " + str(_field(event, "question")))


def _lease_label(lease_id: int, ttl: float) -> str:
    return f"lease {lease_id}, TTL {ttl:g} s"


_HANDLERS = {
    "run.start": TimelineModel._on_run_start,
    "raft.role": TimelineModel._on_raft_role,
    "paxos.role": TimelineModel._on_paxos_role,
    "node.crash": TimelineModel._on_crash,
    "node.restart": TimelineModel._on_restart,
    "node.pause": TimelineModel._on_pause,
    "node.resume": TimelineModel._on_resume,
    "net.cut": TimelineModel._on_cut,
    "net.heal": TimelineModel._on_heal,
    "lease.grant": TimelineModel._on_lease_grant,
    "lease.renew": TimelineModel._on_lease_renew,
    "lease.revoke": TimelineModel._on_lease_revoke,
    "watch.event": TimelineModel._on_watch,
    "app.role": TimelineModel._on_app_role,
    "work": TimelineModel._on_work,
    "ec.write": TimelineModel._on_ec_write,
    "ec.result": TimelineModel._on_ec_result,
    "violation": TimelineModel._on_violation,
    "caption": TimelineModel._on_caption,
    "pause.point": TimelineModel._on_pause_point,
    "user.action": TimelineModel._on_user_action,
}
