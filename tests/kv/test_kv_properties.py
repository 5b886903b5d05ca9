"""MVCC properties on random command sequences, checked against a naive dict-per-revision model.

The model keeps a full copy of the key space after every revision; the store must agree with it
on every response, on reads at every kept past revision, on watch replays (no gaps, folding the
events onto an old state gives the new one), on the lease table, and on one revision per write.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.kv import (
    Command,
    Compact,
    Compare,
    Delete,
    ErrorResponse,
    KeyValue,
    KVMember,
    LeaseGrant,
    LeaseRevoke,
    Put,
    Range,
    Txn,
    TxnOp,
    WatchEvent,
    WatchHub,
)

KEYS = ("a", "b", "/e/a", "/e/b", "/e/c")
VALUES = ("x", "y", "z")

keys = st.sampled_from(KEYS)
leases = st.integers(min_value=0, max_value=3)
puts = st.builds(Put, keys, st.sampled_from(VALUES), leases)
deletes = st.one_of(
    st.builds(Delete, keys),
    st.builds(Delete, st.sampled_from(("/e/", "", "b")), st.just(True)),
)
reads = st.builds(Range, keys)
compares = st.one_of(
    st.builds(Compare, keys, st.just("value"), st.sampled_from(("=", "!=", "<", ">")),
              st.sampled_from(VALUES)),
    st.builds(Compare, keys, st.sampled_from(("version", "create", "mod", "lease")),
              st.sampled_from(("=", "!=", "<", ">")), st.integers(0, 6)),
)
ops = st.one_of(puts, deletes, reads)
txns = st.builds(
    Txn,
    st.lists(compares, max_size=2).map(tuple),
    st.lists(ops, max_size=3).map(tuple),
    st.lists(ops, max_size=3).map(tuple),
)
commands = st.one_of(
    puts, puts, deletes, txns, txns,
    st.builds(LeaseGrant, st.integers(1, 3), st.sampled_from((1.0, 5.0))),
    st.builds(LeaseRevoke, st.integers(1, 3), st.sampled_from(("revoked", "expired"))),
    st.builds(Compact, st.integers(1, 12)),
)

State = dict[str, KeyValue]


class _Failed(Exception):
    pass


@dataclass
class Model:
    """A naive store: the whole key space copied after every revision."""

    states: list[State] = field(default_factory=lambda: [{}])
    leases: dict[int, float] = field(default_factory=dict)
    compacted: int = 0

    @property
    def revision(self) -> int:
        return len(self.states) - 1

    def apply(self, command: Command) -> bool:
        """Apply ``command``; False when it must fail (and change nothing)."""
        state = dict(self.states[-1])
        written: set[str] = set()
        try:
            if isinstance(command, LeaseGrant):
                if command.lease_id in self.leases:
                    return False
                self.leases[command.lease_id] = command.ttl
                return True
            if isinstance(command, Compact):
                if command.revision > self.revision or command.revision <= self.compacted:
                    return False
                self.compacted = command.revision
                return True
            if isinstance(command, LeaseRevoke):
                if command.lease_id not in self.leases:
                    return False
                for key in [k for k, kv in state.items() if kv.lease == command.lease_id]:
                    self._delete(state, written, key)
                del self.leases[command.lease_id]
            elif isinstance(command, Txn):
                before = self.states[-1]
                holds = all(self._holds(c, before.get(c.key)) for c in command.compares)
                for op in command.success if holds else command.failure:
                    self._op(state, written, op)
            else:
                assert isinstance(command, Put | Delete | Range)
                self._op(state, written, command)
        except _Failed:
            return False
        if written:
            self.states.append(state)
        return True

    def _op(self, state: State, written: set[str], op: TxnOp) -> None:
        if isinstance(op, Put):
            if op.lease and op.lease not in self.leases:
                raise _Failed
            if op.key in written:
                raise _Failed
            written.add(op.key)
            rev = self.revision + 1
            prev = state.get(op.key)
            create, version = (prev.create_revision, prev.version + 1) if prev else (rev, 1)
            state[op.key] = KeyValue(op.key, op.value, create, rev, version, op.lease)
        elif isinstance(op, Delete):
            for key in sorted(state):
                if key.startswith(op.key) if op.prefix else key == op.key:
                    self._delete(state, written, key)

    @staticmethod
    def _delete(state: State, written: set[str], key: str) -> None:
        if key in written:
            raise _Failed
        written.add(key)
        del state[key]

    @staticmethod
    def _holds(c: Compare, kv: KeyValue | None) -> bool:
        if c.target == "value" and kv is None:
            return False
        actual = {
            "value": kv.value if kv else "",
            "version": kv.version if kv else 0,
            "create": kv.create_revision if kv else 0,
            "mod": kv.mod_revision if kv else 0,
            "lease": kv.lease if kv else 0,
        }[c.target]
        return {
            "=": actual == c.operand,
            "!=": actual != c.operand,
            "<": actual < c.operand,  # type: ignore[operator]
            ">": actual > c.operand,  # type: ignore[operator]
        }[c.op]


def _fold(state: State, events: tuple[WatchEvent, ...]) -> State:
    state = dict(state)
    for event in events:
        if event.kv is not None:
            state[event.key] = event.kv
        else:
            del state[event.key]
    return state


@settings(max_examples=150, deadline=None)
@given(st.lists(commands, max_size=30))
def test_store_agrees_with_the_naive_model(sequence: list[Command]) -> None:
    member = KVMember()
    store = member.store
    model = Model()
    member.watches.create(1, "", prefix=True, start_revision=1)
    live: list[int] = []
    for index, command in enumerate(sequence, start=1):
        before = store.revision
        applied = member.apply(index, command, now=float(index))
        result = applied.result
        ok = model.apply(command)
        assert result.response is not None
        assert result.response.ok is ok, (command, result.response)
        assert isinstance(result.response, ErrorResponse) is not ok
        # one revision per write, none for a command that changes no key
        assert store.revision == model.revision == before + (1 if result.events else 0)
        assert all(event.revision == store.revision for event in result.events)
        assert result.response.revision == store.revision
        assert {kv.key: kv for kv in store.kvs()} == model.states[-1]
        live += [delivery.revision for delivery in applied.deliveries]
        assert store.compacted_revision == model.compacted
        attached = {
            lease_id: tuple(sorted(k for k, kv in model.states[-1].items() if kv.lease == lease_id))
            for lease_id in sorted(model.leases)
        }
        assert {r.lease_id: r.keys for r in store.leases()} == attached
        assert {i.lease_id: i.keys for i in member.lessor.leases(0.0)} == attached
    # the watch created at the start saw every revision exactly once, in order
    assert live == list(range(1, store.revision + 1))
    # reads at every kept revision see the state of that revision
    first_kept = max(store.compacted_revision, 1)
    for revision in range(first_kept, store.revision + 1):
        response = store.range(Range("", prefix=True, revision=revision))
        assert not isinstance(response, ErrorResponse)
        assert {kv.key: kv for kv in response.kvs} == model.states[revision]
    # a watch from the oldest kept revision replays with no gap and rebuilds every state
    created = WatchHub(store).create(2, "", prefix=True, start_revision=first_kept)
    assert not created.cancelled
    assert [r.revision for r in created.responses] == list(range(first_kept, store.revision + 1))
    state = model.states[first_kept - 1]
    for response in created.responses:
        state = _fold(state, response.events)
        assert state == model.states[response.revision]


_DETERMINISM_SCRIPT = """
import json, random, sys
from simulator.kv import *
rng = random.Random(7)
member = KVMember(min_lease_ttl=2.0)
member.lessor.promote(0.0, 1.0)
member.watches.create(1, "", prefix=True)
keys = ["/e/a", "/e/b", "/e/c", "/x", "/y/z"]
out = []
for index in range(1, 400):
    roll = rng.random()
    key = rng.choice(keys)
    if roll < 0.1:
        cmd = LeaseGrant(rng.randint(1, 6), rng.choice([1.0, 3.0]), "c")
    elif roll < 0.2:
        cmd = LeaseRevoke(rng.randint(1, 6), "expired")
    elif roll < 0.3:
        cmd = Delete(rng.choice(["/e/", "/y", ""]), prefix=True)
    elif roll < 0.5:
        cmd = Txn((Compare(key, "create", "=", 0),), (Put(key, "v", rng.randint(0, 6)),),
                  (Range("/e/", prefix=True, sort="create"),))
    else:
        cmd = Put(key, str(index), rng.randint(0, 6))
    applied = member.apply(index, cmd, now=index * 0.1)
    out.append(str(cmd))
    out.append(repr(applied))
    out.append(repr(member.lessor.leases(index * 0.1)))
print(json.dumps(out))
"""


def test_the_same_commands_give_byte_identical_results_under_any_hash_seed() -> None:
    outputs = []
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        done = subprocess.run(
            [sys.executable, "-c", _DETERMINISM_SCRIPT], env=env, capture_output=True,
            text=True, check=True, cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))),
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])) == 3 * 399
