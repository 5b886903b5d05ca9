"""Walls drawn across the canvas and the network partition they induce (plain geometry, no Qt).

A wall is the straight line through the two ends of a stroke, extended across the whole canvas,
so it splits the plane in two. Hosts whose positions fall on the same side of every wall form one
group and can talk; hosts in different groups cannot. A link crosses a wall exactly when its two
ends are in different groups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from simulator.projection.fold import natural_key

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Wall:
    """The infinite line through ``a`` and ``b`` (two distinct points)."""

    a: Point
    b: Point

    def side(self, point: Point) -> int:
        """+1 or -1: which side of the wall ``point`` is on (on the line counts as +1)."""
        (ax, ay), (bx, by) = self.a, self.b
        cross = (bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax)
        return -1 if cross < 0 else 1

    def moved(self, dx: float, dy: float) -> Wall:
        """The same wall shifted by (dx, dy)."""
        return Wall((self.a[0] + dx, self.a[1] + dy), (self.b[0] + dx, self.b[1] + dy))

    def clipped(self, left: float, top: float, right: float,
                bottom: float) -> tuple[Point, Point]:
        """The wall's segment across the rectangle (left, top)-(right, bottom), for drawing."""
        (ax, ay), (bx, by) = self.a, self.b
        dx, dy = bx - ax, by - ay
        candidates: list[tuple[float, Point]] = []
        if dx != 0:
            for x in (left, right):
                s = (x - ax) / dx
                y = ay + s * dy
                if top - 1e-9 <= y <= bottom + 1e-9:
                    candidates.append((s, (x, y)))
        if dy != 0:
            for y in (top, bottom):
                s = (y - ay) / dy
                x = ax + s * dx
                if left - 1e-9 <= x <= right + 1e-9:
                    candidates.append((s, (x, y)))
        if len(candidates) < 2:
            return self.a, self.b
        candidates.sort(key=lambda item: item[0])
        return candidates[0][1], candidates[-1][1]


def wall_from_stroke(points: Sequence[Point], min_length: float = 40.0) -> Wall | None:
    """The wall a mouse stroke draws, or None when the stroke is too short to mean one."""
    if len(points) < 2:
        return None
    (ax, ay), (bx, by) = points[0], points[-1]
    if ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5 < min_length:
        return None
    return Wall(points[0], points[-1])


def partition_groups(positions: Mapping[str, Point],
                     walls: Sequence[Wall]) -> list[list[str]]:
    """Hosts grouped by the side of every wall they are on; one group when nothing divides them.

    Groups and their members are in natural id order, so the same picture always gives the same
    partition (and the same trace).
    """
    by_signature: dict[tuple[int, ...], list[str]] = {}
    for host in sorted(positions, key=natural_key):
        signature = tuple(wall.side(positions[host]) for wall in walls)
        by_signature.setdefault(signature, []).append(host)
    groups = list(by_signature.values())
    groups.sort(key=lambda group: natural_key(group[0]))
    return groups
