"""The lightweight transaction's pure core: compare-and-set through single-decree Paxos among a
key's three home replicas, on the tiny loop's fake network."""

from __future__ import annotations

import random

from hypothesis import example, given, settings
from hypothesis import strategies as st

from simulator.eventual import BallotClock, CasCoordinator, Condition, Proposal, ballot_ts
from simulator.eventual.loop import Clock, Loop
from simulator.eventual.lwt_acceptor import prepare, propose, record
from simulator.eventual.lwt_messages import LwtPrepare, LwtPropose
from tests.eventual.ectools import HOMES, KEY, NODES, STANDINS, WALK, cluster, settings as opts
from tests.eventual.ectools import read, write


class Cas:
    """Start transactions at any node, each node with its own ballot clock."""

    def __init__(self, loop: Loop, seed: int = 1) -> None:
        self.loop = loop
        self.clocks = {node: BallotClock(node) for node in NODES}
        self.rng = random.Random(seed)

    def __call__(self, node: str, value: str | None, expect: str | None = None,
                 ttl: float | None = None, suspected: frozenset[str] = frozenset(),
                 timeout: float = 1.0, w: int = 2) -> CasCoordinator:
        c = CasCoordinator(KEY, Condition(expect), value, WALK,
                           opts(2, timeout=timeout, suspected=suspected),
                           self.loop.local(node), self.clocks[node], ttl, w, self.rng)
        self.loop.submit(node, c)
        return c


def copies(loop: Loop, nodes=HOMES) -> list[str | None]:
    return [loop.replicas[n].read(KEY, loop.local(n)).value for n in nodes]


def test_put_if_absent_commits_on_the_homes_stamped_with_its_ballot() -> None:
    loop, _ = cluster()
    cas = Cas(loop)
    first = cas(HOMES[0], "app1")
    loop.run()
    assert first.outcome is not None and first.outcome.ok and first.outcome.succeeded
    assert first.outcome.ts == ballot_ts(first.ballot)
    assert copies(loop) == ["app1"] * 3
    assert all(loop.replicas[s].read(KEY, 0).ts is None for s in STANDINS)  # no stand-ins
    second = cas(HOMES[1], "app2")
    loop.run()
    assert second.outcome is not None and second.outcome.ok
    assert not second.outcome.succeeded and second.outcome.value == "app1"
    assert "the key holds app1" in second.detail
    assert copies(loop) == ["app1"] * 3


def test_compare_and_set_by_value_renews_with_a_ttl_and_a_later_plain_read_sees_it() -> None:
    loop, _ = cluster()
    cas = Cas(loop)
    cas(HOMES[0], "app1", ttl=10.0)
    loop.run(until=1.0)
    renew = cas(HOMES[0], "app1", expect="app1", ttl=10.0)
    loop.run(until=2.0)
    assert renew.outcome is not None and renew.outcome.succeeded
    r = read(loop, HOMES[2])
    loop.run(until=3.0)
    assert r.outcome is not None and r.outcome.ts == renew.outcome.ts
    assert loop.replicas[HOMES[0]].read(KEY, loop.local(HOMES[0])).ttl > 7.9
    loop.run(until=13.0)  # ten seconds after the renewal, by each replica's clock
    assert copies(loop) == [None] * 3
    wrong = cas(HOMES[1], "app2", expect="app1")
    loop.run()
    assert wrong.outcome is not None and not wrong.outcome.succeeded
    assert "the key is absent" in wrong.detail


def test_fewer_than_a_quorum_of_real_replicas_fails_and_no_stand_in_helps() -> None:
    loop, links = cluster()
    cas = Cas(loop)
    links.partition([HOMES[0], *STANDINS], HOMES[1:])
    lonely = cas(HOMES[0], "app1")
    loop.run()
    assert lonely.outcome is not None and not lonely.outcome.ok
    assert lonely.outcome.error == "timeout"
    assert "Paxos needs 2" in lonely.detail
    assert copies(loop) == [None] * 3
    assert all(not loop.replicas[s].paxos for s in STANDINS)
    known_down = cas(HOMES[0], "app1", suspected=frozenset(HOMES[1:]))
    assert known_down.outcome is not None and known_down.outcome.error == "unavailable"
    assert "Paxos needs 2" in known_down.detail


def test_an_accepted_proposal_found_in_the_promises_is_finished_first() -> None:
    loop, _ = cluster()
    cas = Cas(loop)
    # n1's proposal reaches only HOMES[0] (accepted there), then HOMES[0] is cut off
    ballot = cas.clocks[HOMES[0]].next(loop.local(HOMES[0]))
    for home in HOMES[:2]:
        prepare(loop.replicas[home], LwtPrepare(KEY, ballot), 0.0)
    propose(loop.replicas[HOMES[0]], LwtPropose(KEY, Proposal(ballot, "app1")))
    loop.run(until=0.5)
    other = cas(HOMES[1], "app2")  # sees app1's accepted proposal in HOMES[0]'s promise
    loop.run()
    assert other.outcome is not None and other.outcome.ok
    assert not other.outcome.succeeded and other.outcome.value == "app1"
    assert copies(loop) == ["app1"] * 3
    assert other.attempts == 2  # finished app1's value under its ballot, then tried its own


