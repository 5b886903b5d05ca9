"""The payment job's contracts table: monthly contracts with due dates, generated from a seed."""

from __future__ import annotations

import math
import random

from simulator.config import JobConfig
from simulator.frozen import frozen

CUSTOMERS = (
    "Ada", "Barbara", "Charles", "Dorothy", "Edsger", "Frances", "Grace", "Hedy",
    "Ivan", "Jean", "Ken", "Leslie", "Margaret", "Niklaus", "Ole", "Radia",
)


@frozen
class Contract:
    """A customer's monthly contract: ``amount`` cents, first due ``due_offset`` s into a month."""

    id: str
    customer: str
    amount: int
    due_offset: float

    def due_time(self, period: int, month: float) -> float:
        """Simulated time at which the charge for ``period`` (0, 1, ...) falls due."""
        return period * month + self.due_offset


@frozen
class Charge:
    """One charge the job must make: a contract in a period, due at ``due``."""

    contract: Contract
    period: int
    due: float

    @property
    def job(self) -> str:
        """The charge's name and idempotency key: contract and period, e.g. ``c03/m2``."""
        return f"{self.contract.id}/m{self.period}"


def make_contracts(job: JobConfig, rng: random.Random) -> tuple[Contract, ...]:
    """Generate the contracts table: ``job.contracts`` contracts due across the month."""
    contracts = []
    for i in range(job.contracts):
        customer = CUSTOMERS[i % len(CUSTOMERS)]
        if i >= len(CUSTOMERS):
            customer = f"{customer} {i // len(CUSTOMERS) + 1}"
        amount = rng.randrange(900, 9900, 100)
        due_offset = round(rng.uniform(0.05, 0.95) * job.month, 3)
        contracts.append(Contract(f"c{i + 1:02d}", customer, amount, due_offset))
    return tuple(contracts)


class ChargeSchedule:
    """The charges of a contracts table as they fall due, each listed once.

    ``newly_due(now)`` returns the charges due at or before ``now`` that earlier calls did not
    return, ordered by due time then contract id; the work per call is the number of new charges
    (plus one look per contract when something fell due), not the whole history.
    """

    def __init__(self, contracts: tuple[Contract, ...], month: float) -> None:
        self._contracts = tuple(sorted(contracts, key=lambda c: c.id))
        self._month = month
        self._next_period = [0] * len(self._contracts)
        self._next_due = min((c.due_time(0, month) for c in self._contracts),
                             default=math.inf)

    def newly_due(self, now: float) -> list[Charge]:
        """The charges that fell due since the last call, up to ``now`` included."""
        if now < self._next_due:
            return []
        charges = []
        next_due = math.inf
        for index, contract in enumerate(self._contracts):
            period = self._next_period[index]
            while (due := contract.due_time(period, self._month)) <= now:
                charges.append(Charge(contract, period, due))
                period += 1
            self._next_period[index] = period
            next_due = min(next_due, due)
        self._next_due = next_due
        charges.sort(key=lambda c: (c.due, c.contract.id))
        return charges


def due_charges(contracts: tuple[Contract, ...], month: float, now: float) -> list[Charge]:
    """Every charge due at or before ``now``, ordered by due time then contract id."""
    return ChargeSchedule(contracts, month).newly_due(now)
