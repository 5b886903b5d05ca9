"""A scenario's configuration: frozen dataclasses the presets produce and the runtime reads.

Defaults come from real systems (docs/sources.md): etcd's Raft timing (100 ms heartbeat,
1000 ms election timeout randomised in [et, 2et)), PreVote and CheckQuorum on, the lessor's
500 ms expiry check, client-go's 15/10/2 s leader election, the seed recipe's TTL/3 renewals.
Times are simulated seconds.
"""

from __future__ import annotations

import math
import random

from simulator.frozen import field, frozen

LATENCY_KINDS = ("constant", "uniform", "normal")
RECIPES = ("seed", "etcd", "zookeeper", "kubernetes")
PROTOCOLS = ("raft", "multi-paxos")
PROTECTIONS = ("none", "fencing", "idempotency")
ZK_STOP_ON = ("disconnected", "lost", "expired")
"""When a ZooKeeper-recipe leader stops acting: at Disconnected (Curator's default error policy,
safe), at Curator's LOST (its session policy: Expired, or a session timeout after Disconnected;
unsafe for that while), or only once it learns its session Expired from the ensemble (unsafe
until it reaches the ensemble again)."""


@frozen
class Latency:
    """A delay distribution: constant ``a``; uniform in [a, b]; normal(mean a, stddev b) >= 0."""

    kind: str = "constant"
    a: float = 0.0
    b: float = 0.0

    @staticmethod
    def constant(value: float) -> Latency:
        """A fixed delay of ``value`` seconds."""
        return Latency("constant", value, value)

    @staticmethod
    def uniform(low: float, high: float) -> Latency:
        """A delay drawn uniformly from [low, high] seconds."""
        return Latency("uniform", low, high)

    @staticmethod
    def normal(mean: float, stddev: float) -> Latency:
        """A normally distributed delay, clipped at zero."""
        return Latency("normal", mean, stddev)

    def sample(self, rng: random.Random) -> float:
        """Draw one delay from ``rng`` (never negative)."""
        if self.kind == "constant":
            return self.a
        if self.kind == "uniform":
            return rng.uniform(self.a, self.b)
        return max(0.0, rng.gauss(self.a, self.b))

    @property
    def mean(self) -> float:
        """The expected delay (ignoring the clip at zero of a normal distribution)."""
        return (self.a + self.b) / 2 if self.kind == "uniform" else self.a

    def describe(self) -> str:
        """A short human text, e.g. ``uniform 1-5 ms``."""
        if self.kind == "constant":
            return f"constant {self.a * 1000:g} ms"
        if self.kind == "uniform":
            return f"uniform {self.a * 1000:g}-{self.b * 1000:g} ms"
        return f"normal {self.a * 1000:g}±{self.b * 1000:g} ms"


@frozen
class RaftConfig:
    """The consensus cluster: size, timing and the protocol options (etcd's defaults).

    ``protocol`` is "raft" or "multi-paxos"; the size and timing serve either. ``pre_vote`` and
    ``check_quorum`` are Raft's; ``backoff`` and ``leader_lease`` are Multi-Paxos's
    (docs/paxos.md).
    """

    nodes: int = 5
    heartbeat_interval: float = 0.1
    election_timeout_min: float = 1.0
    election_timeout_max: float = 2.0
    pre_vote: bool = True
    check_quorum: bool = True
    check_quorum_timing: str = "etcd"
    disk_latency: Latency = field(default_factory=lambda: Latency.constant(0.002))
    protocol: str = "raft"
    backoff: bool = True
    leader_lease: bool = False

    @property
    def node_ids(self) -> tuple[str, ...]:
        """Raft node ids ``n1`` .. ``nN``."""
        return tuple(f"n{i}" for i in range(1, self.nodes + 1))


@frozen
class LinkOverride:
    """Different conditions on the link src->dst (and dst->src when ``both_ways``)."""

    src: str
    dst: str
    latency: Latency | None = None
    loss: float | None = None
    both_ways: bool = True


