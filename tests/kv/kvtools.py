"""Test helpers for the pure store: apply commands with consecutive Raft indexes."""

from __future__ import annotations

from simulator.kv import ApplyResult, Command, KVStore, Response


class Feed:
    """Applies commands to one store as consecutive committed log entries."""

    def __init__(self, store: KVStore | None = None) -> None:
        self.store = store if store is not None else KVStore()
        self.index = 0

    def __call__(self, command: Command | None) -> ApplyResult:
        """Apply ``command`` as the next entry and return the result."""
        self.index += 1
        return self.store.apply(self.index, command)

    def answer(self, command: Command) -> Response:
        """Apply ``command`` and return only its response (never None for a real command)."""
        response = self(command).response
        assert response is not None
        return response
