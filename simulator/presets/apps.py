"""Reading the [apps] table of a preset: app servers, their recipe, lease timing and the job.

Times here are seconds unless the key ends in ``_ms``. Defaults: TTL 10 s renewed every TTL/3
(etcd's client keepalive), client-go's 15/10/2 s leader election with jitter 1.2, ZooKeeper's
2000 ms tickTime with a 10 s session, one simulated month of 60 s with 12 contracts.
"""

from __future__ import annotations

from simulator.config import (
    PROTECTIONS,
    RECIPES,
    ZK_STOP_ON,
    AppsConfig,
    DEFAULT_SESSION_TTL,
    AppServerConfig,
    JobConfig,
    KubernetesConfig,
    ProviderConfig,
    ZooKeeperConfig,
)
from simulator.presets.cluster import FLOOD, MS_PER_S, read_latency
from simulator.presets.reader import Section, show

MAX_APPS = 15
MAX_SECONDS = 604_800.0
MIN_MONTH = 1.0  # a shorter month makes the due charges pile up faster than any leader charges
MIN_PERIOD = 0.01
"""The shortest period of an app server's repeating timers (keepalive, retry, job check): a
shorter one floods the run with events, e.g. a keepalive every microsecond."""
MIN_CHECK_INTERVAL = MIN_PERIOD
MIN_TTL = 1.0  # etcd's lease TTLs are whole seconds (and the store raises short ones anyway)
MIN_TICK_MS = 10.0  # the shortest session (2 ticks) is pinged every 2/3 tick
TTL_WHY = "etcd grants lease TTLs in whole seconds"
RENEW_WHY = f"etcd's client renews every TTL/3; {FLOOD}"

APPS_KEYS = ("count", "recipe", "ttl", "renew_interval", "start_at", "protection",
             "provider_processing", "job", "kubernetes", "zookeeper", "server")
SERVER_KEYS = ("id", "recipe", "ttl", "renew_interval", "start_at")
JOB_KEYS = ("contracts", "month", "check_interval", "late_after")
KUBERNETES_KEYS = ("lease_duration", "renew_deadline", "retry_period", "jitter")
ZOOKEEPER_KEYS = ("tick_time_ms", "session_timeout_ms", "stop_on")


def app_ids(count: int) -> tuple[str, ...]:
    """The app servers' ids ``app1`` .. ``appN``."""
    return tuple(f"app{i}" for i in range(1, count + 1))


def read_apps(root: Section) -> AppsConfig:
    """The [apps] table and its sub-tables; no table means no app servers (a Raft-only run)."""
    apps = root.table("apps", APPS_KEYS)
    if apps is None:
        return AppsConfig()
    count = apps.integer("count", 0, low=0, high=MAX_APPS)
    base = AppServerConfig(
        id="",
        recipe=apps.text("recipe", "seed", choices=RECIPES),
        ttl=apps.number("ttl", DEFAULT_SESSION_TTL, low=MIN_TTL, high=MAX_SECONDS, why=TTL_WHY),
        renew_interval=apps.optional_number("renew_interval", low=MIN_PERIOD,
                                            high=MAX_SECONDS, why=RENEW_WHY),
        start_at=apps.number("start_at", 0.0, low=0, high=MAX_SECONDS),
    )
    _check_renewal(apps, base, apps.path)
    ids = app_ids(count)
    overrides = _read_overrides(apps, base, ids)
    servers = tuple(overrides.get(i, _with_id(base, i)) for i in ids)
    default_provider = ProviderConfig()
    provider = ProviderConfig(
        protection=apps.text("protection", default_provider.protection, choices=PROTECTIONS),
        processing=read_latency(apps, "provider_processing", default_provider.processing),
    )
    return AppsConfig(
        servers=servers,
        kubernetes=_read_kubernetes(apps),
        zookeeper=_read_zookeeper(apps),
        provider=provider,
        job=_read_job(apps),
    )


def _with_id(base: AppServerConfig, server_id: str) -> AppServerConfig:
    return AppServerConfig(id=server_id, recipe=base.recipe, ttl=base.ttl,
                           renew_interval=base.renew_interval, start_at=base.start_at)


def _check_renewal(section: Section, server: AppServerConfig, where: str) -> None:
    if server.renew_interval is not None and server.renew_interval >= server.ttl:
        key = section.key("renew_interval")
        if section.has("renew_interval") or not section.has("ttl"):
            section.problems.add(key, f"must be shorter than the ttl ({server.ttl:g} s), "
                                      f"got {server.renew_interval:g} s")
        else:
            section.problems.add(section.key("ttl"),
                                 f"must be longer than the renew_interval "
                                 f"({server.renew_interval:g} s), got {server.ttl:g} s")


