"""What the Raft and Multi-Paxos test networks share: driving nodes deadline by deadline.

A network using it provides ``now``, ``nodes``, ``next_deadline()``, ``advance()`` (tick the
nodes due and deliver), ``collect(node)``, ``deliver()`` and ``leader()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class DrivenNetwork:
    """Runs time forward and starts elections, proposals and reads on a test network."""

    now: float
    nodes: dict[str, Any]

    def run_for(self, duration: float) -> None:
        """Advance through every deadline within ``duration`` seconds, then to its end."""
        end = self.now + duration
        while self.next_deadline() <= end:
            self.advance()
        self.now = end

    def run_until(self, condition: Callable[[], bool], limit: float = 60.0) -> bool:
        """Advance deadline by deadline until ``condition()`` holds; False after ``limit`` s."""
        end = self.now + limit
        while not condition():
            if self.next_deadline() > end:
                self.now = end
                return False
            self.advance()
        return True

    def elect(self, node: str) -> None:
        """Make ``node`` start an election now and deliver everything that follows."""
        self.nodes[node].campaign(self.now)
        self.collect(node)
        self.deliver()

    def propose(self, command: object, node: str | None = None) -> int | None:
        """Propose ``command`` at ``node`` (default: the leader) and deliver; its index (slot)."""
        target = node if node is not None else self.leader()
        if target is None:
            return None
        index = self.nodes[target].propose(command, self.now)
        self.collect(target)
        self.deliver()
        return index

    def read(self, node: str, ctx: int) -> bool:
        """Start a read round ``ctx`` at ``node`` and deliver."""
        started = self.nodes[node].read_index(ctx, self.now)
        self.collect(node)
        self.deliver()
        return started
