"""Event log records read back as typed events, with clear errors for broken lines."""

from pathlib import Path

import pytest

from simulator.checks import RecordError, events_from_records, load_events, summarize
from simulator.trace.events import AppRole, RaftRole, RunEnd, Work
from simulator.trace.export import save_jsonl

EVENTS = [
    RaftRole(0.5, "n1", "leader", 1),
    AppRole(1.0, "app1", True, 4),
    Work(2.0, "app1", "c01/m0", 4, True, False, due=1.5),
    RunEnd(10.0),
]


def test_a_saved_log_reads_back_to_the_same_events_and_summary(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    save_jsonl(EVENTS, path)
    loaded = load_events(path)
    assert loaded == EVENTS
    assert summarize(loaded).to_dict() == summarize(EVENTS).to_dict()


def test_unknown_kinds_and_fields_are_skipped_and_ints_become_times() -> None:
    records = [
        {"t": 1, "kind": "raft.role", "node": "n1", "role": "leader", "term": 2, "extra": 1},
        {"t": 2, "kind": "someday.new", "x": 1},
        {"t": 3, "kind": "work", "server": "a", "job": "j", "token": None, "accepted": True,
         "duplicate": False},
    ]
    events = events_from_records(records)
    assert events[0] == RaftRole(1.0, "n1", "leader", 2)
    assert isinstance(events[0].t, float)
    assert events[1] == Work(3.0, "a", "j", None, True, False)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"t": 1.0, "kind": "raft.role", "node": "n1", "term": 2}', "lacks the field 'role'"),
        ('{"t": 1.0, "kind": "raft.role", "node": "n1", "role": "leader", "term": "2"}',
         "field 'term' should be int"),
        ('{"t": 1.0, "node": "n1"}', "'kind'"),
        ('{"t": 1.0, "kind": "raft.role",', "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_a_broken_line_is_reported_with_file_and_line(
    tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"t": 0.0, "kind": "run.end"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        load_events(path)
    assert f"{path} line 2" in str(caught.value) and message in str(caught.value)


def test_a_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="cannot read the event log"):
        load_events(tmp_path / "absent.jsonl")
