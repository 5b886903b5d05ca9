"""Turn an event log's plain records (JSON Lines read back) into typed trace events.

Records follow docs/events.md. Unknown kinds and unknown fields are skipped (the format
grows by adding them); a missing or mistyped documented field is an error naming the line and
the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

from simulator.trace.events import EVENT_TYPES_BY_KIND, Event

_CHECKERS = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "None": lambda v: v is None,
}


class RecordError(ValueError):
    """A record of an event log cannot be read as an event; the message says where and why."""


def _accepts(annotation: str, value: Any) -> bool:
    parts = [part.strip() for part in annotation.split("|")]
    checks = [_CHECKERS.get(part) for part in parts]
    if any(check is None for check in checks):
        return True
    return any(check(value) for check in checks if check is not None)


def _convert(annotation: str, value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and "float" in annotation \
            and "int" not in annotation:
        return float(value)
    return value


def event_from_record(record: Mapping[str, Any], where: str = "record") -> Event | None:
    """Return the typed event of one log record, or None when its kind is unknown.

    Raises RecordError naming ``where`` and the field when a documented field is missing or
    has the wrong type.
    """
    if not isinstance(record, Mapping):
        raise RecordError(f"{where}: expected a JSON object, got {type(record).__name__}")
    kind = record.get("kind")
    if not isinstance(kind, str):
        raise RecordError(f"{where}: missing or non-text 'kind'")
    cls = EVENT_TYPES_BY_KIND.get(kind)
    if cls is None:
        return None
    values: dict[str, Any] = {}
    for spec in fields(cls):
        annotation = spec.type if isinstance(spec.type, str) else getattr(
            spec.type, "__name__", str(spec.type)
        )
        if spec.name not in record:
            if spec.default is MISSING and spec.default_factory is MISSING:
                raise RecordError(f"{where}: {kind} record lacks the field '{spec.name}'")
            continue
        value = record[spec.name]
        if not _accepts(annotation, value):
            raise RecordError(
                f"{where}: {kind} field '{spec.name}' should be {annotation}, got {value!r}"
            )
        values[spec.name] = _convert(annotation, value)
    return cls(**values)


def events_from_records(
    records: Iterable[Mapping[str, Any]], source: str = "event log"
) -> list[Event]:
    """Return the typed events of ``records`` in order, skipping unknown kinds."""
    events: list[Event] = []
    for number, record in enumerate(records, start=1):
        event = event_from_record(record, f"{source} record {number}")
        if event is not None:
            events.append(event)
    return events


def load_events(path: Path) -> list[Event]:
    """Read a JSON Lines event log file into typed events.

    Raises RecordError naming the file and line for unreadable files, bad JSON or bad records.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RecordError(f"{path}: cannot read the event log ({error})") from None
    events: list[Event] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path} line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise RecordError(f"{where}: not valid JSON ({error.msg})") from None
        event = event_from_record(record, where)
        if event is not None:
            events.append(event)
    return events
