"""A second opinion on the wake word: detections the wake models are unsure of
are checked by Whisper on the last two seconds of audio.

The wake models miss some voices (robotic ones, heavy noise) with scores just
under their thresholds, where near misses ("hey Travis", "hey Marvin") also
land. Whisper tells them apart: what it heard is scored on the same audio
(forced decoding) against the same words with the wake phrase in place of two of
them ("Hey Travis, set the…" against "Hey Jarvis, set the…"). A sure detection
passes unchecked.

What the two seconds do not confirm is not dropped at once (with
``sentence_lag``): the command after it is listened to silently, without the
wake tone, and Whisper checks the wake phrase again at the start of the whole
sentence. It hears robotic and noisy voices far better with the words around
them ("Hey, John, this mate" on two seconds; "Hey Jarvis, make sure …" on the
sentence). Only then does the wake word count. When the phrase in place of the
sentence's first words is far off, Whisper is made to start with the wake phrase
and the sentence it then hears is scored instead: robotic voices it hears as
something else entirely from the first word are heard whole that way.
"""

from __future__ import annotations

import collections
import logging
import time
from functools import partial
from typing import Protocol

from .audio import SAMPLE_RATE, AudioChunk
from .intent import Hearing, normalize
from .wake import Detection, WakeDetector

_LOGGER = logging.getLogger(__name__)

_WINDOW_SECONDS = 2.0
"""Audio Whisper hears: the wake phrase and a little before it."""
_PEAK_CHUNKS = 3
"""Chunks an unsure score may keep rising (or turn sure) before it is checked;
it is checked as soon as it falls."""
_PLACES = 8
"""Places of the wake phrase tried in what Whisper heard (one batch)."""
_COOLDOWN_SECONDS = 1.0
"""After a phrase Whisper rejected, unsure scores are ignored this long."""
_SENTENCE_PLACES = 3
"""Places at the start of the whole sentence where the wake phrase is tried."""


def in_place(text: str, phrase: str) -> list[str]:
    """``text`` with the wake phrase in place of as many of its words, at each
    place: sentences as long as what was heard, so that their scores compare (a
    short sentence scores well against long speech for its length alone)."""
    words, size = text.split(), len(phrase.split())
    bare = phrase.rstrip(".")
    if len(words) <= size:
        return [phrase]
    return [
        " ".join([*words[:i], bare + ("," if i + size < len(words) else "."),
                  *words[i + size :]])
        for i in range(len(words) - size + 1)
    ][:_PLACES]  # fmt: skip


class _Hears(Protocol):
    def hear(
        self, audio: bytes, prompt: str | None = None, *, lead: str = ""
    ) -> Hearing: ...


