"""etcd's client keepalive timing (client/v3/lease.go) and session default TTL (issue 14 item 2):
the first keepalive goes out at once after the grant, then one every third of the TTL the
server granted (not the TTL asked for)."""

from __future__ import annotations

from apptools import scenario

from simulator.config import AppServerConfig
from simulator.presets.loader import parse_scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.events import KvComplete, KvInvoke


def _lease_calls(sim: Simulation, client: str) -> tuple[float, list[float]]:
    """When the client's grant was answered, and when each of its keepalives was sent."""
    granted = next(e.t for e in sim.trace if isinstance(e, KvComplete) and e.client == client
                   and e.ok and any(isinstance(i, KvInvoke) and i.op == "lease_grant"
                                    and i.client == client and i.op_id == e.op_id
                                    for i in sim.trace))
    sent = [e.t for e in sim.trace if isinstance(e, KvInvoke) and e.client == client
            and e.op == "lease_keepalive"]
    return granted, sent


def test_first_keepalive_at_once_then_a_third_of_the_granted_ttl() -> None:
    # ask for 0.5 s; the store raises it to its minimum: 1.5 election timeouts (0.45 s) rounded
    # up to whole seconds, 1 s
    sim = Simulation(scenario("etcd", servers=1, ttl=0.5), seed=4)
    sim.run_until(6.0)
    granted, sent = _lease_calls(sim, "app1")
    assert sent[0] == granted  # at once, not a third of the TTL later
    gaps = [b - a for a, b in zip(sent[1:], sent[2:])]
    # each next keepalive leaves 1/3 s after the previous answer (a few ms of round trip), not
    # a third of the 0.5 s asked for
    assert gaps and all(1 / 3 <= gap < 1 / 3 + 0.05 for gap in gaps)


def test_a_session_lives_sixty_seconds_unless_told_otherwise() -> None:
    assert AppServerConfig("app1").ttl == 60.0
    lesson = parse_scenario('[apps]\ncount = 1\nrecipe = "etcd"\n', "lesson.toml")
    assert lesson.apps.servers[0].ttl == 60.0
