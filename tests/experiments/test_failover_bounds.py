"""Failover figures against bounds worked out by hand from each recipe's timing."""

import pytest

from simulator.config import StoreConfig
from simulator.experiments.failover import (
    Cell,
    Fault,
    cell_scenario,
    default_base,
    false_failovers,
    run_protections,
    run_trial,
    trial_seed,
)
from simulator.trace.events import AppRole

BASE = default_base()
CHECK = StoreConfig().lease_check_interval
SLACK = 0.5  # a revoke's commit, the watch event, the winners' put and its commit


def _trials(cell: Cell, count: int = 4, window: float = 12.0) -> list:
    return [run_trial(BASE, cell, trial_seed(2, cell, i), warmup=4.0, window=window)
            for i in range(count)]


@pytest.mark.parametrize("recipe", ["seed", "etcd", "zookeeper"])
def test_a_crashed_lease_holder_is_replaced_between_two_thirds_of_the_ttl_and_the_ttl(
    recipe: str,
) -> None:
    """The leader renews every TTL/3 and the store expires the lease TTL after the last renewal
    reached it, at its next expiry check: the hand-over comes 2/3 TTL to TTL + check after the
    crash."""
    ttl = 3.0
    for outcome in _trials(Cell(recipe, ttl, Fault("crash"), "none")):
        assert outcome.failover is not None
        assert 2 * ttl / 3 <= outcome.failover <= ttl + CHECK + SLACK
        assert outcome.overlap == 0 and outcome.false_failovers == 0


def test_kubernetes_waits_a_lease_duration_after_the_last_renewal_it_saw() -> None:
    """A candidate takes over once its clock passes the time it saw the record change plus
    LeaseDuration, checking every RetryPeriod x (1 + up to 1.2): the hand-over comes at least
    LeaseDuration - RetryPeriod and at most LeaseDuration + 2 x 2.2 RetryPeriod after the crash."""
    ttl = 3.0
    cell = Cell("kubernetes", ttl, Fault("crash"), "none")
    retry = cell_scenario(BASE, cell).apps.kubernetes.retry_period
    for outcome in _trials(cell):
        assert outcome.failover is not None
        assert ttl - retry <= outcome.failover <= ttl + 2 * 2.2 * retry + SLACK


def test_a_pause_shorter_than_the_lease_left_is_ridden_out() -> None:
    """Paused for 2 s with a 9 s lease renewed every 3 s (at least 6 s left): nobody takes
    over, the leader works again when it resumes, so the failover is the pause itself."""
    for outcome in _trials(Cell("seed", 9.0, Fault("pause", 2.0), "none"), count=3):
        assert outcome.failover == pytest.approx(2.0, abs=1e-6)
        assert outcome.availability == pytest.approx(1 - 2.0 / 12.0, abs=1e-6)
        assert outcome.false_failovers == 0


def test_availability_is_the_share_of_the_window_with_a_working_leader() -> None:
    for outcome in _trials(Cell("etcd", 2.0, Fault("crash"), "none"), count=3):
        assert outcome.failover is not None
        assert outcome.availability == pytest.approx(1 - outcome.failover / 12.0, abs=1e-9)


def test_a_long_pause_under_kubernetes_overlaps_and_fencing_stops_its_charges() -> None:
    """A client-go leader paused past its lease keeps leading when it resumes, until a renew
    round misses RenewDeadline on its own clock, so it acts beside its successor for a while;
    fencing tokens (the record's transitions count) can only lower the double charges."""
    none = _trials(Cell("kubernetes", 3.0, Fault("pause", 5.0), "none"), count=3)
    fenced = _trials(Cell("kubernetes", 3.0, Fault("pause", 5.0), "fencing"), count=3)
    assert all(o.overlap > 0 for o in none)
    assert [o.overlap for o in none] == [o.overlap for o in fenced]
    assert sum(o.double_charges for o in fenced) <= sum(o.double_charges for o in none)


