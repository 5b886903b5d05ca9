"""The election-time trial on Multi-Paxos: the same setup as the Raft line, the same crash.

As in election_time.py: ``n1`` runs phase 1 at once and leads; it gets one command chosen while
its Accept messages reach only enough followers to choose it (the others get its heartbeats
with the entries stripped), a few heartbeats pass, and it is crashed at a uniformly random point
of its heartbeat interval. The time measured runs from the crash until every surviving follower
has received a heartbeat or an Accept under a ballot higher than the crashed
leader's. The difference from Raft is the protocol's: any survivor may win phase 1, the stale
ones too, and the new leader learns the missing value from the promises. Nodes run with
back-off (a pre-empted candidate waits a fresh random timeout) and without leader lease; the
disk write before a promise or an acknowledgement and the network are MiniCluster's, as for Raft.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import TYPE_CHECKING

from simulator.paxos.messages import Accept, Heartbeat, PaxosMessage
from simulator.paxos.node import PaxosNode
from simulator.paxos.options import PaxosOptions, PaxosState, Role
from simulator.rng import Streams, derive_seed
from simulator.runtime.experiment_loop import MiniCluster

if TYPE_CHECKING:
    from simulator.experiments.election_time import ElectionSetup, TrialOutcome

ARRANGE_ATTEMPTS = 5


def paxos_options(setup: ElectionSetup) -> PaxosOptions:
    """The Multi-Paxos options of a trial: the setup's heartbeat and timeouts, back-off on."""
    return PaxosOptions(heartbeat_interval=setup.heartbeat_interval,
                        election_timeout_min=setup.timeout_min,
                        election_timeout_max=setup.timeout_max, backoff=True,
                        leader_lease=False)


def _cluster(setup: ElectionSetup, streams: Streams) -> MiniCluster:
    options = paxos_options(setup)

    def build(node_id: str, peers: tuple[str, ...], rng: random.Random,
              storage: object) -> PaxosNode:
        return PaxosNode(node_id, peers, options, rng,
                         storage if isinstance(storage, PaxosState) else None, 0.0)

    return MiniCluster(tuple(f"n{i}" for i in range(1, setup.nodes + 1)), setup.options(),
                       streams, setup.latency, setup.disk, setup.loss,
                       timeout_step=setup.timeout_step, build=build,
                       early=(Accept, Heartbeat), timer_jitter=setup.timer_jitter)


def _leader(cluster: MiniCluster) -> str | None:
    for node_id in cluster.ids:
        if cluster.nodes[node_id].role is Role.LEADER:
            return node_id
    return None


def _strip_entries_to(stale: frozenset[str]) -> object:
    def rewrite(msg: PaxosMessage) -> PaxosMessage | None:
        if isinstance(msg, Accept) and msg.entries and msg.dst in stale:
            return replace(msg, entries=())
        return msg

    return rewrite


def run_paxos_trial(setup: ElectionSetup, seed: int) -> TrialOutcome:
    """One trial on Multi-Paxos with ``seed`` (see the module docstring)."""
    from simulator.experiments.election_time import TrialOutcome

    if setup.nodes == 1:
        return TrialOutcome(None, None, None, ())
    for attempt in range(ARRANGE_ATTEMPTS):
        streams = Streams(seed if attempt == 0 else derive_seed(seed, f"attempt/{attempt}"))
        cluster = _cluster(setup, streams)
        cluster.campaign(cluster.ids[0])
        if not cluster.run_until(setup.cap, stop=lambda c=cluster: _leader(c) is not None):
            continue
        leader = _leader(cluster)
        assert leader is not None
        node = cluster.nodes[leader]
        others = [n for n in cluster.ids if n != leader]
        stale = tuple(others[len(cluster.ids) // 2:])
        cluster.outgoing = _strip_entries_to(frozenset(stale))  # type: ignore[assignment]
        slot = cluster.propose(leader, "arrange-logs")
        if slot is None:
            continue
        chosen = cluster.run_until(cluster.now + setup.cap,
                                   stop=lambda n=node, s=slot: n.chosen_frontier >= s)
        cluster.run_until(cluster.now + 3 * setup.heartbeat_interval)
        if not chosen or node.role is not Role.LEADER:
            continue
        beat = node.next_deadline()
        cluster.run_until(beat)
        crash_at = beat + streams.get("experiment/crash").uniform(0.0, setup.heartbeat_interval)
        cluster.run_until(crash_at)
        if node.role is not Role.LEADER:
            continue
        return _measure(setup, cluster, leader, stale, crash_at)
    return TrialOutcome(None, None, None, ())


def _measure(setup: ElectionSetup, cluster: MiniCluster, leader: str, stale: tuple[str, ...],
             crash_at: float) -> TrialOutcome:
    from simulator.experiments.election_time import TrialOutcome

    old = cluster.nodes[leader].ballot
    cluster.crash(leader)
    cluster.outgoing = None
    followers = len(cluster.ids) - 2
    heard: dict[tuple[str, object], set[str]] = {}
    done: list[tuple[float, str]] = []

    def on_deliver(msg: PaxosMessage, t: float) -> None:
        if isinstance(msg, Accept | Heartbeat) and msg.ballot > old:
            hearers = heard.setdefault((msg.src, msg.ballot), set())
            hearers.add(msg.dst)
            if len(hearers) >= followers and not done:
                done.append((t, msg.src))

    cluster.on_deliver = on_deliver  # type: ignore[assignment]
    if followers == 0:
        survivor = next(n for n in cluster.ids if n != leader)
        node = cluster.nodes[survivor]
        if not cluster.run_until(crash_at + setup.cap, stop=lambda: node.role is Role.LEADER):
            return TrialOutcome(None, leader, None, stale)
        return TrialOutcome(cluster.now - crash_at, leader, survivor, stale)
    cluster.run_until(crash_at + setup.cap, stop=lambda: bool(done))
    if not done:
        return TrialOutcome(None, leader, None, stale)
    heard_at, winner = done[0]
    return TrialOutcome(heard_at - crash_at, leader, winner, stale)
