"""Reading the [raft], [network] and [store] tables and latency distributions of a preset.

Times in these tables are milliseconds (every key ends in ``_ms``); the Scenario holds seconds.
Defaults are etcd's (docs/sources.md): heartbeat 100 ms, election timeout 1000 ms
randomised in [1000, 2000) ms, PreVote and CheckQuorum on, a lease check every 500 ms.
"""

from __future__ import annotations

from simulator.config import (
    EVENTUAL_RECIPES,
    LATENCY_KINDS,
    PROTOCOLS,
    STORE_KINDS,
    AppsConfig,
    Latency,
    LinkOverride,
    NetworkConfig,
    RaftConfig,
    StoreConfig,
)
from simulator.raft.options import CHECK_QUORUM_TIMINGS
from simulator.presets.reader import (
    Section,
    check_number,
    in_seconds,
    item,
    show,
    type_name,
)

MS_PER_S = 1000.0
MAX_NODES = 15
MAX_DELAY_MS = 60_000.0
MAX_TIMEOUT_MS = 600_000.0
MIN_TIMING_MS = 10.0
"""The shortest period of any repeating timer (heartbeat, election timeout, lease check, request
timeout): a shorter one floods the run with events (a run that validates must stay responsive)."""
FLOOD = "shorter periods flood the run with events"

LATENCY_KEYS = {
    "constant": ("ms",),
    "uniform": ("min_ms", "max_ms"),
    "normal": ("mean_ms", "stddev_ms"),
}
ALL_LATENCY_KEYS = ("dist", "ms", "min_ms", "max_ms", "mean_ms", "stddev_ms")

RAFT_KEYS = ("nodes", "heartbeat_ms", "election_timeout_ms", "pre_vote", "check_quorum",
             "check_quorum_timing", "disk_latency")
CLUSTER_KEYS = ("protocol", "backoff", "leader_lease")
PAXOS_ONLY_KEYS = ("backoff", "leader_lease")
RAFT_ONLY_KEYS = ("pre_vote", "check_quorum", "check_quorum_timing")
NETWORK_KEYS = ("latency", "loss", "link")
LINK_KEYS = ("src", "dst", "latency", "loss", "both_ways")
STORE_KEYS = ("lease_check_ms", "request_timeout_ms", "compaction_retention", "kind",
              "replicas", "read_quorum", "write_quorum", "read_repair", "sloppy_quorum",
              "handoff_after_ms", "hint_interval_ms", "anti_entropy_ms",
              "keepalive_leadership_check", "lwt")
STRONG_STORE_KEYS = ("lease_check_ms", "compaction_retention", "keepalive_leadership_check")
"""[store] keys only the strong (etcd-like) store reads: its lessor and its revision history."""
EVENTUAL_STORE_KEYS = ("replicas", "read_quorum", "write_quorum", "read_repair", "sloppy_quorum",
                       "handoff_after_ms", "hint_interval_ms", "anti_entropy_ms", "lwt")
"""[store] keys only the eventual (Dynamo-like) store reads; kind and request_timeout_ms are
both stores'."""
EVENTUAL_RAFT_KEYS = ("nodes",)
"""The only [raft] key the eventual store reads: its nodes (it runs no consensus)."""
LEADERSHIP_CHECKS = ("etcd", "always", "never")
NO_CONSENSUS = "the eventual store runs no consensus protocol (store.kind = \"eventual\")"


def store_kind(data: dict[str, object]) -> str | None:
    """The preset's store kind ("strong" when not set), or None when [store] kind is not a
    known kind (its own problem is reported where [store] is read)."""
    store = data.get("store")
    kind = store.get("kind", "strong") if isinstance(store, dict) else "strong"
    return kind if isinstance(kind, str) and kind in STORE_KINDS else None


def read_latency(parent: Section, key: str, default: Latency) -> Latency:
    """A latency table such as ``{dist = "uniform", min_ms = 1, max_ms = 5}``, else default."""
    table = parent.table(key, ALL_LATENCY_KEYS)
    if table is None:
        return default
    dist = table.text("dist", "", choices=LATENCY_KINDS, required=True)
    if dist not in LATENCY_KEYS:
        return default
    wanted = LATENCY_KEYS[dist]
    ok = True
    for name in ALL_LATENCY_KEYS[1:]:
        if name in table.data and name not in wanted:
            parent.problems.add(table.key(name), f"is not used by dist = '{dist}' "
                                                 f"(it takes {', '.join(wanted)})")
            ok = False
    values: list[float] = []
    for name in wanted:
        if name not in table.data:
            parent.problems.add(table.key(name), f"is required for dist = '{dist}' "
                                                 f"(milliseconds, 0 to {MAX_DELAY_MS:g})")
            ok = False
            continue
        value = table.optional_number(name, low=0, high=MAX_DELAY_MS, per_second=MS_PER_S)
        if value is None:
            ok = False
        else:
            values.append(value)
    if not ok:
        return default
    if dist == "constant":
        return Latency.constant(values[0])
    if dist == "uniform":
        if values[0] > values[1]:
            low_ms, high_ms = (v * MS_PER_S for v in values)
            parent.problems.add(table.key("min_ms"), f"must not exceed max_ms "
                                                     f"({low_ms:g} > {high_ms:g})")
            return default
        return Latency.uniform(values[0], values[1])
    return Latency.normal(values[0], values[1])


