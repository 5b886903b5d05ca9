"""Multi-Paxos stories on the synchronous test network: the cases issue 12 lists, and more.

Every Ready is checked by the network (one leader per ballot, one value per slot, applies in
slot order), so each story also proves those properties for its run.
"""

from __future__ import annotations

import pytest
from paxos_network import FAST, Network

from simulator.paxos import (
    Accept,
    Nack,
    PaxosOptions,
    Prepare,
    Recovered,
    Role,
)


def elected(size: int = 3, leader: str = "n1", options: PaxosOptions = FAST) -> Network:
    net = Network(size, options)
    net.elect(leader)
    assert net.leader() == leader
    return net


def test_a_leader_is_elected_by_timeout_and_commands_apply_everywhere_in_order() -> None:
    net = Network(5)
    assert net.run_until(lambda: net.leader() is not None)
    for command in ("a", "b", "c"):
        net.propose(command)
    net.run_for(0.5)  # heartbeats carry the chosen frontier to the followers
    for node in net.ids:
        assert net.commands(node) == ["noop", "a", "b", "c"]


def test_phase_one_recovers_a_chosen_value_the_new_leader_lacked() -> None:
    net = elected()
    net.block(lambda m: isinstance(m, Accept) and m.dst == "n3")  # n3 never sees the value
    slot = net.propose("put /leader app2")
    assert net["n1"].chosen(slot) is not None  # n1 and n2 accepted: chosen
    assert net["n3"].accepted(slot) is None
    net.crash("n1")
    net.heal()
    net.elect("n3")  # the node without the value leads (Raft would refuse it votes)
    assert net.leader() == "n3"
    recovered = [r for r in net.notes_of("n3", Recovered) if r.slot == slot]
    assert [(r.command, r.source) for r in recovered] == [("put /leader app2", "n2")]
    net.run_for(0.5)
    assert net.commands("n3")[slot - 1] == "put /leader app2"
    assert net.commands("n2")[slot - 1] == "put /leader app2"


def test_a_value_accepted_by_a_minority_may_become_a_noop_but_never_another_value() -> None:
    net = elected()
    net.block(lambda m: isinstance(m, Accept) and m.entries != ())
    slot = net.propose("charge 42")  # only n1 accepted it: not chosen
    assert net["n1"].chosen(slot) is None
    net.crash("n1")
    net.heal()
    net.elect("n2")  # promises from n2 and n3: neither accepted "charge 42"
    net.run_for(0.5)
    assert net.commands("n2")[slot - 1] == "noop"
    net.restart("n1")  # n1 still holds its accepted "charge 42" on disk...
    net.run_for(1.0)
    assert net.commands("n1")[slot - 1] == "noop"  # ...yet learns the gap was filled
    assert "charge 42" not in net.commands("n1")


def test_a_minority_value_survives_when_its_acceptor_is_in_the_promise_majority() -> None:
    net = elected()
    net.block(lambda m: isinstance(m, Accept) and m.entries != () and m.dst == "n3")
    net.block(lambda m: m.src == "n2" and m.dst == "n1")  # n1 never hears n2 accepted
    slot = net.propose("charge 42")
    assert net["n1"].chosen(slot) is None
    net.heal()
    net.crash("n1")
    net.elect("n3")
    net.run_for(0.5)
    assert net.commands("n3")[slot - 1] == "charge 42"


def test_a_higher_ballot_preempts_the_old_leader() -> None:
    net = elected()
    net.isolate("n1")
    net.elect("n2")
    assert net["n1"].role is Role.LEADER  # it has not heard yet
    assert net["n2"].ballot > net["n1"].ballot
    net.heal()
    slot = net.propose("stale write", node="n1")  # the old leader tries...
    assert slot is not None
    assert net.sent["Nack"] >= 1  # ...and the acceptors refuse its ballot
    assert net["n1"].role is Role.FOLLOWER
    assert net["n1"].promised == net["n2"].ballot
    net.run_for(0.5)
    assert "stale write" not in net.commands("n2")


