"""The payment job: what the acting leader does between lease renewals (the seed's do_work).

Every ``JobConfig.check_interval`` seconds of its own clock the leader *decides*: it computes
the charges due by its local time (``ChargeSchedule``: only the new ones each time), reads which
of them are paid (linearizable reads; a mark is the key ``/payments/<job>``), and then charges
each unpaid one in due order through the provider, marking it paid afterwards. The first read of
a term takes every mark under ``/payments/`` (the new leader knows nothing yet); later rounds
read only the marks of the charges due, one key each, so a round costs the same at hour 24 as
at minute 1.
Before each charge it checks that it still believes it leads, then spends ``CHARGE_PREP``
seconds building the request: a pause that lands there (after deciding, before charging) makes
it charge stale work when it resumes, which is the hazard fencing tokens and idempotency keys
exist for. Fault steps with ``when = "charging"`` (runtime.faults) fire at the start of that
window, through ``Simulation.app_charging``.

A charge is marked paid when the provider accepted it or had already been paid for it; a
rejected charge of an unpaid job (a stale fencing token) ends the round: the server has been
fenced out. A store error or a provider that does not answer also ends the round (the next
round tries again).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from simulator.payments.contracts import Charge, ChargeSchedule
from simulator.runtime.store_errors import StoreError

if TYPE_CHECKING:
    from simulator.runtime.app_server import AppServerHost
    from simulator.runtime.client import StoreClient

PAID_PREFIX = "/payments/"
CHARGE_PREP = 0.01


def paid_key(job: str) -> str:
    """The store key marking ``job`` (e.g. ``c03/m2``) as paid."""
    return f"{PAID_PREFIX}{job}"


class PaymentJob:
    """The job loop of one leadership term, charging with ``token`` while ``current()`` holds."""

    def __init__(self, host: AppServerHost, client: StoreClient, token: int | None,
                 current: Callable[[], bool]) -> None:
        self.host = host
        self.client = client
        self.token = token
        self.current = current
        self.config = host.apps.job
        self.paid: set[str] = set()
        self.charged = 0
        self._schedule = ChargeSchedule(host.contracts, self.config.month)
        self._unpaid: list[Charge] = []  # due so far and not known paid, in due order
        self._read_all = False  # the whole /payments/ prefix has been read this term

    def run(self) -> Generator[simpy.Event, Any, None]:
        """Decide and charge every check interval, as long as the term lasts."""
        while self.current():
            yield from self.round()
            if not self.current():
                return
            yield self.host.sleep(self.config.check_interval)

    def round(self) -> Generator[simpy.Event, Any, None]:
        """One decision: read what is due and unpaid, then charge it in due order."""
        # New charges fall due after every earlier one (the local clock never goes back).
        self._unpaid.extend(self._schedule.newly_due(self.host.local_now()))
        due = self._unpaid = [charge for charge in self._unpaid if charge.job not in self.paid]
        if not due:
            return
        try:
            yield from self.read_marks(due)
        except StoreError:
            return
        for charge in due:
            if charge.job in self.paid:
                continue
            if not self.current():
                return
            self.host.sim.app_charging(self.host.id)  # fault steps waiting for this moment
            yield self.host.sleep(CHARGE_PREP)
            if not (yield from self.charge(charge)):
                return

    def read_marks(self, due: list[Charge]) -> Generator[simpy.Event, Any, None]:
        """Learn which of ``due`` are paid: every mark at first, then only the marks of ``due``."""
        if not self._read_all:
            marks = yield from self.client.get(PAID_PREFIX, prefix=True)
            self.paid.update(kv.key[len(PAID_PREFIX):] for kv in marks.kvs)
            self._read_all = True
            return
        for charge in due:
            mark = yield from self.client.get(paid_key(charge.job))
            if mark.kvs:
                self.paid.add(charge.job)

    def charge(self, charge: Charge) -> Generator[simpy.Event, Any, bool]:
        """Charge one job and mark it paid; False when the round should stop."""
        reply = yield from self.host.provider.charge(charge.job, charge.contract.amount,
                                                     self.token, charge.due)
        if reply is None:
            return False
        self.charged += 1
        if not (reply.accepted or reply.already_charged):
            return False
        try:
            yield from self.client.put(paid_key(charge.job), self.host.id)
        except StoreError:
            return False
        self.paid.add(charge.job)
        return True
