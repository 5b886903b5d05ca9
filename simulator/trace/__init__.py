"""The trace: typed immutable events, the recorder, and the event log exports."""

from simulator.trace.events import ALL_EVENT_TYPES, EVENT_TYPES_BY_KIND, Event
from simulator.trace.recorder import Trace

__all__ = ["ALL_EVENT_TYPES", "EVENT_TYPES_BY_KIND", "Event", "Trace"]
