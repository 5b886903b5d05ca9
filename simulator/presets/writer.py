"""Writing a Scenario back as preset TOML (e.g. to save a session as a lesson).

``scenario_to_toml(scenario)`` writes every setting explicitly, in the layout docs/presets.md
describes, so that ``parse_scenario(scenario_to_toml(s), f"{s.name}.toml") == s``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from simulator.config import (
    AppServerConfig,
    FaultStep,
    Latency,
    LinkOverride,
    Scenario,
    StoreConfig,
)
from simulator.presets.apps import app_ids
from simulator.presets.cluster import MS_PER_S

VALUE_KEYS = {"loss": "loss", "latency": "latency_ms", "clock": "offset",
              "random-faults": "every"}


def scenario_to_toml(scenario: Scenario) -> str:
    """The preset text of ``scenario`` (ValueError if its app server ids are not app1..appN)."""
    lines: list[str] = ["# A leadersim preset: the format is described in docs/presets.md", ""]
    lines += _run(scenario)
    lines += _raft(scenario)
    lines += _network(scenario)
    lines += _store(scenario)
    lines += _apps(scenario)
    for step in scenario.faults:
        lines += ["", "[[faults]]", *_fault(step)]
    for caption in scenario.captions:
        lines += ["", "[[captions]]", *_moment(caption.at, caption.fault, caption.after),
                  f"text = {_string(caption.text)}"]
    for pause in scenario.pauses:
        lines += ["", "[[pauses]]", *_moment(pause.at, pause.fault, pause.after),
                  f"question = {_string(pause.question)}"]
    return "\n".join(lines) + "\n"


def _moment(at: float | None, fault: str | None, after: float) -> list[str]:
    """When a caption or pause point comes: ``at`` a time, or ``after`` a named fault step."""
    if fault is not None:
        return [f"fault = {_string(fault)}", f"after = {_seconds(after)}"]
    if at is None:
        raise ValueError("a caption or pause point needs a time or a fault step's name")
    return [f"at = {_seconds(at)}"]


def _run(s: Scenario) -> list[str]:
    return ["[run]", f"title = {_string(s.title)}", f"description = {_text(s.description)}",
            f"seed = {s.seed}", f"duration = {_seconds(s.duration)}"]


def _raft(s: Scenario) -> list[str]:
    raft = s.raft
    if s.store.eventual:  # the eventual store runs no consensus: its nodes are all it reads
        return ["", "[raft]", f"nodes = {raft.nodes}"]
    lines: list[str] = []
    if raft.protocol != "raft":
        lines += ["", "[cluster]", f"protocol = {_string(raft.protocol)}",
                  f"backoff = {_bool(raft.backoff)}",
                  f"leader_lease = {_bool(raft.leader_lease)}"]
    lines += ["", "[raft]", f"nodes = {raft.nodes}",
              f"heartbeat_ms = {_ms(raft.heartbeat_interval)}",
              f"election_timeout_ms = [{_ms(raft.election_timeout_min)}, "
              f"{_ms(raft.election_timeout_max)}]"]
    if raft.protocol == "raft":
        lines += [f"pre_vote = {_bool(raft.pre_vote)}",
                  f"check_quorum = {_bool(raft.check_quorum)}"]
        if raft.check_quorum_timing != "etcd":
            lines.append(f'check_quorum_timing = "{raft.check_quorum_timing}"')
    return lines + [f"disk_latency = {_latency(raft.disk_latency)}"]


def _network(s: Scenario) -> list[str]:
    lines = ["", "[network]", f"latency = {_latency(s.network.latency)}",
             f"loss = {_number(s.network.loss)}"]
    for link in s.network.links:
        lines += ["", "[[network.link]]", *_link(link)]
    return lines


def _link(link: LinkOverride) -> list[str]:
    lines = [f"src = {_string(link.src)}", f"dst = {_string(link.dst)}"]
    if link.latency is not None:
        lines.append(f"latency = {_latency(link.latency)}")
    if link.loss is not None:
        lines.append(f"loss = {_number(link.loss)}")
    lines.append(f"both_ways = {_bool(link.both_ways)}")
    return lines


def _store(s: Scenario) -> list[str]:
    store = s.store
    if store.eventual:  # each store's own keys only: the other store's are refused
        return ["", "[store]", f"request_timeout_ms = {_ms(store.request_timeout)}",
                *_eventual(store)]
    check = store.keepalive_leadership_check
    return ["", "[store]", f"lease_check_ms = {_ms(store.lease_check_interval)}",
            f"request_timeout_ms = {_ms(store.request_timeout)}",
            f"compaction_retention = {store.compaction_retention}",
            *([f"keepalive_leadership_check = {_string(check)}"] if check != "etcd" else [])]


def _eventual(store: StoreConfig) -> list[str]:
    return [f"kind = {_string(store.kind)}", f"replicas = {store.replicas}",
            f"read_quorum = {store.read_quorum}", f"write_quorum = {store.write_quorum}",
            f"read_repair = {_bool(store.read_repair)}",
            f"sloppy_quorum = {_bool(store.sloppy_quorum)}",
            f"handoff_after_ms = {_ms(store.handoff_after)}",
            f"hint_interval_ms = {_ms(store.hint_interval)}",
            f"anti_entropy_ms = {_ms(store.anti_entropy_interval)}",
            *([f"lwt = {_bool(store.lwt)}"] if store.lwt else [])]


def _apps(s: Scenario) -> list[str]:
    apps = s.apps
    servers = apps.servers
    if not servers:
        return []
    if tuple(server.id for server in servers) != app_ids(len(servers)):
        raise ValueError(f"app server ids must be app1..app{len(servers)} in order, "
                         f"got {', '.join(server.id for server in servers)}")
    shared = servers[0]
    lines = ["", "[apps]", f"count = {len(servers)}", *_server_settings(shared),
             f"protection = {_string(apps.provider.protection)}",
             f"provider_processing = {_latency(apps.provider.processing)}"]
    job, k8s, zk = apps.job, apps.kubernetes, apps.zookeeper
    lines += ["", "[apps.job]", f"contracts = {job.contracts}", f"month = {_seconds(job.month)}",
              f"check_interval = {_seconds(job.check_interval)}",
              f"late_after = {_seconds(job.late_after)}"]
    lines += ["", "[apps.kubernetes]", f"lease_duration = {_seconds(k8s.lease_duration)}",
              f"renew_deadline = {_seconds(k8s.renew_deadline)}",
              f"retry_period = {_seconds(k8s.retry_period)}", f"jitter = {_number(k8s.jitter)}"]
    lines += ["", "[apps.zookeeper]", f"tick_time_ms = {_ms(zk.tick_time)}",
              f"session_timeout_ms = {_ms(zk.session_timeout)}",
              f"stop_on = {_string(zk.stop_on)}"]
    for server in servers[1:]:
        if _differs(server, shared):
            lines += ["", "[[apps.server]]", f"id = {_string(server.id)}",
                      *_server_settings(server)]
    return lines


def _differs(server: AppServerConfig, shared: AppServerConfig) -> bool:
    return (server.recipe, server.ttl, server.renew_interval, server.start_at) != \
        (shared.recipe, shared.ttl, shared.renew_interval, shared.start_at)


def _server_settings(server: AppServerConfig) -> list[str]:
    lines = [f"recipe = {_string(server.recipe)}", f"ttl = {_seconds(server.ttl)}"]
    if server.renew_interval is not None:
        lines.append(f"renew_interval = {_seconds(server.renew_interval)}")
    lines.append(f"start_at = {_seconds(server.start_at)}")
    return lines


def _fault(step: FaultStep) -> list[str]:
    lines: list[str] = []
    if step.name is not None:
        lines.append(f"name = {_string(step.name)}")
    if step.at is not None:
        lines.append(f"at = {_seconds(step.at)}")
    if step.after is not None:
        lines.append(f"after = {_seconds(step.after)}")
    lines.append(f"action = {_string(step.action)}")
    if step.target is not None:
        lines.append(f"target = {_string(step.target)}")
    if step.when is not None:
        lines.append(f"when = {_string(step.when)}")
    if step.peer is not None:
        lines.append(f"peer = {_string(step.peer)}")
    if not step.both_ways:
        lines.append("both_ways = false")
    if step.duration is not None:
        lines.append(f"duration = {_seconds(step.duration)}")
    if step.groups:
        lines.append(f"groups = [{', '.join(_strings(group) for group in step.groups)}]")
    if step.value is not None and step.action in VALUE_KEYS:
        key = VALUE_KEYS[step.action]
        value = _ms(step.value) if key == "latency_ms" else _number(step.value)
        lines.append(f"{key} = {value}")
    if step.rate is not None:
        lines.append(f"rate = {_number(step.rate)}")
    return lines


def _latency(latency: Latency) -> str:
    if latency.kind == "constant":
        return f'{{ dist = "constant", ms = {_ms(latency.a)} }}'
    if latency.kind == "uniform":
        return f'{{ dist = "uniform", min_ms = {_ms(latency.a)}, max_ms = {_ms(latency.b)} }}'
    return f'{{ dist = "normal", mean_ms = {_ms(latency.a)}, stddev_ms = {_ms(latency.b)} }}'


def _number(value: float) -> str:
    """A number as TOML: integers without a decimal point, others by their shortest repr."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    text = repr(value)
    if "e" in text and 1e-9 <= abs(value) < 1e15:
        text = format(Decimal(text), "f")  # 0.000001 rather than 1e-06; the same float
    return text


def _seconds(value: float) -> str:
    return _number(value)


def _ms(seconds: float) -> str:
    """Seconds as an exact decimal number of milliseconds (0.15 -> 150)."""
    millis = Decimal(repr(float(seconds))) * Decimal(int(MS_PER_S))
    return format(millis.normalize(), "f")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _strings(values: Iterable[str]) -> str:
    return "[" + ", ".join(_string(v) for v in values) + "]"


def _string(text: str) -> str:
    """A TOML basic string with every character TOML requires escaped."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _text(text: str) -> str:
    """A long text as a readable multi-line literal string when it can be one."""
    plain = all(c in "\n\t" or (ord(c) >= 0x20 and ord(c) != 0x7F) for c in text)
    long = "\n" in text or len(text) > 60
    if long and plain and "'''" not in text:
        return "'''\n" + text + "\n'''"
    return _string(text)