class CheckedWakeDetector:
    """``inner`` (which reports unsure detections too), with each unsure one
    confirmed by Whisper before it counts."""

    def __init__(
        self,
        inner: WakeDetector,
        stt: _Hears,
        phrase: str,
        max_lag: float,
        sentence_lag: float = 0.0,
    ) -> None:
        self.inner, self._stt = inner, stt
        self.phrase = phrase
        self.max_lag = max_lag
        self.sentence_lag = sentence_lag
        self._audio: collections.deque[AudioChunk] = collections.deque()
        self._bytes = 0
        self._pending: Detection | None = None
        self._waited = 0
        self._last_ms = self._now_ms = 0
        """The start and end of the last chunk heard: audio time, not the clock
        (recorded audio runs faster than real time)."""
        self._quiet_until_ms = 0

    @property
    def threshold(self) -> float:
        return float(getattr(self.inner, "threshold", 0.0))

    @threshold.setter
    def threshold(self, value: float) -> None:
        if hasattr(self.inner, "threshold"):
            self.inner.threshold = value

    def process(self, chunk: AudioChunk) -> Detection | None:
        self._keep(chunk)
        if chunk.timestamp_ms < self._last_ms:  # a new recording: its clock restarts
            self._quiet_until_ms = 0
        self._last_ms = chunk.timestamp_ms
        self._now_ms = chunk.timestamp_ms + len(chunk.audio) * 1000 // (2 * SAMPLE_RATE)
        found = self.inner.process(chunk)
        if found is not None and found.sure:
            self._pending = None
            return found
        if self._now_ms < self._quiet_until_ms:
            return None
        pending = self._pending
        if found is not None and (pending is None or found.score >= pending.score):
            self._waited = 0 if pending is None else self._waited + 1
            self._pending = found
            if self._waited < _PEAK_CHUNKS:
                return None  # still rising: wait for its peak
        elif pending is None:
            return None
        best, self._pending = self._pending, None
        assert best is not None
        return self._confirm(best)

    def _confirm(self, detection: Detection) -> Detection | None:
        started = time.perf_counter()
        ok, heard, lag = self._heard_phrase(b"".join(c.audio for c in self._audio))
        later = not ok and self.sentence_lag > 0
        _LOGGER.info(
            "Unsure wake word (score %.2f): Whisper heard %r, %s (%.1f, %.0f ms)",
            detection.score, heard.text,
            "taken" if ok else "to check on the sentence" if later else "rejected",
            lag, (time.perf_counter() - started) * 1000,
        )  # fmt: skip
        if later:  # the command decides: the audio up to the wake word goes with it
            before = b"".join(
                c.audio for c in self._audio if c.timestamp_ms < detection.timestamp_ms
            )  # the models go on listening: a sure score later still wakes it
            return Detection(
                detection.name, detection.score, detection.timestamp_ms,
                confirm=partial(self._confirm_sentence, before),
            )  # fmt: skip
        if not ok:
            self._quiet()
            return None
        self.inner.reset()
        return Detection(detection.name, detection.score, detection.timestamp_ms)

    def _led(self, audio: bytes, free: Hearing, lag: float) -> tuple[str, float]:
        """The sentence Whisper hears after the wake phrase when it is made to
        start with it, and how much less likely the audio finds that sentence
        than what it heard freely (``free``); ``lag`` when it cannot tell.
        Robotic voices are heard as something else entirely from the first word
        ("The only one in the world…"), so the phrase in place of two of its
        words is far off; told that the phrase comes first, Whisper hears the
        command ("Hey Jarvis, could you set the colour of the desk lamp…"). That
        sentence must also be likelier than itself with the words first heard in
        the phrase's place, so a near miss the lead made whole ("Hey Jarvis, set
        this pretty wide…" from "Hey Surface, setlessly white…") stays one."""
        bare = self.phrase.rstrip(".")
        led = self._stt.hear(audio, lead=bare + ",").text
        if free.score is None or not led:
            return "", lag
        rest = f"{led[:1].lower()}{led[1:]}"
        said = f"{bare}, {rest}"
        # the same sentence with the words first heard in the phrase's place:
        # "Hey Surface, set this…" is likelier than "Hey Jarvis, set this…"
        first = " ".join(free.text.split()[: len(bare.split())]).rstrip(",.")
        as_heard, as_said, as_other = free.score([free.text, said, f"{first}, {rest}"])
        return said, min(lag, max(as_heard, as_other) - as_said)

    def _heard_phrase(
        self, audio: bytes, lag_limit: float | None = None, places: int = _PLACES
    ) -> tuple[bool, Hearing, float]:
        """Whether Whisper hears the wake phrase in ``audio`` (at one of the first
        ``places`` places), what it heard, and the lag."""
        hearing = self._stt.hear(audio)
        heard = normalize(hearing.text)
        lag = 0.0
        if normalize(self.phrase) not in heard and hearing.score is not None:
            placed = in_place(hearing.text, self.phrase)[:places]
            said, *phrase = hearing.score([hearing.text, *placed])
            lag = said - max(phrase)
        limit = self.max_lag if lag_limit is None else lag_limit
        return bool(heard) and lag <= limit, hearing, lag

    def _confirm_sentence(self, before: bytes, command: bytes) -> bool:
        """The wake phrase heard at the start of the whole sentence (the audio up
        to the unsure detection, then the command)."""
        started = time.perf_counter()
        audio = before + command
        ok, heard, lag = self._heard_phrase(audio, self.sentence_lag, _SENTENCE_PLACES)
        text = heard.text
        if not ok and text:
            led, lag = self._led(audio, heard, lag)
            ok = lag <= self.sentence_lag
            text = f"{text!r} or {led!r}"
        _LOGGER.info(
            "Unsure wake word, on the whole sentence: Whisper heard %r, %s "
            "(%.1f, %.0f ms)", text, "taken" if ok else "rejected", lag,
            (time.perf_counter() - started) * 1000,
        )  # fmt: skip
        if not ok:
            self._quiet()
        return ok

    def _quiet(self) -> None:
        """Unsure scores are ignored for a while after a rejected phrase."""
        self._quiet_until_ms = self._now_ms + int(_COOLDOWN_SECONDS * 1000)

    def _keep(self, chunk: AudioChunk) -> None:
        self._audio.append(chunk)
        self._bytes += len(chunk.audio)
        limit = int(_WINDOW_SECONDS * SAMPLE_RATE) * 2
        while self._bytes - len(self._audio[0].audio) >= limit:
            self._bytes -= len(self._audio.popleft().audio)

    def reset(self) -> None:
        self.inner.reset()
        self._audio.clear()
        self._bytes = 0
        self._pending = None  # a rejection's quiet time stays
