"""docs/events.md, the log format's contract, documents every kind and field the program writes."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from simulator.trace.events import ALL_EVENT_TYPES, EVENT_FORMAT_VERSION, Event

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def _rows() -> dict[str, str]:
    """The table rows of the page by kind: kind -> the row's fields cell."""
    rows: dict[str, str] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([a-z.]+)`\s*\((stable|extra)\)\s*\|([^|]*)\|", line)
        if match:
            rows[match.group(1)] = match.group(3)
    return rows


@pytest.mark.parametrize("event_type", ALL_EVENT_TYPES, ids=lambda cls: cls.kind)
def test_every_kind_and_field_is_documented(event_type: type[Event]) -> None:
    rows = _rows()
    assert event_type.kind in rows, f"docs/events.md has no row for {event_type.kind}"
    documented = set(re.findall(r"`([a-z_]+)`", rows[event_type.kind]))
    documented |= set(re.findall(r"(?:^|,)\s*([a-z_]+)\b", rows[event_type.kind]))
    for field in fields(event_type):
        if field.name != "t":
            assert field.name in documented, (
                f"docs/events.md: {event_type.kind} does not document its field {field.name}")


def test_the_page_documents_no_kind_the_program_does_not_write() -> None:
    written = {cls.kind for cls in ALL_EVENT_TYPES}
    assert set(_rows()) <= written


def test_the_page_states_the_format_version_run_start_carries() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"It is **{EVENT_FORMAT_VERSION}**." in text
