"""One audio format for the whole pipeline, converted once at the edge."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np

from .errors import AudioError

SAMPLE_RATE = 16_000
"""Hz; every stage after the source trusts this."""
SAMPLE_WIDTH = 2
"""Bytes per sample, signed little-endian."""
CHANNELS = 1
CHUNK_SAMPLES = 1280
"""80 ms at 16 kHz: openWakeWord's frame."""


@dataclass(frozen=True, slots=True)
class AudioChunk:
    audio: bytes
    """Signed 16-bit little-endian mono PCM."""
    timestamp_ms: int
    rate: int = SAMPLE_RATE

    @property
    def samples(self) -> int:
        return len(self.audio) // SAMPLE_WIDTH

    @property
    def seconds(self) -> float:
        return self.samples / self.rate


def to_int16(audio: np.ndarray) -> np.ndarray:
    """Float audio in [-1, 1] (any shape) to int16."""
    scaled = np.rint(np.clip(audio, -1.0, 1.0) * 32768.0)  # no overflow from 1e38
    return np.minimum(scaled, 32767).astype("<i2")


def to_float32(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def resample(audio: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Polyphase resampling of float audio."""
    if rate_in == rate_out:
        return audio
    from scipy.signal import resample_poly

    g = gcd(rate_in, rate_out)
    return resample_poly(audio, rate_out // g, rate_in // g).astype(np.float32)


MAX_SECONDS = 600
"""Longer files are refused: a command is seconds long, a batch holds them all."""


def decode_wav(data: bytes, name: str = "audio") -> bytes:
    """Audio file bytes -> 16 kHz mono int16 PCM.

    Read by libsndfile (soundfile): every WAV subtype people have (8/16/24/32-bit
    integer, float32/64, WAVE_FORMAT_EXTENSIBLE, A-law, µ-law, ADPCM), and FLAC
    or Ogg too. Any rate from 4 to 192 kHz, any channel count (averaged)."""
    import soundfile

    try:
        with soundfile.SoundFile(io.BytesIO(data)) as audio:
            rate, channels, frames = audio.samplerate, audio.channels, audio.frames
            if not 4000 <= rate <= 192_000:
                raise AudioError(
                    "bad-audio", f"{name}: unsupported sample rate {rate} Hz"
                )
            if channels > 64:
                raise AudioError("bad-audio", f"{name}: {channels} channels")
            if frames > MAX_SECONDS * rate:
                raise AudioError(
                    "bad-audio",
                    f"{name}: {frames / rate:.0f} s long, more than {MAX_SECONDS} s",
                )
            plain = audio.subtype == "PCM_16" and channels == 1 and rate == SAMPLE_RATE
            samples = audio.read(dtype="int16" if plain else "float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, EOFError) as err:
        reason = getattr(err, "error_string", None) or str(err)
        raise AudioError(
            "bad-audio", f"{name}: not a readable audio file ({reason})"
        ) from None
    if plain:
        return samples[:, 0].astype("<i2").tobytes()  # already the pipeline's format
    mono = samples.mean(axis=1) if channels > 1 else samples[:, 0]
    mono = np.nan_to_num(mono, nan=0.0, posinf=1.0, neginf=-1.0)
    return to_int16(resample(mono, rate, SAMPLE_RATE)).tobytes()


def read_wav(path: Path) -> bytes:
    """Read a WAV file as 16 kHz mono int16 PCM, naming the file on any error."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise AudioError("unreadable", f"{path}: {err.strerror or err}") from None
    return decode_wav(data, str(path))


def wav_bytes(pcm: bytes, rate: int = SAMPLE_RATE) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(CHANNELS)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return buf.getvalue()


def write_wav(path: Path, pcm: bytes, rate: int = SAMPLE_RATE) -> None:
    """Write atomically, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(wav_bytes(pcm, rate))
    tmp.replace(path)


def chunks(
    pcm: bytes, samples: int = CHUNK_SAMPLES, start_ms: int = 0
) -> Iterator[AudioChunk]:
    """Split PCM into fixed-size chunks (the last one zero-padded)."""
    step = samples * SAMPLE_WIDTH
    for offset in range(0, len(pcm), step):
        block = pcm[offset : offset + step]
        if len(block) < step:
            block += bytes(step - len(block))
        yield AudioChunk(block, start_ms + offset // SAMPLE_WIDTH * 1000 // SAMPLE_RATE)
