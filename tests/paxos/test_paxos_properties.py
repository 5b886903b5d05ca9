"""Random fault schedules on Multi-Paxos: one value per slot, applied sequences are prefixes.

The test network checks on every Ready that no two nodes apply different values for one slot
and that each applies in slot order; here we also check that every pair of applied sequences is
a prefix of one another, and that a healed cluster chooses a new command everywhere.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paxos_network import Network

from simulator.paxos import PaxosOptions

SIZE = 5


def ops() -> st.SearchStrategy[tuple]:
    node = st.integers(0, SIZE - 1)
    return st.one_of(
        st.tuples(st.just("run"), st.floats(0.05, 2.0)),
        st.tuples(st.just("crash"), node),
        st.tuples(st.just("restart"), node),
        st.tuples(st.just("partition"), st.lists(st.integers(0, 2), min_size=SIZE,
                                                 max_size=SIZE)),
        st.tuples(st.just("heal")),
        st.tuples(st.just("drop"), st.floats(0.0, 0.5)),
        st.tuples(st.just("propose"), node),
        st.tuples(st.just("campaign"), node),
        st.tuples(st.just("read"), node),
    )


def apply(net: Network, op: tuple, counter: list[int]) -> None:
    kind = op[0]
    if kind == "run":
        net.run_for(op[1])
    elif kind == "crash":
        if op[1] < SIZE and net.ids[op[1]] in net.nodes:
            net.crash(net.ids[op[1]])
    elif kind == "restart":
        net.restart(net.ids[op[1]])
    elif kind == "partition":
        groups: dict[int, list[str]] = {}
        for node, group in zip(net.ids, op[1], strict=True):
            groups.setdefault(group, []).append(node)
        net.partition(*groups.values())
    elif kind == "heal":
        net.heal()
    elif kind == "drop":
        net.loss = op[1]
    elif kind == "propose":
        name = net.ids[op[1]]
        if name in net.nodes:
            counter[0] += 1
            net.propose(f"cmd{counter[0]}", node=name)
    elif kind == "campaign":
        name = net.ids[op[1]]
        if name in net.nodes:
            net.elect(name)
    elif kind == "read":
        name = net.ids[op[1]]
        if name in net.nodes:
            counter[0] += 1
            net.read(name, counter[0])


def check_prefixes(net: Network) -> None:
    sequences = [net.commands(node) for node in net.ids]
    for a in sequences:
        for b in sequences:
            shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
            assert longer[: len(shorter)] == shorter


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ops(), max_size=25), st.integers(0, 2**16), st.booleans())
def test_random_faults_never_choose_two_values_for_a_slot(schedule, seed, lease) -> None:
    options = PaxosOptions(heartbeat_interval=0.1, election_timeout_min=1.0,
                           election_timeout_max=2.0, leader_lease=lease)
    net = Network(SIZE, options, seed=seed)
    counter = [0]
    for op in schedule:
        apply(net, op, counter)
        check_prefixes(net)
    net.heal()
    for node in net.ids:
        net.restart(node)
    for _ in range(5):  # a rejoining candidate's higher ballot may pre-empt a leader once
        assert net.run_until(lambda: len(net.leaders()) == 1, 30.0)
        net.run_for(0.5)
        net.propose("final")
        net.run_for(1.0)
        if all("final" in net.commands(node) for node in net.ids):
            break
    check_prefixes(net)
    for node in net.ids:
        assert "final" in net.commands(node)
