"""Kubernetes' recipe: client-go's leaderelection on a lease record (tools/leaderelection).

- The record ``/k8s/lease`` holds the holder, acquire and renew times (the holder's clock),
  the lease duration and the number of leader transitions. Every update is guarded by the key's
  mod revision (``Txn(If ModRevision(k) == rev Then Put ...)``), as the API server guards
  updates by resourceVersion: optimistic concurrency.
- Candidates call tryAcquireOrRenew every RetryPeriod, jittered by the factor
  (``RetryPeriod * (1 + rand * jitter)``, stream ``"<server>/recipe"``). A candidate takes over
  only when its own clock says ``observedTime + LeaseDuration < now``, where observedTime is its
  local time when it last saw the record change: it never compares clocks with the holder, so
  it tolerates skew but not a different clock rate.
- The leader renews every RetryPeriod; a renew round that does not succeed within
  RenewDeadline (retrying every RetryPeriod) makes it stop leading; then it campaigns again.
- An exception or a graceful shutdown releases the record (ReleaseOnCancel: holder emptied,
  lease duration 1 s), so a candidate takes over at its next retry.
- No fencing in client-go ("does not guarantee that only one client is acting as a leader"):
  the token offered to the provider is the record's leader transitions count, which grows by
  one at every change of holder (documented choice; client-go itself offers no token).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

import simpy

from simulator.frozen import frozen
from simulator.kv.commands import Compare, Put
from simulator.runtime.recipes.base import Gen, Recipe
from simulator.runtime.store_errors import StoreError
from simulator.trace.events import AppBelief

if TYPE_CHECKING:
    from simulator.runtime.app_server import AppServerHost
    from simulator.runtime.client import StoreClient

LEASE_KEY = "/k8s/lease"
RELEASED_DURATION = 1.0


@frozen
class LeaseRecord:
    """client-go's LeaderElectionRecord (times are the writer's local clock, in seconds)."""

    holder: str
    acquire: float
    renew: float
    duration: float
    transitions: int

    def text(self) -> str:
        """The record as the store value, e.g. ``holder=app1;acquire=1.5;...``."""
        return (f"holder={self.holder};acquire={self.acquire:.3f};renew={self.renew:.3f};"
                f"duration={self.duration:g};transitions={self.transitions}")

    @staticmethod
    def parse(text: str) -> LeaseRecord:
        """Read a record back from its store value (ValueError if it is not one)."""
        fields = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
        try:
            return LeaseRecord(fields["holder"], float(fields["acquire"]),
                               float(fields["renew"]), float(fields["duration"]),
                               int(fields["transitions"]))
        except (KeyError, ValueError) as problem:
            raise ValueError(f"{LEASE_KEY}: not a lease record: {text!r}") from problem


class KubernetesElection(Recipe):
    """client-go leaderelection with this server as the identity."""

    name = "kubernetes"

    def __init__(self, host: AppServerHost, client: StoreClient) -> None:
        super().__init__(host, client)
        self.timing = host.apps.kubernetes
        self.observed: LeaseRecord | None = None
        self.observed_text: str | None = None
        self.observed_time = -math.inf

    def term(self) -> Gen:
        """Retry until the record is ours, then renew until RenewDeadline is missed."""
        while not (yield from self.try_acquire_or_renew()):
            yield from self.guard(self.host.sleep(self.retry_delay()))
        assert self.observed is not None
        lost = simpy.Event(self.env)
        renewer = self.host.spawn(self.renew_loop(lost), "renew")
        try:
            yield from self.lead(self.observed.transitions, lost)
        finally:
            renewer.kill()

    def retry_delay(self) -> float:
        """RetryPeriod jittered by the factor (wait.Jitter)."""
        period = self.timing.retry_period
        return period * (1.0 + self.host.rng.random() * self.timing.jitter)

    def try_acquire_or_renew(self) -> Gen:
        """One attempt to take or keep the record; True when this server holds it now."""
        me = self.host.id
        found = yield from self.client.get(LEASE_KEY)
        now = self.host.local_now()
        current = found.first
        if current is None:
            record = LeaseRecord(me, now, now, self.timing.lease_duration, 0)
            created = yield from self.client.txn(
                [Compare(LEASE_KEY, "create", "=", 0)], [Put(LEASE_KEY, record.text())])
            if created.succeeded:
                self._observe(record.text(), now)
            return bool(created.succeeded)
        old = LeaseRecord.parse(current.value)
        if current.value != self.observed_text:
            self._observe(current.value, now)
        if old.holder and old.holder != me and self.observed_time + old.duration > now:
            return False  # somebody else's lease has not expired by our clock
        if old.holder == me:
            record = replace(old, renew=now, duration=self.timing.lease_duration)
        else:
            record = LeaseRecord(me, now, now, self.timing.lease_duration, old.transitions + 1)
        updated = yield from self.client.txn(
            [Compare(LEASE_KEY, "mod", "=", current.mod_revision)],
            [Put(LEASE_KEY, record.text())])
        if updated.succeeded:
            self._observe(record.text(), now)
        return bool(updated.succeeded)

    def _observe(self, text: str, now: float) -> None:
        self.observed_text = text
        self.observed = LeaseRecord.parse(text)
        self.observed_time = now
        holder = self.observed.holder
        if holder == self.host.id:  # it gives up unless the next renew round succeeds
            until = now + self.timing.retry_period + self.timing.renew_deadline
        elif holder:  # it may take over once the record has not changed for its duration
            until = now + self.observed.duration
        else:  # released: free to take at once
            until = now
        self._believe(holder, now, until)

    def _believe(self, holder: str, local: float, until: float) -> None:
        """Trace how long this server believes the record holds, by its own clock."""
        host = self.host
        host.trace.emit(AppBelief(host.env.now, host.id, holder, local, until))

    def renew_loop(self, lost: simpy.Event) -> Gen:
        """Every RetryPeriod a renew round; a round that misses RenewDeadline ends leadership."""
        host = self.host
        while True:
            yield host.sleep(self.timing.retry_period)
            now = host.local_now()
            deadline = now + self.timing.renew_deadline
            self._believe(host.id, now, deadline)
            if not (yield from self.renew_round(deadline)):
                if not lost.triggered:
                    lost.succeed("renew deadline missed")
                return

    def renew_round(self, deadline: float) -> Gen:
        """Try to renew now and every RetryPeriod until ``deadline``; True once renewed."""
        host = self.host
        while host.local_now() < deadline:
            attempt = host.spawn(self._attempt(), "renew-attempt")
            expiry = host.sleep_until(deadline)
            yield attempt.done | expiry  # the attempt never fails: it answers False
            if attempt.done.triggered and attempt.done.ok and attempt.done.value:
                return True
            attempt.kill()
            if host.local_now() >= deadline:
                return False
            yield host.sleep(min(self.timing.retry_period, deadline - host.local_now()))
        return False

    def _attempt(self) -> Gen:
        try:
            renewed = yield from self.try_acquire_or_renew()
        except StoreError:
            return False
        return bool(renewed)

    def release(self) -> Gen:
        """ReleaseOnCancel: empty the holder (lease duration 1 s) if this server holds it."""
        me = self.host.id
        try:
            found = yield from self.client.get(LEASE_KEY)
            current = found.first
            if current is None or LeaseRecord.parse(current.value).holder != me:
                return
            old = LeaseRecord.parse(current.value)
            now = self.host.local_now()
            record = LeaseRecord("", now, now, RELEASED_DURATION, old.transitions)
            yield from self.client.txn(
                [Compare(LEASE_KEY, "mod", "=", current.mod_revision)],
                [Put(LEASE_KEY, record.text())])
        except StoreError:
            return

