"""The test-side linearizability checker accepts linearizable histories and rejects others."""

from __future__ import annotations

import math

from lincheck import Op, check_history, check_key


def op(kind: str, arg: object, invoke: float, complete: float, result: object = None,
       ok: bool = True, key: str = "k", client: str = "c") -> Op:
    """Build one operation for these tests."""
    return Op(client, 0, key, kind, arg, invoke, complete, ok, result)


def test_sequential_history_is_linearizable() -> None:
    """put then get of the same value, one after the other, is fine."""
    assert check_key([op("put", "a", 0, 1), op("get", None, 2, 3, "a")])


def test_stale_read_after_completed_write_is_rejected() -> None:
    """A read that starts after a write completed must see it."""
    assert not check_key([op("put", "a", 0, 1), op("get", None, 2, 3, None)])


def test_concurrent_read_may_see_either_value() -> None:
    """A read overlapping a write may return the old or the new value."""
    assert check_key([op("put", "a", 0, 5), op("get", None, 1, 2, None)])
    assert check_key([op("put", "a", 0, 5), op("get", None, 1, 2, "a")])


def test_reads_cannot_go_back_in_time() -> None:
    """Once a read saw the new value, a later read cannot see the old one."""
    history = [op("put", "a", 0, 10), op("get", None, 1, 2, "a"), op("get", None, 3, 4, None)]
    assert not check_key(history)


def test_timed_out_write_may_or_may_not_take_effect() -> None:
    """An unanswered put may be applied late, or never."""
    lost = op("put", "a", 0, math.inf, ok=False)
    assert check_key([lost, op("get", None, 5, 6, None)])
    assert check_key([lost, op("get", None, 5, 6, "a")])
    assert check_key([lost, op("get", None, 5, 6, "a"), op("get", None, 7, 8, "a")])
    assert not check_key([lost, op("get", None, 5, 6, "a"), op("get", None, 7, 8, None)])


def test_compare_and_set_has_one_winner() -> None:
    """Two concurrent put-if-absent cannot both succeed."""
    both = [op("cas", (None, "x"), 0, 3, True), op("cas", (None, "y"), 1, 2, True)]
    assert not check_key(both)
    one = [op("cas", (None, "x"), 0, 3, True), op("cas", (None, "y"), 1, 2, False)]
    assert check_key(one)


def test_history_is_checked_per_key() -> None:
    """A bad key is reported by name; good keys are not."""
    history = [op("put", "a", 0, 1, key="good"), op("get", None, 2, 3, "a", key="good"),
               op("put", "a", 0, 1, key="bad"), op("get", None, 2, 3, "b", key="bad")]
    assert check_history(history) == ["bad"]
