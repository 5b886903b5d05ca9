"""An app server's sleeps are measured on its own clock, also when the clock changes midway."""

from __future__ import annotations

import simpy

from simulator.runtime.app_timers import LocalTimers
from simulator.runtime.clock import LocalClock
from simulator.runtime.scheduling import SimEnvironment


def fired_at(env: simpy.Environment, event: simpy.Event) -> list[float]:
    times: list[float] = []
    event.callbacks.append(lambda _: times.append(env.now))  # type: ignore[union-attr]
    return times


def test_a_sleep_follows_a_change_of_rate_midway() -> None:
    env = SimEnvironment()
    clock = LocalClock()
    timers = LocalTimers(env, clock)
    times = fired_at(env, timers.sleep(2.0))
    env.run(until=1.0)
    clock.set(clock.to_local(1.0) - 0.5 * 1.0, 0.5)  # from now on half speed, no jump
    timers.clock_changed(old_rate=1.0)
    env.run(until=10.0)
    assert times == [3.0]  # 1 local second done, the other one lasts 2 real seconds


def test_a_duration_ignores_an_offset_jump_but_a_deadline_follows_it() -> None:
    env = SimEnvironment()
    clock = LocalClock()
    timers = LocalTimers(env, clock)
    duration = fired_at(env, timers.sleep(4.0))
    deadline = fired_at(env, timers.sleep_until(4.0))
    env.run(until=1.0)
    clock.set(2.0, 1.0)  # the clock jumps 2 s ahead: it reads 3.0 now
    timers.clock_changed(old_rate=1.0)
    env.run(until=10.0)
    assert duration == [4.0]
    assert deadline == [2.0]


def test_crash_forgets_pending_sleeps() -> None:
    env = SimEnvironment()
    timers = LocalTimers(env, LocalClock())
    times = fired_at(env, timers.sleep(1.0))
    timers.clear()
    env.run(until=5.0)
    assert times == []
