"""One trial of the failover sweep: a fault hits the app leader (or the store), measure the rest.

A *cell* fixes the recipe, the lease or session time, the fault and the provider's protection.
A trial builds the cell's scenario from a base (no faults, captions or pause points), runs it
to ``warmup`` seconds, waits a uniformly random part of the leader's renewal period (so the
fault lands at a random phase of the leader's work: just after a renewal, just before one, or
anywhere between), injects the fault, and watches for ``window`` seconds more. Every measure is
read from the trace through the run summary (``checks.summarize``); docs/experiments.md defines
each one. ``store-leader`` crashes the store node the app leader's requests depend on: the Raft
leader on the strong store; on the eventual store, which has no leader, the node coordinating
the app leader's requests. The trial's seed depends only on the experiment seed, the recipe, the time, the fault
and the trial number, never on the protection, so the protections are compared on the same
faults at the same moments (and never on the worker that ran it).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import replace

from simulator.checks.summary import summarize
from simulator.config import (
    EVENTUAL_RECIPES,
    RECIPES,
    AppsConfig,
    AppServerConfig,
    KubernetesConfig,
    RaftConfig,
    Scenario,
    ZooKeeperConfig,
)
from simulator.frozen import frozen
from simulator.payments.ledger import ChargeRequest, Ledger
from simulator.rng import derive_seed
from simulator.runtime.app_cluster import app_leader
from simulator.runtime.simulation import Simulation
from simulator.trace.events import AppRole, Event, Work

FAULT_KINDS = ("crash", "pause", "cut", "store-leader")
EVENTUAL_PREFIX = "eventual-"
LWT_PREFIX = "eventual-lwt-"
SWEEP_RECIPES = (RECIPES + tuple(EVENTUAL_PREFIX + recipe for recipe in EVENTUAL_RECIPES)
                 + tuple(LWT_PREFIX + recipe for recipe in EVENTUAL_RECIPES))
"""The sweep's recipes: the strong store's four, then the eventual store's (``eventual-seed``,
``eventual-kubernetes``: the same recipe on the Dynamo-like store), then the same with its
conditional writes as lightweight transactions (``eventual-lwt-*``: ``[store] lwt = true``)."""
WARMUP = 6.0
WINDOW = 30.0
LEADER_WAIT = 30.0
WAIT_STEP = 0.1
# client-go's defaults (LeaseDuration 15 s, RenewDeadline 10 s, RetryPeriod 2 s), scaled to
# the cell's lease duration so their ratios stay what client-go ships with.
K8S_DEADLINE_RATIO = 10.0 / 15.0
K8S_RETRY_RATIO = 2.0 / 15.0
ZK_DEFAULT_TICK = 2.0


@frozen
class Fault:
    """A fault of the sweep: ``kind`` is one of FAULT_KINDS; ``pause`` the pause's seconds."""

    kind: str
    pause: float = 0.0

    @property
    def label(self) -> str:
        """The name as the command line and the CSV write it, e.g. ``pause:12``."""
        return f"pause:{self.pause:g}" if self.kind == "pause" else self.kind

    @property
    def hits_app(self) -> bool:
        """True when the fault hits the app leader (not the store node it depends on)."""
        return self.kind != "store-leader"


@frozen
class SweepRecipe:
    """What a sweep recipe's name means: the app servers' recipe on which store."""

    recipe: str
    kind: str
    lwt: bool


def split_recipe(name: str) -> SweepRecipe:
    """A sweep recipe's app recipe and store: ``eventual-lwt-seed`` is the seed's recipe on the
    eventual store with lightweight transactions, ``etcd`` etcd's on the strong store."""
    for prefix, lwt in ((LWT_PREFIX, True), (EVENTUAL_PREFIX, False)):
        if name.startswith(prefix):
            return SweepRecipe(name[len(prefix):], "eventual", lwt)
    return SweepRecipe(name, "strong", False)


@frozen
class Cell:
    """One cell of the grid: recipe, lease or session time (s), fault and protection."""

    recipe: str
    ttl: float
    fault: Fault
    protection: str

    @property
    def history(self) -> str:
        """What the trial seeds depend on besides the trial number (not the protection)."""
        return f"{self.recipe}/{self.ttl:g}/{self.fault.label}"


@frozen
class TrialOutcome:
    """What one trial measured; times in seconds from the fault (``failover`` None: censored).

    ``fault_at`` is when the fault hit and ``victim`` what it hit (an app server or a Raft
    node; empty when no leader appeared within the wait and nothing was hit).
    """

    fault_at: float
    victim: str
    failover: float | None
    overlap: float
    double_charges: int
    availability: float
    false_failovers: int


