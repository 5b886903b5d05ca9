"""The simulated network: per-link latency and loss, directional cuts, partitions, heal.

Generic over any message with ``src``, ``dst``, ``kind`` and ``label()`` (Raft messages now;
store clients, app servers and the payment provider later). Delivery is one scheduled simpy
callback per message, never a process.

Drop rules (each drop is traced as msg.drop with its reason, at the time it happens):
- ``cut``: the link src->dst is cut when the message is sent (dropped at once, at the send time),
  or has been cut by the time it arrives (messages keep flying during a partition and are
  dropped at the cut when they get there).
- ``loss``: decided at send time with the link's loss probability (stream ``net/loss``); the
  message is traced as lost at its arrival time, so a view can show it vanish on the way.
- ``crashed``: the destination is down at arrival, or crashed and restarted while the message
  was flying (the connection to the old process is gone). A message already on the wire when
  its *sender* crashes still arrives: it left the host.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from heapq import heappush
from typing import Any, ClassVar, Protocol

import simpy
from simpy.events import NORMAL

from simulator.config import LATENCY_KINDS, Latency, NetworkConfig
from simulator.rng import Streams
from simulator.trace.events import MsgDrop, NetCut, NetHeal, NetLink
from simulator.trace.recorder import Trace


class Routable(Protocol):
    """Anything the network can carry: addressed, named for the trace, with a short label."""

    src: str
    dst: str
    kind: ClassVar[str]

    def label(self) -> str:
        """A short text for views."""
        ...


class Endpoint(Protocol):
    """A host as the network sees it: up or down, its incarnation, and a mailbox."""

    alive: bool
    incarnation: int

    def receive(self, msg_id: int, msg: Any) -> None:
        """Take a message that arrived (the host traces msg.deliver when it takes it)."""
        ...


class Flight:
    """A message in flight: a minimal simpy event whose callback is the arrival (or the loss).

    simpy reads ``_ok`` (and ``_value`` on failure) from what it pops; a flight never fails, so
    both are class constants rather than per-message slots.
    """

    __slots__ = ("callbacks", "msg_id", "msg", "endpoint", "incarnation")
    _ok = True
    _value = None

    def __init__(self, callbacks: tuple[Callable[[Flight], None], ...], msg_id: int, msg: Any,
                 endpoint: Endpoint, incarnation: int) -> None:
        self.callbacks: tuple[Callable[[Flight], None], ...] | None = callbacks
        self.msg_id = msg_id
        self.msg = msg
        self.endpoint = endpoint
        self.incarnation = incarnation


_new_flight = object.__new__


class Network:
    """Carries messages between attached endpoints under the current link conditions."""

    def __init__(self, env: simpy.Environment, trace: Trace, streams: Streams,
                 config: NetworkConfig) -> None:
        self._env = env
        self._trace = trace
        self._latency_rng = streams.get("net/latency")
        self._loss_rng = streams.get("net/loss")
        self.default_latency: Latency = config.latency
        self.default_loss: float = config.loss
        self._latency_overrides: dict[tuple[str, str], Latency] = {}
        self._samplers: dict[tuple[str, str], Callable[[], float]] = {}
        self._default_sampler = self._sampler(config.latency)
        self._draw = self._latency_rng.random
        self._default_uniform = self._uniform(config.latency)
        self._loss_overrides: dict[tuple[str, str], float] = {}
        self._cut: set[tuple[str, str]] = set()
        self._endpoints: dict[str, Endpoint] = {}
        self._ids = itertools.count(1)
        self._config_links = config.links
        self._arrive_callbacks = (self._arrive,)
        self._lost_callbacks = (self._lose,)
        # simpy's own queue and event counter, for scheduling a flight without a method call
        self._queue = env._queue  # noqa: SLF001
        self._eid = env._eid  # noqa: SLF001
        self._plain = True
        self._update_plain()

    # --- endpoints -------------------------------------------------------------------------

    def attach(self, node_id: str, endpoint: Endpoint) -> None:
        """Register ``endpoint`` under ``node_id`` (ids are unique)."""
        if node_id in self._endpoints:
            raise ValueError(f"network: host {node_id!r} is attached twice")
        self._endpoints[node_id] = endpoint

    def apply_configured_links(self) -> None:
        """Apply NetworkConfig.links once every host is attached (unknown ids are rejected)."""
        for number, link in enumerate(self._config_links, start=1):
            try:
                self.set_link(link.src, link.dst, latency=link.latency, loss=link.loss,
                              both_ways=link.both_ways)
            except ValueError as problem:
                raise ValueError(f"network.links[{number}] ({link.src}-{link.dst}): "
                                 f"{problem}") from None

    @property
    def node_ids(self) -> tuple[str, ...]:
        """Every attached host id, sorted."""
        return tuple(sorted(self._endpoints))

    def _check(self, node_id: str) -> None:
        if node_id not in self._endpoints:
            known = ", ".join(sorted(self._endpoints))
            raise ValueError(f"network: unknown host {node_id!r} (known: {known})")

    # --- sending ---------------------------------------------------------------------------

    def send(self, msg: Any) -> int:
        """Send ``msg`` now; return its message id. Traces msg.send and, if cut, msg.drop."""
        now = self._env._now  # noqa: SLF001 - hot path, same as env.now
        msg_id = next(self._ids)
        dst = msg.dst
        trace = self._trace
        if trace.wants_sends:  # not in a replay that keeps nothing
            trace.msg_send(now, msg_id, msg.src, dst, msg.kind, msg.label())
        endpoint = self._endpoints.get(dst)
        if endpoint is None:
            raise ValueError(f"network: message {msg.kind} from {msg.src!r} to unknown host "
                             f"{dst!r}")
        if self._plain:  # no cut, no per-link setting, no loss: the common case
            uniform = self._default_uniform
            if uniform is not None:  # the default sampler's draw, inlined
                delay = uniform[0] + uniform[1] * self._draw()
            else:
                delay = self._default_sampler()
            callbacks = self._arrive_callbacks
        else:
            key = (msg.src, dst)
            if key in self._cut:
                self._trace.emit(MsgDrop(now, msg_id, "cut"))
                return msg_id
            delay = self._samplers.get(key, self._default_sampler)()
            loss = self._loss_overrides.get(key, self.default_loss)
            callbacks = self._arrive_callbacks
            if loss > 0.0 and self._loss_rng.random() < loss:
                callbacks = self._lost_callbacks
        # Flight(callbacks, msg_id, msg, endpoint, incarnation) without calling its __init__
        flight = _new_flight(Flight)
        flight.callbacks = callbacks
        flight.msg_id = msg_id
        flight.msg = msg
        flight.endpoint = endpoint
        flight.incarnation = endpoint.incarnation if endpoint.alive else -1
        # env.schedule(flight, NORMAL, delay), inlined: the same heap entry simpy would push
        heappush(self._queue, (now + delay, NORMAL, next(self._eid), flight))
        return msg_id

    def _arrive(self, flight: Flight) -> None:
        msg = flight.msg
        if self._cut and (msg.src, msg.dst) in self._cut:
            self._trace.emit(MsgDrop(self._env._now, flight.msg_id, "cut"))  # noqa: SLF001
            return
        endpoint = flight.endpoint
        if not endpoint.alive or endpoint.incarnation != flight.incarnation:
            self._trace.emit(MsgDrop(self._env._now, flight.msg_id, "crashed"))  # noqa: SLF001
            return
        endpoint.receive(flight.msg_id, msg)

    def _lose(self, flight: Flight) -> None:
        """A message lost on the way (decided at send time) vanishes when it would arrive."""
        self._trace.emit(MsgDrop(self._env._now, flight.msg_id, "loss"))  # noqa: SLF001

    # --- link state ------------------------------------------------------------------------

    def is_cut(self, src: str, dst: str) -> bool:
        """Whether the directed link src->dst is cut."""
        return (src, dst) in self._cut

    @property
    def cut_links(self) -> tuple[tuple[str, str], ...]:
        """Every cut directed link, sorted."""
        return tuple(sorted(self._cut))

    def cut(self, src: str, dst: str, both_ways: bool = True) -> None:
        """Stop carrying messages src->dst (and dst->src when ``both_ways``)."""
        self._check(src)
        self._check(dst)
        if src == dst:
            raise ValueError(f"network: cannot cut the link from {src!r} to itself")
        self._set_cuts(self._cut | set(_directions(src, dst, both_ways)))

    def heal(self, src: str, dst: str, both_ways: bool = True) -> None:
        """Carry messages src->dst again (and dst->src when ``both_ways``)."""
        self._check(src)
        self._check(dst)
        self._set_cuts(self._cut - set(_directions(src, dst, both_ways)))

    def isolate(self, node_id: str) -> None:
        """Cut every link to and from ``node_id``; other links keep their state."""
        self._check(node_id)
        links = set(self._cut)
        for other in self.node_ids:
            if other != node_id:
                links.add((node_id, other))
                links.add((other, node_id))
        self._set_cuts(links)

    def partition(self, groups: Sequence[Iterable[str]]) -> None:
        """Split the listed hosts into ``groups``: links between different groups are cut.

        Every other cut is healed first. Hosts listed in no group keep every link (so a
        partition of the Raft nodes leaves clients and app servers reaching both sides).
        """
        listed: dict[str, int] = {}
        for number, group in enumerate(groups):
            for node_id in group:
                self._check(node_id)
                if node_id in listed:
                    raise ValueError(f"network: host {node_id!r} is in two partition groups")
                listed[node_id] = number
        links = {(a, b) for a in listed for b in listed if listed[a] != listed[b]}
        self._set_cuts(links)

    def heal_all(self) -> None:
        """Heal every cut link (latency and loss settings stay)."""
        self._set_cuts(set())

    def _set_cuts(self, new: set[tuple[str, str]]) -> None:
        now = self._env.now
        healed = sorted(self._cut - new)
        added = sorted(new - self._cut)
        self._cut = new
        self._update_plain()
        for src, dst in healed:
            self._trace.emit(NetHeal(now, src, dst))
        for src, dst in added:
            self._trace.emit(NetCut(now, src, dst))

    def set_link(self, src: str, dst: str, latency: Latency | None = None,
                 loss: float | None = None, both_ways: bool = True) -> None:
        """Give the link src->dst (and back) its own latency and/or loss; traced as net.link."""
        self._check(src)
        self._check(dst)
        if loss is not None:
            _check_loss(loss)
        if latency is not None:
            check_latency(latency)
        for a, b in _directions(src, dst, both_ways):
            if latency is not None:
                self._latency_overrides[(a, b)] = latency
                self._samplers[(a, b)] = self._sampler(latency)
            if loss is not None:
                self._loss_overrides[(a, b)] = float(loss)
            self._update_plain()
            self._trace.emit(NetLink(self._env.now, a, b, self.loss_of(a, b),
                                     self.latency_of(a, b).describe()))

    def set_default(self, latency: Latency | None = None, loss: float | None = None) -> None:
        """Change the latency and/or loss of every link without its own override."""
        if loss is not None:
            _check_loss(loss)
            self.default_loss = float(loss)
        if latency is not None:
            check_latency(latency)
            self.default_latency = latency
            self._default_sampler = self._sampler(latency)
            self._default_uniform = self._uniform(latency)
        self._update_plain()
        self._trace.emit(NetLink(self._env.now, "*", "*", self.default_loss,
                                 self.default_latency.describe()))

    def _update_plain(self) -> None:
        """Note whether every message takes the default link: no cut, override or loss."""
        self._plain = not (self._cut or self._samplers or self._loss_overrides
                           or self.default_loss > 0.0)

    def _sampler(self, latency: Latency) -> Callable[[], float]:
        """A fast draw from ``latency``: the same numbers as ``latency.sample(rng)``."""
        rng = self._latency_rng
        if latency.kind == "uniform":
            low, span, draw = latency.a, latency.b - latency.a, rng.random
            return lambda: low + span * draw()  # exactly random.Random.uniform
        if latency.kind == "constant":
            value = latency.a
            return lambda: value
        return lambda: latency.sample(rng)

    @staticmethod
    def _uniform(latency: Latency) -> tuple[float, float] | None:
        """(low, high - low) of a uniform latency, whose draw ``send`` inlines; else None."""
        if latency.kind == "uniform":
            return latency.a, latency.b - latency.a
        return None

    def latency_of(self, src: str, dst: str) -> Latency:
        """The latency distribution of the link src->dst."""
        return self._latency_overrides.get((src, dst), self.default_latency)

    def loss_of(self, src: str, dst: str) -> float:
        """The loss probability of the link src->dst."""
        return self._loss_overrides.get((src, dst), self.default_loss)


def _directions(src: str, dst: str, both_ways: bool) -> list[tuple[str, str]]:
    return [(src, dst), (dst, src)] if both_ways else [(src, dst)]


def _check_loss(loss: float) -> None:
    if not 0.0 <= loss <= 1.0:
        raise ValueError(f"network: loss must be a probability between 0 and 1, got {loss!r}")


def check_latency(latency: Latency) -> None:
    """Reject a latency distribution that could give a negative or non-finite delay."""
    ok = (latency.kind in LATENCY_KINDS and math.isfinite(latency.a) and math.isfinite(latency.b)
          and latency.a >= 0.0 and latency.b >= 0.0)
    if ok and latency.kind == "uniform":
        ok = latency.b >= latency.a
    if not ok:
        raise ValueError(f"network: invalid latency {latency!r} (delays are >= 0 seconds; "
                         "uniform needs low <= high)")
