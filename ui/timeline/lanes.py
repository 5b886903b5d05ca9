"""Which lanes matter in a lesson: presenter mode shows only these ("key lanes"), so each is
tall enough to read from the back of a room.

A Raft lane matters once its node has been anything but a follower (a candidate, a leader) or
was crashed, paused or cut off; an app server's lane once it led, or was crashed, paused, shut
down or cut off. The events lane (captions, violations) always stays. Lanes join as they start
to matter and stay for the rest of the run.
"""

from __future__ import annotations

from ui.timeline.model import APP, NOTES, RAFT, Lane, TimelineModel

SHADE_TRACKS = ("crash", "pause", "cut")


def lane_matters(model: TimelineModel, lane: Lane) -> bool:
    """True when ``lane``'s host did something worth a lane so far."""
    if lane.kind == NOTES:
        return True
    if any(model.spans(lane.id, track) for track in SHADE_TRACKS):
        return True
    if lane.kind == RAFT:
        return any(span.state != "follower" for span in model.spans(lane.id, "role"))
    if lane.kind == APP:
        return bool(model.spans(lane.id, "leads"))
    return True


def key_lanes(model: TimelineModel) -> tuple[Lane, ...]:
    """The lanes that matter, in the model's order (the events lane first)."""
    return tuple(lane for lane in model.lanes() if lane_matters(model, lane))