def test_false_failovers_count_losses_the_fault_does_not_explain() -> None:
    events = [
        AppRole(1.0, "app1", True, 1), AppRole(5.0, "app1", False, 1),   # before the fault
        AppRole(6.0, "app2", True, 2), AppRole(9.0, "app2", False, 2),   # held at the fault
        AppRole(12.0, "app3", True, 3), AppRole(14.0, "app3", False, 3),  # the successor
    ]
    assert false_failovers(events, Fault("crash"), "app2", 8.0) == 2
    assert false_failovers(events, Fault("store-leader"), "n1", 8.0) == 3


@pytest.mark.parametrize(
    ("recipe", "ttl", "fault", "index", "rerun"),
    [("kubernetes", 3.0, Fault("pause", 5.0), 2, "fencing"),  # a fence rejects a stale charge
     ("seed", 2.0, Fault("pause", 3.0), 0, "idempotency"),  # a key rejects a second charge
     ("seed", 3.0, Fault("crash"), 0, None)],
)
def test_protections_reuse_a_run_only_when_it_would_be_the_same(
    recipe: str, ttl: float, fault: Fault, index: int, rerun: str | None,
) -> None:
    """run_protections simulates one protection and reuses its run for another whose ledger
    answers every charge alike: the outcomes are those of separate runs."""
    cells = [Cell(recipe, ttl, fault, p) for p in ("none", "fencing", "idempotency")]
    seed = trial_seed(4, cells[0], index)
    shared = run_protections(BASE, cells, seed, warmup=4.0, window=10.0)
    alone = [run_trial(BASE, cell, seed, warmup=4.0, window=10.0) for cell in cells]
    assert shared == alone
    reused = [p for p, outcome in zip(("fencing", "idempotency"), shared[1:], strict=True)
              if outcome is shared[0]]
    assert sorted(reused) == sorted({"fencing", "idempotency"} - {rerun})


def test_the_eventual_seed_recipe_takes_over_once_the_copies_age_out() -> None:
    """On the eventual store the leader rewrites its key with the TTL every TTL/3 and each
    replica drops its copy TTL after the last write reached it; a candidate looks every TTL/3:
    the hand-over comes 2/3 TTL to TTL + TTL/3 after the crash."""
    ttl = 3.0
    for outcome in _trials(Cell("eventual-seed", ttl, Fault("crash"), "none"), count=3):
        assert outcome.failover is not None
        assert 2 * ttl / 3 <= outcome.failover <= ttl + ttl / 3 + SLACK


def test_the_eventual_kubernetes_recipe_waits_a_lease_duration_too() -> None:
    ttl = 3.0
    cell = Cell("eventual-kubernetes", ttl, Fault("crash"), "none")
    scenario = cell_scenario(BASE, cell)
    assert scenario.store.eventual and scenario.apps.servers[0].recipe == "kubernetes"
    retry = scenario.apps.kubernetes.retry_period
    for outcome in _trials(cell, count=3):
        assert outcome.failover is not None
        assert ttl - retry <= outcome.failover <= ttl + 2 * 2.2 * retry + SLACK


def test_a_store_leader_fault_on_the_eventual_store_crashes_the_leaders_coordinator() -> None:
    """The eventual store has no leader: the fault crashes the node coordinating the app
    leader's requests (app1 leads and asks n1), and the strong store's cells still crash the
    Raft leader."""
    for outcome in _trials(Cell("eventual-seed", 3.0, Fault("store-leader"), "none"), count=2):
        assert outcome.victim == "n1" and outcome.failover is not None
    assert cell_scenario(BASE, Cell("seed", 3.0, Fault("crash"), "none")).store.kind == "strong"
    strong = _trials(Cell("seed", 3.0, Fault("store-leader"), "none"), count=1)[0]
    assert strong.victim in BASE.raft.node_ids
