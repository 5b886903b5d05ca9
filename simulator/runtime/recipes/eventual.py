"""The recipes on the eventual store: the seed's and Kubernetes', with no consensus underneath.

- ``EventualSeedElection`` (the seed's recipe): ``try_insert`` is put-if-absent done by a
  coordinator (read at R, write at W if the key is empty) with the server's TTL; the leader
  renews by rewriting the key with the TTL every renew interval (a blind write: last-writer-wins
  decides); with no watches, a follower tries again every renew interval (the seed: "each
  server tries periodically to gain a lease"). The leader believes it leads until its clock
  passes (start of the last acknowledged renewal + TTL). Token: the milliseconds of the
  timestamp its claim was written with, the only number that grows here (a timestamp of a
  coordinator's clock, so a fast clock gives a larger token: not a safe fencing token).
  An exception or a shutdown deletes the key (a tombstone stamped like a write).
  With ``[store] lwt = true`` put-if-absent, the renewal (if the key still names this server,
  rewrite it with the TTL; a key that names another or none ends the leadership at once) and
  the release (delete if it names this server) are lightweight transactions: Paxos among the
  key's replicas, as a Cassandra lock is taken with INSERT ... IF NOT EXISTS USING TTL.
- ``EventualKubernetesElection`` (client-go's leaderelection): the same record and timing as
  on the strong store, but the optimistic-concurrency guard (resourceVersion) is the record's
  write timestamp, checked by each replica on its own copy: a compare-and-swap per replica,
  which can succeed at some replicas and fail at others. With ``[store] lwt = true`` the
  compare-and-swap is a lightweight transaction instead (the newest copy's timestamp is
  compared under Paxos), as client-go's update of a Lease is one atomic step on etcd.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import TYPE_CHECKING

import simpy

from simulator.eventual import Timestamp
from simulator.runtime.recipes.base import Gen, Recipe
from simulator.runtime.recipes.kubernetes import (
    LEASE_KEY,
    RELEASED_DURATION,
    KubernetesElection,
    LeaseRecord,
)
from simulator.runtime.store_errors import StoreError

if TYPE_CHECKING:
    from simulator.runtime.eventual_client import EventualClient

LEADER_KEY = "/election/leader"


def token_of(ts: Timestamp | None) -> int | None:
    """A claim's fencing token: the milliseconds of its write timestamp."""
    return None if ts is None else int(round(ts.time * 1000))


class EventualSeedElection(Recipe):
    """The seed's single leader key, on the eventual store."""

    name = "seed"
    client: EventualClient

    def period(self) -> float:
        """How often the leader renews and a follower tries again."""
        return self.host.config.effective_renew_interval

    def term(self) -> Gen:
        """Try put-if-absent every period until it succeeds, then lead until belief ends."""
        host = self.host
        ttl = host.config.ttl
        while True:
            started = host.local_now()
            try:
                answer = yield from self.client.put_if(LEADER_KEY, host.id, None, ttl)
            except StoreError:
                answer = None
            if answer is not None and answer.succeeded:
                break
            yield from self.guard(host.sleep(self.period()))
        belief = _Belief(self.env, started + ttl)
        keeper = host.spawn(self._renew(belief), "renew")
        watchdog = host.spawn(self._watchdog(belief), "lease-deadline")
        try:
            yield from self.lead(token_of(answer.ts), belief.lost)
        finally:
            keeper.kill()
            watchdog.kill()

    def _renew(self, belief: _Belief) -> Gen:
        host = self.host
        ttl = host.config.ttl
        while not belief.lost.triggered:
            yield host.sleep(self.period())
            if belief.lost.triggered:
                return
            started = host.local_now()
            try:
                if self.client.config.lwt:
                    answer = yield from self.client.put_if(LEADER_KEY, host.id, host.id, ttl)
                    if not answer.succeeded:
                        belief.lost.succeed("the leader key no longer names this server")
                        return
                else:
                    yield from self.client.write(LEADER_KEY, host.id, ttl)
            except StoreError:
                continue  # the deadline decides when to give up
            belief.deadline = max(belief.deadline, started + ttl)

    def _watchdog(self, belief: _Belief) -> Gen:
        host = self.host
        while not belief.lost.triggered:
            yield host.sleep_until(belief.deadline)
            if host.local_now() >= belief.deadline and not belief.lost.triggered:
                belief.lost.succeed("the TTL passed without an acknowledged renewal")
                return

    def release(self) -> Gen:
        """Delete the key (ignoring a store that does not answer: it expires anyway)."""
        with contextlib.suppress(StoreError):
            if self.client.config.lwt:
                yield from self.client.delete_if(LEADER_KEY, self.host.id)
            else:
                yield from self.client.delete(LEADER_KEY)


class _Belief:
    """A leader's belief: it ends (``lost``) when its clock passes ``deadline``."""

    __slots__ = ("deadline", "lost")

    def __init__(self, env: simpy.Environment, deadline: float) -> None:
        self.deadline = deadline
        self.lost: simpy.Event = simpy.Event(env)


class EventualKubernetesElection(KubernetesElection):
    """client-go leaderelection with the resourceVersion check done by each replica."""

    client: EventualClient  # type: ignore[assignment]

    def try_acquire_or_renew(self) -> Gen:
        """One attempt to take or keep the record; True when this server holds it now."""
        me = self.host.id
        found = yield from self.client.read(LEASE_KEY)
        now = self.host.local_now()
        if found.value is None:
            record = LeaseRecord(me, now, now, self.timing.lease_duration, 0)
            created = yield from self.client.cas(LEASE_KEY, record.text(), None)
            if created.succeeded:
                self._observe(record.text(), now)
            return bool(created.succeeded)
        old = LeaseRecord.parse(found.value)
        if found.value != self.observed_text:
            self._observe(found.value, now)
        if old.holder and old.holder != me and self.observed_time + old.duration > now:
            return False  # somebody else's lease has not expired by our clock
        if old.holder == me:
            record = replace(old, renew=now, duration=self.timing.lease_duration)
        else:
            record = LeaseRecord(me, now, now, self.timing.lease_duration, old.transitions + 1)
        updated = yield from self.client.cas(LEASE_KEY, record.text(), found.ts)
        if updated.succeeded:
            self._observe(record.text(), now)
        return bool(updated.succeeded)

    def release(self) -> Gen:
        """ReleaseOnCancel: empty the holder if this server holds it."""
        try:
            found = yield from self.client.read(LEASE_KEY)
            if found.value is None or LeaseRecord.parse(found.value).holder != self.host.id:
                return
            old = LeaseRecord.parse(found.value)
            now = self.host.local_now()
            record = LeaseRecord("", now, now, RELEASED_DURATION, old.transitions)
            yield from self.client.cas(LEASE_KEY, record.text(), found.ts)
        except StoreError:
            return


__all__ = ["LEADER_KEY", "EventualKubernetesElection", "EventualSeedElection"]
