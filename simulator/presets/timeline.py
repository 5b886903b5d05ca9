"""Reading a preset's timeline: the [[faults]] schedule, [[captions]] and [[pauses]].

Every time is in seconds from the start of the run. A fault step runs ``at`` an absolute time,
or ``after`` seconds after the previous step, or (with neither) at the previous step's time; the
first step's previous time is 0 (as simulator.runtime.faults plans them). Targets are node ids
(``n1``.., ``app1``.., ``provider``) or symbolic targets resolved when the step runs. Nothing
may happen after the end of the run.

A step may have a ``name`` and may wait (``when = "charging"``, pause or crash of an app server)
for a moment in the app's work from its time on; a following step with ``after`` (or neither)
counts from the moment it fired, so its time is only known as "at the earliest". Captions and
pause points give ``at``, or ``fault`` (a step's name) and ``after`` (seconds after it happened).
"""

from __future__ import annotations

from simulator.config import (
    FAULT_ACTIONS,
    FAULT_MOMENTS,
    WAITING_ACTIONS,
    CaptionStep,
    FaultStep,
    PauseStep,
)
from simulator.frozen import frozen, replace
from simulator.presets.cluster import MS_PER_S
from simulator.presets.reader import Section, check_number, item, show, type_name

MAX_SECONDS = 604_800.0
MIN_EVERY = 1.0  # random faults more often than once a second leave nothing to watch
ACTION_KEYS = ("target", "duration", "groups", "peer", "both_ways", "loss", "latency_ms",
               "offset", "rate", "every")
FAULT_KEYS = ("at", "after", "action", *ACTION_KEYS, "name", "when")
CAPTION_KEYS = ("at", "fault", "after", "text")
PAUSE_KEYS = ("at", "fault", "after", "question")
RAFT_SYMBOLS = ("raft-leader", "follower")
APP_SYMBOLS = ("app-leader", "app-follower")


