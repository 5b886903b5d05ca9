"""Safety checks and metrics computed from the trace: violations, availability, the summary."""

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
