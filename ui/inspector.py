"""The inspector: the selected host's state, and the store's keys, leases and watches.

Everything comes from the trace at the cursor: the World (projection), each node's log tail
(projection.logs.LogIndex) and the store of a member (projection.store.StoreTimeline, which
folds kv.change, lease.* and watch.* events). Tab "Node" shows the selected host (or the
cluster); tab "Store" shows the store as the selected Raft node, else the Raft leader, holds it.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from simulator.kv.inspection import StoreInspection
from simulator.projection import AppView, ProviderView, RaftView, World
from simulator.projection.logs import LogEntryView, LogIndex
from simulator.projection.store import StoreTimeline
from simulator.projection.transactions import ballot_words
from simulator.projection.world import ballot_text
from ui import style
from ui.canvas.scene import ClusterScene
from ui.runner import SimRunner


def _rows(pairs: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td style='color:{style.MUTED}; padding-right:14px'>{escape(k)}</td>"
        f"<td><b>{v}</b></td></tr>" for k, v in pairs)
    return f"<table cellspacing='3'>{cells}</table>"


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def _tenths(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s"


LOG_TAIL = 6
STORE_ROWS = 40


# A store cell longer than this many characters is shortened in its middle ("/election/…7f3a").
CELL_CHARS = 22


def elide(text: str, limit: int = CELL_CHARS) -> str:
    """``text`` cut in its middle to at most ``limit`` characters (its start and its end stay:
    the end tells keys of one prefix apart)."""
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    return text[:head] + "…" + text[len(text) - (limit - 1 - head):]


def _table(header: list[str], rows: list[list[str]]) -> str:
    """A table whose cells never wrap (a key or a header is never split mid-word)."""
    head = "".join(f"<th align='left' style='color:{style.MUTED}; padding-right:7px; "
                   f"white-space:nowrap'>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(
        f"<td style='padding-right:7px; white-space:nowrap'>{cell}</td>" for cell in row)
        + "</tr>" for row in rows)
    return f"<table cellspacing='1' style='font-size:small'><tr>{head}</tr>{body}</table>"


def log_html(entries: tuple[LogEntryView, ...], commit_index: int) -> str:
    """The log tail as a table: index, term, command, and where the commit index is."""
    if not entries:
        return f"<p style='color:{style.MUTED}'>The log is empty.</p>"
    rows = []
    for entry in entries:
        cmd = escape(entry.cmd) if entry.cmd is not None else \
            f"<span style='color:{style.MUTED}'>not applied yet</span>"
        mark = "✔" if entry.committed else "…"
        if entry.index == commit_index:
            mark = "◀ commit"
        rows.append([str(entry.index), str(entry.term), cmd, mark])
    return _table(["index", "term", "command", ""], rows) + (
        f"<p style='color:{style.MUTED}'>✔ committed · … not committed yet · "
        "◀ the node's commit index</p>")


def slots_html(view: RaftView) -> str:
    """A Multi-Paxos node's latest slots: accepted ballot, value, chosen or not."""
    if not view.slots:
        return f"<p style='color:{style.MUTED}'>No value accepted yet.</p>"
    rows = [[str(slot.slot), escape(ballot_text(slot.ballot)), escape(elide(slot.cmd)),
             "✔ chosen" if slot.chosen else "… not known chosen"] for slot in view.slots]
    return _table(["slot", "accepted ballot", "value", ""], rows) + (
        f"<p style='color:{style.MUTED}'>✔ the node knows the slot chosen (a majority "
        "accepted it under one ballot) · … accepted here, not known chosen</p>")


def paxos_html(view: RaftView, world: World) -> str:
    """The inspector text of a Multi-Paxos node: role, promised ballot, its slot table."""
    state = "crashed" if view.crashed else ("paused" if view.paused else
                                            style.ROLE_NAMES.get(view.role, view.role))
    timer = None if view.timer_deadline is None else \
        round(max(0.0, view.timer_deadline - world.t), 1)
    cut_to = sorted(dst for src, dst in world.cuts if src == view.id)
    cut_from = sorted(src for src, dst in world.cuts if dst == view.id)
    own = view.role in ("candidate", "leader")
    pairs = [
        ("protocol", escape(view.protocol_name)),
        ("state", escape(state)),
        ("promised ballot", escape(ballot_text(view.ballot))),
        ("own ballot", escape(ballot_text(view.ballot)) if own else "— (not proposing)"),
        ("highest slot", str(view.log_length)),
        ("chosen up to", str(view.commit_index)),
        ("applied", f"{view.applied_index}" + (
            f" ({escape(view.last_applied_cmd)})" if view.last_applied_cmd else "")),
        ("election timer", "—" if timer is None else f"{timer:.1f} s left"),
        ("paused until", _seconds(view.paused_until)),
        ("clock", f"offset {view.clock_offset:+g} s, rate {view.clock_rate:g}x"),
        ("cannot send to", escape(", ".join(cut_to) or "—")),
        ("cannot hear", escape(", ".join(cut_from) or "—")),
    ]
    return (f"<h2>Multi-Paxos node {escape(view.id)}</h2>" + _rows(pairs)
            + "<h3>Slots</h3>" + slots_html(view))


