"""Safety checks and metrics computed from the trace: violations, availability, the summary."""

from simulator.checks.availability import MAX_NINES, Availability, measure_availability, nines
from simulator.checks.charges import ChargeMonitor, ChargeReport, DoubleCharge, check_charges
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
from simulator.checks.raft_safety import RaftReport, RaftSafetyMonitor, check_raft
from simulator.checks.records import RecordError, events_from_records, load_events
from simulator.checks.summary import MessageCounts, Summary, summarize

__all__ = [
    "APP_LEADER_OVERLAP", "CHECK_NAMES", "DOUBLE_CHARGE", "MAX_NINES", "STATE_MACHINE_SAFETY",
    "TWO_RAFT_LEADERS", "Availability", "Belief", "ChargeMonitor", "ChargeReport",
    "DoubleCharge", "Failover", "Incident", "LeadershipMonitor", "LeadershipReport",
    "LiveChecker", "MessageCounts", "Overlap", "RaftReport", "RaftSafetyMonitor",
    "RecordError", "SafetyMonitors", "Summary", "check_charges", "check_leadership",
    "check_raft", "events_from_records", "load_events", "measure_availability", "nines",
    "summarize",
]
