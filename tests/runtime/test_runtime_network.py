"""The network: latency, loss, directional cuts, partitions, crashed hosts, generic messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from simulator.config import Latency, LinkOverride, NetworkConfig
from simulator.rng import Streams
from simulator.runtime.network import Network
from simulator.runtime.scheduling import SimEnvironment
from simulator.trace.events import MsgDeliver, MsgDrop, MsgSend, NetCut, NetHeal
from simulator.trace.recorder import Trace


@dataclass(frozen=True, slots=True)
class Ping:
    """A message that is not Raft's: the network carries anything with src/dst/kind/label."""

    src: str
    dst: str
    n: int = 0
    kind: ClassVar[str] = "Ping"

    def label(self) -> str:
        return f"ping {self.n}"


class Box:
    """An endpoint that records what it received and when."""

    def __init__(self, env: SimEnvironment) -> None:
        self.env = env
        self.alive = True
        self.incarnation = 0
        self.got: list[tuple[float, int, Any]] = []

    def receive(self, msg_id: int, msg: Any) -> None:
        self.got.append((self.env.now, msg_id, msg))


def build(config: NetworkConfig | None = None, hosts: str = "abcd",
          seed: int = 1) -> tuple[SimEnvironment, Trace, Network, dict[str, Box]]:
    env = SimEnvironment()
    trace = Trace()
    net = Network(env, trace, Streams(seed), config or NetworkConfig(Latency.constant(0.01)))
    boxes = {h: Box(env) for h in hosts}
    for name, box in boxes.items():
        net.attach(name, box)
    net.apply_configured_links()
    return env, trace, net, boxes


def drops(trace: Trace) -> dict[int, tuple[float, str]]:
    return {e.id: (e.t, e.reason) for e in trace if isinstance(e, MsgDrop)}


def test_a_message_arrives_after_the_link_latency_and_is_traced() -> None:
    env, trace, net, boxes = build()
    first = net.send(Ping("a", "b", 1))
    second = net.send(Ping("b", "a", 2))
    env.run(until=1.0)
    assert (first, second) == (1, 2)
    assert boxes["b"].got == [(pytest.approx(0.01), 1, Ping("a", "b", 1))]
    sends = [e for e in trace if isinstance(e, MsgSend)]
    assert [(s.id, s.src, s.dst, s.type, s.label) for s in sends] == [
        (1, "a", "b", "Ping", "ping 1"), (2, "b", "a", "Ping", "ping 2")]


def test_uniform_and_normal_latencies_stay_in_their_range() -> None:
    env, _, net, boxes = build(NetworkConfig(Latency.uniform(0.001, 0.005)))
    for n in range(200):
        net.send(Ping("a", "b", n))
    env.run(until=1.0)
    times = [t for t, _, _ in boxes["b"].got]
    assert len(times) == 200 and all(0.001 <= t <= 0.005 for t in times)
    assert max(times) - min(times) > 0.003  # really spread out
    env, _, net, boxes = build(NetworkConfig(Latency.normal(0.001, 0.002)))
    for n in range(200):
        net.send(Ping("a", "b", n))
    env.run(until=1.0)
    times = [t for t, _, _ in boxes["b"].got]
    assert len(times) == 200 and min(times) == 0.0  # clipped at zero, never negative


def test_a_cut_link_drops_at_send_and_only_in_its_direction() -> None:
    env, trace, net, boxes = build()
    net.cut("a", "b", both_ways=False)
    lost = net.send(Ping("a", "b"))
    net.send(Ping("b", "a"))
    env.run(until=1.0)
    assert drops(trace) == {lost: (0.0, "cut")}
    assert boxes["b"].got == [] and len(boxes["a"].got) == 1
    assert [(e.src, e.dst) for e in trace if isinstance(e, NetCut)] == [("a", "b")]


def test_messages_in_flight_are_dropped_at_a_cut_made_before_they_arrive() -> None:
    env, trace, net, boxes = build()
    flying = net.send(Ping("a", "b"))
    env.run(until=0.005)
    net.partition([["a"], ["b", "c"]])
    env.run(until=1.0)
    assert drops(trace) == {flying: (pytest.approx(0.01), "cut")}
    net.heal_all()
    net.send(Ping("a", "b"))
    env.run(until=2.0)
    assert len(boxes["b"].got) == 1