def test_a_restarted_acceptor_keeps_its_promise() -> None:
    net = elected()
    old = net["n1"].ballot
    net.isolate("n1")
    net.elect("n2")
    promised = net["n3"].promised
    assert promised > old
    net.crash("n3")
    net.restart("n3")
    assert net["n3"].promised == promised
    net.nodes["n3"].step(Prepare("n1", "n3", old, 1), net.now)
    net.nodes["n3"].step(Accept("n1", "n3", old, ((9, "x"),), 0, 0, net.now, False), net.now)
    ready = net["n3"].ready()
    assert [type(m) for m in ready.messages] == [Nack, Nack]
    assert all(m.ballot == promised for m in ready.messages)
    assert net["n3"].accepted(9) is None


def test_a_restarted_node_catches_up_on_chosen_values() -> None:
    net = elected()
    for command in ("a", "b"):
        net.propose(command)
    net.crash("n3")
    net.propose("c")
    net.restart("n3")
    net.run_for(0.5)
    assert net.commands("n3") == net.commands("n1") == ["noop", "a", "b", "c"]


def test_duelling_proposers_without_backoff_never_let_each_other_finish() -> None:
    eager = PaxosOptions(heartbeat_interval=0.1, election_timeout_min=1.0,
                         election_timeout_max=2.0, backoff=False)
    net = Network(3, eager, max_deliveries=3000)
    for node in ("n1", "n2"):
        net.nodes[node].campaign(net.now)
        net.collect(node)
    with pytest.raises(RuntimeError, match="never went quiet"):
        net.deliver()  # each pre-empts the other at once, forever
    rounds = max(net[n].promised[0] for n in net.ids)
    assert rounds > 100  # hundreds of ballots...
    assert all(net[n].chosen_frontier == 0 for n in net.ids)  # ...and not one value chosen


def test_duelling_proposers_with_backoff_settle_on_one_leader() -> None:
    net = Network(3)
    for node in ("n1", "n2"):
        net.nodes[node].campaign(net.now)
        net.collect(node)
    net.deliver()
    assert net.run_until(lambda: len(net.leaders()) == 1)
    net.run_for(3.0)
    assert len(net.leaders()) == 1
    assert max(net[n].promised[0] for n in net.ids) < 10
    net.propose("x")
    net.run_for(0.5)
    assert all("x" in net.commands(n) for n in net.ids)


def test_partitioned_old_leader_still_leads_in_its_own_eyes_but_chooses_nothing() -> None:
    net = elected(5)
    net.partition(["n1", "n2"], ["n3", "n4", "n5"])
    net.elect("n3")
    assert sorted(net.leaders()) == ["n1", "n3"]
    assert net["n1"].ballot != net["n3"].ballot
    stale = net.propose("minority write", node="n1")
    fresh = net.propose("majority write", node="n3")
    assert stale is not None and fresh is not None
    assert net["n1"].chosen(stale) is None
    net.heal()
    net.run_for(1.0)
    assert net.leaders() == ["n3"]
    for node in net.ids:
        assert "minority write" not in net.commands(node)
        assert "majority write" in net.commands(node)


def test_reads_need_a_majority_round_without_a_lease() -> None:
    net = elected()
    net.run_for(0.3)
    assert net.read("n1", 1)
    assert net.read_states["n1"] == [(1, net["n1"].chosen_frontier)]
    assert not net.read("n2", 2)  # a follower cannot serve
    net.isolate("n1")
    assert net.read("n1", 3)  # started, but no majority answers
    assert [ctx for ctx, _ in net.read_states["n1"]] == [1]


def test_a_leader_lease_serves_reads_at_once_and_blocks_other_ballots() -> None:
    leased = PaxosOptions(heartbeat_interval=0.1, election_timeout_min=1.0,
                          election_timeout_max=2.0, leader_lease=True)
    net = elected(3, options=leased)
    net.run_for(0.3)
    net.isolate("n1")  # no round trip possible now, yet the lease serves the read
    assert net.read("n1", 1)
    assert [ctx for ctx, _ in net.read_states["n1"]] == [1]
    net.heal()
    net.run_for(0.05)
    net.nodes["n3"].step(Prepare("n2", "n3", (99, "n2"), 1), net.now)
    assert net["n3"].ready().messages == ()  # n3 granted n1 a lease: no promise to anyone else
    net.elect("n2")  # n2 granted it too: it waits instead of running phase 1
    assert net.leader() == "n1"
    assert net["n3"].promised == net["n1"].ballot
    net.crash("n1")
    assert net.run_until(lambda: net.leader() not in (None, "n1"))
    assert net.now >= 1.0  # nobody promised before the granted lease ran out
