"""Writing and reading the event log as JSON Lines (docs/events.md) and as CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from simulator.trace.events import Event

CSV_COLUMNS = ("t", "kind", "node", "detail")


def event_to_json(event: Event) -> str:
    """Return the one-line JSON text of ``event`` (compact, keys in the event's fixed order)."""
    return json.dumps(event.to_record(), separators=(",", ":"), ensure_ascii=False)


def write_jsonl(events: Iterable[Event], out: TextIO) -> None:
    """Write ``events`` to ``out`` as JSON Lines, one event per line."""
    for event in events:
        out.write(event_to_json(event))
        out.write("\n")


def to_jsonl(events: Iterable[Event]) -> str:
    """Return ``events`` as one JSON Lines text."""
    buffer = io.StringIO()
    write_jsonl(events, buffer)
    return buffer.getvalue()


def save_jsonl(events: Iterable[Event], path: Path) -> None:
    """Write ``events`` to the file ``path`` as JSON Lines (raises OSError if unwritable)."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        write_jsonl(events, out)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a JSON Lines event log back as a list of plain dicts."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _subject(record: dict[str, Any]) -> str:
    for key in ("node", "server", "client", "src"):
        value = record.get(key)
        if isinstance(value, str):
            return value
    return ""


def save_csv(events: Iterable[Event], path: Path) -> None:
    """Write ``events`` as CSV: time, kind, the node concerned, and the other fields as JSON."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for event in events:
            record = event.to_record()
            subject = _subject(record)
            rest = {k: v for k, v in record.items() if k not in ("t", "kind")}
            writer.writerow(
                [repr(event.t), event.kind, subject,
                 json.dumps(rest, separators=(",", ":"), ensure_ascii=False)]
            )
