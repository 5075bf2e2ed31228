"""Predictive endpointing: what was said is decoded at the first short pause.

A command ends after ``[vad] silence_seconds`` of silence. Most of the wait after
someone stops speaking is that silence. At a shorter pause (``early_seconds``)
the speech so far is decoded at once. When it is a whole sentence the assistant
reads at once (an exact sentence rule, a phrasing it learned, a yes or no), it is
acted on as soon as it is decoded, unless speech came back meanwhile. Otherwise
listening goes on, and the decoding is used at the end if no more was said.

Times are audio seconds, as the segmenter counts them: the decoding is taken to
be ready once as much audio has come as its wall time, so recorded audio fed at
once (``assistant eval``, ``bench``) is endpointed as the microphone would be.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import AssistantError
from .intent import Hearing
from .vad import SegmentState, SpeechSegmenter

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Guess:
    """What was heard at a pause."""

    hearing: Hearing
    speech_end: float
    """The segmenter's end of speech (audio seconds) it heard up to."""
    started: float
    """Audio position the decoding started at."""
    stt_ms: float
    complete: bool
    """A whole sentence the assistant reads at once."""

    @property
    def ready(self) -> float:
        """Audio position by which the decoding was done."""
        return self.started + self.stt_ms / 1000


class EarlyEnd:
    """One command's predictive endpointing (built per command)."""

    def __init__(
        self,
        pause_seconds: float,
        hear: Callable[[bytes], Hearing],
        complete: Callable[[str], bool],
    ) -> None:
        self._pause = pause_seconds
        self._hear = hear
        self._complete = complete
        self._tried: float | None = None
        self.guess: Guess | None = None
        self.committed = False
        """The command ended at a pause: a whole sentence was heard in it."""

    async def step(self, seg: SpeechSegmenter, audio: bytearray) -> bool:
        """After each chunk: True when the command ends now (a whole sentence was
        heard at a pause and no speech came while it was decoded)."""
        if seg.state != SegmentState.SPEAKING or seg.speech_end is None:
            return False
        if self.guess is not None and self.guess.speech_end != seg.speech_end:
            self.guess = None  # speech came back: more was said
        if (
            self.guess is None
            and seg.silence_run >= self._pause
            and self._tried != seg.speech_end
        ):
            self._tried = seg.speech_end
            self.guess = await self._decode(seg, bytes(audio))
        guess = self.guess
        self.committed = bool(guess and guess.complete and seg.position >= guess.ready)
        return self.committed

    async def _decode(self, seg: SpeechSegmenter, audio: bytes) -> Guess | None:
        start = time.perf_counter()
        try:
            hearing, complete = await asyncio.to_thread(self._read, audio)
        except AssistantError as err:  # the decoding at the end says it again
            _LOGGER.debug("Early decoding failed: %s", err)
            return None
        stt_ms = (time.perf_counter() - start) * 1000
        assert seg.speech_end is not None
        _LOGGER.debug(
            "At a %.0f ms pause: %r (%s)",
            (seg.position - seg.speech_end) * 1000,
            hearing.text,
            "whole" if complete else "listening on",
        )
        return Guess(hearing, seg.speech_end, seg.position, stt_ms, complete)

    def _read(self, audio: bytes) -> tuple[Hearing, bool]:
        hearing = self._hear(audio)
        return hearing, bool(hearing.text.strip()) and self._complete(hearing.text)

    def final(self, seg: SpeechSegmenter) -> Guess | None:
        """The guess still true of the whole command: no speech came after it."""
        guess = self.guess
        if guess is None or guess.speech_end != seg.speech_end:
            return None
        return guess

    def wait_ms(self, guess: Guess, seg: SpeechSegmenter) -> float:
        """From the end of speech to the start of the decoding that was used, as
        far as the assistant waited for it: at a pause that ended the command,
        the pause; at the end of the full silence, the silence less the decoding
        time that overlapped it."""
        assert seg.speech_end is not None
        done = guess.ready if self.committed else max(seg.position, guess.ready)
        return (done - seg.speech_end) * 1000 - guess.stt_ms
