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
# The top node's centre sits this far down: room for the banner, the caption and a crown.
RING_TOP = 225.0
# Below the bottom node: its radius, its role label and a margin.
RING_BOTTOM_MARGIN = 110.0
APP_COLUMN_X = 1090.0
# Between the two app server columns (six or more servers): a box is 190 wide, and the
# room left over lets presenter mode draw the nine-server herds larger, not smaller.
APP_COLUMN_GAP = 250.0
PROVIDER_GAP = 280.0
APP_TOP = 150.0
WIDE_WIDTH = 1500.0
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


def app_positions(app_ids: Sequence[str], bottom: float) -> dict[str, Point]:
    """App servers in one column (two when there are more than five), between APP_TOP and
    ``bottom``."""
    count = len(app_ids)
    if count == 0:
        return {}
    if count <= 5:
        columns = [(APP_COLUMN_X, list(app_ids))]
    else:
        half = (count + 1) // 2
        columns = [(APP_COLUMN_X, list(app_ids[:half])),
                   (APP_COLUMN_X + APP_COLUMN_GAP, list(app_ids[half:]))]
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
    if provider is not None:
        last_column = APP_COLUMN_X + (APP_COLUMN_GAP if len(app_ids) > 5 else 0.0)
        positions[provider] = (last_column + PROVIDER_GAP, RING_TOP + radius)
    if not app_ids:
        width = RAFT_ONLY_WIDTH
    else:
        width = WIDE_WIDTH + (APP_COLUMN_GAP if len(app_ids) > 5 else 0.0)
    return Layout(positions, width, height)
