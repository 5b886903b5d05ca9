"""What every election recipe shares: the campaign/lead/start-over loop, app faults, leading.

A recipe's ``term()`` campaigns until the server wins, leads until it loses, and returns; the
shared ``run()`` starts over after each term, and handles the app faults:

- an exception in the work loop (``WorkFailed``): give up what the server holds (``release``:
  revoke the lease, or release the lease record), step down, wait ``BACKOFF`` seconds, and
  campaign again: a fast hand-over, since the others see the release at once;
- a graceful shutdown (``ShutdownRequested``): release and stop for good;
- a store that does not answer (``StoreError``): forget, wait ``BACKOFF``, campaign again.

``lead`` is the leadership phase of every recipe: app.role true, the payment job running with
the recipe's token, until the recipe's ``lost`` event fires (lease gone, lease deadline passed,
renew deadline missed) or a fault is injected; then app.role false.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, ClassVar

import simpy

from simulator.runtime.app_job import PaymentJob
from simulator.runtime.store_errors import StoreError

if TYPE_CHECKING:
    from simulator.runtime.app_server import AppServerHost
    from simulator.runtime.client import StoreClient
    from simulator.runtime.store_watch import Watch

Gen = Generator[simpy.Event, Any, Any]
BACKOFF = 1.0


class WorkFailed(Exception):
    """The leader's work loop raised (an injected app exception)."""


class ShutdownRequested(Exception):
    """The server is being shut down gracefully."""


class Recipe(ABC):
    """One server's election recipe; ``run()`` is its main task."""

    name: ClassVar[str] = ""

    def __init__(self, host: AppServerHost, client: StoreClient) -> None:
        self.host = host
        self.client = client
        self.env: simpy.Environment = host.env
        self.job: PaymentJob | None = None

    # --- what each recipe provides -----------------------------------------------------------

    @abstractmethod
    def term(self) -> Gen:
        """Campaign until this server leads, lead until it stops, then return."""

    @abstractmethod
    def release(self) -> Gen:
        """Give up what the server holds in the store (revoke, release), ignoring store errors."""

    def release_for_good(self) -> Gen:
        """Give up everything before a graceful shutdown (by default: ``release``)."""
        yield from self.release()

    def forget(self) -> None:
        """Drop local state about a campaign that failed on a store error (no store calls)."""
        return None

    def work_client(self) -> StoreClient:
        """The store client the leader's payment job uses (the recipe's own by default)."""
        return self.client

    # --- the shared main loop ----------------------------------------------------------------

    def run(self) -> Gen:
        """Campaign, lead, start over; back off after a failure; stop on shutdown."""
        failed = False
        while True:
            try:
                if failed:
                    failed = False
                    yield from self.guard(self.host.sleep(BACKOFF))
                yield from self.term()
            except WorkFailed:
                yield from self.release()
                failed = True
            except ShutdownRequested:
                yield from self.release_for_good()
                self.host.stopped = True
                return
            except StoreError:
                self.forget()
                failed = True

    def guard(self, event: simpy.Event) -> Gen:
        """Wait for ``event``; raise WorkFailed or ShutdownRequested if a fault comes first."""
        signal = self.host.fault_signal()
        if not signal.triggered:
            yield event | signal
        kind = self.host.take_fault() if signal.triggered else None
        if kind == "shutdown":
            raise ShutdownRequested(self.host.id)
        if kind == "exception":
            raise WorkFailed(self.host.id)
        return event.value

    def lead(self, token: int | None, lost: simpy.Event) -> Gen:
        """Lead with ``token`` (job running) until ``lost`` fires; raise on an injected fault."""
        host = self.host
        term = _Term()
        host.set_role(True, token)

        def current() -> bool:
            return term.on and host.leading and host.token == token

        self.job = PaymentJob(host, self.work_client(), token, current)
        task = host.spawn(self.job.run(), "job")
        try:
            yield from self.guard(lost)
        except (WorkFailed, ShutdownRequested):
            task.kill()  # the exception unwinds the work loop where it is
            raise
        finally:
            term.on = False
            if host.alive:
                host.set_role(False, token)

    def wait_for_delete(self, key: str, start_revision: int,
                        unless: simpy.Event | None = None, one_shot: bool = False) -> Gen:
        """Watch ``key`` from ``start_revision`` for its DELETE; return what ended the wait.

        "deleted" after its DELETE; "interrupted" when ``unless`` fired first; with
        ``one_shot`` (ZooKeeper's watches) "changed" after any other first event. The watch is
        cancelled as soon as this returns.
        """
        watch: Watch = yield from self.client.watch(key, start_revision=start_revision)
        try:
            while True:
                batch_event = watch.next()
                waited = batch_event if unless is None else batch_event | unless
                yield from self.guard(waited)
                if unless is not None and unless.triggered and not batch_event.triggered:
                    return "interrupted"
                if any(event.type == "delete" and event.key == key
                       for event in batch_event.value):
                    return "deleted"
                if one_shot:
                    return "changed"
        finally:
            if self.host.alive:
                watch.cancel()


class _Term:
    """A flag for one leadership term: the job of an ended term stops at its next check."""

    __slots__ = ("on",)

    def __init__(self) -> None:
        self.on = True
