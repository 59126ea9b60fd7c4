"""tidal.deploy.watchdog: cancel on time-out, repeat while the run goes on, guard steps."""

from __future__ import annotations

import threading
import time

import pytest

from tidal.deploy.watchdog import DeployTimeout, Watchdog


def test_nothing_happens_within_the_timeout() -> None:
    calls: list[float] = []
    with Watchdog(5.0) as dog:
        dog.arm(lambda: calls.append(time.monotonic()))
        time.sleep(0.1)
    assert not dog.fired.is_set() and calls == []
    dog.check()


def test_fires_cancels_and_repeats_until_the_run_ends() -> None:
    calls: list[float] = []
    with Watchdog(0.2, grace=60, interval=0.1) as dog:
        dog.arm(lambda: calls.append(time.monotonic()))
        time.sleep(0.65)
    assert dog.fired.is_set() and len(calls) >= 3
    with pytest.raises(DeployTimeout, match="--timeout 0.2"):
        dog.check()


def test_arm_after_the_timeout_raises() -> None:
    with Watchdog(0.05, grace=60) as dog:
        time.sleep(0.2)
        with pytest.raises(DeployTimeout):
            dog.arm(lambda: None)


def test_guard_stops_steps_that_have_not_started() -> None:
    ran: list[int] = []
    with Watchdog(0.1, grace=60) as dog:
        first = dog.guard(lambda **kw: ran.append(1))
        first()
        time.sleep(0.3)
        with pytest.raises(DeployTimeout):
            dog.guard(lambda **kw: ran.append(2))()
    assert ran == [1]


def test_interrupts_the_main_thread_after_the_grace() -> None:
    assert threading.current_thread() is threading.main_thread()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):  # noqa: PT012 - the sleep is what gets interrupted
        with Watchdog(0.1, grace=0.3, interval=0.1):
            while time.monotonic() - started < 60:  # a run stuck in Python code
                time.sleep(0.05)
    assert time.monotonic() - started < 30