@frozen
class NetworkConfig:
    """Default link latency and loss, plus per-link overrides."""

    latency: Latency = field(default_factory=lambda: Latency.uniform(0.001, 0.005))
    loss: float = 0.0
    links: tuple[LinkOverride, ...] = ()


STORE_KINDS = ("strong", "eventual")
EVENTUAL_RECIPES = ("seed", "kubernetes")
"""The recipes the eventual store can carry (etcd's and ZooKeeper's need revisions)."""


@frozen
class StoreConfig:
    """The store: ``kind`` "strong" (etcd-like, on consensus) or "eventual" (Dynamo-like).

    The strong store uses the lease expiry check period; both use the client request timeout.
    The eventual store keeps each key on ``replicas`` of the cluster's nodes, answers reads
    after ``read_quorum`` replies and writes after ``write_quorum`` acknowledgements, and may
    repair on read, use a sloppy quorum with hinted handoff (a stand-in recruited after
    ``handoff_after`` of silence hands its hints over every ``hint_interval``) and run
    anti-entropy every ``anti_entropy_interval`` (0: never). With ``lwt`` its conditional writes
    (put-if-absent, compare-and-set) are lightweight transactions: single-decree Paxos among
    the key's replicas, as Cassandra's.
    """

    lease_check_interval: float = 0.5
    request_timeout: float = 1.0
    compaction_retention: int = 0
    kind: str = "strong"
    replicas: int = 3
    read_quorum: int = 2
    write_quorum: int = 2
    read_repair: bool = True
    sloppy_quorum: bool = False
    handoff_after: float = 0.2
    hint_interval: float = 1.0
    anti_entropy_interval: float = 0.0
    keepalive_leadership_check: str = "etcd"
    lwt: bool = False

    @property
    def eventual(self) -> bool:
        """True for the Dynamo-like store."""
        return self.kind == "eventual"

    def min_lease_ttl(self, raft: RaftConfig) -> float:
        """etcd's minimum TTL: ceil(1.5 x election timeout) in whole seconds."""
        return float(math.ceil(1.5 * raft.election_timeout_min))


# etcd's concurrency.Session lease TTL when none is given (session.go defaultSessionTTL)
DEFAULT_SESSION_TTL = 60.0


@frozen
class AppServerConfig:
    """One application server: its recipe and timing. ``None`` takes the scenario default."""

    id: str
    recipe: str = "seed"
    ttl: float = DEFAULT_SESSION_TTL
    renew_interval: float | None = None
    start_at: float = 0.0

    @property
    def effective_renew_interval(self) -> float:
        """The renew period: as configured, else TTL/3 as etcd's client does."""
        return self.renew_interval if self.renew_interval is not None else self.ttl / 3


@frozen
class KubernetesConfig:
    """client-go leaderelection timing (LeaseDuration 15 s, RenewDeadline 10 s, RetryPeriod 2 s)."""

    lease_duration: float = 15.0
    renew_deadline: float = 10.0
    retry_period: float = 2.0
    jitter: float = 1.2


@frozen
class ZooKeeperConfig:
    """ZooKeeper session timing (tickTime, a session timeout of 2 to 20 ticks) and when a leader
    stops acting (``stop_on``, one of ZK_STOP_ON)."""

    tick_time: float = 2.0
    session_timeout: float = 10.0
    stop_on: str = "disconnected"


PROVIDER_ID = "provider"  # the payment provider's host id


@frozen
class ProviderConfig:
    """The payment provider: how it protects against stale leaders, and its processing time."""

    protection: str = "none"
    processing: Latency = field(default_factory=lambda: Latency.constant(0.05))


@frozen
class JobConfig:
    """The payment job: monthly contracts, how long a simulated month is, how often to check."""

    contracts: int = 12
    month: float = 60.0
    check_interval: float = 1.0
    late_after: float = 10.0