def _eventual_store(world: World) -> str:
    """What the eventual store runs: no consensus, or Paxos per key for its transactions."""
    if world.transaction is None:
        return "eventual (no consensus)"
    return "eventual, lightweight transactions (Paxos per key)"


def replica_html(view: RaftView, world: World) -> str:
    """The inspector text of an eventual store node: its copy of the leader key, hints."""
    from ui.canvas.items import replica_state  # the canvas and the inspector agree

    state = "crashed" if view.crashed else ("paused" if view.paused else "up")
    ttl = "none" if view.replica_expires is None else \
        f"{max(0.0, view.replica_expires - world.t):.1f} s left"
    pairs = [
        ("store", _eventual_store(world)),
        ("state", escape(state)),
        ("leader key", escape(view.replica_key or "none")),
        ("copy", escape(view.replica_text)),
        ("freshness", escape(replica_state(view, world.t))),
        ("TTL by its clock", escape(ttl)),
        ("clock offset", f"{view.clock_offset:+g} s"),
        ("hints held", str(view.hints)),
    ]
    if view.replica_promised is not None:
        pairs.append(("promised ballot", escape(ballot_words(view.replica_promised))))
    return f"<h2>{escape(view.id)}</h2>" + _rows(pairs)


def raft_html(view: RaftView, world: World,
              log: tuple[LogEntryView, ...] = ()) -> str:
    """The inspector text of a consensus node: a Raft node with the tail of its log, or a
    Multi-Paxos node with its slots."""
    if view.protocol == "none":
        return replica_html(view, world)
    if view.protocol != "raft":
        return paxos_html(view, world)
    state = "crashed" if view.crashed else ("paused" if view.paused else
                                            style.ROLE_NAMES.get(view.role, view.role))
    timer = None if view.timer_deadline is None else \
        round(max(0.0, view.timer_deadline - world.t), 1)
    cut_to = sorted(dst for src, dst in world.cuts if src == view.id)
    cut_from = sorted(src for src, dst in world.cuts if dst == view.id)
    pairs = [
        ("state", escape(state)),
        ("term", str(view.term)),
        ("voted for", escape(view.voted_for or "—")),
        ("log length", str(view.log_length)),
        ("commit index", str(view.commit_index)),
        ("applied", f"{view.applied_index}" + (
            f" ({escape(view.last_applied_cmd)})" if view.last_applied_cmd else "")),
        ("election timer", "—" if timer is None else f"{timer:.1f} s left"),
        ("paused until", _seconds(view.paused_until)),
        ("clock", f"offset {view.clock_offset:+g} s, rate {view.clock_rate:g}x"),
        ("cannot send to", escape(", ".join(cut_to) or "—")),
        ("cannot hear", escape(", ".join(cut_from) or "—")),
    ]
    return (f"<h2>Raft node {escape(view.id)}</h2>" + _rows(pairs)
            + "<h3>Log tail</h3>" + log_html(log, view.commit_index))


def app_state(view: AppView) -> str:
    """An app server's state in words: crashed, shut down (gracefully), paused or running."""
    if view.crashed:
        return "crashed"
    if view.shut_down:
        return "shut down" + (", paused" if view.paused else "")
    return "paused" if view.paused else "running"


def _belief_rows(view: AppView, t: float) -> list[tuple[str, str]]:
    """What it believes of the lease record, by its own clock (Kubernetes' recipe)."""
    belief = view.belief
    left = view.belief_left(t)
    if belief is None or left is None:
        return []
    holder = belief.holder or "nobody (released)"
    what = "gives up unless renewed in" if belief.holder == view.id else "may take over in"
    return [("lease record holder", escape(holder)),
            (what, f"{_tenths(left)} of its clock"),
            ("its clock reads", f"{view.local_time(t):.1f} s")]


