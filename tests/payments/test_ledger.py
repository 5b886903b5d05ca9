"""The provider's protection rules: what a stale leader's charge does under each of them."""

import random

import pytest

from simulator.config import JobConfig
from simulator.payments import ChargeRequest, Ledger, due_charges, make_contracts
from simulator.payments.contracts import ChargeSchedule


def test_without_protection_a_stale_leader_charges_twice() -> None:
    ledger = Ledger("none")
    assert ledger.handle(ChargeRequest("app2", "c01/m0", 1000, token=9)).accepted
    stale = ledger.handle(ChargeRequest("app1", "c01/m0", 1000, token=5))
    assert stale.accepted and stale.duplicate
    assert ledger.times_charged("c01/m0") == 2


def test_fencing_rejects_a_lower_token_once_a_higher_one_was_seen() -> None:
    ledger = Ledger("fencing")
    assert ledger.handle(ChargeRequest("app2", "c01/m0", 1000, token=9)).accepted
    stale = ledger.handle(ChargeRequest("app1", "c02/m0", 1000, token=5))
    assert not stale.accepted and "stale token 5 < 9" in stale.reason
    assert ledger.times_charged("c02/m0") == 0


def test_fencing_accepts_equal_and_rising_tokens() -> None:
    ledger = Ledger("fencing")
    for token in (3, 3, 7):
        assert ledger.handle(ChargeRequest("app1", f"c0{token}/m0", 10, token=token)).accepted


def test_idempotency_key_rejects_the_second_charge_of_a_job() -> None:
    ledger = Ledger("idempotency")
    assert ledger.handle(ChargeRequest("app2", "c01/m0", 1000, token=None)).accepted
    again = ledger.handle(ChargeRequest("app1", "c01/m0", 1000, token=None))
    assert not again.accepted and not again.duplicate
    assert ledger.times_charged("c01/m0") == 1


def test_unknown_protection_is_refused_with_the_allowed_values() -> None:
    with pytest.raises(ValueError, match="fencing"):
        Ledger("magic")


def test_due_charges_are_monthly_and_ordered_by_due_time() -> None:
    job = JobConfig(contracts=4, month=60.0)
    contracts = make_contracts(job, random.Random(1))
    charges = due_charges(contracts, job.month, now=130.0)
    assert [c.due for c in charges] == sorted(c.due for c in charges)
    for contract in contracts:
        periods = [c.period for c in charges if c.contract == contract]
        expected = [p for p in range(3) if contract.due_time(p, job.month) <= 130.0]
        assert periods == expected
    assert len({c.job for c in charges}) == len(charges)


def test_contracts_are_the_same_for_the_same_seed() -> None:
    job = JobConfig(contracts=20)
    assert make_contracts(job, random.Random(4)) == make_contracts(job, random.Random(4))
    assert make_contracts(job, random.Random(4)) != make_contracts(job, random.Random(5))


def test_a_charge_schedule_lists_each_charge_once_as_it_falls_due() -> None:
    job = JobConfig(contracts=5, month=10.0)
    contracts = make_contracts(job, random.Random(2))
    schedule = ChargeSchedule(contracts, job.month)
    seen = []
    for now in (0.0, 3.0, 3.0, 9.5, 27.0, 27.2, 61.0):
        fresh = schedule.newly_due(now)
        assert all(charge.due <= now for charge in fresh)
        assert all(seen[-1].due <= charge.due for charge in fresh[:1] if seen)
        seen.extend(fresh)
    assert seen == due_charges(contracts, job.month, 61.0)
    assert len({charge.job for charge in seen}) == len(seen) >= 5 * 6
    assert schedule.newly_due(61.0) == []
