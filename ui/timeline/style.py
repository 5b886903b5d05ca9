"""Colours, symbols and legend texts of the timeline: one place so the picture stays consistent.

Role colours and the app leader colour come from the canvas's ui.style (follower grey-blue,
pre-candidate light orange, candidate orange, leader green), so both views agree. Everything
here is plain data (hex strings); the Qt side decides how to paint them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.style import (  # the canvas's colours
    APP_LEADER_COLOUR,
    ROLE_COLOURS,
    SAFEGUARD_COLOUR,
)

LEASE_COLOUR = "#cdb9ee"
LEASE_LAPSED_COLOUR = "#9b86c4"
CRASH_COLOUR = "#3b3b3b"
SHUTDOWN_COLOUR = "#8f8f8f"
PAUSE_COLOUR = "#f5b800"
CUT_COLOUR = "#f4a9a9"
CURSOR_COLOUR = "#d81b60"
VIOLATION_LINE_COLOUR = "#e41a1c"
BACKGROUND = "#ffffff"
FOREGROUND = "#222222"
GRID_COLOUR = "#e3e3e3"


@dataclass(frozen=True, slots=True)
class BarStyle:
    """How one bar state is filled: colour, opacity (0-255), optional hatching, legend text."""

    colour: str
    label: str
    alpha: int = 255
    hatch: bool = False
    pattern: str = "diagonal"
    """The hatch: "diagonal" lines or a "cross" grid (told apart from the diagonal ones)."""


BAR_STYLES: dict[str, BarStyle] = {
    "follower": BarStyle(ROLE_COLOURS["follower"], "Follower"),
    "precandidate": BarStyle(ROLE_COLOURS["precandidate"], "Pre-candidate"),
    "candidate": BarStyle(ROLE_COLOURS["candidate"], "Candidate"),
    "leader": BarStyle(ROLE_COLOURS["leader"], "Raft leader (term)"),
    "app-leader": BarStyle(APP_LEADER_COLOUR, "App leader (token)"),
    "lease": BarStyle(LEASE_COLOUR, "Lease valid"),
    "lease-lapsed": BarStyle(LEASE_LAPSED_COLOUR, "Lease past expiry", 255, True),
    "crash": BarStyle(CRASH_COLOUR, "Crashed", 200, True),
    "shutdown": BarStyle(SHUTDOWN_COLOUR, "Shut down", 120),
    "pause": BarStyle(PAUSE_COLOUR, "Paused (GC)", 230, True, "cross"),
    "cut": BarStyle(CUT_COLOUR, "Cut off (partition)", 110),
}
"""Bar state -> style. Keys are the states the lane model produces."""

BAR_ORDER: tuple[str, ...] = (
    "cut", "follower", "precandidate", "candidate", "leader", "app-leader", "lease",
    "lease-lapsed", "shutdown", "pause", "crash",
)
"""Drawing order, back to front: partition shading behind the bars, crash hatching on top."""


@dataclass(frozen=True, slots=True)
class MarkStyle:
    """How one kind of point marker is drawn: pyqtgraph symbol, size in pixels, fill, legend."""

    symbol: str
    size: float
    colour: str
    label: str
    edge: str = "#1a1a1a"


MARK_STYLES: dict[str, MarkStyle] = {
    "election": MarkStyle("t1", 12, ROLE_COLOURS["candidate"], "Election started"),
    "elected": MarkStyle("d", 14, "#ffc107", "Leader elected"),
    "app-leader": MarkStyle("t2", 14, APP_LEADER_COLOUR, "App server takes over", "#ffffff"),
    "lease-expired": MarkStyle("x", 16, "#37474f", "Lease expired"),
    "lease-revoked": MarkStyle("s", 10, "#4a2c82", "Lease revoked", "#ffffff"),
    "watch": MarkStyle("o", 9, "#2b7bd6", "Watch event", "#ffffff"),
    "charge": MarkStyle("s", 7, "#11806a", "Charge accepted", "#ffffff"),
    "double-charge": MarkStyle("star", 18, "#e41a1c", "Double charge"),
    "charge-rejected": MarkStyle("+", 13, SAFEGUARD_COLOUR, "Charge rejected (fenced)",
                                 SAFEGUARD_COLOUR),
    "violation": MarkStyle("arrow_down", 30, "#e41a1c", "Safety violation"),
    "caption": MarkStyle("h", 12, "#546e7a", "Caption / question", "#ffffff"),
    "ignored-write": MarkStyle("x", 13, "#e41a1c", "Write ignored (older timestamp)"),
    "stale-read": MarkStyle("o", 11, "#ff9800", "Stale read"),
}
"""Marker kind -> style. Keys are the mark kinds the lane model produces. Red marks harm only
(double charges, violations); a fenced-off charge is a protection working, drawn blue."""
