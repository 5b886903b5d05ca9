"""The consistent-hashing ring: a key's preference list and sloppy-quorum stand-ins."""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterable, Sequence

from simulator.frozen import frozen


def token(text: str) -> int:
    """A stable position on the ring (64 bits of MD5, as Cassandra's RandomPartitioner hashes)."""
    return int.from_bytes(hashlib.md5(text.encode("utf-8")).digest()[:8], "big")


class Ring:
    """Nodes placed on a hash ring by ``vnodes`` tokens each; a key's replicas walk clockwise.

    ``walk(key)`` lists every node once, in the order met walking clockwise from the key's
    token; the first N are the key's preference list (its home replicas), the rest are the
    stand-ins a sloppy quorum recruits in that order.
    """

    __slots__ = ("nodes", "vnodes", "_tokens", "_owners", "_walks")

    def __init__(self, nodes: Sequence[str], vnodes: int = 1) -> None:
        if not nodes:
            raise ValueError("a ring needs at least one node")
        if vnodes < 1:
            raise ValueError("vnodes must be at least 1")
        self.nodes = tuple(sorted(nodes))
        self.vnodes = vnodes
        points = sorted((token(f"{node}#{i}"), node) for node in self.nodes for i in range(vnodes))
        self._tokens = [p[0] for p in points]
        self._owners = [p[1] for p in points]
        self._walks: dict[str, tuple[str, ...]] = {}

    def walk(self, key: str) -> tuple[str, ...]:
        """Every node once, clockwise from the key's token."""
        cached = self._walks.get(key)
        if cached is not None:
            return cached
        start = bisect.bisect_left(self._tokens, token(key))
        seen: list[str] = []
        count = len(self._owners)
        for i in range(count):
            owner = self._owners[(start + i) % count]
            if owner not in seen:
                seen.append(owner)
                if len(seen) == len(self.nodes):
                    break
        walk = tuple(seen)
        self._walks[key] = walk
        return walk

    def preference_list(self, key: str, n: int) -> tuple[str, ...]:
        """The key's N home replicas."""
        return self.walk(key)[:n]


@frozen
class Target:
    """A node a request goes to; ``hint_for`` names the home replica a stand-in replaces."""

    node: str
    hint_for: str | None = None


def initial_targets(
    walk: Sequence[str], n: int, suspected: Iterable[str] = (), sloppy: bool = False
) -> tuple[list[Target], list[str]]:
    """The first targets of a request and the stand-ins left for later.

    Every home replica is a target, except that with a sloppy quorum a home the coordinator
    suspects is down is replaced at once by the next healthy node beyond the first N (Dynamo's
    "first N healthy nodes"). Returns (targets, spare stand-ins in ring order).
    """
    down = set(suspected)
    homes = list(walk[:n])
    spare = [node for node in walk[n:] if node not in down]
    targets: list[Target] = []
    for home in homes:
        if sloppy and home in down and spare:
            targets.append(Target(spare.pop(0), hint_for=home))
        else:
            targets.append(Target(home))
    return targets, spare
