"""Raft's messages and log entries: frozen dataclasses passed between pure Raft nodes.

Every message carries ``src``, ``dst`` and the sender's ``term``. ``kind`` is the protocol name
used in the trace (msg.send ``type``); ``label()`` is a short text for views.
"""

from __future__ import annotations

from typing import ClassVar

from simulator.frozen import frozen

# The labels of the two messages sent about ten times a second per follower, one string per
# term: every traced msg.send keeps its label, so sharing them saves time and memory.
_HEARTBEAT_LABELS: dict[int, str] = {}
_ACK_LABELS: dict[int, str] = {}
_BEAT_ACK_LABELS: dict[int, str] = {}


@frozen
class Entry:
    """One log entry. ``command`` is None for a leader's no-op; otherwise a command object whose
    ``str()`` is its canonical text (the trace's raft.apply ``cmd``)."""

    term: int
    index: int
    command: object | None = None

    def canonical(self) -> str:
        """The command's canonical text: ``noop`` for a leader's empty entry."""
        return "noop" if self.command is None else str(self.command)


@frozen
class Message:
    """Base of all Raft messages."""

    src: str
    dst: str
    term: int
    kind: ClassVar[str] = "Message"

    def label(self) -> str:
        """A short text for a message dot in the window."""
        return f"{self.kind} t{self.term}"


@frozen
class RequestVote(Message):
    """Ask for a vote (or a pre-vote, which changes no state) for ``term``."""

    last_log_index: int = 0
    last_log_term: int = 0
    pre_vote: bool = False
    kind: ClassVar[str] = "RequestVote"

    def label(self) -> str:
        return f"{'PreVote' if self.pre_vote else 'Vote'}? t{self.term}"


@frozen
class RequestVoteResponse(Message):
    """The answer to a (pre-)vote request."""

    granted: bool = False
    pre_vote: bool = False
    kind: ClassVar[str] = "RequestVoteResponse"

    def label(self) -> str:
        kind = "PreVote" if self.pre_vote else "Vote"
        return f"{kind} {'yes' if self.granted else 'no'} t{self.term}"


@frozen
class AppendEntries(Message):
    """Replicate ``entries`` after (prev_log_index, prev_log_term), with the leader's commit.

    An append may carry no entries (a probe, or etcd's empty MsgApp after a heartbeat answer
    from a lagging follower); the periodic heartbeat is ``Heartbeat``. ``context`` echoes a
    ReadIndex round (0 when none).
    """

    prev_log_index: int = 0
    prev_log_term: int = 0
    entries: tuple[Entry, ...] = ()
    leader_commit: int = 0
    context: int = 0
    kind: ClassVar[str] = "AppendEntries"

    def label(self) -> str:
        if not self.entries:
            return f"AE +0 t{self.term}"
        return f"AE +{len(self.entries)} t{self.term}"


@frozen
class AppendEntriesResponse(Message):
    """The answer to AppendEntries: ``match_index`` on success, a rejection otherwise.

    A rejection names the append it rejects (``reject_index``: that append's prev_log_index,
    etcd's MsgAppResp Index), so the leader can ignore a stale one, and a hint:
    ``conflict_index`` is the follower's last index that may still match the leader and
    ``conflict_term`` the follower's term there (etcd's RejectHint and LogTerm), so the leader
    can skip a whole term of mismatching entries in one round trip.
    """

    success: bool = False
    match_index: int = 0
    conflict_index: int = 0
    context: int = 0
    conflict_term: int = 0
    reject_index: int = 0
    kind: ClassVar[str] = "AppendEntriesResponse"

    def label(self) -> str:
        if not self.success:
            return f"reject t{self.term}"
        text = _ACK_LABELS.get(self.term)
        if text is None:
            text = _ACK_LABELS[self.term] = f"ok t{self.term}"
        return text


@frozen
class Heartbeat(Message):
    """The leader's periodic heartbeat (etcd's MsgHeartbeat): no entries and no log position.

    ``commit`` is min(the follower's match, the leader's commit), so the follower never commits
    an entry it is not known to hold; ``context`` carries a ReadIndex round (0 when none).
    """

    commit: int = 0
    context: int = 0
    kind: ClassVar[str] = "Heartbeat"

    def label(self) -> str:
        text = _HEARTBEAT_LABELS.get(self.term)
        if text is None:
            text = _HEARTBEAT_LABELS[self.term] = f"HB t{self.term}"
        return text


@frozen
class HeartbeatResponse(Message):
    """A follower's answer to a heartbeat (etcd's MsgHeartbeatResp), echoing its ``context``."""

    context: int = 0
    kind: ClassVar[str] = "HeartbeatResponse"

    def label(self) -> str:
        text = _BEAT_ACK_LABELS.get(self.term)
        if text is None:
            text = _BEAT_ACK_LABELS[self.term] = f"HB ok t{self.term}"
        return text


@frozen
class TimeoutNow(Message):
    """Tell the receiver to start an election at once (leadership transfer)."""

    kind: ClassVar[str] = "TimeoutNow"