def read_raft(root: Section, eventual: bool = False) -> RaftConfig:
    """The [cluster] and [raft] tables: the protocol and its options, size, timing, disk.

    [cluster] names the protocol ("raft" or "multi-paxos") and holds the Multi-Paxos options
    (back-off, leader lease); [raft] holds the size and timing of either protocol's cluster and
    Raft's own options (PreVote, CheckQuorum). An option of the other protocol is a problem;
    on the ``eventual`` store, which runs no consensus, every key but [raft] nodes is one.
    """
    base = RaftConfig()
    if eventual:
        return _eventual_nodes(root, base)
    cluster = root.table("cluster", CLUSTER_KEYS)
    protocol, backoff, lease = base.protocol, base.backoff, base.leader_lease
    if cluster is not None:
        protocol = cluster.text("protocol", protocol, choices=PROTOCOLS)
        backoff = cluster.boolean("backoff", backoff)
        lease = cluster.boolean("leader_lease", lease)
        if protocol == "raft":
            for key in PAXOS_ONLY_KEYS:
                if cluster.has(key):
                    cluster.problems.add(cluster.key(key), "is a Multi-Paxos option, but this "
                                         "cluster runs Raft (set cluster.protocol = "
                                         "\"multi-paxos\" or remove it)")
    raft = root.table("raft", RAFT_KEYS)
    if raft is None:
        return RaftConfig(protocol=protocol, backoff=backoff, leader_lease=lease)
    if protocol != "raft":
        for key in RAFT_ONLY_KEYS:
            if raft.has(key):
                raft.problems.add(raft.key(key), f"is a Raft option, but this cluster runs "
                                  f"{protocol} (cluster.protocol); remove it")
    nodes = raft.integer("nodes", base.nodes, low=1, high=MAX_NODES)
    heartbeat = raft.number("heartbeat_ms", base.heartbeat_interval, low=MIN_TIMING_MS,
                            high=MAX_DELAY_MS, per_second=MS_PER_S,
                            why=f"etcd's default is 100; {FLOOD}")
    timeout_min, timeout_max = _read_timeout_range(
        raft, (base.election_timeout_min, base.election_timeout_max))
    return RaftConfig(
        nodes=nodes,
        heartbeat_interval=heartbeat,
        election_timeout_min=timeout_min,
        election_timeout_max=timeout_max,
        pre_vote=raft.boolean("pre_vote", base.pre_vote),
        check_quorum=raft.boolean("check_quorum", base.check_quorum),
        check_quorum_timing=raft.text("check_quorum_timing", base.check_quorum_timing,
                                      choices=CHECK_QUORUM_TIMINGS),
        disk_latency=read_latency(raft, "disk_latency", base.disk_latency),
        protocol=protocol,
        backoff=backoff,
        leader_lease=lease,
    )


def _eventual_nodes(root: Section, base: RaftConfig) -> RaftConfig:
    """The eventual store's nodes from [raft]; each consensus key in [cluster] or [raft] is a
    problem of its own (one message per key, its value left unread)."""
    cluster = root.table("cluster", CLUSTER_KEYS)
    raft = root.table("raft", RAFT_KEYS)
    for section in (cluster, raft):
        for key in section.data if section is not None else ():
            if key in section.known and key not in EVENTUAL_RAFT_KEYS:
                what = "" if section is cluster else "is a consensus setting of the strong store, but "
                section.problems.add(section.key(key), f"{what}{NO_CONSENSUS}; remove it")
    if raft is None:
        return base
    return RaftConfig(nodes=raft.integer("nodes", base.nodes, low=1, high=MAX_NODES))


