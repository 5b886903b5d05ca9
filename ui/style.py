"""Colours, sizes and fonts of the live window: one place so the canvas, legend and panels agree.

Role colours are shared with the timeline (follower grey-blue, pre-candidate light orange,
candidate orange, leader green); each role also has its own shape so colour is never the only cue.
Sizes are in scene units, chosen to stay readable on a projector.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont

ROLE_COLOURS: dict[str, str] = {
    "follower": "#8da2b8",
    "precandidate": "#f9cf8f",
    "candidate": "#ee8a2a",
    "leader": "#2e9d4f",
}
ROLE_NAMES: dict[str, str] = {
    "follower": "Follower",
    "precandidate": "Pre-candidate",
    "candidate": "Candidate",
    "leader": "Leader",
}
APP_LEADER_COLOUR = "#6a35b8"
APP_IDLE_COLOUR = "#e9e3f3"
LEASE_COLOUR = "#9b6fd6"
CRASH_COLOUR = "#9e9e9e"
CRASH_MARK_COLOUR = "#b71c1c"
SHUTDOWN_COLOUR = "#d5d5d5"
"""An app server shut down gracefully: greyed, lighter than a crash and without its red X."""
SHUTDOWN_MARK_COLOUR = "#5a5a5a"
PAUSE_COLOUR = "#f5b800"
CUT_COLOUR = "#d32f2f"
LINK_COLOUR = "#c5ccd6"
WALL_COLOUR = "#b71c1c"
TIMER_COLOUR = "#455a64"
VIOLATION_COLOUR = "#e41a1c"
"""Red is for harm only: a safety violation, a double charge."""
SAFEGUARD_COLOUR = "#1565c0"
"""A protection doing its job (a fencing rejection, a leader stepping down): blue, not red."""
CROWN_COLOUR = "#f2b705"
PROVIDER_COLOUR = "#e0f2ef"
PROVIDER_EDGE = "#11806a"
BACKGROUND = "#fbfbf8"
FOREGROUND = "#1f1f1f"
MUTED = "#5f6b76"
CAPTION_BACKGROUND = "#fff7d6"

MESSAGE_COLOURS: dict[str, str] = {
    "RequestVote": "#ee8a2a",
    "RequestVoteResponse": "#f5b46b",
    "AppendEntries": "#2e9d4f",
    "AppendEntriesResponse": "#7cc48f",
    "Heartbeat": "#2e9d4f",
    "HeartbeatResponse": "#7cc48f",
    "TimeoutNow": "#d81b60",
}
CLIENT_MESSAGE_COLOUR = "#6a35b8"
WORK_MESSAGE_COLOUR = "#11806a"
DROP_COLOUR = "#d32f2f"

NODE_RADIUS = 46.0
APP_WIDTH = 190.0
APP_HEIGHT = 92.0
PROVIDER_WIDTH = 210.0
PROVIDER_HEIGHT = 180.0
MESSAGE_RADIUS = 8.0
FONT_FAMILY = "DejaVu Sans"


def colour(hex_text: str, alpha: int = 255) -> QColor:
    """A QColor from ``#rrggbb`` with ``alpha`` (0-255)."""
    result = QColor(hex_text)
    result.setAlpha(alpha)
    return result


def font(pixels: float, bold: bool = False) -> QFont:
    """The window's font at ``pixels`` size (scene units on the canvas)."""
    result = QFont(FONT_FAMILY)
    result.setPixelSize(max(1, round(pixels)))
    result.setBold(bold)
    return result


def message_colour(kind: str) -> str:
    """The dot colour of a message of protocol ``kind``."""
    if kind in MESSAGE_COLOURS:
        return MESSAGE_COLOURS[kind]
    lowered = kind.lower()
    if "charge" in lowered or "work" in lowered or "pay" in lowered:
        return WORK_MESSAGE_COLOUR
    return CLIENT_MESSAGE_COLOUR
