"""Apply each client write once, even when the client retries it (Raft dissertation 6.3).

A client that timed out re-sends its operation, perhaps to another member; both copies may end
up in the log. The log entry of a client write is a ``ClientCommand`` naming the client and its
operation number, and every member keeps the same ``SessionTable`` (it changes only by applying
entries, so it is replicated state): the first copy is applied and its answer remembered, a
later copy is not applied again and gets the remembered answer. The client's ``ack`` (its
lowest operation still waiting) lets members forget answers nobody will ask for again.

This module has no simpy and no clock: it is deterministic like the store it guards.
"""

from __future__ import annotations


from simulator.frozen import frozen
from simulator.kv.commands import Command
from simulator.kv.responses import Response


@frozen
class ClientCommand:
    """A client's write as a log entry: ``command`` from ``client``'s operation ``op_id``.

    ``str()`` is the command's own canonical text, so raft.apply shows the store command.
    """

    client: str
    op_id: int
    ack: int
    command: Command

    def __str__(self) -> str:
        return str(self.command)


class SessionTable:
    """Per client: the answers to its applied operations that it may still ask for."""

    def __init__(self) -> None:
        self._answers: dict[str, dict[int, Response]] = {}
        self._floor: dict[str, int] = {}

    def seen(self, client: str, op_id: int) -> tuple[bool, Response | None]:
        """Whether ``op_id`` was already applied (or forgotten), and its answer if kept."""
        if op_id < self._floor.get(client, 0):
            return True, None
        answers = self._answers.get(client)
        if answers is not None and op_id in answers:
            return True, answers[op_id]
        return False, None

    def record(self, entry: ClientCommand, response: Response) -> None:
        """Remember the answer to ``entry`` and forget every answer below its ``ack``."""
        answers = self._answers.setdefault(entry.client, {})
        answers[entry.op_id] = response
        floor = max(self._floor.get(entry.client, 0), entry.ack)
        self._floor[entry.client] = floor
        for op_id in sorted(answers):
            if op_id >= floor:
                break
            del answers[op_id]

    def __len__(self) -> int:
        return sum(len(answers) for answers in self._answers.values())