def default_base() -> Scenario:
    """The sweep's base scenario: 3 store nodes with etcd's timing, 3 app servers, 12 contracts
    a 60 s month; the recipe, the lease time and the protection are set per cell."""
    servers = (AppServerConfig("app1", start_at=1.0), AppServerConfig("app2", start_at=1.5),
               AppServerConfig("app3", start_at=1.5))
    return Scenario(title="Failover sweep", name="failover-sweep", duration=WARMUP + WINDOW,
                    raft=RaftConfig(nodes=3), apps=AppsConfig(servers=servers))


def cell_scenario(base: Scenario, cell: Cell) -> Scenario:
    """``base`` with the cell's recipe, lease or session time and protection, and no faults.

    The store is the base's, of the recipe's kind: strong for seed, etcd, zookeeper and
    kubernetes, eventual (with the base's replicas and quorums) for ``eventual-*``, with
    lightweight transactions for ``eventual-lwt-*`` only.
    seed and etcd: every app server's lease TTL (renewed every TTL/3). ZooKeeper: the session
    timeout, with a tickTime of 2 s (ZooKeeper's default) or TTL/2 when that is shorter (the
    timeout must span 2 to 20 ticks). Kubernetes: the lease duration, with the renew deadline
    and the retry period scaled in client-go's 15 : 10 : 2 ratio.
    """
    apps = base.apps
    parts = split_recipe(cell.recipe)
    ids = base.app_ids or ("app1", "app2", "app3")
    servers = tuple(
        AppServerConfig(server_id, recipe=parts.recipe, ttl=cell.ttl,
                        start_at=_start_of(apps.servers, server_id))
        for server_id in ids
    )
    ttl = cell.ttl
    apps = replace(
        apps, servers=servers,
        provider=replace(apps.provider, protection=cell.protection),
        zookeeper=ZooKeeperConfig(tick_time=min(ZK_DEFAULT_TICK, ttl / 2), session_timeout=ttl),
        kubernetes=KubernetesConfig(lease_duration=ttl, renew_deadline=ttl * K8S_DEADLINE_RATIO,
                                    retry_period=ttl * K8S_RETRY_RATIO,
                                    jitter=apps.kubernetes.jitter),
    )
    store = replace(base.store, kind=parts.kind, lwt=parts.lwt)
    return replace(base, apps=apps, store=store, faults=(), captions=(), pauses=())


def _start_of(servers: tuple[AppServerConfig, ...], server_id: str) -> float:
    for server in servers:
        if server.id == server_id:
            return server.start_at
    return 1.0


def renewal_period(scenario: Scenario) -> float:
    """How often the cell's leader renews (the period the fault's moment is drawn across)."""
    server = scenario.apps.servers[0]
    if server.recipe == "kubernetes":
        return scenario.apps.kubernetes.retry_period
    if server.recipe == "zookeeper":
        return scenario.apps.zookeeper.session_timeout / 3
    return server.effective_renew_interval


def trial_seed(seed: int, cell: Cell, index: int) -> int:
    """The seed of trial ``index`` of ``cell``: the experiment seed, the cell's history (not its
    protection) and the index, nothing else."""
    return derive_seed(seed, f"failover/{cell.history}/{index}")


def run_trial(base: Scenario, cell: Cell, seed: int, warmup: float = WARMUP,
              window: float = WINDOW) -> TrialOutcome:
    """Run one trial of ``cell`` on ``base`` with the trial's ``seed``."""
    return _simulate(base, cell, seed, warmup, window)[0]


def run_protections(base: Scenario, cells: Sequence[Cell], seed: int, warmup: float = WARMUP,
                    window: float = WINDOW) -> list[TrialOutcome]:
    """One trial of each of ``cells`` (the same history under different protections).

    The first cell is simulated. The protection enters a run only through the provider's
    answers, so another protection whose ledger gives the same answer to every charge of that
    run would have had the very same run: its outcome is reused. Otherwise (a fence or a key
    rejects a charge) its trial is simulated too. Either way the outcome is what
    ``run_trial`` gives.
    """
    first, events = _simulate(base, cells[0], seed, warmup, window)
    charges = [e for e in events if type(e) is Work]
    outcomes = [first]
    for cell in cells[1:]:
        if same_answers(charges, cells[0].protection, cell.protection):
            outcomes.append(first)
        else:
            outcomes.append(run_trial(base, cell, seed, warmup, window))
    return outcomes


