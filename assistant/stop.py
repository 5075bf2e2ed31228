"""Hearing "stop" without the wake word while a reply plays or a timer rings.

Short speech followed by a short silence is decoded by Whisper; when the whole
transcript is one of the stop phrases, what is playing ends. Long stretches of
speech are never decoded: a stop phrase is short, and the assistant's own voice,
heard back through the room when there is no echo cancellation, is long. A phrase
whose words the assistant is saying at that moment does not count either
("Timer stopped." would otherwise stop itself).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from .audio import SAMPLE_RATE, SAMPLE_WIDTH
from .config import DEFAULT_STOP_PHRASES
from .stt import Transcriber
from .vad import FRAME_SAMPLES

_LOGGER = logging.getLogger(__name__)

_FILLERS = frozenset({"please", "okay", "ok", "now", "hey", "jarvis", "oh"})
_FRAME_SECONDS = FRAME_SAMPLES / SAMPLE_RATE
_MIN_WORD_PROBABILITY = 0.15
"""Below this for any word of the phrase, the phrase was not heard clearly."""
_MAX_NO_SPEECH = 0.6


class SpeechProbability(Protocol):
    def reset(self) -> None: ...

    def process(self, pcm: bytes) -> list[float]: ...


@dataclass
class ShortSpeech:
    """Pure: fed Silero frames, returns each short stretch of speech once a short
    silence has followed it. Times are audio seconds."""

    silence_seconds: float = 0.15
    min_seconds: float = 0.15
    max_seconds: float = 1.5
    pad_seconds: float = 0.15
    _frames: list[bytes] = field(default_factory=list)
    _speech: int = 0
    _silence: int = 0
    _started: int | None = None
    _too_long: bool = False

    def reset(self) -> None:
        self._frames.clear()
        self._speech = self._silence = 0
        self._started = None
        self._too_long = False

    def feed(self, frame: bytes, is_speech: bool) -> bytes | None:
        """Add one frame; the speech with its padding once it has ended."""
        self._frames.append(frame)
        pad = round(self.pad_seconds / _FRAME_SECONDS)
        if self._started is None:
            if not is_speech:
                del self._frames[: max(0, len(self._frames) - pad)]
                return None
            self._started = len(self._frames) - 1
        if is_speech:
            self._speech += 1
            self._silence = 0
        else:
            self._silence += 1
        spoken = (len(self._frames) - self._started - self._silence) * _FRAME_SECONDS
        if spoken > self.max_seconds:
            self._too_long = True  # not a stop phrase: wait for its end, then forget it
        if self._silence * _FRAME_SECONDS < self.silence_seconds:
            return None
        short = not self._too_long and self._speech * _FRAME_SECONDS >= self.min_seconds
        end = len(self._frames) - self._silence + min(self._silence, pad)
        audio = b"".join(self._frames[:end]) if short else None
        self.reset()
        return audio

    @property
    def trailing_seconds(self) -> float:
        """Silence since the last speech frame (0 when none is going on)."""
        return self._silence * _FRAME_SECONDS


def stop_phrase(text: str, phrases: Iterable[str]) -> str | None:
    """The stop phrase ``text`` is, with fillers ("please", "okay") left out."""
    words = [w for w in _words(text) if w not in _FILLERS]
    said = " ".join(words)
    # "stop, stop" is still a stop
    if words and len(set(words)) == 1:
        said = words[0]
    # Whisper writes "nevermind" as often as "never mind"
    known = {"".join(_words(p)): " ".join(_words(p)) for p in phrases}
    return known.get(said.replace(" ", ""))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower().replace("\u2019", "'"))


class StopListener:
    """Listens, while something plays, for a stop phrase said without the wake word."""

    def __init__(
        self,
        vad: SpeechProbability,
        stt: Transcriber,
        phrases: Iterable[str] = DEFAULT_STOP_PHRASES,
        *,
        threshold: float = 0.5,
        segments: ShortSpeech | None = None,
    ) -> None:
        self._vad = vad
        self._stt = stt
        self.phrases = tuple(phrases)
        self._threshold = threshold
        self._segments = segments or ShortSpeech()
        self._pending = b""

    def reset(self) -> None:
        self._vad.reset()
        self._segments.reset()
        self._pending = b""

    def segments(self, pcm: bytes) -> list[tuple[bytes, float]]:
        """Short speech that ended in ``pcm``: (audio, seconds of silence after it
        so far), ready for :meth:`heard`."""
        self._pending += pcm
        frame_bytes = FRAME_SAMPLES * SAMPLE_WIDTH
        whole = len(self._pending) // frame_bytes * frame_bytes
        frames, self._pending = self._pending[:whole], self._pending[whole:]
        found: list[tuple[bytes, float]] = []
        probs = self._vad.process(frames)
        for index, prob in enumerate(probs):
            frame = frames[index * frame_bytes : (index + 1) * frame_bytes]
            silence = self._segments.trailing_seconds + _FRAME_SECONDS
            audio = self._segments.feed(frame, prob >= self._threshold)
            if audio is not None:  # with the silence after it up to the chunk's end
                later = len(probs) - index - 1
                found.append((audio, silence + later * _FRAME_SECONDS))
        return found

    def heard(self, audio: bytes, saying: str = "") -> str | None:
        """The stop phrase ``audio`` says, or None; ``saying`` is what the
        assistant is saying now: a phrase within it is its own voice."""
        hearing = self._stt.hear(audio)
        phrase = stop_phrase(hearing.text, self.phrases)
        if phrase is None:
            _LOGGER.debug("Not a stop phrase: %r", hearing.text)
            return None
        unsure = [w for w, p in hearing.words if p < _MIN_WORD_PROBABILITY]
        if hearing.no_speech_prob > _MAX_NO_SPEECH or unsure:
            _LOGGER.info("Not sure it was %r (unclear: %s)", phrase, unsure or "speech")
            return None
        if set(phrase.split()) & set(_words(saying)):
            _LOGGER.info("Heard %r, but that is what the reply says", phrase)
            return None
        return phrase
