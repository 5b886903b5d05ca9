"""Random fault schedules: Raft's four safety properties always hold, and a healed cluster works.

The test network checks on every Ready that there is at most one leader per term, that a new
leader holds every committed entry (leader completeness) and that no two nodes apply different
entries at one index (state machine safety); log matching is checked after every step. Once all
faults are healed, a leader must be elected and a new proposal must commit everywhere.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from network import Network

from simulator.raft import RaftOptions

Op = tuple


def node_ops(size: int) -> st.SearchStrategy[Op]:
    """One fault or client action on a cluster of ``size`` nodes."""
    node = st.integers(0, size - 1)
    return st.one_of(
        st.tuples(st.just("run"), st.floats(0.05, 2.0)),
        st.tuples(st.just("crash"), node),
        st.tuples(st.just("restart"), node),
        st.tuples(st.just("pause"), node),
        st.tuples(st.just("resume"), node),
        st.tuples(st.just("partition"), st.lists(st.integers(0, 2), min_size=size, max_size=size)),
        st.tuples(st.just("heal")),
        st.tuples(st.just("drop"), st.floats(0.0, 0.5)),
        st.tuples(st.just("reorder"), st.integers(0, 1000)),
        st.tuples(st.just("propose"), node, st.integers(1, 3)),
        st.tuples(st.just("campaign"), node),
        st.tuples(st.just("read"), node),
    )


def random_op(rng: random.Random, size: int) -> Op:
    """The same kinds of operations, drawn from a plain random stream."""
    kind = rng.choice(
        ["run", "run", "run", "crash", "restart", "pause", "resume", "partition", "heal",
         "drop", "reorder", "propose", "propose", "campaign", "read"]
    )
    if kind == "run":
        return (kind, rng.uniform(0.05, 2.0))
    if kind == "partition":
        return (kind, [rng.randrange(3) for _ in range(size)])
    if kind == "drop":
        return (kind, rng.uniform(0.0, 0.5))
    if kind == "reorder":
        return (kind, rng.randrange(1000))
    if kind == "heal":
        return (kind,)
    if kind == "propose":
        return (kind, rng.randrange(size), rng.randint(1, 3))
    return (kind, rng.randrange(size))


def apply(net: Network, op: Op, counter: list[int]) -> None:
    """Carry out one operation on the network."""
    kind = op[0]
    name = net.ids[op[1]] if kind not in ("run", "partition", "heal", "drop", "reorder") else ""
    if kind == "run":
        net.run_for(op[1])
    elif kind == "crash":
        if net.alive(name):
            net.crash(name)
    elif kind == "restart":
        net.restart(name)
    elif kind == "pause":
        net.pause(name)
    elif kind == "resume":
        net.resume(name)
    elif kind == "partition":
        groups: dict[int, list[str]] = {}
        for node, group in zip(net.ids, op[1], strict=True):
            groups.setdefault(group, []).append(node)
        net.heal()
        net.partition(*(groups[g] for g in sorted(groups)))
    elif kind == "heal":
        net.heal()
    elif kind == "drop":
        net.drop(op[1], random.Random(counter[0]))
    elif kind == "reorder":
        net.reorder(random.Random(op[1]))
    elif kind == "propose" and usable(net, name):
        for _ in range(op[2]):
            counter[0] += 1
            net.propose(f"cmd{counter[0]}", node=name)
    elif kind == "campaign" and usable(net, name):
        net.elect(name)
    elif kind == "read" and usable(net, name):
        counter[0] += 1
        net.read(name, counter[0])


def usable(net: Network, node: str) -> bool:
    """True when ``node`` runs and is not paused, so a client can talk to it."""
    return net.alive(node) and node not in net.paused


def heal_everything(net: Network) -> None:
    """Remove every fault: restart crashed nodes, resume paused ones, heal the links."""
    net.heal()
    for node in net.ids:
        net.restart(node)
        net.resume(node)


def commits_after_healing(net: Network) -> bool:
    """A leader gets elected and a fresh proposal reaches every node's state machine."""
    for attempt in range(5):
        if not net.run_until(lambda: net.leader() is not None, limit=30):
            return False
        command = f"final{attempt}"
        net.propose(command)

        def everywhere(command: str = command) -> bool:
            return all(
                any(entry.command == command for entry in net.applied[node]) for node in net.ids
            )

        if net.run_until(everywhere, limit=5):
            return True
    return False


def play(size: int, options: RaftOptions, seed: int, ops: list[Op]) -> None:
    """Run a schedule, checking safety throughout and liveness at the end."""
    net = Network(size, options=options, seed=seed)
    counter = [0]
    for op in ops:
        apply(net, op, counter)
        net.check_log_matching()
    heal_everything(net)
    assert commits_after_healing(net), f"no commit after healing: {net.roles()}"
    net.check_log_matching()
    leader = net.leader()
    assert leader is not None
    for node in net.ids:
        assert net[node].log[: net[node].commit_index] == net[leader].log[: net[node].commit_index]


@st.composite
def schedules(draw: st.DrawFn) -> tuple[int, RaftOptions, int, list[Op]]:
    size = draw(st.sampled_from([3, 5]))
    options = RaftOptions(
        0.1, 1.0, 2.0, pre_vote=draw(st.booleans()), check_quorum=draw(st.booleans())
    )
    seed = draw(st.integers(0, 10_000))
    ops = draw(st.lists(node_ops(size), max_size=40))
    return size, options, seed, ops


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(schedules())
def test_random_fault_schedules_keep_raft_safe_and_live(
    schedule: tuple[int, RaftOptions, int, list[Op]],
) -> None:
    play(*schedule)


def test_many_seeds_of_long_random_schedules_keep_raft_safe_and_live() -> None:
    for seed in range(300):
        rng = random.Random(seed)
        size = rng.choice([3, 5])
        options = RaftOptions(
            0.1, 1.0, 2.0, pre_vote=rng.random() < 0.5, check_quorum=rng.random() < 0.5
        )
        play(size, options, seed, [random_op(rng, size) for _ in range(100)])


def test_the_same_seed_and_schedule_give_the_same_history() -> None:
    rng = random.Random(99)
    ops = [random_op(rng, 5) for _ in range(80)]
    histories = []
    for _ in range(2):
        net = Network(5, options=RaftOptions(), seed=42)
        counter = [0]
        for op in ops:
            apply(net, op, counter)
        histories.append((net.notes, net.sent_messages, net.logs()))
    assert histories[0] == histories[1]
    assert len(histories[0][1]) > 200
