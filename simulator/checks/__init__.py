"""Safety checks and metrics computed from the trace: violations, availability, the summary."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.checks.availability import MAX_NINES, Availability, measure_availability, nines
    from simulator.checks.charges import ChargeMonitor, ChargeReport, DoubleCharge, check_charges
    from simulator.checks.ids import server_of
    from simulator.checks.incidents import (
        APP_LEADER_OVERLAP,
        CHECK_NAMES,
        DOUBLE_CHARGE,
        STATE_MACHINE_SAFETY,
        TWO_RAFT_LEADERS,
        Incident,
    )
    from simulator.checks.leadership import (
        Belief,
        Failover,
        LeadershipMonitor,
        LeadershipReport,
        Overlap,
        check_leadership,
    )
    from simulator.checks.live import LiveChecker
    from simulator.checks.monitors import SafetyMonitors
    from simulator.checks.raft_leadership import (
        RaftFailover,
        RaftLeadership,
        RaftLeadershipReport,
        check_raft_leadership,
    )
    from simulator.checks.raft_safety import RaftReport, RaftSafetyMonitor, check_raft
    from simulator.checks.records import RecordError, events_from_records, load_events
    from simulator.checks.summary import MessageCounts, Summary, summarize
    from simulator.checks.working import WorkingLeaders, WorkingReport

# Where each name is defined. A name is imported from its module when first asked for, so
# importing one module of the package (e.g. for a constant) does not load all the others.
_HOME = {
    "MAX_NINES": "availability",
    "Availability": "availability",
    "measure_availability": "availability",
    "nines": "availability",
    "ChargeMonitor": "charges",
    "ChargeReport": "charges",
    "DoubleCharge": "charges",
    "check_charges": "charges",
    "server_of": "ids",
    "APP_LEADER_OVERLAP": "incidents",
    "CHECK_NAMES": "incidents",
    "DOUBLE_CHARGE": "incidents",
    "STATE_MACHINE_SAFETY": "incidents",
    "TWO_RAFT_LEADERS": "incidents",
    "Incident": "incidents",
    "Belief": "leadership",
    "Failover": "leadership",
    "LeadershipMonitor": "leadership",
    "LeadershipReport": "leadership",
    "Overlap": "leadership",
    "check_leadership": "leadership",
    "LiveChecker": "live",
    "SafetyMonitors": "monitors",
    "RaftFailover": "raft_leadership",
    "RaftLeadership": "raft_leadership",
    "RaftLeadershipReport": "raft_leadership",
    "check_raft_leadership": "raft_leadership",
    "RaftReport": "raft_safety",
    "RaftSafetyMonitor": "raft_safety",
    "check_raft": "raft_safety",
    "RecordError": "records",
    "events_from_records": "records",
    "load_events": "records",
    "MessageCounts": "summary",
    "Summary": "summary",
    "summarize": "summary",
    "WorkingLeaders": "working",
    "WorkingReport": "working",
}

__all__ = [
    "APP_LEADER_OVERLAP", "CHECK_NAMES", "DOUBLE_CHARGE", "MAX_NINES", "STATE_MACHINE_SAFETY",
    "TWO_RAFT_LEADERS", "Availability", "Belief", "ChargeMonitor", "ChargeReport",
    "DoubleCharge", "Failover", "Incident", "LeadershipMonitor", "LeadershipReport",
    "LiveChecker", "MessageCounts", "Overlap", "RaftFailover", "RaftLeadership",
    "RaftLeadershipReport", "RaftReport", "RaftSafetyMonitor", "RecordError",
    "SafetyMonitors", "Summary", "WorkingLeaders", "WorkingReport", "check_charges",
    "check_leadership", "check_raft", "check_raft_leadership", "events_from_records",
    "load_events", "measure_availability", "nines", "server_of", "summarize",
]


def __getattr__(name: str) -> Any:
    """``name`` from the module that defines it (imported now if it was not yet)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
