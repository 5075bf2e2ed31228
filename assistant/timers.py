"""Named timers: several at once, cancelled or asked about by name, each ringing
through a callback when it ends (the live loop plays the alarm)."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .home.spoken import join_words

_LOGGER = logging.getLogger(__name__)

_NAME_SCORE = 60
"""How close a spoken name must be to a timer's ("the tee timer" finds "tea")."""


def duration_words(seconds: int) -> str:
    """``150`` -> ``"2 minutes and 30 seconds"``."""
    parts = []
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}{'s' if count != 1 else ''}")
    return join_words(parts) or "0 seconds"


def clean_name(name: str) -> str:
    words = name.lower().strip(" .,!?").split()
    while words and words[0] in {"the", "a", "an", "in", "my"}:  # "an" heard as "in"
        words.pop(0)
    while words and words[-1] == "timer":
        words.pop()
    return " ".join(words)


@dataclass
class Timer:
    name: str
    """Lower case, "" for a timer without a name."""
    seconds: int
    ends: float
    """``time.monotonic()`` when it rings."""
    handle: asyncio.TimerHandle | None = field(default=None, repr=False)

    def left(self) -> int:
        return max(0, round(self.ends - time.monotonic()))

    @property
    def spoken(self) -> str:
        """ "the pasta timer", "the 5 minute timer"."""
        if self.name:
            return f"the {self.name} timer"
        length = re.sub(r"(hour|minute|second)s\b", r"\1", duration_words(self.seconds))
        return f"the {length.replace(' and', '')} timer"


class Timers:
    """The running timers; used from the event loop's thread."""

    def __init__(self, on_finished: Callable[[Timer], None] | None = None) -> None:
        self.on_finished = on_finished
        self._running: list[Timer] = []

    def running(self) -> list[Timer]:
        return list(self._running)

    def start(self, seconds: int, name: str = "") -> Timer:
        """Start a timer; one with the same name starts over."""
        name = clean_name(name)
        if name:
            for old in self.find(name, exact=True):
                self._drop(old)
        timer = Timer(name, seconds, time.monotonic() + seconds)
        timer.handle = asyncio.get_running_loop().call_later(seconds, self._ring, timer)
        self._running.append(timer)
        _LOGGER.info("Timer %s started: %d s", timer.name or "(no name)", seconds)
        return timer

    def find(self, name: str, *, exact: bool = False) -> list[Timer]:
        """Timers called ``name`` (closest spelling); all of them for ""."""
        name = clean_name(name)
        if not name:
            return list(self._running)
        same = [t for t in self._running if t.name == name]
        if same or exact:
            return same
        names = [t.name for t in self._running if t.name]
        found = process.extractOne(name, names, scorer=fuzz.ratio)
        if found is None or found[1] < _NAME_SCORE:
            return []
        return [t for t in self._running if t.name == found[0]]

    def cancel(self, *timers: Timer) -> None:
        for timer in timers:
            self._drop(timer)
            _LOGGER.info("Timer %s cancelled", timer.name or "(no name)")

    def close(self) -> None:
        for timer in list(self._running):
            self._drop(timer)

    def _drop(self, timer: Timer) -> None:
        if timer.handle is not None:
            timer.handle.cancel()
        if timer in self._running:
            self._running.remove(timer)

    def _ring(self, timer: Timer) -> None:
        if timer in self._running:
            self._running.remove(timer)
        _LOGGER.info("Timer %s finished", timer.name or "(no name)")
        if self.on_finished is not None:
            try:
                self.on_finished(timer)
            except Exception:
                _LOGGER.exception("The alarm of %s failed", timer.spoken)
