"""The inspector: the selected host's projected state in plain words (read from the World)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from simulator.projection import AppView, ProviderView, RaftView, World
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


def raft_html(view: RaftView, world: World) -> str:
    """The inspector text of a Raft node."""
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
    return f"<h2>Raft node {escape(view.id)}</h2>" + _rows(pairs)


def app_html(view: AppView, world: World) -> str:
    """The inspector text of an app server."""
    lease = view.lease
    pairs = [
        ("state", "crashed" if view.crashed else ("paused" if view.paused else "running")),
        ("believes it leads", "yes" if view.leader else "no"),
        ("since", _seconds(view.since)),
        ("fencing token", "—" if view.token is None else str(view.token)),
        ("lease", "—" if lease is None else f"{lease.id} (TTL {lease.ttl:g} s)"),
        ("lease left", "—" if lease is None else _tenths(lease.remaining(world.t))),
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


def cluster_html(world: World) -> str:
    """The inspector text when nothing is selected: the cluster at a glance."""
    leader = world.leader
    pairs = [
        ("term", str(world.term)),
        ("Raft leader", escape(leader.id) if leader else "none"),
        ("crashed", escape(", ".join(v.id for v in world.raft if v.crashed) or "none")),
        ("cut links", str(len(world.cuts))),
    ]
    hint = (f"<p style='color:{style.MUTED}'>Click a node to inspect it; right-click it to "
            "crash, pause or restart it. Draw a line across the canvas to partition.</p>")
    return "<h2>Cluster</h2>" + _rows(pairs) + hint


class InspectorWidget(QWidget):
    """Shows the selected host's projected state, refreshed every frame."""

    def __init__(self, runner: SimRunner, scene: ClusterScene,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.scene = scene
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setWordWrap(True)
        self.label.setFont(style.font(16))
        self.label.setMargin(8)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self._html = ""
        runner.frame.connect(self.show_world)
        scene.selection_moved.connect(lambda _host: self.show_world(runner.world))
        self.show_world(runner.world)

    def show_world(self, world: World) -> None:
        """Describe the selected host (or the cluster) at ``world``'s time."""
        host = self.scene.selected_host()
        html = cluster_html(world)
        if host is not None:
            raft = world.raft_node(host)
            app = world.app(host)
            if raft is not None:
                html = raft_html(raft, world)
            elif app is not None:
                html = app_html(app, world)
            elif world.provider is not None and host == world.provider.id:
                html = provider_html(world.provider)
        if html != self._html:
            self._html = html
            self.label.setText(html)

    @property
    def text(self) -> str:
        """The plain text shown (for tests and accessibility)."""
        return self.label.text()
