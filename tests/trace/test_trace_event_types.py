"""Trace events stay immutable typed values with their documented fields (fast constructors)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from simulator.trace.events import (
    ALL_EVENT_TYPES,
    KvComplete,
    MsgSend,
    RaftRole,
    Work,
)
from simulator.trace.export import event_to_json


@pytest.mark.parametrize("cls", ALL_EVENT_TYPES, ids=lambda cls: cls.kind)
def test_every_event_keeps_its_fields_in_order_and_cannot_be_changed(cls: type) -> None:
    names = [field.name for field in dataclasses.fields(cls)]
    assert names[0] == "t"
    values = [float(number) if name == "t" else f"v{number}"
              for number, name in enumerate(names)]
    event = cls(*values)
    assert [getattr(event, name) for name in names] == values
    assert event == cls(**dict(zip(names, values, strict=True)))
    assert list(event.to_record()) == ["t", "kind", *names[1:]]
    for name in names:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(event, name, None)
    assert pickle.loads(pickle.dumps(event)) == event


def test_defaults_keyword_arguments_and_json_text_are_those_of_the_dataclass() -> None:
    answer = KvComplete(1.5, "app1", 7, True, revision=4)
    assert (answer.value, answer.revision, answer.succeeded, answer.error) == (None, 4, None, None)
    assert event_to_json(answer) == (
        '{"t":1.5,"kind":"kv.complete","client":"app1","op_id":7,"ok":true,"value":null,'
        '"revision":4,"succeeded":null,"error":null,"kvs":null}')
    assert Work(2.0, "app2", "c1", None, True, False).reason == ""
    assert dataclasses.replace(RaftRole(0.0, "n1", "leader", 3), term=4).term == 4
    assert event_to_json(MsgSend(0.25, 9, "n1", "n2", "AppendEntries", "HB t1")) == (
        '{"t":0.25,"kind":"msg.send","id":9,"src":"n1","dst":"n2","type":"AppendEntries",'
        '"label":"HB t1"}')


def test_missing_or_unknown_arguments_are_rejected_like_a_dataclass_would() -> None:
    with pytest.raises(TypeError, match="label"):
        MsgSend(0.0, 1, "n1", "n2", "AppendEntries")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        RaftRole(0.0, "n1", "leader", 1, colour="red")  # type: ignore[call-arg]

