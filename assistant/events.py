"""Pipeline events (the names follow Home Assistant's assist pipeline)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    RUN_START = "run-start"
    WAKE_END = "wake-end"
    VAD_START = "vad-start"
    VAD_END = "vad-end"
    STT_END = "stt-end"
    INTENT_END = "intent-end"
    ACTION_END = "action-end"
    TTS_START = "tts-start"
    TTS_END = "tts-end"
    BARGE_IN = "barge-in"
    STOP = "stop"
    """A stop phrase, said without the wake word, ended what was playing."""
    MUTE = "mute"
    TIMER_FINISHED = "timer-finished"
    ERROR = "error"
    RUN_END = "run-end"


@dataclass(frozen=True, slots=True)
class PipelineEvent:
    type: EventType
    data: dict[str, Any] = field(default_factory=dict)
    timestamp: float = field(default_factory=time.monotonic)


EventCallback = Callable[[PipelineEvent], None]