def _read_timeout_range(raft: Section, default: tuple[float, float]) -> tuple[float, float]:
    path = raft.key("election_timeout_ms")
    value = raft.raw("election_timeout_ms")
    if value is None:
        return default
    allowed = (f"[min, max] in milliseconds, each from {MIN_TIMING_MS:g} to {MAX_TIMEOUT_MS:g} "
               f"({FLOOD})")
    if not isinstance(value, list) or len(value) != 2:
        got = f"{len(value)} numbers" if isinstance(value, list) else type_name(value)
        raft.problems.add(path, f"must be a list of two numbers {allowed}, e.g. [150, 300]; "
                                f"got {got}")
        return default
    ok = all(
        check_number(raft.problems, item(path, i), v, low=MIN_TIMING_MS, high=MAX_TIMEOUT_MS,
                     why=f"etcd's default is 1000; {FLOOD}")
        for i, v in enumerate(value)
    )
    if not ok:
        return default
    if value[0] > value[1]:
        raft.problems.add(path, f"min must not exceed max, got [{show(value[0])}, "
                                f"{show(value[1])}]")
        return default
    return in_seconds(value[0], MS_PER_S), in_seconds(value[1], MS_PER_S)


def read_network(root: Section, hosts: tuple[str, ...]) -> NetworkConfig:
    """The [network] table: default latency, loss in [0, 1], and [[network.link]] overrides."""
    base = NetworkConfig()
    network = root.table("network", NETWORK_KEYS)
    if network is None:
        return base
    latency = read_latency(network, "latency", base.latency)
    loss = network.number("loss", base.loss, low=0, high=1)
    links = tuple(
        link for section in network.tables("link", LINK_KEYS)
        if (link := _read_link(section, hosts)) is not None
    )
    return NetworkConfig(latency=latency, loss=loss, links=links)


def _read_link(link: Section, hosts: tuple[str, ...]) -> LinkOverride | None:
    src = _host(link, "src", hosts)
    dst = _host(link, "dst", hosts)
    latency = read_latency(link, "latency", Latency()) if link.has("latency") else None
    loss = link.optional_number("loss", low=0, high=1)
    both_ways = link.boolean("both_ways", True)
    if not link.has("latency") and not link.has("loss"):
        link.problems.add(link.path, "a link override needs latency or loss (or both)")
        return None
    if src is None or dst is None:
        return None
    if src == dst:
        link.problems.add(link.key("dst"), f"must differ from src ({src})")
        return None
    return LinkOverride(src=src, dst=dst, latency=latency, loss=loss, both_ways=both_ways)


def _host(section: Section, key: str, hosts: tuple[str, ...]) -> str | None:
    if not section.has(key):
        section.problems.add(section.key(key), f"is required: one of {', '.join(hosts)}")
        return None
    value = section.text(key, "")
    if value and value not in hosts:
        section.problems.add(section.key(key), f"unknown node {show(value)}; "
                                               f"known: {', '.join(hosts)}")
        return None
    return value or None


def read_store(root: Section) -> StoreConfig:
    """The [store] table: which store, and the settings of that store (times in ms).

    A key of the other kind of store is a problem of its own (one message, its value unread):
    the strong store has no replicas or quorums, the eventual store no lessor or revisions.
    """
    base = StoreConfig()
    store = root.table("store", STORE_KEYS)
    if store is None:
        return base
    kind = store.text("kind", base.kind, choices=STORE_KINDS)
    if store_kind(root.data) is not None:
        store = _own_keys(store, STRONG_STORE_KEYS if kind == "eventual" else EVENTUAL_STORE_KEYS)
    return StoreConfig(
        lease_check_interval=store.number("lease_check_ms", base.lease_check_interval,
                                          low=MIN_TIMING_MS, high=MAX_DELAY_MS,
                                          per_second=MS_PER_S,
                                          why=f"etcd's lessor checks every 500; {FLOOD}"),
        request_timeout=store.number("request_timeout_ms", base.request_timeout,
                                     low=MIN_TIMING_MS, high=MAX_DELAY_MS, per_second=MS_PER_S,
                                     why=f"a client retries and probes its watches at this "
                                         f"period; {FLOOD}"),
        compaction_retention=store.integer("compaction_retention", base.compaction_retention,
                                           low=0, high=1_000_000_000),
        kind=kind,
        replicas=store.integer("replicas", base.replicas, low=1, high=MAX_NODES),
        read_quorum=store.integer("read_quorum", base.read_quorum, low=1, high=MAX_NODES),
        write_quorum=store.integer("write_quorum", base.write_quorum, low=1, high=MAX_NODES),
        read_repair=store.boolean("read_repair", base.read_repair),
        sloppy_quorum=store.boolean("sloppy_quorum", base.sloppy_quorum),
        handoff_after=store.number("handoff_after_ms", base.handoff_after, low=MIN_TIMING_MS,
                                   high=MAX_DELAY_MS, per_second=MS_PER_S, why=FLOOD),
        hint_interval=store.number("hint_interval_ms", base.hint_interval, low=MIN_TIMING_MS,
                                   high=MAX_DELAY_MS, per_second=MS_PER_S, why=FLOOD),
        anti_entropy_interval=_anti_entropy(store, base.anti_entropy_interval),
        keepalive_leadership_check=store.text("keepalive_leadership_check",
                                              base.keepalive_leadership_check,
                                              choices=LEADERSHIP_CHECKS),
        lwt=store.boolean("lwt", base.lwt),
    )


