"""ZooKeeper's client states: Connected, Disconnected after 2/3 of the session timeout without an
answer, Connected again or Expired when the client reaches the ensemble (issue 14, item 1)."""

from __future__ import annotations

import dataclasses

import pytest
from apptools import TTL, revokes, roles, scenario, settled_leader

from simulator.checks.leadership import check_leadership
from simulator.projection.narration import Narrator
from simulator.runtime.simulation import Simulation
from simulator.trace.events import AppSession, KvComplete, KvInvoke, Work

CUT = 3.0
HEAL = 8.0


def zookeeper(stop_on: str) -> Simulation:
    base = scenario("zookeeper")
    zk = dataclasses.replace(base.apps.zookeeper, stop_on=stop_on)
    return Simulation(dataclasses.replace(base, apps=dataclasses.replace(base.apps, zookeeper=zk)),
                      seed=1)


def cut_from_store(sim: Simulation, server: str) -> None:
    for node in sorted(sim.raft_hosts):
        sim.cut(server, node)


def sessions(sim: Simulation, server: str) -> list[tuple[float, str, int]]:
    return [(e.t, e.state, e.session) for e in sim.trace
            if isinstance(e, AppSession) and e.server == server]


def last_keepalive_answer(sim: Simulation, server: str, before: float) -> float:
    return max(e.t for e in sim.trace if isinstance(e, KvComplete) and e.client == server
               and e.ok and e.t <= before and _op(sim, server, e.op_id) == "lease_keepalive")


def _op(sim: Simulation, client: str, op_id: int) -> str:
    return next(e.op for e in sim.trace if isinstance(e, KvInvoke) and e.client == client
                and e.op_id == op_id)


@pytest.mark.parametrize("stop_on", ["disconnected", "lost", "expired"])
def test_a_cut_off_client_is_disconnected_after_two_thirds_of_its_session(stop_on: str) -> None:
    sim = zookeeper(stop_on)
    leader = settled_leader(sim, CUT)
    cut_from_store(sim, leader)
    sim.run_until(HEAL)
    heard = last_keepalive_answer(sim, leader, CUT)
    states = sessions(sim, leader)
    assert [state for _, state, _ in states][:2] == ["connected", "disconnected"]
    assert states[1][0] == pytest.approx(heard + TTL * 2 / 3)
    # the ensemble's leader expires the session later, one timeout after the last ping it got
    expired = revokes(sim, "expired")
    assert len(expired) == 1 and expired[0].lease == states[0][2]
    assert expired[0].t > states[1][0]


def test_curators_default_steps_down_at_disconnected_before_anyone_takes_over() -> None:
    sim = zookeeper("disconnected")
    leader = settled_leader(sim, CUT)
    cut_from_store(sim, leader)
    sim.run_until(HEAL)
    disconnected = sessions(sim, leader)[1][0]
    mine = [(e.t, e.leader) for e in roles(sim) if e.server == leader]
    assert mine[-1] == (disconnected, False)
    successor = next(e for e in roles(sim) if e.leader and e.server != leader)
    assert successor.t > revokes(sim, "expired")[0].t > disconnected
    assert check_leadership(sim.trace, sim.now).overlaps == ()


def test_waiting_for_expired_leaves_two_leaders_until_the_client_reaches_the_ensemble() -> None:
    sim = zookeeper("expired")
    leader = settled_leader(sim, CUT)
    cut_from_store(sim, leader)
    sim.run_until(HEAL)
    assert sim.app_hosts[leader].leading, "still acting while disconnected"
    disconnected = sessions(sim, leader)[1][0]
    # ConnectionLoss: its work sends nothing to the store while disconnected
    work_calls = [e for e in sim.trace if isinstance(e, KvInvoke) and e.client == leader
                  and disconnected <= e.t < HEAL and e.op != "lease_keepalive"]
    assert work_calls == []
    assert not [e for e in sim.trace if isinstance(e, Work) and e.server == leader
                and e.t >= disconnected]
    sim.heal_all()
    sim.run_until(HEAL + 2.0)
    states = sessions(sim, leader)
    assert [state for _, state, _ in states][:3] == ["connected", "disconnected", "expired"]
    expired_at = states[2][0]
    assert HEAL < expired_at < HEAL + 1.0
    assert [(e.t, e.leader) for e in roles(sim) if e.server == leader][-1] == (expired_at, False)
    overlaps = check_leadership(sim.trace, sim.now).overlaps
    assert len(overlaps) == 1 and leader in overlaps[0].servers
    assert overlaps[0].end == expired_at
    # a new session, at the end of the queue
    assert states[3][1] == "connected" and states[3][2] != states[0][2]


def test_curators_session_policy_gives_up_one_session_timeout_after_disconnected() -> None:
    sim = zookeeper("lost")
    leader = settled_leader(sim, CUT)
    cut_from_store(sim, leader)
    sim.run_until(HEAL)
    states = sessions(sim, leader)
    assert [state for _, state, _ in states][:3] == ["connected", "disconnected", "expired"]
    disconnected, lost = states[1][0], states[2][0]
    assert lost == pytest.approx(disconnected + TTL), "Curator's own expiry, still cut off"
    assert [(e.t, e.leader) for e in roles(sim) if e.server == leader][-1] == (lost, False)
    successor = next(e for e in roles(sim) if e.leader and e.server != leader)
    overlaps = check_leadership(sim.trace, sim.now).overlaps
    assert [(o.start, o.end) for o in overlaps] == [(successor.t, lost)]
    narrator = Narrator()
    said = [entry.text for index, event in enumerate(sim.trace)
            if isinstance(event, AppSession) and event.server == leader
            and (entry := narrator.feed(event, index)) is not None]
    assert said[1].startswith(f"{leader} heard nothing from the ensemble")
    assert "Curator's LOST" in said[2]


def test_a_short_cut_reconnects_to_the_same_session_and_leads_again() -> None:
    sim = zookeeper("disconnected")
    leader = settled_leader(sim, CUT)
    before = last_keepalive_answer(sim, leader, CUT)
    while (heard := last_keepalive_answer(sim, leader, sim.now)) == before:
        sim.run_until(sim.now + 0.01)  # to just after the next ping's answer
    cut_from_store(sim, leader)
    sim.run_until(heard + TTL * 2 / 3 + 0.2)  # Disconnected; the session lives until heard + TTL
    sim.heal_all()
    sim.run_until(heard + TTL + 1.0)
    states = sessions(sim, leader)
    assert [state for _, state, _ in states] == ["connected", "disconnected", "connected"]
    assert len({session for _, _, session in states}) == 1
    assert revokes(sim, "expired") == []
    mine = [(e.leader, e.token) for e in roles(sim) if e.server == leader]
    assert mine == [(True, mine[0][1]), (False, mine[0][1]), (True, mine[0][1])]
    assert all(e.server == leader for e in roles(sim))
