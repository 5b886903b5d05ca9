"""Where each host sits on the canvas: Raft nodes on a ring, app servers and the provider beside.

Plain geometry in scene units (no Qt), so the placement is the same in the window, in
screenshots and in tests. The canvas is as tall as the ring needs, so small clusters are drawn
large.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

RING_X = 600.0
# The top node's centre sits this far down (the canvas starts above its crown: the banner is
# a widget above the canvas, or drawn above the hosts in exported pictures).
RING_TOP = 225.0
# Below the bottom node: its radius, its role label and a margin.
RING_BOTTOM_MARGIN = 110.0
APP_COLUMN_X = 1090.0
# Six or more app servers stand in this many columns (rows of at most three for nine), so
# each column is short and its servers can grow in presenter mode.
APP_COLUMNS = 3
# Between two app server columns: a box is 190 wide, and the room left over lets presenter
# mode draw the herds' nine servers about 1.3 times larger (as much as the provider allows).
APP_COLUMN_GAP = 285.0
PROVIDER_GAP = 310.0
APP_TOP = 150.0
WIDE_WIDTH = 1530.0
RAFT_ONLY_WIDTH = 1100.0

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Layout:
    """Every host's position and the canvas size that holds them."""

    positions: dict[str, Point]
    width: float
    height: float


def ring_radius(count: int) -> float:
    """The ring's radius: wider for bigger clusters so nodes never overlap."""
    return 200.0 if count <= 3 else min(300.0, 170.0 + 12.0 * count)


def ring_positions(node_ids: Sequence[str]) -> dict[str, Point]:
    """Raft nodes evenly on a ring, the first at the top, going clockwise."""
    count = len(node_ids)
    radius = ring_radius(count)
    cx, cy = RING_X, RING_TOP + radius
    positions: dict[str, Point] = {}
    for number, node in enumerate(node_ids):
        angle = -math.pi / 2 + 2 * math.pi * number / max(1, count)
        positions[node] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return positions


def app_columns(count: int) -> int:
    """How many columns ``count`` app servers stand in."""
    return 1 if count <= 5 else APP_COLUMNS


def app_positions(app_ids: Sequence[str], bottom: float) -> dict[str, Point]:
    """App servers in one column (APP_COLUMNS when there are more than five, filled column
    by column), between APP_TOP and ``bottom``."""
    count = len(app_ids)
    if count == 0:
        return {}
    wide = app_columns(count)
    tall = math.ceil(count / wide)
    columns = [(APP_COLUMN_X + APP_COLUMN_GAP * number, list(app_ids[number * tall:
                                                                    (number + 1) * tall]))
               for number in range(wide)]
    positions: dict[str, Point] = {}
    for x, ids in columns:
        step = (bottom - APP_TOP) / max(1, len(ids))
        for number, server in enumerate(ids):
            positions[server] = (x, APP_TOP + step * (number + 0.5))
    return positions


def default_layout(raft_ids: Sequence[str], app_ids: Sequence[str],
                   provider: str | None) -> Layout:
    """Every host's starting position and the canvas size."""
    radius = ring_radius(len(raft_ids))
    height = RING_TOP + 2 * radius + RING_BOTTOM_MARGIN
    positions = ring_positions(raft_ids)
    positions.update(app_positions(app_ids, height - 20.0))
    extra = APP_COLUMN_GAP * (app_columns(len(app_ids)) - 1)
    if provider is not None:
        positions[provider] = (APP_COLUMN_X + extra + PROVIDER_GAP, RING_TOP + radius)
    width = RAFT_ONLY_WIDTH if not app_ids else WIDE_WIDTH + extra
    return Layout(positions, width, height)