def test_a_stale_ballot_is_refused_and_the_coordinator_retries_higher() -> None:
    fast = {HOMES[0]: Clock(offset=5.0)}  # HOMES[0]'s clock is five seconds fast
    loop, _ = cluster(clocks=fast)
    cas = Cas(loop)
    cas(HOMES[0], "app1")
    loop.run(until=1.0)
    late = cas(HOMES[1], "app2", expect="app1")
    loop.run()
    assert late.outcome is not None and late.outcome.succeeded
    assert late.attempts == 2 and late.refused_by is not None
    assert late.ballot[0] > 5_000_000  # above the fast clock's ballot it was refused with
    assert record(loop.replicas[HOMES[0]], KEY).committed.ballot == late.ballot
    assert copies(loop) == ["app2"] * 3


def test_a_replica_that_missed_the_last_commit_is_repaired_before_a_new_value() -> None:
    loop, links = cluster()
    cas = Cas(loop)
    links.partition([HOMES[2]], [n for n in NODES if n != HOMES[2]])
    cas(HOMES[0], "app1")
    loop.run(until=2.0)
    assert copies(loop) == ["app1", "app1", None]
    links.heal()
    links.partition([HOMES[0]], [n for n in NODES if n != HOMES[0]])
    renew = cas(HOMES[1], "app2", expect="app1")
    loop.run()
    assert renew.outcome is not None and renew.outcome.succeeded
    assert record(loop.replicas[HOMES[2]], KEY).committed.value == "app2"
    assert copies(loop)[1:] == ["app2", "app2"]


def test_plain_writes_and_transactions_share_last_writer_wins() -> None:
    loop, _ = cluster()
    cas = Cas(loop)
    write(loop, HOMES[0], "plain")
    loop.run(until=0.5)
    c = cas(HOMES[1], "app1")  # not absent: a plain write holds the key
    loop.run()
    assert c.outcome is not None and not c.outcome.succeeded and c.outcome.value == "plain"


# property: under partitions, crashes and loss, the transaction's compare-and-set is a register -


@st.composite
def schedules(draw: st.DrawFn) -> dict:
    ops = draw(st.lists(st.tuples(st.sampled_from(NODES), st.floats(0.0, 0.5),
                                  st.integers(0, 4)), min_size=2, max_size=5))
    faults = draw(st.lists(st.tuples(st.floats(0.0, 1.0), st.floats(0.01, 1.0),
                                     st.sampled_from(("cut", "crash")),
                                     st.sampled_from(NODES), st.sampled_from(NODES)),
                           max_size=4))
    return {"ops": ops, "faults": faults, "loss": draw(st.sampled_from((0.0, 0.1, 0.3))),
            "seed": draw(st.integers(0, 10_000))}


@settings(max_examples=60, deadline=None)
@given(schedules())
# two refusals of s3's own proposal arrived before the third replica's acceptance: it backed off,
# and another coordinator finished the accepted value, so a "failed" put-if-absent was chosen
@example({"ops": [("s1", 0.0, 0), ("s1", 0.0, 0), ("s1", 0.0, 0), ("s3", 0.0, 3)],
          "faults": [], "loss": 0.0, "seed": 0})
# found by this test: a proposal one replica accepted after two refused was taken for wholly
# refused, retried, and reported "not applied" although another coordinator finished its value
@example({"ops": [("s1", 0.0, 0), ("s1", 0.0, 1), ("s2", 0.03125, 0)], "faults": [],
          "loss": 0.0, "seed": 1335})
def test_no_two_compare_and_sets_fork_and_no_committed_value_is_lost(plan: dict) -> None:
    rng = random.Random(plan["seed"])
    faults = plan["faults"]
    loss = [plan["loss"]]

    def delay(src: str, dst: str, msg: object, t: float) -> float | None:
        for at, length, kind, a, b in faults:
            if at <= t < at + length and (
                (kind == "crash" and a in (src, dst)) or
                    (kind == "cut" and {src, dst} == {a, b} and a != b)):
                return None
        if src != dst and rng.random() < loss[0]:
            return None
        return 0.0 if src == dst else rng.uniform(0.001, 0.02)

    loop = Loop(NODES, delay)
    cas = Cas(loop, plan["seed"])
    started: list[tuple[str, str | None, CasCoordinator]] = []
    for index, (node, at, expect_index) in enumerate(sorted(plan["ops"], key=lambda o: o[1])):
        loop.run(until=at)
        value = f"v{index}"
        # each op expects absent, or the value of an earlier op (which may or may not be set)
        expect = None if expect_index >= index else f"v{expect_index}"
        started.append((value, expect, cas(node, value, expect)))
    loop.run()
    faults, loss[0] = [], 0.0  # everything heals: a final transaction reads the register
    final = cas(HOMES[0], "probe", expect="never")
    loop.run()
    assert final.outcome is not None and final.outcome.ok and not final.outcome.succeeded
    succeeded = {v: e for v, e, c in started if c.outcome and c.outcome.ok
                 and c.outcome.succeeded}
    maybe = {v: e for v, e, c in started if c.outcome and not c.outcome.ok}
    # no two successes expected the same value: put-if-absent won at most once
    assert len(set(succeeded.values())) == len(succeeded)
    # the register's value is reached from absent through successes and maybe-applied ops, and
    # every success lies on that chain: no committed value was overwritten without being read
    chain: list[str] = []
    value = final.outcome.value
    while value is not None:
        assert value in succeeded or value in maybe, value
        chain.append(value)
        value = succeeded.get(value, maybe.get(value))
        assert len(chain) <= len(started)
    assert set(succeeded) <= set(chain)
