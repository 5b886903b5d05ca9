"""Keeping hosts apart on the canvas: the nearest free spot for a dropped host (no Qt).

Each host has a footprint, a box around its centre that holds its body, its crown and its
labels. A host dropped so that its footprint overlaps another's moves to the nearest spot
(searched on rings of growing radius around the drop point) where it overlaps none and stays
inside the canvas.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]
Box = tuple[float, float, float, float]
"""left, top, right, bottom: relative to a host's centre for a footprint, absolute for bounds."""

# Search rings this far apart (scene units), out to SEARCH_LIMIT from the drop point.
SEARCH_STEP = 12.0
SEARCH_LIMIT = 1500.0


def placed(position: Point, box: Box) -> Box:
    """The footprint ``box`` of a host centred at ``position``, in absolute coordinates."""
    x, y = position
    return (x + box[0], y + box[1], x + box[2], y + box[3])


def boxes_overlap(a: Box, b: Box) -> bool:
    """True when the absolute boxes ``a`` and ``b`` share some area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def is_free(position: Point, box: Box, others: Sequence[Box], bounds: Box | None) -> bool:
    """True when ``box`` at ``position`` overlaps none of ``others`` and lies in ``bounds``."""
    here = placed(position, box)
    if bounds is not None and not (bounds[0] <= here[0] and bounds[1] <= here[1]
                                   and here[2] <= bounds[2] and here[3] <= bounds[3]):
        return False
    return not any(boxes_overlap(here, other) for other in others)


def nearest_free_spot(position: Point, box: Box, others: Sequence[Box],
                      bounds: Box | None = None) -> Point:
    """``position`` when the host fits there, else the nearest free spot around it (the drop
    point itself when there is no free spot within SEARCH_LIMIT)."""
    if is_free(position, box, others, bounds):
        return position
    x, y = position
    rings = int(SEARCH_LIMIT / SEARCH_STEP)
    for ring in range(1, rings + 1):
        radius = ring * SEARCH_STEP
        count = max(8, math.ceil(2 * math.pi * radius / SEARCH_STEP))
        for number in range(count):
            angle = 2 * math.pi * number / count
            spot = (x + radius * math.cos(angle), y + radius * math.sin(angle))
            if is_free(spot, box, others, bounds):
                return spot
    return position


def largest_scale(positions: Sequence[Point], boxes: Sequence[Box], wanted: float) -> float:
    """The largest footprint scale, at most ``wanted`` and at least 1, at which no two hosts
    at ``positions`` overlap (pairs that overlap even at scale 1 are left out of the count)."""
    best = wanted
    for i in range(len(positions)):
        for j in range(i + 1, len(positions)):
            limit = _pair_limit(positions[i], boxes[i], positions[j], boxes[j])
            if limit >= 1.0:
                best = min(best, limit)
    return max(1.0, best)


def group_scales(positions: Sequence[Point], boxes: Sequence[Box], groups: Sequence[str],
                 wanted: float) -> dict[str, float]:
    """The largest footprint scale of each group of hosts (``groups[i]`` names host i's), at
    most ``wanted`` and at least 1, at which no two hosts overlap when every host grows by its
    group's scale: a pair limits both its hosts' groups (a box grown less stays inside the box
    grown by the pair's limit). Pairs that overlap even at scale 1 are left out."""
    best = dict.fromkeys(groups, wanted)
    for i in range(len(positions)):
        for j in range(i + 1, len(positions)):
            limit = _pair_limit(positions[i], boxes[i], positions[j], boxes[j])
            if limit >= 1.0:
                best[groups[i]] = min(best[groups[i]], limit)
                best[groups[j]] = min(best[groups[j]], limit)
    return {group: max(1.0, scale) for group, scale in best.items()}


def _pair_limit(p: Point, a: Box, q: Point, b: Box) -> float:
    """The scale up to which boxes ``a`` at ``p`` and ``b`` at ``q`` stay apart (inf when they
    never meet, which needs distinct centres)."""
    limits: list[float] = []
    dx, dy = q[0] - p[0], q[1] - p[1]
    if dx > 0:
        limits.append(dx / (a[2] - b[0]))
    elif dx < 0:
        limits.append(-dx / (b[2] - a[0]))
    if dy > 0:
        limits.append(dy / (a[3] - b[1]))
    elif dy < 0:
        limits.append(-dy / (b[3] - a[1]))
    return max(limits) if limits else 0.0