def _own_keys(store: Section, foreign: tuple[str, ...]) -> Section:
    """``store`` without the keys of the other kind of store, each reported once."""
    eventual = foreign is EVENTUAL_STORE_KEYS
    for key in store.data:
        if key not in foreign:
            continue
        if key == "lwt":
            why = ("lightweight transactions belong to the eventual store (store.kind = "
                   "\"eventual\"): every write to the strong store already goes through "
                   "consensus; remove it")
        elif eventual:
            why = ("belongs to the eventual store (store.kind = \"eventual\"), but this "
                   "preset's store is the strong one, where every key is on every node and "
                   "goes through consensus; set store.kind = \"eventual\" or remove it")
        else:
            why = ("belongs to the strong store (the etcd-like one), but this preset's store "
                   "is the eventual one (store.kind = \"eventual\"), which has no lessor and "
                   "no revisions; remove it")
        store.problems.add(store.key(key), why)
    own = {key: value for key, value in store.data.items()
           if key in store.known and key not in foreign}
    return Section(store.problems, own, store.path, store.known)


def _anti_entropy(store: Section, default: float) -> float:
    """0 (never), or a period of at least MIN_TIMING_MS: a shorter one floods the run."""
    value = store.number("anti_entropy_ms", default, low=0, high=MAX_DELAY_MS,
                         per_second=MS_PER_S)
    if 0 < value * MS_PER_S < MIN_TIMING_MS:
        store.problems.add(store.key("anti_entropy_ms"),
                           f"must be 0 (never) or a number from {MIN_TIMING_MS:g} to "
                           f"{MAX_DELAY_MS:g} ({FLOOD}), got {value * MS_PER_S:g}")
        return default
    return value


def check_store(root: Section, store: StoreConfig, raft: RaftConfig, apps: AppsConfig) -> None:
    """What the store cannot do with the rest of the preset, named by key.

    An eventual store keeps each key on ``replicas`` of the cluster's nodes, so quorums cannot
    exceed the replicas and the replicas cannot exceed the nodes; the etcd and ZooKeeper recipes
    need store-wide revisions and ordered sequence numbers, which a leaderless store has not.
    """
    if not store.eventual:
        return
    problems = root.problems
    if store.replicas > raft.nodes:
        problems.add("store.replicas", f"{store.replicas} replicas need at least as many "
                                       f"nodes; [raft] nodes is {raft.nodes}")
    for key, value in (("read_quorum", store.read_quorum), ("write_quorum", store.write_quorum)):
        if value > store.replicas:
            problems.add(f"store.{key}", f"{value} is more than the {store.replicas} replicas "
                                          "of a key: no request could ever gather it")
    shared = apps.servers[0].recipe if apps.servers else None
    for index, server in enumerate(apps.servers):
        if server.recipe in EVENTUAL_RECIPES:
            continue
        why = {"etcd": "etcd's election orders the candidates by the store-wide revision that "
                       "created each key and watches the predecessor's key",
               "zookeeper": "ZooKeeper's recipe orders the candidates by sequence numbers "
                            "and watches the predecessor's node"}.get(
                   server.recipe, "it needs what only the strong store has")
        key = "apps.recipe" if server.recipe == shared and _shared_recipe(root) else \
            f"apps.server[{index + 1}].recipe"
        problems.add(key, f"the eventual store cannot carry the {server.recipe!r} recipe: "
                          f"{why}; a leaderless store has no revisions, no sequence numbers "
                          f"and no watches. Use "
                          f"{' or '.join(repr(r) for r in EVENTUAL_RECIPES)}")
        break


def _shared_recipe(root: Section) -> bool:
    apps = root.data.get("apps")
    if not isinstance(apps, dict):
        return False
    servers = apps.get("server")
    if isinstance(servers, list) and any(isinstance(s, dict) and "recipe" in s for s in servers):
        return False
    return "recipe" in apps