def session_rows(view: AppView) -> list[tuple[str, str]]:
    """The ZooKeeper client session's row (only for a server that has one)."""
    if view.session_state is None:
        return []
    return [("ZooKeeper session", f"{view.session_id}: {view.session_state}")]


def app_html(view: AppView, world: World) -> str:
    """The inspector text of an app server."""
    lease = view.lease
    pairs = [
        ("state", app_state(view)),
        ("believes it leads", "yes" if view.leader else "no"),
        ("since", _seconds(view.since)),
        ("fencing token", "—" if view.token is None else str(view.token)),
        *session_rows(view),
        ("lease", "—" if lease is None else f"{lease.id} (TTL {lease.ttl:g} s)"),
        ("lease left", "—" if lease is None else _tenths(lease.remaining(world.t))),
        *_belief_rows(view, world.t),
        ("charges sent", str(view.charges)),
        ("last charge", "—" if view.last_work is None else escape(
            f"{view.last_work.job} at {view.last_work.t:.2f} s"
            + ("" if view.last_work.accepted else " (rejected)"))),
    ]
    return f"<h2>App server {escape(view.id)}</h2>" + _rows(pairs)


def provider_html(view: ProviderView) -> str:
    """The inspector text of the payment provider."""
    pairs = [
        ("state", "crashed" if view.crashed else "running"),
        ("charges accepted", str(view.accepted)),
        ("charges rejected", str(view.rejected)),
        ("double charges", str(view.duplicates)),
        ("highest token", "—" if view.highest_token is None else str(view.highest_token)),
    ]
    return "<h2>Payment provider</h2>" + _rows(pairs)


def store_html(store: StoreInspection, why: str) -> str:
    """The store as member ``store.node`` holds it: revision, keys, leases, watches."""
    pairs = [
        ("member", escape(f"{store.node} ({why})")),
        ("revision", str(store.revision)),
        ("applied index", str(store.applied_index)),
        ("lease expiry", "decided here (primary lessor)" if store.primary
         else "decided by the leader only"),
    ]
    html = "<h2>Store</h2>" + _rows(pairs)
    keys = [[escape(elide(kv.key)), escape(elide(kv.value or "—")), str(kv.create_revision),
             str(kv.mod_revision), str(kv.version), str(kv.lease) if kv.lease else "—"]
            for kv in store.kvs[:STORE_ROWS]]
    html += f"<h3>Keys ({len(store.kvs)})</h3>"
    html += _table(["key", "value", "create", "mod", "ver", "lease"], keys) if keys else \
        f"<p style='color:{style.MUTED}'>No keys.</p>"
    if len(store.kvs) > STORE_ROWS:
        html += f"<p style='color:{style.MUTED}'>… and {len(store.kvs) - STORE_ROWS} more</p>"
    leases = [[str(lease.lease_id), escape(elide(lease.owner)), f"{lease.ttl:g} s",
               "—" if lease.remaining is None else f"{lease.remaining:.1f} s",
               escape(elide(", ".join(lease.keys) or "—"))] for lease in store.leases]
    html += f"<h3>Leases ({len(store.leases)})</h3>"
    html += _table(["id", "owner", "TTL", "left", "keys"], leases) if leases else \
        f"<p style='color:{style.MUTED}'>No leases.</p>"
    watches = [[escape(elide(w.client)), escape(elide(w.key + ("*" if w.prefix else ""))),
                str(w.next_revision)] for w in store.watches]
    html += f"<h3>Watches served here ({len(store.watches)})</h3>"
    html += _table(["client", "key", "from revision"], watches) if watches else \
        f"<p style='color:{style.MUTED}'>No watches.</p>"
    return html


def cluster_html(world: World) -> str:
    """The inspector text when nothing is selected: the cluster at a glance."""
    leader = world.leader
    if world.protocol == "none":
        pairs = [
            ("store", _eventual_store(world)),
            ("leader key", escape(world.leader_key_text)),
            ("hints held", str(sum(v.hints for v in world.raft))),
            ("crashed", escape(", ".join([v.id for v in world.raft if v.crashed]
                                         + [v.id for v in world.apps if v.crashed]) or "none")),
            ("cut links", str(len(world.cuts))),
        ]
        if world.transaction is not None:
            pairs.append(("last transaction", escape(world.transaction)))
        return "<h2>Cluster</h2>" + _rows(pairs)
    pairs = [
        ("protocol", escape(world.protocol_name)),
        (world.epoch_name, escape(world.epoch_value)),
        (f"{world.protocol_name} leader", escape(leader.id) if leader else "none"),
        # Raft nodes first, then app servers: a crashed app server is news too.
        ("crashed", escape(", ".join([v.id for v in world.raft if v.crashed]
                                     + [v.id for v in world.apps if v.crashed]) or "none")),
        ("cut links", str(len(world.cuts))),
    ]
    shut_down = [v.id for v in world.apps if v.shut_down and not v.crashed]
    if shut_down:
        pairs.insert(3, ("shut down", escape(", ".join(shut_down))))
    hint = (f"<p style='color:{style.MUTED}'>Click a node to inspect it; right-click it to "
            "crash, pause or restart it. Draw a line across the canvas to partition.</p>")
    return "<h2>Cluster</h2>" + _rows(pairs) + hint


