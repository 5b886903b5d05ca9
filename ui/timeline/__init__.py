"""The timeline: lanes of Raft roles, app leadership and leases over simulated time.

``TimelineModel`` (pure Python) folds trace events into lanes; ``TimelineWidget`` draws it live
with a seek cursor; ``render_timeline`` writes a PNG or SVG picture for slides. Qt is loaded only
by the widget and the renderer, so importing the model needs no display.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ui.timeline.model import Lane, Mark, Span, TimelineModel
from ui.timeline.render import render_model, render_timeline

if TYPE_CHECKING:
    from ui.timeline.widget import TimelineWidget

__all__ = [
    "Lane", "Mark", "Span", "TimelineModel", "TimelineWidget", "render_model", "render_timeline",
]


def __getattr__(name: str) -> Any:
    if name == "TimelineWidget":
        from ui.timeline.widget import TimelineWidget

        return TimelineWidget
    raise AttributeError(name)