def test_partition_cuts_between_groups_both_ways_and_leaves_unlisted_hosts_connected() -> None:
    _, trace, net, _ = build()
    net.partition([["a", "b"], ["c"]])
    assert set(net.cut_links) == {("a", "c"), ("c", "a"), ("b", "c"), ("c", "b")}
    assert not any(net.is_cut("d", x) or net.is_cut(x, "d") for x in "abc")
    net.partition([["a"], ["b", "c", "d"]])  # a new partition replaces the old one
    assert set(net.cut_links) == {(x, y) for x in "a" for y in "bcd"} | {
        (y, x) for x in "a" for y in "bcd"}
    healed = {(e.src, e.dst) for e in trace if isinstance(e, NetHeal)}
    assert healed == {("b", "c"), ("c", "b")}


def test_isolate_and_heal_all_trace_every_direction() -> None:
    _, trace, net, _ = build(hosts="abc")
    net.isolate("b")
    assert sorted((e.src, e.dst) for e in trace if isinstance(e, NetCut)) == [
        ("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")]
    net.heal_all()
    assert net.cut_links == ()
    assert len([e for e in trace if isinstance(e, NetHeal)]) == 4


def test_loss_drops_about_the_configured_share_at_arrival_time() -> None:
    env, trace, net, boxes = build(NetworkConfig(Latency.constant(0.01), loss=0.3))
    for n in range(1000):
        net.send(Ping("a", "b", n))
    env.run(until=1.0)
    lost = drops(trace)
    assert 230 < len(lost) < 370
    assert all(reason == "loss" and t == pytest.approx(0.01) for t, reason in lost.values())
    assert len(boxes["b"].got) + len(lost) == 1000


def test_per_link_overrides_from_the_config_apply_to_their_link_only() -> None:
    slow = LinkOverride("a", "b", latency=Latency.constant(0.5), loss=None)
    env, _, net, boxes = build(NetworkConfig(Latency.constant(0.01), links=(slow,)))
    net.send(Ping("a", "b"))
    net.send(Ping("b", "a"))
    net.send(Ping("a", "c"))
    env.run(until=2.0)
    assert boxes["b"].got[0][0] == pytest.approx(0.5)
    assert boxes["a"].got[0][0] == pytest.approx(0.5)  # both ways by default
    assert boxes["c"].got[0][0] == pytest.approx(0.01)
    net.set_link("a", "c", loss=1.0, both_ways=False)
    net.send(Ping("a", "c"))
    net.send(Ping("c", "a"))
    env.run(until=3.0)
    assert len(boxes["c"].got) == 1 and len(boxes["a"].got) == 2


def test_messages_to_a_crashed_host_are_lost_even_if_it_restarts_before_they_arrive() -> None:
    env, trace, net, boxes = build()
    boxes["b"].alive = False
    to_dead = net.send(Ping("a", "b"))
    env.run(until=0.005)
    boxes["b"].alive = True
    boxes["b"].incarnation = 1
    env.run(until=1.0)
    flying = net.send(Ping("a", "b"))
    boxes["b"].alive = False
    env.run(until=2.0)
    assert drops(trace) == {to_dead: (pytest.approx(0.01), "crashed"),
                            flying: (pytest.approx(1.01), "crashed")}
    assert not [e for e in trace if isinstance(e, MsgDeliver)]  # hosts trace deliveries


def test_bad_requests_name_the_problem() -> None:
    _, _, net, _ = build()
    with pytest.raises(ValueError, match="unknown host 'z'"):
        net.cut("a", "z")
    with pytest.raises(ValueError, match="loss must be a probability"):
        net.set_link("a", "b", loss=1.5)
    with pytest.raises(ValueError, match="invalid latency"):
        net.set_default(latency=Latency.uniform(0.5, 0.1))
    with pytest.raises(ValueError, match="two partition groups"):
        net.partition([["a", "b"], ["b"]])
    with pytest.raises(ValueError, match="unknown host 'z'"):
        net.send(Ping("a", "z"))


def test_after_loss_and_cuts_are_lifted_every_message_arrives_again() -> None:
    env, trace, net, boxes = build()
    net.set_default(loss=1.0)
    net.cut("a", "c")
    net.send(Ping("a", "b", 1))
    net.send(Ping("a", "c", 2))
    env.run(until=1.0)
    assert boxes["b"].got == [] and boxes["c"].got == []
    assert sorted(reason for _, reason in drops(trace).values()) == ["cut", "loss"]
    net.set_default(loss=0.0)
    net.heal_all()
    net.send(Ping("a", "b", 3))
    net.send(Ping("a", "c", 4))
    env.run(until=2.0)
    assert [msg.n for _, _, msg in boxes["b"].got + boxes["c"].got] == [3, 4]
    assert [t for t, _, _ in boxes["b"].got] == [pytest.approx(1.01)]
    assert len(drops(trace)) == 2
