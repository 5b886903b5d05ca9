"""The eventual store's pure core: ring, last-writer-wins, quorums, repair, hints, TTL."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.eventual import (
    Expect,
    ReplicaWrite,
    Replica,
    Ring,
    Target,
    Timestamp,
    WriteCoordinator,
    exchange,
    initial_targets,
)
from simulator.eventual.loop import Clock
from tests.eventual.ectools import (
    HOMES,
    KEY,
    NODES,
    STANDINS,
    RING,
    WALK,
    cluster,
    put_if_absent,
    read,
    write,
)


def values(loop, nodes=HOMES, key=KEY):
    return [loop.replicas[n].read(key, loop.local(n)).value for n in nodes]


# ring -----------------------------------------------------------------------------------------


def test_the_walk_lists_every_node_once_and_the_preference_list_is_its_head() -> None:
    ring = Ring(NODES, vnodes=4)
    for key in ("/leader", "/payments/job1", "a", "b"):
        walk = ring.walk(key)
        assert sorted(walk) == sorted(NODES)
        assert ring.preference_list(key, 3) == walk[:3]
    assert Ring(list(reversed(NODES)), vnodes=4).walk("a") == ring.walk("a")  # stable


def test_keys_spread_over_the_ring() -> None:
    ring = Ring(NODES, vnodes=8)
    firsts = {ring.walk(f"key{i}")[0] for i in range(200)}
    assert firsts == set(NODES)


def test_a_suspected_home_is_replaced_by_the_next_stand_in_only_when_sloppy() -> None:
    targets, spare = initial_targets(WALK, 3, suspected={HOMES[1]}, sloppy=True)
    assert targets == [Target(HOMES[0]), Target(STANDINS[0], HOMES[1]), Target(HOMES[2])]
    assert spare == [STANDINS[1]]
    strict, _ = initial_targets(WALK, 3, suspected={HOMES[1]}, sloppy=False)
    assert [t.node for t in strict] == list(HOMES)


# last-writer-wins -----------------------------------------------------------------------------


def test_a_fast_clock_makes_an_earlier_write_win_and_the_later_one_is_acknowledged_but_lost():
    fast, slow = HOMES[0], HOMES[1]
    loop, _ = cluster({fast: Clock(offset=2.0)})
    first = write(loop, fast, "app1")  # stamped 2.0 by a clock 2 s fast
    loop.run()
    loop.now = 1.0
    second = write(loop, slow, "app3")  # stamped 1.0, a second later in real time
    loop.run()
    assert first.outcome.ok and second.outcome.ok  # both acknowledged to their clients
    assert second.ts < first.ts
    assert values(loop) == ["app1"] * 3  # app3's acknowledged write is gone everywhere
    ignored = [a for a in loop.applied if a.write.value == "app3"]
    assert ignored and not any(a.result.applied for a in ignored)


def test_equal_times_are_broken_by_node_id() -> None:
    replica = Replica("s1")
    replica.write(ReplicaWrite(KEY, "b", Timestamp(5.0, "s2")), 0.0)
    assert not replica.write(ReplicaWrite(KEY, "a", Timestamp(5.0, "s1")), 0.0).applied
    assert replica.write(ReplicaWrite(KEY, "c", Timestamp(5.0, "s3")), 0.0).applied
    assert replica.read(KEY, 0.0).value == "c"


@given(st.permutations(list(range(6))), st.lists(st.sampled_from(NODES), min_size=6,
                                                 max_size=6))
def test_replicas_converge_whatever_order_writes_arrive_in(order, nodes) -> None:
    writes = [ReplicaWrite(KEY, f"v{i}", Timestamp(float(i % 3), nodes[i])) for i in range(6)]
    a, b = Replica("a"), Replica("b")
    for w in writes:
        a.write(w, 0.0)
    for i in order:
        b.write(writes[i], 0.0)
    assert a.read(KEY, 0.0) == b.read(KEY, 0.0)
    assert a.version(KEY).ts == max(w.ts for w in writes)


# quorums --------------------------------------------------------------------------------------


def test_r_plus_w_above_n_reads_the_latest_write_and_r_w_one_may_not() -> None:
    loop, links = cluster()
    coordinator = HOMES[0]
    write(loop, coordinator, "old", w=3)
    loop.run()
    # the new write reaches only its coordinator's own copy before the others hear of it
    links.cut |= {(coordinator, HOMES[1]), (coordinator, HOMES[2])}
    assert write(loop, coordinator, "new", w=1).outcome is None
    loop.run()
    links.heal()
    stale = read(loop, HOMES[2], r=1)  # its own copy answers first
    loop.run()
    assert stale.outcome.value == "old"
    links.cut.add((HOMES[0], HOMES[2]))  # R + W = N: the two copies read may both be old
    also_stale = read(loop, HOMES[2], r=2, timeout=0.5)
    loop.run()
    links.heal()
    assert also_stale.outcome.value == "old"
    fresh = read(loop, HOMES[2], r=3)  # R + W > N: some copy read is the new one
    loop.run()
    assert fresh.outcome.value == "new"


def test_w2_r2_over_three_homes_always_overlap() -> None:
    loop, links = cluster()
    links.cut |= {(HOMES[0], HOMES[2]), (HOMES[2], HOMES[0])}
    w = write(loop, HOMES[0], "x", w=2)
    loop.run()
    assert w.outcome.ok and values(loop).count("x") == 2
    r = read(loop, HOMES[2], r=2)
    loop.run()
    assert r.outcome.value == "x"


# read repair ----------------------------------------------------------------------------------


def _one_copy(read_repair: bool) -> list:
    loop, links = cluster()
    links.cut |= {(HOMES[0], HOMES[1]), (HOMES[0], HOMES[2])}
    write(loop, HOMES[0], "x", w=1)
    loop.run()
    links.heal()
    r = read(loop, HOMES[1], r=1, read_repair=read_repair)
    loop.run()
    assert r.outcome.ok
    return values(loop)


def test_read_repair_brings_stale_replicas_up_to_date() -> None:
    assert _one_copy(read_repair=True) == ["x", "x", "x"]
    assert _one_copy(read_repair=False) == ["x", None, None]


# sloppy quorum and hinted handoff ---------------------------------------------------------------


def test_a_sloppy_write_is_held_by_a_stand_in_and_handed_over_later() -> None:
    loop, links = cluster()
    down = HOMES[2]
    links.partition([down], [n for n in NODES if n != down])
    w = write(loop, HOMES[0], "x", w=3, sloppy=True, handoff_after=0.1)
    loop.run()
    assert w.outcome.ok and STANDINS[0] in w.outcome.acks
    standin = loop.replicas[STANDINS[0]]
    assert standin.hinted_homes() == [down]
    assert standin.read(KEY, 0.0).value is None  # a hint is not data
    assert values(loop, [down]) == [None]
    links.heal()
    for hint in standin.hints_for(down):
        loop.send_direct(STANDINS[0], down, hint.as_write(loop.local(STANDINS[0])))
        standin.handed_off(hint)
    loop.run()
    assert values(loop) == ["x", "x", "x"]
    assert standin.hinted_homes() == []


def test_strict_quorum_fails_where_the_sloppy_one_succeeds() -> None:
    loop, links = cluster()
    links.partition([HOMES[2]], [n for n in NODES if n != HOMES[2]])
    w = write(loop, HOMES[0], "x", w=3, handoff_after=0.1)
    loop.run()
    assert not w.outcome.ok


def test_during_a_partition_sloppy_quorums_on_each_side_do_not_overlap() -> None:
    loop, links = cluster()
    side_a = [HOMES[0], STANDINS[0], STANDINS[1]]
    side_b = [HOMES[1], HOMES[2]]
    links.partition(side_a, side_b)
    w = write(loop, HOMES[0], "a-wins", w=2, sloppy=True, handoff_after=0.1)
    loop.run()
    assert w.outcome.ok
    r = read(loop, HOMES[1], r=2, sloppy=True, handoff_after=0.1)
    loop.run()
    assert r.outcome.ok and r.outcome.value is None  # R + W > N, still a stale read


# TTL by each replica's clock --------------------------------------------------------------------


def test_ttl_runs_on_each_replica_clock() -> None:
    slow = HOMES[2]
    loop, _ = cluster({slow: Clock(rate=0.5)})
    write(loop, HOMES[0], "x", w=3, ttl=5.0)
    loop.run()
    loop.now = 6.0
    assert values(loop) == [None, None, "x"]  # the slow clock has counted only 3 s
    r = read(loop, HOMES[0], r=3)
    loop.run()
    assert r.outcome.value is None  # on a tie an expired copy wins over a live one
    loop.now = 11.0
    assert values(loop) == [None, None, None]


# a failed write can land --------------------------------------------------------------------------


def test_a_write_that_times_out_is_reported_failed_but_landed() -> None:
    loop, links = cluster()
    links.cut |= {(HOMES[2], HOMES[0])}  # its ack is lost, the write is not
    w = write(loop, HOMES[0], "x", w=3, timeout=0.5)
    loop.run()
    assert not w.outcome.ok and w.outcome.error == "timeout"
    assert values(loop) == ["x", "x", "x"]


# conditional writes ------------------------------------------------------------------------------


def test_put_if_absent_succeeds_on_both_sides_of_a_partition() -> None:
    loop, links = cluster()
    side_a = [HOMES[0], STANDINS[0], STANDINS[1]]
    side_b = [HOMES[1], HOMES[2]]
    links.partition(side_a, side_b)
    a = put_if_absent(loop, HOMES[0], "app1", sloppy=True, handoff_after=0.1)
    b = put_if_absent(loop, HOMES[1], "app2", sloppy=True, handoff_after=0.1)
    loop.run()
    assert a.outcome.ok and a.outcome.succeeded
    assert b.outcome.ok and b.outcome.succeeded  # two leaders
    c = put_if_absent(loop, HOMES[1], "app3")
    loop.run()
    assert c.outcome.ok and not c.outcome.succeeded and c.outcome.value == "app2"


def test_a_per_replica_compare_and_swap_can_fail_yet_leave_its_write_behind() -> None:
    loop, links = cluster()
    write(loop, HOMES[0], "v1", w=3)
    loop.run()
    base = loop.replicas[HOMES[0]].version(KEY).ts
    links.cut |= {(HOMES[1], HOMES[2])}
    write(loop, HOMES[1], "v2", w=1)  # reaches two homes only
    loop.run()
    links.heal()
    cas = write(loop, HOMES[2], "v3", w=2, expect=Expect(base))
    loop.run()
    assert cas.outcome.ok and not cas.outcome.succeeded and cas.outcome.error == "conflict"
    assert values(loop)[2] == "v3"  # the one replica that matched kept the write


# anti-entropy ------------------------------------------------------------------------------------


def test_anti_entropy_exchanges_newer_versions_both_ways() -> None:
    a, b = Replica("a"), Replica("b")
    a.write(ReplicaWrite("k1", "new", Timestamp(2.0, "s1")), 0.0)
    b.write(ReplicaWrite("k1", "old", Timestamp(1.0, "s1")), 0.0)
    b.write(ReplicaWrite("k2", "only-b", Timestamp(1.0, "s2"), ttl=10.0), 0.0)
    to_b, to_a = exchange(a, b, ["k1", "k2"], 3.0, 3.0)
    for w in to_b:
        b.write(w, 3.0)
    for w in to_a:
        a.write(w, 3.0)
    assert a.read("k1", 3.0) == b.read("k1", 3.0)
    assert a.read("k2", 3.0).value == "only-b" and a.read("k2", 3.0).ttl == 7.0
    assert exchange(a, b, ["k1", "k2"], 3.0, 3.0) == ([], [])


def test_a_prefix_scan_reads_enough_nodes_to_see_every_key_at_r_replicas() -> None:
    from simulator.eventual import ScanCoordinator
    from tests.eventual.ectools import settings

    loop, _ = cluster()
    for i, key in enumerate(("/p/a", "/p/b", "/q/c")):
        c = WriteCoordinator(key, f"v{i}", RING.walk(key), settings(3), loop.local("s1"), "s1")
        loop.submit("s1", c)
    loop.run()
    scan = ScanCoordinator("/p/", NODES, settings(2), loop.local("s2"))
    assert scan.needed == 4
    loop.submit("s2", scan)
    loop.run()
    assert scan.outcome.ok and scan.rows == (("/p/a", "v0"), ("/p/b", "v1"))
