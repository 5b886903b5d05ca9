"""The cluster canvas's scene: an id -> item map drawn from the runner's World, plus walls.

The scene takes the runner (the model) in its constructor. Each frame it moves every item to the
projected state; it never reads the simulation. Walls and clicked links turn into actions on the
runner (partition, cut, heal), which the simulation applies at the cursor time and traces.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QBrush, QPainter
from PySide6.QtWidgets import QGraphicsScene

from simulator.projection import World
from simulator.projection.fold import PROVIDER_ID, natural_key
from ui import style
from ui.canvas.banner import BANNER_HEIGHT, BannerItem
from ui.canvas.items import AppServerItem, HostItem, LinkItem, ProviderItem, RaftNodeItem
from ui.canvas.layout import default_layout
from ui.canvas.overlays import FlightsItem, LegendItem, WallItem
from ui.canvas.spacing import Box, group_scales, nearest_free_spot, placed
from ui.canvas.walls import Wall, partition_groups
from ui.runner import SimRunner
from ui.style import colour

# Violations glow on the hosts they name for this many simulated seconds.
FLASH_SECONDS = 2.0
# The canvas reaches this far beyond the hosts' footprints (above the highest crown, below the
# lowest label): the view fits this area, so hosts are drawn as large as the view allows.
CONTENT_MARGIN = 16.0
# An app server's or the provider's footprint reaches this far beyond its box.
BOX_MARGIN = 13.0
# Where hosts grow less than the text, their roomy labels grow at most this much more.
MAX_TEXT_BOOST = 1.2
# A Raft node's role label reaches this far below its timer ring.
HOST_LABEL_BELOW = 40.0


def link_key(a: str, b: str) -> tuple[str, str]:
    """The undirected link's key: its two ends in natural order."""
    return (a, b) if natural_key(a) <= natural_key(b) else (b, a)