def _read_overrides(
    apps: Section, base: AppServerConfig, ids: tuple[str, ...]
) -> dict[str, AppServerConfig]:
    overrides: dict[str, AppServerConfig] = {}
    for server in apps.tables("server", SERVER_KEYS):
        server_id = server.text("id", "", required=True)
        if server_id and server_id not in ids:
            known = ", ".join(ids) if ids else "none: set apps.count first"
            server.problems.add(server.key("id"), f"unknown app server {show(server_id)}; "
                                                  f"known: {known}")
            server_id = ""
        if server_id in overrides:
            server.problems.add(server.key("id"), f"{server_id} is configured twice")
            server_id = ""
        config = AppServerConfig(
            id=server_id,
            recipe=server.text("recipe", base.recipe, choices=RECIPES),
            ttl=server.number("ttl", base.ttl, low=MIN_TTL, high=MAX_SECONDS, why=TTL_WHY),
            renew_interval=server.optional_number("renew_interval", low=MIN_PERIOD,
                                                  high=MAX_SECONDS, why=RENEW_WHY)
            if server.has("renew_interval") else base.renew_interval,
            start_at=server.number("start_at", base.start_at, low=0, high=MAX_SECONDS),
        )
        if server.has("ttl") or server.has("renew_interval"):
            _check_renewal(server, config, server.path)
        if server_id:
            overrides[server_id] = config
    return overrides


def _read_job(apps: Section) -> JobConfig:
    base = JobConfig()
    job = apps.table("job", JOB_KEYS)
    if job is None:
        return base
    return JobConfig(
        contracts=job.integer("contracts", base.contracts, low=0, high=100_000),
        month=job.number("month", base.month, low=MIN_MONTH, high=MAX_SECONDS),
        check_interval=job.number("check_interval", base.check_interval,
                                  low=MIN_CHECK_INTERVAL, high=MAX_SECONDS, why=FLOOD),
        late_after=job.number("late_after", base.late_after, low=0, high=MAX_SECONDS),
    )


def _read_kubernetes(apps: Section) -> KubernetesConfig:
    """client-go's rules: lease_duration > renew_deadline > jitter x retry_period."""
    base = KubernetesConfig()
    k8s = apps.table("kubernetes", KUBERNETES_KEYS)
    if k8s is None:
        return base
    known = len(k8s.problems.found)
    config = KubernetesConfig(
        lease_duration=k8s.number("lease_duration", base.lease_duration, low=0, low_open=True,
                                  high=MAX_SECONDS),
        renew_deadline=k8s.number("renew_deadline", base.renew_deadline, low=0, low_open=True,
                                  high=MAX_SECONDS),
        retry_period=k8s.number("retry_period", base.retry_period, low=MIN_PERIOD,
                                high=MAX_SECONDS, why=f"client-go's default is 2; {FLOOD}"),
        jitter=k8s.number("jitter", base.jitter, low=1, high=10),
    )
    if len(k8s.problems.found) > known:
        return config  # a rule between a rejected value and a default would only confuse
    if config.lease_duration <= config.renew_deadline:
        k8s.problems.add(k8s.key("renew_deadline"),
                         f"must be shorter than lease_duration ({config.lease_duration:g} s), "
                         f"got {config.renew_deadline:g} s (client-go rule)")
    elif config.renew_deadline <= config.jitter * config.retry_period:
        k8s.problems.add(k8s.key("retry_period"),
                         f"jitter x retry_period ({config.jitter:g} x "
                         f"{config.retry_period:g} s) must be shorter than renew_deadline "
                         f"({config.renew_deadline:g} s) (client-go rule)")
    return config


def _read_zookeeper(apps: Section) -> ZooKeeperConfig:
    """ZooKeeper's rule: the session timeout lies between 2 and 20 ticks."""
    base = ZooKeeperConfig()
    zk = apps.table("zookeeper", ZOOKEEPER_KEYS)
    if zk is None:
        return base
    known = len(zk.problems.found)
    config = ZooKeeperConfig(
        tick_time=zk.number("tick_time_ms", base.tick_time, low=MIN_TICK_MS,
                            high=MAX_SECONDS * 1000, per_second=MS_PER_S,
                            why=f"ZooKeeper's sample is 2000; a session is pinged every 2/3 "
                                f"tick at the shortest, and {FLOOD}"),
        session_timeout=zk.number("session_timeout_ms", base.session_timeout, low=0,
                                  low_open=True, high=MAX_SECONDS * 1000, per_second=MS_PER_S),
        stop_on=zk.text("stop_on", base.stop_on, choices=ZK_STOP_ON),
    )
    low, high = 2 * config.tick_time, 20 * config.tick_time
    if len(zk.problems.found) == known and not low - 1e-9 <= config.session_timeout <= high + 1e-9:
        tick, session = config.tick_time * MS_PER_S, config.session_timeout * MS_PER_S
        zk.problems.add(zk.key("session_timeout_ms"),
                        f"must be between 2 and 20 ticks ({2 * tick:g} to {20 * tick:g} ms "
                        f"with tick_time_ms = {tick:g}), got {session:g}")
    return config
