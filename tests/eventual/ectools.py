"""Helpers for the eventual store's core tests: a five-node ring driven by the tiny loop."""

from __future__ import annotations

from simulator.eventual import Ring
from simulator.eventual.coordinator import (
    ConditionalPutCoordinator,
    ReadCoordinator,
    Settings,
    WriteCoordinator,
)
from simulator.eventual.loop import Clock, Links, Loop

NODES = ("s1", "s2", "s3", "s4", "s5")
KEY = "/leader"


def cluster(clocks: dict[str, Clock] | None = None, latency: float = 0.001) -> tuple[Loop, Links]:
    links = Links(latency=latency)
    return Loop(NODES, links, clocks), links


RING = Ring(NODES)
WALK = RING.walk(KEY)
HOMES = WALK[:3]
STANDINS = WALK[3:]


def settings(quorum: int, **kw) -> Settings:
    return Settings(n=kw.pop("n", 3), quorum=quorum, timeout=kw.pop("timeout", 1.0), **kw)


def write(loop: Loop, node: str, value: str | None, w: int = 2, ttl: float | None = None,
          **kw) -> WriteCoordinator:
    expect = kw.pop("expect", None)
    c = WriteCoordinator(KEY, value, WALK, settings(w, **kw), loop.local(node), node, ttl,
                         expect)
    loop.submit(node, c)
    return c


def read(loop: Loop, node: str, r: int = 2, **kw) -> ReadCoordinator:
    c = ReadCoordinator(KEY, WALK, settings(r, **kw), loop.local(node))
    loop.submit(node, c)
    return c


def put_if_absent(loop: Loop, node: str, value: str, r: int = 2, w: int = 2,
                  ttl: float | None = None, **kw) -> ConditionalPutCoordinator:
    c = ConditionalPutCoordinator(KEY, value, None, WALK, settings(r, **kw), settings(w, **kw),
                                  loop.local(node), node, ttl)
    loop.submit(node, c)
    return c
