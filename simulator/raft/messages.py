"""Raft's messages and log entries: frozen dataclasses passed between pure Raft nodes.

Every message carries ``src``, ``dst`` and the sender's ``term``. ``kind`` is the protocol name
used in the trace (msg.send ``type``); ``label()`` is a short text for views.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from simulator.frozen import fast_init

# The labels of the two messages sent about ten times a second per follower, one string per
# term: every traced msg.send keeps its label, so sharing them saves time and memory.
_HEARTBEAT_LABELS: dict[int, str] = {}
_ACK_LABELS: dict[int, str] = {}


@fast_init
@dataclass(frozen=True, slots=True)
class Entry:
    """One log entry. ``command`` is None for a leader's no-op; otherwise a command object whose
    ``str()`` is its canonical text (the trace's raft.apply ``cmd``)."""

    term: int
    index: int
    command: object | None = None

    def canonical(self) -> str:
        """The command's canonical text: ``noop`` for a leader's empty entry."""
        return "noop" if self.command is None else str(self.command)


@fast_init
@dataclass(frozen=True, slots=True)
class Message:
    """Base of all Raft messages."""

    src: str
    dst: str
    term: int
    kind: ClassVar[str] = "Message"

    def label(self) -> str:
        """A short text for a message dot in the window."""
        return f"{self.kind} t{self.term}"


@fast_init
@dataclass(frozen=True, slots=True)
class RequestVote(Message):
    """Ask for a vote (or a pre-vote, which changes no state) for ``term``."""

    last_log_index: int = 0
    last_log_term: int = 0
    pre_vote: bool = False
    kind: ClassVar[str] = "RequestVote"

    def label(self) -> str:
        return f"{'PreVote' if self.pre_vote else 'Vote'}? t{self.term}"


@fast_init
@dataclass(frozen=True, slots=True)
class RequestVoteResponse(Message):
    """The answer to a (pre-)vote request."""

    granted: bool = False
    pre_vote: bool = False
    kind: ClassVar[str] = "RequestVoteResponse"

    def label(self) -> str:
        kind = "PreVote" if self.pre_vote else "Vote"
        return f"{kind} {'yes' if self.granted else 'no'} t{self.term}"


@fast_init
@dataclass(frozen=True, slots=True)
class AppendEntries(Message):
    """Replicate ``entries`` after (prev_log_index, prev_log_term); empty entries = heartbeat.

    ``context`` echoes a ReadIndex round (0 when none) so the leader can confirm leadership.
    """

    prev_log_index: int = 0
    prev_log_term: int = 0
    entries: tuple[Entry, ...] = ()
    leader_commit: int = 0
    context: int = 0
    kind: ClassVar[str] = "AppendEntries"

    def label(self) -> str:
        if not self.entries:
            text = _HEARTBEAT_LABELS.get(self.term)
            if text is None:
                text = _HEARTBEAT_LABELS[self.term] = f"HB t{self.term}"
            return text
        return f"AE +{len(self.entries)} t{self.term}"


@fast_init
@dataclass(frozen=True, slots=True)
class AppendEntriesResponse(Message):
    """The answer to AppendEntries: ``match_index`` on success, a ``conflict_index`` hint else.

    On a rejection, ``conflict_index`` is the follower's last index that may still match the
    leader and ``conflict_term`` the follower's term there (etcd's reject hint), so the leader can
    skip a whole term of mismatching entries in one round trip.
    """

    success: bool = False
    match_index: int = 0
    conflict_index: int = 0
    context: int = 0
    conflict_term: int = 0
    kind: ClassVar[str] = "AppendEntriesResponse"

    def label(self) -> str:
        if not self.success:
            return f"reject t{self.term}"
        text = _ACK_LABELS.get(self.term)
        if text is None:
            text = _ACK_LABELS[self.term] = f"ok t{self.term}"
        return text


@fast_init
@dataclass(frozen=True, slots=True)
class TimeoutNow(Message):
    """Tell the receiver to start an election at once (leadership transfer)."""

    kind: ClassVar[str] = "TimeoutNow"
