"""Where each host sits on the canvas: Raft nodes on a ring, app servers and the provider beside.

Plain geometry in scene units (no Qt), so the placement is the same in the window, in
screenshots and in tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

SCENE_WIDTH = 1500.0
SCENE_HEIGHT = 900.0
RAFT_ONLY_WIDTH = 1100.0
RING_CENTRE = (600.0, 480.0)
APP_COLUMN_X = 1090.0
APP_COLUMN_GAP = 215.0
PROVIDER_GAP = 280.0
APP_TOP = 150.0
APP_BOTTOM = 860.0

Point = tuple[float, float]


def ring_radius(count: int) -> float:
    """The ring's radius: wider for bigger clusters so nodes never overlap."""
    return 230.0 if count <= 3 else min(320.0, 220.0 + 12.0 * count)


def ring_positions(node_ids: Sequence[str]) -> dict[str, Point]:
    """Raft nodes evenly on a ring, the first at the top, going clockwise."""
    count = len(node_ids)
    radius = ring_radius(count)
    cx, cy = RING_CENTRE
    positions: dict[str, Point] = {}
    for number, node in enumerate(node_ids):
        angle = -math.pi / 2 + 2 * math.pi * number / max(1, count)
        positions[node] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return positions


def app_positions(app_ids: Sequence[str]) -> dict[str, Point]:
    """App servers in one column (two when there are more than five), top to bottom."""
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
        step = (APP_BOTTOM - APP_TOP) / max(1, len(ids))
        for number, server in enumerate(ids):
            positions[server] = (x, APP_TOP + step * (number + 0.5))
    return positions


def default_positions(raft_ids: Sequence[str], app_ids: Sequence[str],
                      provider: str | None) -> dict[str, Point]:
    """Every host's starting position."""
    positions = ring_positions(raft_ids)
    positions.update(app_positions(app_ids))
    if provider is not None:
        last_column = APP_COLUMN_X + (APP_COLUMN_GAP if len(app_ids) > 5 else 0.0)
        positions[provider] = (last_column + PROVIDER_GAP, RING_CENTRE[1])
    return positions


def scene_width(app_count: int) -> float:
    """The canvas width that fits the ring, the app columns and the provider."""
    if app_count == 0:
        return RAFT_ONLY_WIDTH
    return SCENE_WIDTH + (APP_COLUMN_GAP if app_count > 5 else 0.0)
