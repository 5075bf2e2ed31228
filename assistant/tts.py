"""Text-to-speech with piper."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .audio import AudioChunk
from .errors import TtsError

if TYPE_CHECKING:
    from piper import PiperVoice

    from .config import TtsConfig
    from .models import ModelStore

_LOGGER = logging.getLogger(__name__)


class Synthesizer(Protocol):
    @property
    def sample_rate(self) -> int: ...

    def synthesize(self, text: str) -> Iterator[AudioChunk]: ...


class PiperSynthesizer:
    """A piper voice; yields one chunk per sentence at the voice's own rate."""

    def __init__(self, model_path: Path, length_scale: float | None = None) -> None:
        from piper import SynthesisConfig

        try:
            self._voice = _load_voice(model_path)
        except Exception as err:
            raise TtsError(
                "tts-load", f"{model_path}: cannot load piper voice ({err})"
            ) from err
        self._syn_config = SynthesisConfig(length_scale=length_scale)

    @classmethod
    def from_config(cls, cfg: TtsConfig, store: ModelStore) -> PiperSynthesizer:
        voice = Path(cfg.voice)
        if voice.suffix != ".onnx":
            voice = store.require(cfg.voice) / f"{cfg.voice}.onnx"
        return cls(voice, cfg.length_scale)

    @property
    def sample_rate(self) -> int:
        return int(self._voice.config.sample_rate)

    def synthesize(self, text: str) -> Iterator[AudioChunk]:
        position_ms = 0
        try:
            for chunk in self._voice.synthesize(text, syn_config=self._syn_config):
                audio = chunk.audio_int16_bytes
                yield AudioChunk(audio, position_ms, rate=chunk.sample_rate)
                position_ms += len(audio) // 2 * 1000 // chunk.sample_rate
        except Exception as err:
            _LOGGER.exception("Speech synthesis failed for %r", text)
            raise TtsError("tts-failed", f"could not speak {text!r}: {err}") from err

    def synthesize_all(self, text: str) -> bytes:
        """The whole reply as one PCM buffer."""
        return b"".join(chunk.audio for chunk in self.synthesize(text))


def _load_voice(model_path: Path) -> PiperVoice:
    """``PiperVoice.load`` without onnxruntime's memory arena.

    The arena keeps the largest buffers any reply ever needed: each new longest
    sentence grows the process by tens of megabytes for good (a 200-reply run of
    growing sentences: 137 -> 412 MB with it, flat at 232 MB without), for a few
    per cent of synthesis time.
    """
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    config = json.loads(Path(f"{model_path}.json").read_text("utf-8"))
    options = onnxruntime.SessionOptions()
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    session = onnxruntime.InferenceSession(
        str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return PiperVoice(session=session, config=PiperConfig.from_dict(config))
