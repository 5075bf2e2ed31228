"""Voice-activity endpointing: Silero speech probability and a pure segmenter."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from .audio import SAMPLE_RATE, SAMPLE_WIDTH, to_float32

_LOGGER = logging.getLogger(__name__)

FRAME_SAMPLES = 512
"""32 ms: Silero's frame at 16 kHz."""
_CONTEXT = 64


class SileroSpeechProbability:
    """Streaming Silero VAD (the ONNX model that faster-whisper ships)."""

    def __init__(self, model_path: Path | None = None) -> None:
        import onnxruntime

        if model_path is None:
            from faster_whisper.utils import get_assets_path

            model_path = Path(get_assets_path()) / "silero_vad_v6.onnx"
        opts = onnxruntime.SessionOptions()
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1
        opts.log_severity_level = 4
        self._session = onnxruntime.InferenceSession(
            str(model_path), providers=["CPUExecutionProvider"], sess_options=opts
        )
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(_CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)

    def process(self, pcm: bytes) -> list[float]:
        """Speech probability of each whole 32 ms frame in ``pcm`` (keeps the rest)."""
        self._pending = np.concatenate([self._pending, to_float32(pcm)])
        probs: list[float] = []
        while len(self._pending) >= FRAME_SAMPLES:
            frame = self._pending[:FRAME_SAMPLES]
            self._pending = self._pending[FRAME_SAMPLES:]
            window = np.concatenate([self._context, frame])[None, :]
            out: Any
            out, self._h, self._c = self._session.run(
                None, {"input": window, "h": self._h, "c": self._c}
            )
            self._context = frame[-_CONTEXT:]
            probs.append(float(np.asarray(out).reshape(-1)[0]))
        return probs


class SegmentState(StrEnum):
    WAITING = "waiting"
    SPEAKING = "speaking"
    DONE = "done"
    TIMEOUT = "timeout"


@dataclass
class SpeechSegmenter:
    """Pure state machine: fed (seconds, is_speech) per frame, it ends the command.

    Times are audio seconds since the segmenter started (the wake word detection).
    """

    silence_seconds: float = 0.4
    start_timeout_seconds: float = 4.0
    max_seconds: float = 10.0
    min_speech_seconds: float = 0.15

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.state = SegmentState.WAITING
        self.position = 0.0
        self.speech_seconds = 0.0
        self.silence_run = 0.0
        self.speech_start: float | None = None
        self.speech_end: float | None = None

    def process(self, seconds: float, is_speech: bool) -> bool:
        """Advance by one frame; True while the command is still going on."""
        if self.state in (SegmentState.DONE, SegmentState.TIMEOUT):
            return False
        start = self.position
        self.position += seconds
        if is_speech:
            if self.speech_start is None:
                self.speech_start = start
            self.speech_seconds += seconds
            self.silence_run = 0.0
            self.speech_end = self.position
            if self.speech_seconds >= self.min_speech_seconds:
                self.state = SegmentState.SPEAKING
        else:
            self.silence_run += seconds
        if self.state == SegmentState.SPEAKING:
            if (
                self.silence_run >= self.silence_seconds
                or self.position >= self.max_seconds
            ):
                self.state = SegmentState.DONE
        elif self.position >= self.start_timeout_seconds:
            self.state = SegmentState.TIMEOUT
        return self.state not in (SegmentState.DONE, SegmentState.TIMEOUT)


class Endpointer:
    """Silero probabilities driving a SpeechSegmenter over 16 kHz PCM."""

    def __init__(
        self,
        vad: SileroSpeechProbability,
        segmenter: SpeechSegmenter,
        threshold: float = 0.5,
    ) -> None:
        self._vad = vad
        self.segmenter = segmenter
        self._threshold = threshold

    def reset(self) -> None:
        self._vad.reset()
        self.segmenter.reset()

    def process(self, pcm: bytes) -> bool:
        """True while the command goes on; False once it ended (or never started)."""
        going = True
        for prob in self._vad.process(pcm):
            going = self.segmenter.process(
                FRAME_SAMPLES / SAMPLE_RATE, prob >= self._threshold
            )
            if not going:
                break
        return going

    @property
    def consumed_bytes(self) -> int:
        return round(self.segmenter.position * SAMPLE_RATE) * SAMPLE_WIDTH
