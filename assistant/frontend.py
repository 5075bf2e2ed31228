"""The audio front end: noise suppression and automatic gain before the wake word
and speech-to-text hear the microphone.

WebRTC's audio processing, through the ``webrtc-noise-gain`` package as the
Wyoming satellite uses it: 10 ms frames of 16 kHz 16-bit mono PCM. A chunk is
cut into frames and put back together, so the noise estimate carries over the
whole stream; ``reset`` starts it over (a new recording).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from .audio import SAMPLE_RATE, SAMPLE_WIDTH, AudioChunk

if TYPE_CHECKING:
    from .config import AudioConfig

_LOGGER = logging.getLogger(__name__)

FRAME_BYTES = SAMPLE_RATE // 100 * SAMPLE_WIDTH
"""10 ms of audio, the unit WebRTC's processing works on."""


class _Processor(Protocol):
    def Process10ms(self, audio: bytes) -> _Processed: ...


class _Processed(Protocol):
    audio: bytes


class FrontEnd:
    """Noise suppression (0-4, 0 off) and automatic gain (0-31 dBFS, 0 off)."""

    def __init__(self, noise_suppression: int, auto_gain: int) -> None:
        self.noise_suppression, self.auto_gain = noise_suppression, auto_gain
        self._processor = self._new()

    def _new(self) -> _Processor:
        from webrtc_noise_gain import AudioProcessor

        processor: _Processor = AudioProcessor(self.auto_gain, self.noise_suppression)
        return processor

    def reset(self) -> None:
        self._processor = self._new()

    def process(self, chunk: AudioChunk) -> AudioChunk:
        """The chunk cleaned; a tail shorter than 10 ms passes unchanged."""
        audio, whole = chunk.audio, len(chunk.audio) - len(chunk.audio) % FRAME_BYTES
        frames = (
            self._processor.Process10ms(audio[at : at + FRAME_BYTES]).audio
            for at in range(0, whole, FRAME_BYTES)
        )
        return replace(chunk, audio=b"".join(frames) + audio[whole:])


def front_end(cfg: AudioConfig) -> FrontEnd | None:
    """The configured front end; None when both parts are off."""
    if not (cfg.noise_suppression or cfg.auto_gain):
        return None
    _LOGGER.info(
        "Audio front end: noise suppression %d, automatic gain %s",
        cfg.noise_suppression,
        f"{cfg.auto_gain} dBFS" if cfg.auto_gain else "off",
    )
    return FrontEnd(cfg.noise_suppression, cfg.auto_gain)