def same_answers(charges: Sequence[Work], protection: str, other: str) -> bool:
    """True when ledgers with ``protection`` and ``other`` answer every charge alike."""
    if protection == other:
        return True
    ledgers = (Ledger(protection), Ledger(other))
    for work in charges:
        request = ChargeRequest(work.server, work.job, 0, work.token)
        if ledgers[0].handle(request) != ledgers[1].handle(request):
            return False
    return True


def _simulate(base: Scenario, cell: Cell, seed: int, warmup: float,
              window: float) -> tuple[TrialOutcome, Sequence[Event]]:
    scenario = cell_scenario(base, cell)
    scenario = replace(scenario, duration=warmup + LEADER_WAIT + window)
    moment = random.Random(derive_seed(seed, "failover/moment")).random()
    sim = Simulation(scenario, seed=seed)
    sim.run_until(warmup + moment * renewal_period(scenario))
    victim = _hit(sim, cell.fault, warmup + LEADER_WAIT)
    fault_at = sim.now
    end = fault_at + window
    sim.run_until(end)
    events = sim.trace.events
    return measure(events, scenario, cell.fault, victim, fault_at, end), events


def _hit(sim: Simulation, fault: Fault, give_up: float) -> str:
    """Inject ``fault`` now, or as soon as its victim exists; the victim ('' if it never did)."""
    while True:
        victim = _victim(sim, fault)
        if victim:
            break
        if sim.now + WAIT_STEP > give_up:
            return ""
        sim.run_until(sim.now + WAIT_STEP)
    if fault.kind == "crash" or fault.kind == "store-leader":
        sim.crash(victim)
    elif fault.kind == "pause":
        sim.pause(victim, fault.pause)
    else:  # cut: from every store node, both ways; the provider stays reachable
        for node in sim.scenario.raft.node_ids:
            sim.cut(victim, node, both_ways=True)
    return victim


def _victim(sim: Simulation, fault: Fault) -> str:
    if not fault.hits_app and not sim.scenario.store.eventual:
        return sim.raft_leader() or ""
    try:
        leader = app_leader(sim.app_hosts)
    except ValueError:
        return ""
    return leader if fault.hits_app else coordinator_of(sim, leader)


def coordinator_of(sim: Simulation, server: str) -> str:
    """The eventual store node that coordinates app server ``server``'s requests now (the
    store node its requests depend on: that store has no leader); '' when it has no client."""
    host = sim.app_hosts[server]
    client_id = server if host.incarnation == 0 else f"{server}.{host.incarnation}"
    client = host.clients.get(client_id)
    return str(getattr(client, "member", "")) if client is not None else ""


def measure(events: Sequence[Event], scenario: Scenario, fault: Fault, victim: str, fault_at: float,
            end: float) -> TrialOutcome:
    """The trial's measures from its trace (definitions: docs/experiments.md)."""
    summary = summarize(events, scenario, end=end)
    failover: float | None = 0.0
    for gap in summary.failovers:
        if gap.end > fault_at:
            failover = gap.end - fault_at if gap.finished else None
            break
    if not victim:
        failover = None
    window = end - fault_at
    down = sum(max(0.0, min(g.end, end) - max(g.start, fault_at)) for g in summary.failovers)
    availability = 1.0 - down / window if window > 0 else 1.0
    if summary.availability is None or summary.availability.first_leader_at is None:
        availability = 0.0
    overlap = sum(o.duration for o in summary.overlaps)
    return TrialOutcome(
        fault_at=fault_at, victim=victim, failover=failover, overlap=overlap,
        double_charges=summary.double_charges, availability=max(0.0, availability),
        false_failovers=false_failovers(events, fault, victim, fault_at),
    )


def false_failovers(events: Sequence[Event], fault: Fault, victim: str, fault_at: float) -> int:
    """Losses of the leader role the fault does not explain.

    Every ``app.role`` leader=false counts, except the one ending the belief that the fault's
    victim held when the fault hit (a crash ends a belief without such an event). A store-leader
    fault explains no loss: the app servers were all healthy.
    """
    since: dict[str, float] = {}
    count = 0
    for event in events:
        if type(event) is not AppRole:
            continue
        if event.leader:
            since.setdefault(event.server, event.t)
            continue
        began = since.pop(event.server, None)
        explained = (fault.hits_app and event.server == victim and began is not None
                     and began <= fault_at <= event.t)
        if not explained:
            count += 1
    return count


def is_finite(value: float | None) -> bool:
    """True for a finished (not censored) time."""
    return value is not None and math.isfinite(value)