class ClusterScene(QGraphicsScene):
    """Hosts, links, messages, walls and legend of the running session.

    On screen the scene holds no header: the window shows the time and caption in a
    BannerWidget above the view, so the fit has only the hosts to keep. The scene's
    ``banner`` item appears above the hosts while a picture is exported (``picture``).
    """

    selection_moved = Signal(str)
    """The selected host changed (its id, or "" when nothing is selected)."""

    def __init__(self, runner: SimRunner) -> None:
        super().__init__()
        self.runner = runner
        self.hosts: dict[str, HostItem] = {}
        self.links: dict[tuple[str, str], LinkItem] = {}
        self.walls: list[WallItem] = []
        self._session = runner.session
        self._aspect: float | None = None
        self.text_scale = 1.0
        self.host_scale = 1.0
        """The largest kind of host and the legend are drawn this much larger (at most
        ``text_scale``)."""
        self.content = QRectF(0, 0, 1, 1)
        """The hosts' area at scale 1: the layout's width, their footprints' height."""
        self._picture = False
        self.manual_cuts: dict[tuple[str, str], float] = {}
        """Directed links cut by clicking, with the time they were cut."""
        self._moved_hosts: set[str] = set()
        self._rest: dict[str, tuple[float, float]] = {}
        """Where each host stood before the drag in progress (where the last one left it)."""
        self._moves: list[tuple[float, HostItem | WallItem, QPointF]] = []
        """Drags that changed the partition: (time, item, where it was before), oldest first;
        a fork before a drag's time puts the item back, as the trace no longer has it."""
        self._own_acts: set[float] = set()
        """The times the canvas changed the network (walls, clicked links)."""
        self._heal_checked: dict[WallItem, float] = {}
        """How far the trace was searched for a heal of each wall's links (none found)."""
        self._gesture: set[HostItem | WallItem] = set()
        self.setBackgroundBrush(QBrush(colour(style.BACKGROUND)))
        self.banner = BannerItem(1.0)
        self.banner.setVisible(False)
        self.legend = LegendItem()
        self.flights = FlightsItem(1.0, 1.0, self.position_of, self.host_areas)
        self.addItem(self.banner)
        self.addItem(self.legend)
        self.addItem(self.flights)
        self.selectionChanged.connect(self._on_selection)
        runner.frame.connect(self.show_world)
        runner.session_replaced.connect(self._on_session_replaced)
        self.build()
        self.show_world(runner.world)

    # --- building --------------------------------------------------------------------------

    def build(self) -> None:
        """(Re)create the host and link items for the session's scenario."""
        for item in [*self.hosts.values(), *self.links.values()]:
            self.removeItem(item)
        self.hosts.clear()
        self.links.clear()
        scenario = self.runner.session.scenario
        raft_ids = scenario.raft.node_ids
        app_ids = scenario.app_ids
        provider = PROVIDER_ID if scenario.apps.servers else None
        layout = default_layout(raft_ids, app_ids, provider)
        positions = layout.positions
        for node in raft_ids:
            self._add_host(RaftNodeItem(node, self._host_moved), positions[node])
        for server in app_ids:
            self._add_host(AppServerItem(server, self._host_moved), positions[server])
        if provider is not None:
            item = ProviderItem(provider, self._host_moved, scenario.apps.provider.protection)
            self._add_host(item, positions[provider])
        for number, a in enumerate(raft_ids):
            for b in raft_ids[number + 1:]:
                self._add_link(a, b)
        if provider is not None:
            for server in app_ids:
                self._add_link(server, provider)
        self.content = self._hosts_extent(layout.width, layout.height)
        self.match_aspect(self._aspect, force=True)
        if self.text_scale != 1.0:
            self._scale_hosts()
            self.match_aspect(self._aspect, force=True)
        self._moved_hosts.clear()
        self._rest = self.host_positions()
        self._moves.clear()
        self.invalidate(self.sceneRect(), QGraphicsScene.SceneLayer.BackgroundLayer)

    @property
    def aspect(self) -> float | None:
        """The width/height ratio the canvas is widened to (None: its own shape)."""
        return self._aspect

    def set_text_scale(self, scale: float) -> None:
        """Draw the canvas's text ``scale`` times larger (presenter mode): the hosts with
        their labels, the legend, the message labels and a picture's banner grow; the canvas
        gains the room they need."""
        if scale == self.text_scale:
            return
        self.text_scale = scale
        self._scale_hosts()
        self.banner.setScale(scale)
        self.flights.set_text_scale(scale)
        self.match_aspect(self._aspect, force=True)

    def _hosts_extent(self, width: float, height: float) -> QRectF:
        """The layout's width by the height the hosts' footprints take at scale 1 (plus
        CONTENT_MARGIN), at least as tall as the legend needs."""
        if not self.hosts:
            return QRectF(0, 0, width, height)
        tops: list[float] = []
        bottoms: list[float] = []
        for name, item in self.hosts.items():
            box = self.footprint(name)
            scale = item.scale()
            tops.append(item.pos().y() + box[1] / scale)
            bottoms.append(item.pos().y() + box[3] / scale)
        top = min(tops) - CONTENT_MARGIN
        bottom = max(max(bottoms) + CONTENT_MARGIN, top + self.legend.boundingRect().height() + 24)
        return QRectF(0, top, width, bottom - top)

    def _scale_hosts(self) -> None:
        """Draw hosts and the legend as much larger as the text, or less where hosts would
        then cover each other. Hosts of one kind (Raft nodes, app servers, the provider) grow
        alike, each kind as much as its own neighbours allow."""
        names = sorted(self.hosts, key=natural_key)
        for name in names:
            self.hosts[name].setScale(1.0)
        kinds = [type(self.hosts[n]).__name__ for n in names]
        scales = group_scales([(self.hosts[n].pos().x(), self.hosts[n].pos().y()) for n in names],
                              [self.footprint(n) for n in names], kinds, self.text_scale)
        self.host_scale = max(scales.values(), default=1.0)
        for name, kind in zip(names, kinds, strict=True):
            item = self.hosts[name]
            grown = scales[kind]
            item.setScale(grown)
            item.text_boost = min(MAX_TEXT_BOOST, self.text_scale / grown)
            item.update()
        self.legend.setScale(self.host_scale)

    def _framed_content(self) -> QRectF:
        """The hosts' area, grown to hold every host's footprint as drawn now (larger hosts
        in presenter mode), and while a picture is drawn the banner's room above."""
        rect = QRectF(self.content)
        for name, item in self.hosts.items():
            left, top, right, bottom = placed((item.pos().x(), item.pos().y()),
                                              self.footprint(name))
            rect = rect.united(QRectF(left, top, right - left, bottom - top).adjusted(
                -CONTENT_MARGIN, -CONTENT_MARGIN, CONTENT_MARGIN, CONTENT_MARGIN))
        if self._picture:
            rect.setTop(rect.top() - BANNER_HEIGHT * self.text_scale)
        return rect

    @contextmanager
    def picture(self, aspect: float) -> Iterator[QRectF]:
        """Lay the scene out for an exported picture of width/height ``aspect``: the banner
        (time, summary, caption) above the hosts, as slides need it. Yields the area to draw;
        the on-screen layout comes back afterwards."""
        previous = self._aspect
        self._picture = True
        self.banner.setVisible(True)
        self.match_aspect(aspect, force=True)
        try:
            yield self.sceneRect()
        finally:
            self._picture = False
            self.banner.setVisible(False)
            self.match_aspect(previous, force=True)

    def match_aspect(self, aspect: float | None, force: bool = False) -> None:
        """Widen the canvas (content centred) to the view's width/height ``aspect``, so the
        legend (and a picture's banner) use the whole view."""
        self._aspect = aspect
        content = self._framed_content()
        rect = QRectF(content)
        if aspect is not None and aspect > content.width() / content.height():
            extra = content.height() * aspect - content.width()
            rect = content.adjusted(-extra / 2, 0, extra / 2, 0)
        if rect == self.sceneRect() and not force:
            return
        self.setSceneRect(rect)
        self.invalidate(rect, QGraphicsScene.SceneLayer.BackgroundLayer)
        self.banner.setPos(rect.left(), rect.top())
        self.banner.set_width(rect.width() / self.text_scale)
        self.flights.set_area(rect)
        for wall in self.walls:
            wall.set_area(rect)
        self._place_legend(rect)

    def _place_legend(self, rect: QRectF) -> None:
        """Put the legend in the bottom-left corner, as large as the text where the room left
        of the hosts allows (else as large as the hosts)."""
        box = self.legend.boundingRect()
        scale = self.host_scale
        if self.text_scale > scale and self.hosts:
            left_of_hosts = min(item.pos().x() + self.footprint(host)[0]
                                for host, item in self.hosts.items())
            room = (left_of_hosts - rect.left() - 24) / box.width()
            banner = BANNER_HEIGHT * self.text_scale if self._picture else 0.0
            tall = (rect.height() - banner - 24) / box.height()
            scale = max(scale, min(self.text_scale, room, tall))
        self.legend.setScale(scale)
        self.legend.setPos(rect.left() + 12, rect.bottom() - box.height() * scale - 12)

    def _add_host(self, item: HostItem, position: tuple[float, float]) -> None:
        item.setScale(self.host_scale)
        self.hosts[item.host_id] = item
        self.addItem(item)
        item.setPos(QPointF(*position))

    def _add_link(self, a: str, b: str, faint: bool = False) -> LinkItem:
        key = link_key(a, b)
        link = LinkItem(*key)
        link.faint = faint
        self.links[key] = link
        self.addItem(link)
        link.set_ends(self.hosts[key[0]].pos(), self.hosts[key[1]].pos())
        return link

    def _on_session_replaced(self) -> None:
        if self.runner.session is not self._session:
            # Another preset or a restart: start from a clean canvas.
            self._session = self.runner.session
            self._remove_walls(list(self.walls))
            self.manual_cuts.clear()
            self._own_acts.clear()
            self._heal_checked.clear()
            self.build()
        else:
            # A fork discards the future: walls and cuts made after the fork time are gone,
            # walls taken down after it stand again, and hosts and walls dragged across the
            # partition after it go back where they were (the trace no longer has those
            # partitions). The fork's own gesture stays where the user left it.
            cursor = self.runner.cursor
            self._remove_walls([item for item in self.walls if item.since > cursor])
            for item in self.walls:
                if item.until is not None and item.until > cursor:
                    item.until = None
            self.manual_cuts = {k: t for k, t in self.manual_cuts.items() if t <= cursor}
            self._own_acts = {t for t in self._own_acts if t <= cursor}
            self._heal_checked = {item: min(t, cursor) for item, t in self._heal_checked.items()
                                  if item in self.walls}
            self._undo_moves_after(cursor)

    def _undo_moves_after(self, cursor: float) -> None:
        """Put back every host and wall dragged across the partition after ``cursor``."""
        kept: list[tuple[float, HostItem | WallItem, QPointF]] = []
        undone: list[tuple[HostItem | WallItem, QPointF]] = []
        for entry in self._moves:
            t, item, _old = entry
            if t <= cursor:
                kept.append(entry)
            elif item not in self._gesture and (isinstance(item, HostItem)
                                                or item in self.walls):
                undone.append((item, entry[2]))
        self._moves = kept
        for item, old in reversed(undone):
            item.setPos(old)
            if isinstance(item, WallItem):
                item.rest = QPointF(old)
                item.set_area(self.sceneRect())
            else:
                self._moved_hosts.discard(item.host_id)
                self._rest[item.host_id] = (old.x(), old.y())

    def _remove_walls(self, chosen: list[WallItem]) -> None:
        for item in chosen:
            self.walls.remove(item)
            self.removeItem(item)

    def active_walls(self) -> list[WallItem]:
        """The walls that stand at the cursor time (put up at or before it, not taken down).

        Walls are the window's record of the user's gestures; taken-down walls are kept with
        the time they went, so seeking back shows them again where they stood."""
        return [item for item in self.walls if item.stands_at(self.runner.cursor)]

    def _take_down(self, chosen: list[WallItem]) -> None:
        cursor = self.runner.cursor
        for item in chosen:
            item.setSelected(False)
            if item.since >= cursor:  # put up and taken down at the same moment: forget it
                self.walls.remove(item)
                self.removeItem(item)
            else:
                item.until = cursor
                item.setVisible(False)

    # --- drawing ---------------------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        """The background colour and every link (cached by the view until a link changes)."""
        painter.fillRect(rect, self.backgroundBrush())
        areas: list[QRectF] | None = None
        for link in self.links.values():
            if link.boundingRect().intersects(rect):
                if areas is None and (link.cut_ab or link.cut_ba):
                    areas = self.host_areas()  # cut marks are kept off every host
                painter.save()
                link.draw(painter, areas or ())
                painter.restore()

    def position_of(self, host: str) -> QPointF | None:
        """Where host ``host`` is drawn, or None for a host the canvas does not show."""
        item = self.hosts.get(host)
        return None if item is None else item.pos()

    def host_areas(self) -> list[QRectF]:
        """Where each host's body and its labels are drawn (scene coordinates), in id order."""
        areas: list[QRectF] = []
        for host in sorted(self.hosts, key=natural_key):
            item = self.hosts[host]
            body = item.shape().boundingRect()
            if isinstance(item, RaftNodeItem):
                body = body.adjusted(0, 0, 0, HOST_LABEL_BELOW)
            areas.append(item.mapRectToScene(body))
        return areas

    def show_world(self, world: World) -> None:
        """Move every item to the state ``world`` describes."""
        if self.legend.set_rows(world.legend):
            self._place_legend(self.sceneRect())
        t = world.t
        for view in world.raft:
            item = self.hosts.get(view.id)
            if isinstance(item, RaftNodeItem):
                item.set_state(view, t)
        for app in world.apps:
            item = self.hosts.get(app.id)
            if isinstance(item, AppServerItem):
                item.set_state(app, t)
        if world.provider is not None:
            item = self.hosts.get(world.provider.id)
            if isinstance(item, ProviderItem):
                item.set_state(world.provider)
        self._ensure_links(world)
        cuts = world.cuts
        for (a, b), link in self.links.items():
            link.set_cuts((a, b) in cuts, (b, a) in cuts)
        self.flights.set_flights(world.flights, t, self.runner.session.expected_latency,
                                 self.runner.linger)
        self._flash(world)
        self._take_down_healed(world)
        for item in self.walls:
            item.setVisible(item.stands_at(t))
        self.banner.set_text(t, summary_text(world), caption_text(world))

    def _ensure_links(self, world: World) -> None:
        """Links between app servers and store members follow who talks to whom now; the
        Raft mesh and the app-provider links always stay."""
        wanted = {link_key(app.id, member) for app in world.apps for member in app.contacts}
        wanted.update(link_key(f.src, f.dst) for f in world.flights if f.src != f.dst)
        for key in sorted(wanted - set(self.links)):
            if key[0] in self.hosts and key[1] in self.hosts:
                self._add_link(*key, faint=True)
        for key in [key for key, link in self.links.items() if link.faint and key not in wanted]:
            link = self.links.pop(key)
            link.prepare_removal()
            self.removeItem(link)

    def _flash(self, world: World) -> None:
        strength: dict[str, float] = {}
        for violation in world.recent_violations(FLASH_SECONDS):
            age = max(0.0, world.t - violation.t)
            amount = (1.0 - age / FLASH_SECONDS) * (0.6 + 0.4 * abs(math.cos(age * 6.0)))
            named = [host for host in self.hosts
                     if re.search(rf"\b{re.escape(host)}\b", violation.detail)]
            if "charge" in violation.what and PROVIDER_ID in self.hosts:
                named.append(PROVIDER_ID)
            for host in named:
                strength[host] = max(strength.get(host, 0.0), amount)
        for host, item in self.hosts.items():
            item.set_flash(strength.get(host, 0.0))

    # --- hosts moving ----------------------------------------------------------------------

    def _host_moved(self, host: str) -> None:
        self._moved_hosts.add(host)
        for (a, b), link in self.links.items():
            if host in (a, b):
                link.set_ends(self.hosts[a].pos(), self.hosts[b].pos())
        self.flights.refresh()

    def finish_drag(self) -> None:
        """A drag ended: a host dropped on another moves to the nearest free spot; if hosts
        crossed a wall, the partition follows."""
        if self._moved_hosts:
            moved = [host for host in sorted(self._moved_hosts, key=natural_key)
                     if host in self.hosts]
            for host in moved:
                self.keep_apart(host)
            self._moved_hosts.clear()
            rest = self._rest
            olds = {host: QPointF(*rest.get(host, self.host_positions()[host]))
                    for host in moved}
            walls = self.active_walls()
            if walls:
                before = partition_groups({**self.host_positions(), **rest},
                                          [item.wall for item in walls])
                items: list[HostItem | WallItem] = [self.hosts[host] for host in moved]
                self._apply_gesture(items, [olds[host] for host in moved], before)
            self._rest = self.host_positions()

    def footprint(self, host: str) -> Box:
        """The box around ``host``'s centre that its body, crown and labels take."""
        item = self.hosts[host]
        if isinstance(item, RaftNodeItem):
            r = style.NODE_RADIUS
            left, top, right, bottom = -r - 22, -r - 56, r + 22, r + 48
        else:
            # The box plus its flash frame (a 10 wide pen 8 outside it): two violation glows
            # never run into each other.
            body = item.shape().boundingRect()
            left, top, right, bottom = (body.left() - BOX_MARGIN, body.top() - BOX_MARGIN,
                                        body.right() + BOX_MARGIN, body.bottom() + BOX_MARGIN)
        scale = item.scale()
        return (left * scale, top * scale, right * scale, bottom * scale)

    def keep_apart(self, host: str) -> None:
        """Move ``host`` to the nearest spot where it covers no other host (if it does)."""
        item = self.hosts[host]
        others = [placed((other.pos().x(), other.pos().y()), self.footprint(name))
                  for name, other in sorted(self.hosts.items(), key=lambda kv: natural_key(kv[0]))
                  if name != host]
        rect = self.sceneRect()
        bounds = (rect.left(), rect.top(), rect.right(), rect.bottom())
        here = (item.pos().x(), item.pos().y())
        spot = nearest_free_spot(here, self.footprint(host), others, bounds)
        if spot != here:
            item.setPos(QPointF(*spot))

    def host_positions(self) -> dict[str, tuple[float, float]]:
        """Every host's current position on the canvas."""
        return {host: (item.pos().x(), item.pos().y()) for host, item in self.hosts.items()}

    def selected_host(self) -> str | None:
        """The id of the selected host, if one is selected."""
        for item in self.selectedItems():
            if isinstance(item, HostItem):
                return item.host_id
        return None

    def select_host(self, host: str) -> None:
        """Make ``host`` the only selected item."""
        self.clearSelection()
        item = self.hosts.get(host)
        if item is not None:
            item.setSelected(True)

    def _on_selection(self) -> None:
        self.selection_moved.emit(self.selected_host() or "")

    # --- walls and links -------------------------------------------------------------------

    def add_wall(self, wall: Wall) -> WallItem:
        """Put up ``wall`` and partition the network along it at the cursor (forking when
        the cursor is in the past), even when the partition equals one applied before."""
        item = WallItem(wall, self.sceneRect(), self._wall_moved)
        item.since = self.runner.cursor
        self.walls.append(item)
        self.addItem(item)
        self._gesture = {item}
        try:
            self.apply_walls(force=True)
        finally:
            self._gesture = set()
        if item in self.walls:
            item.setVisible(item.stands_at(self.runner.cursor))
        return item

    def _wall_moved(self, item: WallItem) -> None:
        old = QPointF(item.rest)
        positions = self.host_positions()
        walls = [other.wall if other is not item else item.base.moved(old.x(), old.y())
                 for other in self.active_walls()]
        before = partition_groups(positions, walls) if item in self.active_walls() else None
        self._apply_gesture([item], [old], before)
        item.rest = item.pos()

    def _apply_gesture(self, items: list[HostItem | WallItem], olds: list[QPointF],
                       before: list[list[str]] | None) -> None:
        """Apply the walls after ``items`` were dragged from ``olds``; a drag that changed
        the partition is remembered, so a fork before it puts the items back."""
        self._gesture = set(items)
        forks = self.runner.session.forks
        length = len(self.runner.session.trace)
        try:
            self.apply_walls(before)
        finally:
            self._gesture = set()
        acted = (self.runner.session.forks != forks
                 or len(self.runner.session.trace) != length)
        if acted:
            t = self.runner.cursor
            self._moves.extend((t, item, old) for item, old in zip(items, olds, strict=True))

    def delete_selected_walls(self) -> int:
        """Remove the selected walls (the partition follows); return how many were removed."""
        chosen = [item for item in self.walls if item.isSelected()]
        before = self.wall_groups()
        self._take_down(chosen)
        if chosen:
            self.apply_walls(before)
        return len(chosen)

    def wall_groups(self) -> list[list[str]]:
        """The partition groups the walls induce on the hosts where they are drawn now."""
        return partition_groups(self.host_positions(),
                                [item.wall for item in self.active_walls()])

    def apply_walls(self, before: list[list[str]] | None = None, force: bool = False) -> bool:
        """Partition the simulation by the walls (then re-apply the links cut by clicking).

        Nothing happens when the gesture left the groups as they were (``before``) and the
        trace at the cursor has their partition; otherwise (or with ``force``) the partition
        is applied at the cursor, forking when the cursor is in the past."""
        for _attempt in range(2):
            groups = self.wall_groups()
            if not force and groups == before and self._in_effect(groups):
                return True
            applied = (self._act("partition", groups) if len(groups) > 1
                       else self._act("heal_all"))
            if not applied:
                return False
            self._restore_manual_cuts(groups)
            if self.wall_groups() == groups:
                return True
            # The fork put back hosts or walls dragged later: apply what the canvas shows now.
            before, force = None, True
        return True

    def _in_effect(self, groups: list[list[str]]) -> bool:
        """True when every link between different ``groups`` is cut in the trace at the
        cursor (one group: nothing to check)."""
        cuts = self.runner.world.cuts
        side = {host: number for number, group in enumerate(groups) for host in group}
        return all((a, b) in cuts for a in side for b in side if side[a] != side[b])

    def _act(self, name: str, *args: object, **kwargs: object) -> bool:
        """Act on the runner at the cursor and remember when the canvas did."""
        applied = self.runner.act(name, *args, **kwargs)
        if applied:
            self._own_acts.add(self.runner.cursor)
        return applied

    def _take_down_healed(self, world: World) -> None:
        """Take down the walls whose links something else healed (the preset's own heal, a
        heal-all step): from the time of that heal they no longer stand, as in the trace."""
        t = world.t
        standing = [item for item in self.walls if item.stands_at(t)]
        if not standing:
            return
        positions = self.host_positions()
        trace = self.runner.session.trace
        for item in standing:
            wall = item.wall
            sides = {host: wall.side(point) for host, point in positions.items()}
            crossing = {(a, b) for a in sides for b in sides if sides[a] != sides[b]}
            if crossing <= world.cuts:
                continue
            start = max(item.since, self._heal_checked.get(item, item.since))
            if start >= t:
                continue
            events = trace.events
            healed_at = None
            first = trace.index_at(math.nextafter(start, -math.inf))
            for index in range(first, trace.index_at(t)):
                event = events[index]
                if event.kind == "net.heal" and event.t > item.since \
                        and event.t not in self._own_acts \
                        and (event.src, event.dst) in crossing:  # type: ignore[attr-defined]
                    healed_at = event.t
                    break
            if healed_at is None:
                self._heal_checked[item] = t
            else:
                item.until = healed_at
                item.setSelected(False)
                self._heal_checked.pop(item, None)

    def _restore_manual_cuts(self, groups: list[list[str]]) -> None:
        """Cut again the links cut by clicking that the partition healed: one action per
        link (both ways when both directions were cut), none for a link the walls cut."""
        side = {host: number for number, group in enumerate(groups) for host in group}
        pending = [(src, dst) for src, dst in sorted(self.manual_cuts)
                   if side.get(src) == side.get(dst)]
        done: set[tuple[str, str]] = set()
        for src, dst in pending:
            if (src, dst) in done:
                continue
            both = (dst, src) in self.manual_cuts
            done.update({(src, dst), (dst, src)} if both else {(src, dst)})
            self._act("cut", src, dst, both_ways=both)

    def toggle_link(self, link: LinkItem, one_way_towards: str | None = None) -> bool:
        """Cut a working link or heal a cut one; ``one_way_towards`` limits it to messages
        travelling into that host."""
        a, b = link.a, link.b
        world = self.runner.world
        if one_way_towards is None:
            directions = [(a, b), (b, a)]
        else:
            src = b if one_way_towards == a else a
            directions = [(src, one_way_towards)]
        if any(world.is_cut(src, dst) for src, dst in directions):
            for src, dst in directions:
                self.manual_cuts.pop((src, dst), None)
            src, dst = directions[0]
            return self._act("heal_link", src, dst, both_ways=len(directions) == 2)
        for direction in directions:
            self.manual_cuts[direction] = self.runner.cursor
        src, dst = directions[0]
        return self._act("cut", src, dst, both_ways=len(directions) == 2)

    def heal_all(self) -> bool:
        """Take down every wall and heal every cut link."""
        self._take_down(self.active_walls())
        self.manual_cuts.clear()
        return self._act("heal_all")


def summary_text(world: World) -> str:
    """One line for the banner: term (or ballot), the consensus leader and the acting app
    leader; a Multi-Paxos cluster is named as such."""
    leader = world.leader
    name = world.protocol_name
    if world.protocol == "none":  # the eventual store: the leader key's newest copy instead
        parts = ["eventual store", world.leader_key_text]
    else:
        parts = [world.epoch_text,
                 f"{name} leader {leader.id}" if leader is not None else f"no {name} leader"]
    acting = [app for app in world.apps if app.leader and not app.crashed]
    if acting:
        parts.append("app leader " + ", ".join(
            app.id + ("" if app.token is None else f" (token {app.token})") for app in acting))
    elif world.apps:
        parts.append("no app leader")
    return "   ·   ".join(parts)


def caption_text(world: World) -> str:
    """The banner's caption: the latest preset caption or pause point question."""
    return world.caption.text if world.caption is not None else ""
