"""The state of the world at a time t, folded from the trace: what every view draws.

``Projector`` (projector, fold, world): hosts, links, messages, leases at any t. ``logs``:
each Raft node's log tail at any t. ``store``: each member's keys, leases and watches at any
t (projection.store_fold over checkpoints). ``narration``: plain sentences for the feed.
"""

from simulator.projection.fold import FoldState, natural_key
from simulator.projection.projector import Projector
from simulator.projection.world import (
    AppView,
    CaptionView,
    Flight,
    LeaseView,
    ProviderView,
    RaftView,
    ViolationView,
    WorkView,
    World,
)

__all__ = [
    "AppView", "CaptionView", "Flight", "FoldState", "LeaseView", "Projector", "ProviderView",
    "RaftView", "ViolationView", "WorkView", "World", "natural_key",
]
