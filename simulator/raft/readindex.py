"""Pending ReadIndex rounds on a leader: each waits for a quorum to confirm leadership."""

from __future__ import annotations


class ReadIndexQueue:
    """ReadIndex requests in arrival order, each with its commit index and the peers that acked.

    An acknowledgement of a later request also confirms every earlier one (the leader was still
    leader when the later round went out), as in etcd's readOnly queue.
    """

    __slots__ = ("_order", "_pending")

    def __init__(self) -> None:
        self._order: list[int] = []
        self._pending: dict[int, tuple[int, set[str]]] = {}

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, ctx: int) -> bool:
        return ctx in self._pending

    @property
    def latest(self) -> int:
        """The most recent pending context (0 when none), carried by every heartbeat."""
        return self._order[-1] if self._order else 0

    def add(self, ctx: int, index: int) -> None:
        """Record a new request ``ctx`` answering with commit ``index`` once confirmed."""
        self._order.append(ctx)
        self._pending[ctx] = (index, set())

    def ack(self, ctx: int, peer: str, quorum: int) -> list[tuple[int, int]]:
        """Count ``peer``'s answer to round ``ctx``; return the (ctx, index) pairs now confirmed.

        The leader itself is one of the ``quorum``.
        """
        pending = self._pending.get(ctx)
        if pending is None:
            return []
        acks = pending[1]
        acks.add(peer)
        if len(acks) + 1 < quorum:
            return []
        position = self._order.index(ctx) + 1
        confirmed = self._order[:position]
        del self._order[:position]
        return [(done, self._pending.pop(done)[0]) for done in confirmed]

    def clear(self) -> None:
        """Forget every pending request (the node is no longer leader)."""
        self._order.clear()
        self._pending.clear()