@frozen
class AppsConfig:
    """The application servers and their shared settings."""

    servers: tuple[AppServerConfig, ...] = ()
    kubernetes: KubernetesConfig = field(default_factory=KubernetesConfig)
    zookeeper: ZooKeeperConfig = field(default_factory=ZooKeeperConfig)
    provider: ProviderConfig = field(default_factory=ProviderConfig)
    job: JobConfig = field(default_factory=JobConfig)

    @property
    def session_servers(self) -> frozenset[str]:
        """The servers whose store leases are ZooKeeper sessions (the ZooKeeper recipe)."""
        return frozenset(server.id for server in self.servers if server.recipe == "zookeeper")


@frozen
class FaultStep:
    """One step of the fault schedule.

    ``at`` is an absolute time, or ``after`` seconds after the previous step. ``action`` is one of
    FAULT_ACTIONS. ``target`` is a node id or a symbolic target (SYMBOLIC_TARGETS). ``groups``
    lists partition groups; ``peer`` is the other end of a link; ``value`` a number the action
    needs (loss probability, clock offset, latency seconds); ``rate`` a clock rate.

    ``name`` lets captions, pause points and later steps refer to the step. ``when`` makes the
    step wait, from its time on, for a moment in the app's work (one of FAULT_MOMENTS):
    ``"charging"`` runs it at the first instant its target app server is building a charge
    (after deciding to charge, before sending it).
    """

    action: str
    at: float | None = None
    after: float | None = None
    target: str | None = None
    duration: float | None = None
    groups: tuple[tuple[str, ...], ...] = ()
    peer: str | None = None
    value: float | None = None
    rate: float | None = None
    both_ways: bool = True
    name: str | None = None
    when: str | None = None


FAULT_ACTIONS = (
    "crash", "restart", "pause", "partition", "isolate", "heal", "cut", "heal-link",
    "loss", "latency", "clock", "timeout", "exception", "shutdown", "random-faults",
)
SYMBOLIC_TARGETS = ("raft-leader", "app-leader", "follower", "app-follower", "all")
FAULT_MOMENTS = ("charging",)
"""What a step with ``when`` waits for: "charging" = its app server is building a charge."""
WAITING_ACTIONS = ("pause", "crash")
"""The actions a step may wait with (``when``): they act on the server in its charge window."""


@frozen
class CaptionStep:
    """A narration caption shown at time ``at``, or ``after`` seconds after the fault step
    named ``fault`` happened (then ``at`` is None)."""

    at: float | None
    text: str
    fault: str | None = None
    after: float = 0.0


@frozen
class PauseStep:
    """A pause point asking the class ``question`` (the window stops there): at time ``at``, or
    ``after`` seconds after the fault step named ``fault`` happened (then ``at`` is None; at
    offset 0 it is asked just before the step acts)."""

    at: float | None
    question: str
    fault: str | None = None
    after: float = 0.0


@frozen
class Scenario:
    """Everything needed to build and run one simulation, as a preset describes it."""

    title: str = "Untitled"
    description: str = ""
    name: str = "custom"
    seed: int = 1
    duration: float = 60.0
    raft: RaftConfig = field(default_factory=RaftConfig)
    network: NetworkConfig = field(default_factory=NetworkConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    apps: AppsConfig = field(default_factory=AppsConfig)
    faults: tuple[FaultStep, ...] = ()
    captions: tuple[CaptionStep, ...] = ()
    pauses: tuple[PauseStep, ...] = ()

    @property
    def app_ids(self) -> tuple[str, ...]:
        """The app servers' ids in configured order."""
        return tuple(server.id for server in self.apps.servers)

    @property
    def all_node_ids(self) -> tuple[str, ...]:
        """Every host's id: Raft nodes, app servers and the provider (when there are apps)."""
        provider = ("provider",) if self.apps.servers else ()
        return self.raft.node_ids + self.app_ids + provider
