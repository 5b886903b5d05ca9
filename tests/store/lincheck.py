"""A small Wing-Gong (WGL) linearizability checker for single-key register operations.

Operations come from a recorded history: each has an invocation and, if the client got an answer,
a response. Times are positions in the trace (so "A completed before B was invoked" is exact).
An operation whose answer never came (``ok`` false: timeout or error) may or may not have taken
effect, at any point after its invocation: it is treated as completing at infinity and may be
left out of the linearization.

Every operation touches one key, so the history is checked key by key (linearizability is local,
Herlihy and Wing 1990), which keeps the search small.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

ABSENT = None


@dataclass(frozen=True, slots=True)
class Op:
    """One client operation on ``key``.

    ``kind`` is "put" (arg: the value), "get", "delete" or "cas" (arg: (expected, new), where
    expected None means "the key does not exist"). ``result`` is what the client saw: the value
    read for a get (None: absent), whether a cas succeeded; ignored for put and delete.
    """

    client: str
    op_id: int
    key: str
    kind: str
    arg: object
    invoke: float
    complete: float  # math.inf when the client never got an answer
    ok: bool
    result: object = None


def _step(state: str | None, op: Op) -> tuple[bool, str | None]:
    """Apply ``op`` to the register ``state``: (does the recorded answer match, new state)."""
    if op.kind == "put":
        return True, str(op.arg)
    if op.kind == "delete":
        return True, ABSENT
    if op.kind == "get":
        return (not op.ok) or op.result == state, state
    if op.kind == "cas":
        expected, new = op.arg  # type: ignore[misc]
        success = state == expected
        matches = (not op.ok) or op.result == success
        return matches, (str(new) if success else state)
    raise ValueError(f"unknown operation kind {op.kind!r}")


def check_key(ops: Sequence[Op], initial: str | None = ABSENT) -> bool:
    """Return True when the operations on one key are linearizable from ``initial``."""
    ops = sorted(ops, key=lambda o: o.invoke)
    n = len(ops)
    required = 0
    for i, op in enumerate(ops):
        if op.ok:
            required |= 1 << i
    seen: set[tuple[int, str | None]] = set()
    # Iterative depth-first search over (linearized set, state); each frame keeps its next
    # candidate position so the search can backtrack.
    stack: list[tuple[int, str | None, int]] = [(0, initial, 0)]
    while stack:
        done, state, start = stack.pop()
        if done & required == required:
            return True
        # The earliest response among the operations not yet linearized bounds the candidates:
        # an operation invoked after some pending operation completed cannot go before it.
        horizon = math.inf
        for i in range(n):
            if not done >> i & 1 and ops[i].complete < horizon:
                horizon = ops[i].complete
        for i in range(start, n):
            if done >> i & 1:
                continue
            op = ops[i]
            if op.invoke > horizon:
                break
            matches, new_state = _step(state, op)
            if not matches:
                continue
            key = (done | 1 << i, new_state)
            if key in seen:
                continue
            seen.add(key)
            stack.append((done, state, i + 1))
            stack.append((done | 1 << i, new_state, 0))
            break
    return False


def check_history(ops: Sequence[Op]) -> list[str]:
    """Return the keys whose operations are not linearizable (empty when the history is)."""
    by_key: dict[str, list[Op]] = {}
    for op in ops:
        by_key.setdefault(op.key, []).append(op)
    return [key for key in sorted(by_key) if not check_key(by_key[key])]
