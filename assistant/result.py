"""What one command did: the transcript, the intent, the commands sent, the reply
and how long each stage took."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .audio import SAMPLE_RATE
from .home.model import Command
from .intent import Intent

TIMING_KEYS = ("wake", "endpoint_wait", "stt", "intent", "action", "first_audio",
               "tts", "total_after_speech_end")  # fmt: skip
"""``first_audio``: to the reply's first synthesized chunk; ``tts``: to its last."""


@dataclass
class RunResult:
    """What one command did; ``process --json`` prints exactly these fields."""

    wake_word: str | None = None
    transcript: str | None = None
    intent: Intent | None = None
    commands: list[Command] = field(default_factory=list)
    response: str | None = None
    reply_audio: bytes = b""
    reply_rate: int = SAMPLE_RATE
    timings_ms: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(TIMING_KEYS, 0.0)
    )
    error: str | None = None
    awaiting_confirmation: bool = False
    """The response is a question; the answer comes as the next command."""
    path: str = "rules"
    """Who understood the words: "rules" or "llm"."""
    llm_tokens: int = 0
    """Tokens the LLM evaluated for this command (its cached prefix excluded)."""
    confidence: float = 0.0
    early: bool = False
    """The command ended at a short pause (``[vad] early_seconds``), not after the
    full silence."""
    """How sure the understanding was (0-1): it acts, asks or refuses by it."""

    def as_json(self) -> dict[str, Any]:
        return {
            "wake_word": self.wake_word,
            "transcript": self.transcript,
            "intent": self.intent.as_dict() if self.intent else None,
            "commands": [{"topic": c.topic, "payload": c.shown} for c in self.commands],
            "response": self.response,
            "timings_ms": {k: round(self.timings_ms[k], 2) for k in TIMING_KEYS},
        }