def _page(size: float) -> QTextBrowser:
    """A read-only rich-text page (lays tables out once per change, unlike a word-wrapped
    QLabel, which re-measures them on every layout pass)."""
    page = QTextBrowser()
    page.setFont(style.font(size))
    page.setOpenLinks(False)
    page.setFrameShape(QTextBrowser.Shape.NoFrame)
    page.document().setDocumentMargin(8)
    return page


class InspectorWidget(QWidget):
    """Shows the selected host's projected state and the store, refreshed every frame."""

    FONT_SIZE = 16

    def __init__(self, runner: SimRunner, scene: ClusterScene,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.scene = scene
        self.label = _page(self.FONT_SIZE)
        self.store_label = _page(self.FONT_SIZE - 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.label, "Node")
        self.tabs.addTab(self.store_label, "Store")
        self.tabs.currentChanged.connect(lambda _index: self.show_world(runner.world))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self._html = ""
        self._store_html = ""
        self._attach()
        runner.frame.connect(self.show_world)
        runner.session_replaced.connect(self._attach)
        scene.selection_moved.connect(lambda _host: self.show_world(runner.world))
        self.show_world(runner.world)

    def _attach(self) -> None:
        """Index the current session's trace (again after a fork or a new preset)."""
        trace = self.runner.session.trace
        self.logs = LogIndex(trace)
        self.store = StoreTimeline(trace)

    def set_scale(self, scale: float) -> None:
        """Text ``scale`` times the normal size (presenter mode)."""
        self.label.setFont(style.font(self.FONT_SIZE * scale))
        self.store_label.setFont(style.font((self.FONT_SIZE - 1) * scale))
        self.tabs.setFont(style.font(14 * scale))

    def show_world(self, world: World) -> None:
        """Describe the selected host (or the cluster) and, when shown, the store at
        ``world``'s time."""
        host = self.scene.selected_host()
        html = cluster_html(world)
        if host is not None:
            raft = world.raft_node(host)
            app = world.app(host)
            if raft is not None:
                log = self.logs.tail(raft.id, world.event_index, raft.commit_index, LOG_TAIL)
                html = raft_html(raft, world, log)
            elif app is not None:
                html = app_html(app, world)
            elif world.provider is not None and host == world.provider.id:
                html = provider_html(world.provider)
        if html != self._html:
            self._html = html
            self._show(self.label, html)
        if self.tabs.currentIndex() == 1:
            self._show_store(world, host)

    def store_member(self, world: World, host: str | None) -> tuple[str | None, str]:
        """Whose store to show and why: the selected Raft node, else the Raft leader, else the
        first node that is up."""
        if host is not None and world.raft_node(host) is not None:
            return host, "selected"
        leader = world.leader
        if leader is not None:
            return leader.id, f"{world.protocol_name} leader"
        for view in world.raft:
            if not view.crashed:
                return view.id, "no leader now: first live member"
        return None, ""

    def _show_store(self, world: World, host: str | None) -> None:
        member, why = self.store_member(world, host)
        if member is None:
            html = "<h2>Store</h2><p>Every member is down.</p>"
        else:
            html = store_html(self.store.view(member, world.t), why)
        if html != self._store_html:
            self._store_html = html
            self._show(self.store_label, html)

    @staticmethod
    def _show(page: QTextBrowser, html: str) -> None:
        """Replace the page's text, keeping where it is scrolled to."""
        bar = page.verticalScrollBar()
        position = bar.value()
        page.setHtml(html)
        bar.setValue(position)

    def show_store_tab(self) -> None:
        """Bring the Store tab to the front."""
        self.tabs.setCurrentIndex(1)

    @property
    def text(self) -> str:
        """The rich text of the Node tab (for tests and accessibility)."""
        return self._html

    @property
    def store_text(self) -> str:
        """The rich text of the Store tab (filled while the tab is shown)."""
        return self._store_html
