"""Remembers accepted deliveries, to refuse replays."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol


class SeenIdStore(Protocol):
    """One atomic operation, so two copies of a request racing through two workers cannot both pass.

    With Redis: ``redis.set(f"webhook:{key}", 1, nx=True, ex=ttl_seconds) is True``.
    """

    def add_if_absent(self, key: str, ttl_seconds: int) -> bool: ...


class InMemorySeenIdStore:
    """A per-process store; several processes behind a balancer need a shared one."""

    _SWEEP_INTERVAL_SECONDS = 60.0

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self._now = now
        self._expiries: dict[str, float] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def add_if_absent(self, key: str, ttl_seconds: int) -> bool:
        with self._lock:
            now = self._now()
            if now >= self._next_sweep:
                self._next_sweep = now + self._SWEEP_INTERVAL_SECONDS
                self._expiries = {k: at for k, at in self._expiries.items() if at > now}
            expires_at = self._expiries.get(key)
            if expires_at is not None and expires_at > now:
                return False
            self._expiries[key] = now + ttl_seconds
            return True
