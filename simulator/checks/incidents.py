"""Incidents: a safety check's finding, the payload of a trace ``violation`` event."""

from __future__ import annotations


from simulator.frozen import frozen
from simulator.trace.events import Violation

TWO_RAFT_LEADERS = "two-raft-leaders"
STATE_MACHINE_SAFETY = "state-machine-safety"
APP_LEADER_OVERLAP = "app-leader-overlap"
DOUBLE_CHARGE = "double-charge"
APPLY_ORDER = "apply-order"  # a Multi-Paxos node applied a slot out of order

CHECK_NAMES: tuple[str, ...] = (
    TWO_RAFT_LEADERS, STATE_MACHINE_SAFETY, APP_LEADER_OVERLAP, DOUBLE_CHARGE, APPLY_ORDER,
)


@frozen
class Incident:
    """One failed check at simulated time ``t``: ``what`` names the check, ``detail`` says how."""

    t: float
    what: str
    detail: str

    def to_event(self) -> Violation:
        """The trace event that reports this incident."""
        return Violation(self.t, self.what, self.detail)

    def to_dict(self) -> dict[str, object]:
        """A JSON-serialisable form with a fixed key order."""
        return {"t": self.t, "what": self.what, "detail": self.detail}
