"""The deploy timeout: cancel the running statement on the server, then stop the run.

When ``--timeout`` runs out, :class:`Watchdog` calls the canceller the dialect gave for
the migration's connection (:mod:`tidal.dialects.backup` says how, per database),
again every second while the run goes on (a migration may catch the error and go
on), and after ``grace``
seconds interrupts the main thread, for a migration stuck in Python code. Steps that
have not started yet do not start (:meth:`Watchdog.guard`).
"""

from __future__ import annotations

import _thread
import threading
from collections.abc import Callable
from typing import Any

from tidal.errors import DeployError

__all__ = ["DeployTimeout", "Watchdog"]


class DeployTimeout(DeployError):
    """The upgrade ran longer than ``--timeout`` (raised inside the run)."""


class Watchdog:
    """Times one upgrade run.

    Args:
        timeout: Seconds the run may take.
        grace: Seconds after the first cancel before the main thread is interrupted.
        interval: Seconds between repeated cancels.
    """

    def __init__(self, timeout: float, grace: float = 10.0, interval: float = 1.0) -> None:
        self.timeout = timeout
        self.grace = grace
        self.interval = interval
        self.fired = threading.Event()
        self._done = threading.Event()
        self._canceller: Callable[[], None] | None = None
        self._main = threading.current_thread() is threading.main_thread()
        self._thread = threading.Thread(
            target=self._watch, name="tidal-deploy-timeout", daemon=True
        )

    def __enter__(self) -> Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=5)

    def arm(self, canceller: Callable[[], None]) -> None:
        """Set how to cancel the run's statement (called once the run has connected)."""
        self._canceller = canceller
        self.check()

    def check(self) -> None:
        """Raise :class:`DeployTimeout` if the time has run out."""
        if self.fired.is_set():
            raise DeployTimeout(
                f"the upgrade ran longer than --timeout {self.timeout:g} s",
                "the running statement was cancelled on the server",
            )

    def guard(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a step's migration function so it does not start after the timeout."""

        def guarded(**kw: Any) -> Any:
            self.check()
            result = fn(**kw)
            self.check()
            return result

        return guarded

    def _cancel(self) -> None:
        canceller = self._canceller
        if canceller is not None:
            canceller()

    def _watch(self) -> None:
        if self._done.wait(self.timeout):
            return
        self.fired.set()
        waited = 0.0
        while not self._done.is_set():
            self._cancel()
            if self._done.wait(self.interval):
                return
            waited += self.interval
            if waited >= self.grace and self._main:
                _thread.interrupt_main()
                return
