"""The store of each member at any time t, from the trace alone (projection.store_fold.StoreFold).

``StoreTimeline(trace).view(node, t)`` folds the trace's kv.change, lease.*, watch.* and raft
events up to ``t``. Moving forward folds only the new events; moving back restarts from the
nearest checkpoint (a copy kept every ``checkpoint_every`` events), so the inspector can follow
the cursor anywhere in a long run.
"""

from __future__ import annotations

import copy

from simulator.kv.inspection import StoreInspection
from simulator.projection.store_fold import StoreFold
from simulator.trace.recorder import Trace

DEFAULT_CHECKPOINT_EVERY = 20_000
STORE_KINDS = frozenset({
    "kv.change", "raft.apply", "raft.role", "node.crash", "lease.grant", "lease.revoke",
    "lease.renew", "lease.primary", "watch.open", "watch.close",
})
"""The event kinds StoreFold reads (others are skipped without a call)."""


class StoreTimeline:
    """Answers ``view(node, t)``: member ``node``'s keys, leases and watches at ``t``."""

    def __init__(self, trace: Trace, checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY) -> None:
        self.trace = trace
        self.checkpoint_every = max(1, checkpoint_every)
        self._fold = StoreFold()
        self._folded = 0
        self._checkpoints: list[tuple[int, StoreFold]] = [(0, copy.deepcopy(self._fold))]

    def view(self, node: str, t: float) -> StoreInspection:
        """Member ``node``'s store after every event at or before ``t``."""
        self._fold_to(self.trace.index_at(t))
        return self._fold.view(node, t)

    def _fold_to(self, target: int) -> None:
        if target < self._folded:
            position, saved = max((cp for cp in self._checkpoints if cp[0] <= target),
                                  key=lambda cp: cp[0])
            self._fold = copy.deepcopy(saved)
            self._folded = position
        events = self.trace.events
        fold = self._fold
        every = self.checkpoint_every
        for position in range(self._folded, target):
            event = events[position]
            if event.kind in STORE_KINDS:
                fold.add(event)
            done = position + 1
            if done % every == 0 and done // every == len(self._checkpoints):
                self._checkpoints.append((done, copy.deepcopy(fold)))
        self._folded = max(self._folded, target)
