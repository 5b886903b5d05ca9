"""The plain-text run summary: short aligned sections a terminal shows after a headless run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.checks.working import STORE_LEADER_CRASH, STORE_MEMBER_CRASH, Failover

if TYPE_CHECKING:
    from simulator.checks.summary import Summary

LABEL_WIDTH = 12
MAX_ROWS = 8


def _s(seconds: float) -> str:
    return f"{seconds:.3f} s"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _section(label: str, lines: list[str]) -> list[str]:
    out = []
    for i, line in enumerate(lines):
        head = label if i == 0 else ""
        out.append(f"{head:<{LABEL_WIDTH}}{line}".rstrip())
    return out


def _capped(rows: list[str], what: str) -> list[str]:
    if len(rows) <= MAX_ROWS:
        return rows
    return rows[:MAX_ROWS] + [f"  ... and {len(rows) - MAX_ROWS} more {what}"]


# The words each consensus protocol's section uses: (title, its epoch, highest epoch).
_PROTOCOL_WORDS = {
    "raft": ("Raft", "term", "highest term"),
    "multi-paxos": ("Multi-Paxos", "ballot", "highest ballot round"),
}


def _words(s: Summary) -> tuple[str, str, str]:
    return _PROTOCOL_WORDS.get(s.protocol, _PROTOCOL_WORDS["raft"])  # title, epoch, highest


def _raft_lines(s: Summary) -> list[str]:
    changes = sum(len(nodes) for _, nodes in s.leaders_per_term)
    _, epoch, highest = _words(s)
    lines = [
        f"{_n(s.elections, 'election')}, {highest} {s.max_term}, "
        f"{_n(changes, 'leader')} elected"
    ]
    terms = [
        f"{epoch} {term:>3}: {', '.join(nodes)}" + ("  <- TWO LEADERS" if len(nodes) > 1 else "")
        for term, nodes in s.leaders_per_term
    ]
    if len(terms) > MAX_ROWS:
        keep = terms[: MAX_ROWS // 2] + [f"  ... {len(terms) - MAX_ROWS} {epoch}s ..."]
        terms = keep + terms[-(MAX_ROWS // 2):]
    lines += ["  " + t if not t.startswith("  ") else t for t in terms]
    return lines + _raft_failover_lines(s)


_CAUSES = {
    "crash": "crashed", "pause": "paused", "stepdown": "stepped down",
    "cut-off": "cut off from the store", "higher term": "saw a higher term",
    "minority": "cut off from a majority",
}


def _app_cause(f: Failover, protocol: str = "Raft") -> str:
    """Why the app leader stopped working, naming the crashed store member it asked."""
    if f.cause == STORE_LEADER_CRASH:
        return (f"stalled: the store's {protocol} leader {f.member} crashed and it asked "
                f"{f.member}")
    if f.cause == STORE_MEMBER_CRASH:
        return f"stalled: it asked the crashed store member {f.member}"
    return _CAUSES.get(f.cause, f.cause)


def _raft_failover_lines(s: Summary) -> list[str]:
    if s.first_raft_leader_at is None:
        return ["no leader ever elected"] if s.elections else []
    lines = [f"first leader at {_s(s.first_raft_leader_at)}"]
    if not s.raft_failovers:
        return lines + ["leader lost: never"]
    lines.append(
        f"leader lost {_n(len(s.raft_failovers), 'time')}: "
        f"{_s(s.raft_leaderless)} without a {_words(s)[0]} leader"
    )
    rows = []
    for f in s.raft_failovers:
        to = f"-> {f.successor}" if f.successor else "-> nobody by the end"
        rows.append(f"  at {f.start:9.3f} s  {f.lost} {_CAUSES.get(f.cause, f.cause)}, "
                    f"{to} after {_s(f.duration)}")
    return lines + _capped(rows, "losses")


def _app_lines(s: Summary) -> list[str]:
    a = s.availability
    if a is None:
        return ["no app servers in this run"]
    lines = [f"servers {', '.join(s.app_servers) or '(none)'}"]
    if a.first_leader_at is None:
        lines.append(f"no server ever led: unavailable for the whole {_s(a.window)}")
        return lines
    lines.append(f"first leader at {_s(a.first_leader_at)}")
    if s.leader_time:
        lines.append("believed     " + ", ".join(f"{k} {v:.1f} s" for k, v in s.leader_time))
    if s.working_time:
        lines.append("working      " + ", ".join(f"{k} {v:.1f} s" for k, v in s.working_time))
    if a.no_downtime:
        lines.append(f"availability 100% over {_s(a.window)}: no downtime")
    else:
        lines.append(
            f"availability {a.availability * 100:.4f}% ({a.nines:.2f} nines), "
            f"downtime {_s(a.downtime)} over {_s(a.window)}"
        )
    return lines


def _failover_lines(s: Summary) -> list[str]:
    if not s.failovers:
        return ["none"]
    durations = [f.duration for f in s.failovers]
    lines = [
        f"{len(durations)}: mean {_s(sum(durations) / len(durations))}, "
        f"max {_s(max(durations))}"
    ]
    rows = []
    for f in s.failovers:
        to = f"-> {f.successor}" if f.successor else "-> nobody by the end"
        rows.append(
            f"  at {f.start:9.3f} s  {f.lost} {_app_cause(f, s.protocol_name)}, {to} after "
            f"{_s(f.duration)}: {_n(f.requests, 'store request')}, "
            f"{_n(f.watch_events, 'watch event')}"
        )
    return lines + _capped(rows, "failovers")


def _overlap_lines(s: Summary) -> list[str]:
    if not s.overlaps:
        return ["none: never two acting app leaders at once"]
    total = sum(o.duration for o in s.overlaps)
    lines = [f"{len(s.overlaps)}, total {_s(total)} with two or more acting leaders"]
    rows = [
        f"  {o.start:9.3f} - {o.end:9.3f} s ({o.duration:.3f} s): {', '.join(o.servers)}"
        + (" (still at the end)" if o.ongoing else "")
        for o in s.overlaps
    ]
    return lines + _capped(rows, "overlaps")


def _charge_lines(s: Summary) -> list[str]:
    c = s.charges
    if c.attempts == 0:
        return ["no charges"]
    return [
        f"{c.accepted} accepted ({_n(c.jobs_charged, 'job')}), {c.rejected} rejected as stale, "
        f"{len(c.double_charges)} double, {c.late} late"
    ]


def _violation_lines(s: Summary) -> list[str]:
    if not s.violations:
        return ["none"]
    rows = [f"  {v.t:9.3f} s  {v.what}: {v.detail}" for v in s.violations]
    return [f"{len(s.violations)}"] + _capped(rows, "violations")


def _skipped_lines(s: Summary) -> list[str]:
    rows = [f"  {step.t:9.3f} s  {' '.join(filter(None, (step.action, step.target)))}: "
            f"{step.reason}" for step in s.skipped]
    return [f"{_n(len(s.skipped), 'step')} of the schedule or the actions did not happen"] + (
        _capped(rows, "skipped steps"))


def _eventual_lines(s: Summary) -> list[str]:
    e = s.eventual
    assert e is not None
    lines = [f"eventual: {_n(e.reads, 'read')}, {_n(len(e.stale_reads), 'stale read')}; "
             f"{_n(e.writes, 'acknowledged write')}, {len(e.lost_writes)} lost",
             f"replicas ignored {_n(e.ignored, 'older write')}, took "
             f"{_n(e.repairs, 'read repair')}, stored {_n(e.hints, 'hint')}"]
    applied, not_applied, failed = e.transactions
    if applied + not_applied + failed:
        lines.append(f"{_n(applied + not_applied + failed, 'lightweight transaction')} "
                     f"(Paxos): {applied} applied, {not_applied} not applied, {failed} failed")
    rows = [f"  {r.t:10.3f} s  {r.text}" for r in e.stale_reads]
    rows += [f"  {w.t:10.3f} s  {w.client}'s {w.key} = {w.value} (ts {w.ts[0]:.3f} "
             f"{w.ts[1]}) acknowledged, kept nowhere"
             + ("" if w.held is None else f": replicas held ts {w.held[0]:.3f} {w.held[1]}")
             for w in e.lost_writes]
    return lines + _capped(rows, "reads and writes")


def format_summary(s: Summary) -> str:
    """Return the summary as aligned plain text, ending with a one-line verdict."""
    seed = "" if s.seed is None else f", seed {s.seed}"
    m = s.messages
    lines = [f"Run of {s.preset}{seed}: {s.start:.3f} to {s.end:.3f} s simulated", ""]
    if s.eventual is not None:
        lines += _section("Store", _eventual_lines(s))
    else:
        lines += _section(_words(s)[0], _raft_lines(s))
    lines += _section("App leader", _app_lines(s))
    lines += _section("Failovers", _failover_lines(s))
    lines += _section("Overlaps", _overlap_lines(s))
    lines += _section("Charges", _charge_lines(s))
    lines += _section("Messages", [f"{m.sent} sent, {m.delivered} delivered, {m.dropped} dropped"])
    lines += _section("Violations", _violation_lines(s))
    if s.skipped:
        lines += _section("Skipped", _skipped_lines(s))
    kinds = sorted({v.what for v in s.violations})
    lines += ["", "SAFE: no check failed" if s.safe else
              f"UNSAFE: {len(s.violations)} violation(s): {', '.join(kinds)}"]
    return "\n".join(lines) + "\n"
