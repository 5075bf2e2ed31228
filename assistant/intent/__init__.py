"""Intents: what the user asked for, independent of how it was recognized."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Intent:
    name: str
    """HA-style intent name, e.g. ``HassTurnOn``."""
    slots: dict[str, Any] = field(default_factory=dict)
    """JSON-friendly slot values (``name``, ``area``, ``brightness``, ...)."""
    text: str = ""
    """The normalized text the intent was recognized from."""
    entity_ids: tuple[str, ...] = ()
    """The devices the request resolved to (empty: none known by that name)."""
    confidence: float = 1.0
    matched: str = ""
    """The sentence the rules took ``text`` for, when they read it as another
    (a skill's phrasing: "place some jazz" as "play some jazz")."""
    heard: tuple[tuple[str, str], ...] = ()
    """Slots filled fuzzily, with the words heard for each: (("area", "steady"),)."""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "slots": dict(self.slots)}


def resolved(intent: Intent) -> bool:
    """The intent names devices the home has, or needs none."""
    return bool(intent.entity_ids) or not ({"name", "area"} & intent.slots.keys())


class IntentRecognizer(Protocol):
    def recognize(self, text: str) -> Intent | None: ...

    def recognize_normalized(self, clean: str) -> Intent | None:
        """``recognize`` for text that went through ``normalize`` already."""
        ...


_UNITS = (
    (re.compile(r"(\d)\s*%"), r"\1 percent"),
    (re.compile(r"(\d)\s*°\s*[cf]?\b", re.IGNORECASE), r"\1 degrees"),
    (re.compile(r"(\d)\s*(min|mins)\b"), r"\1 minutes"),
)
_TENS_DASH = re.compile(r"\b([2-9]0)-([1-9])\b")
"""Whisper writes "twenty-one" as "20-1"."""
_NOT_WORD = re.compile(r"[^\w\s'.%°-]|(?<!\d)\.|\.(?!\d)|(?<!\w)-|-(?!\w)")


def normalize(text: str, drop_leading: tuple[str, ...] = ()) -> str:
    """Lower-case, spell out units, drop punctuation and leading wake-word words."""
    text = text.lower().replace("\u2019", "'")
    text = _TENS_DASH.sub(lambda m: str(int(m[1]) + int(m[2])), text)
    for pattern, repl in _UNITS:
        text = pattern.sub(repl, text)
    text = _NOT_WORD.sub(" ", text).replace("-", " ")
    words = text.split()
    while words and words[0] in drop_leading:
        words.pop(0)
    return " ".join(words)


_SLIPS = frozenset({"and", "an", "in", "on", "un", "i", "a", "the"})
"""Short words Whisper writes for a syllable of the next word ("un-lock")."""


@dataclass(frozen=True)
class Hearing:
    """What speech-to-text heard, with how sure it was."""

    text: str
    words: tuple[tuple[str, float], ...] = ()
    """Each word (lower case, no punctuation) and its probability (0-1)."""
    avg_logprob: float = 0.0
    """Mean log-probability of the transcript's tokens."""
    no_speech_prob: float = 0.0
    """Whisper's probability that there was no speech at all."""
    more: Callable[[], tuple[Hearing, ...]] | None = field(
        default=None, compare=False, repr=False
    )
    """The next-best transcripts of the same audio, best first, decoded only when
    asked for (a beam search over the encoder output already computed)."""
    score: Callable[[Sequence[str]], list[float]] | None = field(
        default=None, compare=False, repr=False
    )
    """How likely other transcripts are for the same audio (their total token
    log-probabilities, forced decoding over the encoder output already computed);
    None when the recognizer cannot tell."""
    second: Callable[[], Hearing | None] | None = field(
        default=None, compare=False, repr=False
    )
    """Another model's hearing of the same audio (``[stt] second_model``), decoded
    only when asked for; None when there is no second model."""

    def alternatives(self) -> tuple[Hearing, ...]:
        return self.more() if self.more is not None else ()

    def second_opinion(self) -> Hearing | None:
        return self.second() if self.second is not None else None

    def word_probability(self, word: str, before: bool = True) -> float | None:
        """The lowest probability of ``word`` where it was heard after the first
        word (with a short word before it that may be part of it: "and lock" for
        "unlock"); None if it was not heard there. A sentence's first word has
        nothing before it to go by: Whisper wavers between "Turn", "Burn" and
        "Put" even on clear speech, so its probability says little."""
        found: float | None = None
        for index, (heard, prob) in enumerate(self.words):
            if heard != word or index == 0:
                continue
            low = prob
            if before and index and self.words[index - 1][0] in _SLIPS:
                low = min(prob, self.words[index - 1][1])  # "and lock": "unlock"?
            found = low if found is None else min(found, low)
        return found