@frozen
class ActionSpec:
    """What one fault action needs: its target kind, required and optional keys."""

    targets: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key this action uses, required first."""
        return self.required + self.optional


ACTION_SPECS: dict[str, ActionSpec] = {
    "crash": ActionSpec("host", ("target",)),
    "restart": ActionSpec("restart", (), ("target",)),
    "pause": ActionSpec("host", ("target", "duration")),
    "partition": ActionSpec("none", ("groups",)),
    "isolate": ActionSpec("host", ("target",)),
    "heal": ActionSpec("none", ()),
    "cut": ActionSpec("host", ("target", "peer"), ("both_ways",)),
    "heal-link": ActionSpec("host", ("target", "peer"), ("both_ways",)),
    "loss": ActionSpec("host", ("loss",), ("target", "peer", "both_ways")),
    "latency": ActionSpec("host", ("latency_ms",), ("target", "peer", "both_ways")),
    "clock": ActionSpec("host", ("target",), ("offset", "rate")),
    "timeout": ActionSpec("raft", ("target",)),
    "exception": ActionSpec("app", ("target",)),
    "shutdown": ActionSpec("app", ("target",)),
    "random-faults": ActionSpec("none", ("every",), ("duration",)),
}
assert tuple(ACTION_SPECS) == FAULT_ACTIONS


@frozen
class Hosts:
    """The ids a preset may name: Raft nodes, app servers, and the provider (with apps)."""

    raft: tuple[str, ...]
    apps: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        """Every host id in order: Raft nodes, app servers, provider."""
        return self.raft + self.apps + (("provider",) if self.apps else ())

    def symbols(self) -> tuple[str, ...]:
        """The symbolic node names usable here (app ones only when there are app servers)."""
        return RAFT_SYMBOLS + (APP_SYMBOLS if self.apps else ())

    def targets(self, kind: str) -> tuple[str, ...]:
        """The allowed targets of an action whose spec has target kind ``kind``."""
        if kind == "raft":
            return self.raft + RAFT_SYMBOLS + ("all",)
        if kind == "app":
            return self.apps + (APP_SYMBOLS if self.apps else ())
        if kind == "restart":
            return self.all + ("all",)
        return self.all + self.symbols() + ("all",)


def read_faults(root: Section, hosts: Hosts, duration: float,
                names: dict[str, float] | None = None) -> tuple[FaultStep, ...]:
    """Every [[faults]] step, checked against its action, the known ids and the run's end.

    ``names`` (when given) receives each step name with the earliest time the step can run.
    """
    steps: list[FaultStep] = []
    previous = 0.0
    waiting = False  # the previous step's time counts from a waiting step's firing
    named: dict[str, int] = {}
    for index, fault in enumerate(root.tables("faults", FAULT_KEYS)):
        step, when = _read_fault(fault, hosts, duration, previous, waiting)
        name = _read_name(fault, named, index)
        if name is not None and names is not None:
            names[name] = when
        previous = when
        if fault.has("at"):
            waiting = False
        if fault.has("when"):
            waiting = True
        if step is not None:
            steps.append(replace(step, name=name))
    return tuple(steps)


def _read_name(fault: Section, named: dict[str, int], index: int) -> str | None:
    if not fault.has("name"):
        return None
    name = fault.text("name", "", nonempty=True)
    if not name:
        return None
    if name in named:
        fault.problems.add(fault.key("name"), f"{show(name)} already names "
                                              f"{item('faults', named[name])}; each name once")
        return None
    named[name] = index
    return name


def _read_moment_key(fault: Section, action: str, target: str | None,
                     hosts: Hosts) -> str | None:
    """The ``when`` of a waiting step: a known moment, a waiting action, an app server."""
    if not fault.has("when"):
        return None
    moment = fault.text("when", "", choices=FAULT_MOMENTS)
    if not moment:
        return None
    path = fault.key("when")
    if action and action not in WAITING_ACTIONS:
        quoted = " or ".join(f"'{a}'" for a in WAITING_ACTIONS)
        fault.problems.add(path, f"{show(moment)} works only with action {quoted}, "
                                 f"not '{action}'")
        return None
    app_targets = hosts.targets("app")
    if not app_targets:
        fault.problems.add(path, f"{show(moment)} waits for an app server's work, but there "
                                 f"are no app servers (set apps.count)")
        return None
    if target is not None and target not in app_targets:
        fault.problems.add(path, f"{show(moment)} needs an app server target "
                                 f"({', '.join(app_targets)}), not {show(target)}")
        return None
    return moment


def _read_fault(
    fault: Section, hosts: Hosts, duration: float, previous: float, waiting: bool
) -> tuple[FaultStep | None, float]:
    when, at, after = _read_when(fault, duration, previous, waiting)
    action = fault.text("action", "", choices=FAULT_ACTIONS, required=True)
    spec = ACTION_SPECS.get(action)
    if spec is None:
        _read_moment_key(fault, "", None, hosts)
        return None, when
    problems_before = len(fault.problems.found)
    for key in ACTION_KEYS:
        if key in fault.data and key not in spec.keys:
            uses = ", ".join(spec.keys) if spec.keys else "nothing but at/after"
            fault.problems.add(fault.key(key), f"is not used by action '{action}' "
                                               f"(it takes {uses})")
    for key in spec.required:
        if key not in fault.data:
            fault.problems.add(fault.key(key), f"is required by action '{action}'"
                                               f"{_allowed_hint(key, spec, hosts)}")
    uses = spec.keys
    target = _read_node(fault, "target", hosts.targets(spec.targets)) if "target" in uses \
        else None
    peer = _read_node(fault, "peer", hosts.targets("host")) if "peer" in uses else None
    if target is not None and target == peer and target != "all":
        fault.problems.add(fault.key("peer"), f"must differ from target ({target})")
    if action in ("loss", "latency") and fault.has("peer") and not fault.has("target"):
        fault.problems.add(fault.key("peer"), f"action '{action}' with a peer needs a target "
                                              f"too (the link target->peer)")
    if action == "clock" and not (fault.has("offset") or fault.has("rate")):
        fault.problems.add(fault.path, "action 'clock' needs offset (seconds) or rate "
                                       "(or both)")
    step = FaultStep(
        action=action,
        at=at,
        after=after,
        target=target,
        duration=fault.optional_number("duration", low=0, low_open=True, high=MAX_SECONDS)
        if "duration" in uses else None,
        groups=_read_groups(fault, hosts) if "groups" in uses else (),
        peer=peer,
        value=_read_value(fault, action),
        rate=fault.optional_number("rate", low=0, low_open=True, high=10)
        if "rate" in uses else None,
        both_ways=fault.boolean("both_ways", True) if "both_ways" in uses else True,
        when=_read_moment_key(fault, action, target, hosts),
    )
    return (step if len(fault.problems.found) == problems_before else None), when


def _allowed_hint(key: str, spec: ActionSpec, hosts: Hosts) -> str:
    if key == "target":
        allowed = hosts.targets(spec.targets)
        if not allowed:
            return " (but there are no app servers: set apps.count)"
        return f": one of {', '.join(allowed)}"
    if key == "peer":
        return f": one of {', '.join(hosts.targets('host'))}"
    if key == "groups":
        return ", e.g. [[\"n1\", \"n2\"], [\"n3\", \"n4\", \"n5\"]]"
    if key == "duration":
        return " (seconds, greater than 0)"
    if key == "loss":
        return " (a probability from 0 to 1)"
    if key == "latency_ms":
        return " (milliseconds)"
    if key == "every":
        return " (mean seconds between faults)"
    return ""


def _read_value(fault: Section, action: str) -> float | None:
    if action == "loss":
        return fault.optional_number("loss", low=0, high=1)
    if action == "latency":
        return fault.optional_number("latency_ms", low=0, high=600_000, per_second=MS_PER_S)
    if action == "clock":
        return fault.optional_number("offset", low=-86_400, high=86_400)
    if action == "random-faults":
        return fault.optional_number("every", low=MIN_EVERY, high=MAX_SECONDS)
    return None


def _read_when(
    fault: Section, duration: float, previous: float, waiting: bool = False
) -> tuple[float, float | None, float | None]:
    """(absolute time, at, after) of a step; reports a missing, doubled or too late time.

    After a waiting step (``waiting``) an ``after`` counts from when it fires, so the time is
    the earliest the step can run."""
    has_at, has_after = fault.has("at"), fault.has("after")
    if has_at and has_after:
        fault.problems.add(fault.key("after"), "give either at (absolute seconds) or after "
                                               "(seconds after the previous step), not both")
        return previous, None, None
    if not has_at and not has_after:
        return previous, None, None
    key = "at" if has_at else "after"
    value = fault.raw(key)
    if not check_number(fault.problems, fault.key(key), value, low=0, high=MAX_SECONDS):
        return previous, None, None
    assert isinstance(value, int | float)
    when = float(value) if has_at else previous + float(value)
    if when > duration:
        earliest = " at the earliest" if waiting and not has_at else ""
        fault.problems.add(fault.key(key), f"this step would run{earliest} at {when:g} s, "
                                           f"after the end of the run "
                                           f"(run.duration = {duration:g} s)")
    if has_at:
        return when, float(value), None
    return when, None, float(value)


def _read_node(fault: Section, key: str, allowed: tuple[str, ...]) -> str | None:
    if not fault.has(key):
        return None
    value = fault.raw(key)
    if not isinstance(value, str):
        fault.problems.add(fault.key(key), f"must be a string naming a node, not "
                                           f"{type_name(value)} ({show(value)})")
        return None
    if not allowed:
        fault.problems.add(fault.key(key), "there are no app servers to target "
                                           "(set apps.count)")
        return None
    if value not in allowed:
        fault.problems.add(fault.key(key), f"unknown or unsuitable node {show(value)}; "
                                           f"allowed: {', '.join(allowed)}")
        return None
    return value


def _read_groups(fault: Section, hosts: Hosts) -> tuple[tuple[str, ...], ...]:
    """Partition groups: two or more lists of ids or symbolic nodes, none named twice."""
    if not fault.has("groups"):
        return ()
    path = fault.key("groups")
    value = fault.raw("groups")
    allowed = hosts.all + hosts.symbols()
    if not isinstance(value, list) or len(value) < 2 \
            or not all(isinstance(g, list) for g in value):
        fault.problems.add(path, "must be a list of at least two groups (lists of node ids), "
                                 "e.g. [[\"n1\", \"n2\"], [\"n3\", \"n4\", \"n5\"]]")
        return ()
    groups: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for index, group in enumerate(value):
        group_path = item(path, index)
        if not group:
            fault.problems.add(group_path, "an empty group: list at least one node")
            continue
        members: list[str] = []
        for member_index, member in enumerate(group):
            member_path = item(group_path, member_index)
            if not isinstance(member, str) or member not in allowed:
                fault.problems.add(member_path, f"unknown node {show(member)}; "
                                                f"allowed: {', '.join(allowed)}")
            elif member in seen:
                fault.problems.add(member_path, f"{member} is already in a group")
            else:
                seen.add(member)
                members.append(member)
        groups.append(tuple(members))
    return tuple(groups)


def read_captions(root: Section, duration: float,
                  names: dict[str, float] | None = None) -> tuple[CaptionStep, ...]:
    """Every [[captions]] entry: a time within the run (or a fault step's name and an offset)
    and a non-empty text."""
    return tuple(CaptionStep(at, text, fault, after) for at, fault, after, text
                 in _read_notes(root, "captions", CAPTION_KEYS, "text", duration, names or {}))


def read_pauses(root: Section, duration: float,
                names: dict[str, float] | None = None) -> tuple[PauseStep, ...]:
    """Every [[pauses]] entry: a time within the run (or a fault step's name and an offset)
    and the question asked there."""
    return tuple(PauseStep(at, question, fault, after) for at, fault, after, question
                 in _read_notes(root, "pauses", PAUSE_KEYS, "question", duration, names or {}))


def _read_notes(root: Section, name: str, keys: tuple[str, ...], text_key: str,
                duration: float, names: dict[str, float]
                ) -> list[tuple[float | None, str | None, float, str]]:
    """(time, fault, after, text) of every valid entry of the array of tables ``name``."""
    notes: list[tuple[float | None, str | None, float, str]] = []
    for entry in root.tables(name, keys):
        problems_before = len(entry.problems.found)
        if entry.has("fault"):
            at = None
            fault, after = _read_anchor(entry, duration, names)
        else:
            at = _read_moment(entry, duration)
            fault, after = None, 0.0
            if entry.has("after"):
                entry.problems.add(entry.key("after"), "only with fault (seconds after that "
                                                       "[[faults]] step happened); use at for "
                                                       "seconds from the start")
        text = entry.text(text_key, "", required=True, nonempty=True)
        if len(entry.problems.found) == problems_before and text:
            notes.append((at, fault, after, text))
    return notes


def _read_anchor(entry: Section, duration: float,
                 names: dict[str, float]) -> tuple[str | None, float]:
    """The fault step name and offset of an anchored caption or pause point."""
    if entry.has("at"):
        entry.problems.add(entry.key("fault"), "give either at (seconds from the start) or "
                                               "fault (the name of a [[faults]] step), "
                                               "not both")
        return None, 0.0
    fault = entry.text("fault", "", nonempty=True)
    after = entry.number("after", 0.0, low=0, high=MAX_SECONDS)
    if not fault:
        return None, after
    if fault not in names:
        known = (f"named steps: {', '.join(names)}" if names
                 else "no [[faults]] step has a name; give one a name = \"...\"")
        entry.problems.add(entry.key("fault"), f"no [[faults]] step is named {show(fault)} "
                                               f"({known})")
        return None, after
    earliest = names[fault] + after
    if earliest > duration:
        entry.problems.add(entry.key("after"), f"this would come at {earliest:g} s at the "
                                               f"earliest, after the end of the run "
                                               f"(run.duration = {duration:g} s)")
        return None, after
    return fault, after


def _read_moment(section: Section, duration: float) -> float | None:
    if not section.has("at"):
        section.problems.add(section.key("at"), "is required: seconds from the start (or "
                                                "fault = the name of a [[faults]] step)")
        return None
    at = section.optional_number("at", low=0, high=MAX_SECONDS)
    if at is not None and at > duration:
        section.problems.add(section.key("at"), f"{at:g} s is after the end of the run "
                                                f"(run.duration = {duration:g} s)")
        return None
    return at
