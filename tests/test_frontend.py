"""The audio front end: WebRTC noise suppression and gain on the microphone's chunks."""

from __future__ import annotations

import numpy as np

from assistant.audio import SAMPLE_RATE, AudioChunk, chunks, to_float32, to_int16
from assistant.config import AudioConfig
from assistant.frontend import FRAME_BYTES, FrontEnd, front_end


def _rms(pcm: bytes) -> float:
    return float(np.sqrt(np.mean(to_float32(pcm) ** 2)))


def _noise(seconds: float, level: float = 0.1, seed: int = 1) -> bytes:
    rng = np.random.default_rng(seed)
    return to_int16(rng.normal(0, level, int(seconds * SAMPLE_RATE))).tobytes()


def _tone(seconds: float, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    # a vowel-like harmonic series at 150 Hz, rising and falling like a syllable
    voice = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 12))
    return level * voice * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)) / 2.0


def test_off_by_default() -> None:
    assert front_end(AudioConfig()) is None
    assert isinstance(front_end(AudioConfig(noise_suppression=2)), FrontEnd)
    assert isinstance(front_end(AudioConfig(auto_gain=10)), FrontEnd)


def test_steady_noise_is_suppressed_once_learned() -> None:
    cleaned = FrontEnd(noise_suppression=3, auto_gain=0)
    noise = _noise(3.0)
    out = b"".join(cleaned.process(c).audio for c in chunks(noise))
    last = slice(-SAMPLE_RATE * 2, None)  # the last second, after it has learned
    assert _rms(out[last]) < 0.3 * _rms(noise[last])


def test_a_voice_in_noise_is_kept() -> None:
    """Suppression takes the noise, not the voice: the voiced part keeps most of
    its level while the noise-only part drops."""
    cleaned = FrontEnd(noise_suppression=2, auto_gain=0)
    noise = to_float32(_noise(4.0, level=0.03))
    voice = np.zeros_like(noise)
    voice[2 * SAMPLE_RATE : 3 * SAMPLE_RATE] = _tone(1.0)
    pcm = to_int16(noise + voice).tobytes()
    out = to_float32(b"".join(cleaned.process(c).audio for c in chunks(pcm)))
    quiet = slice(int(1.5 * SAMPLE_RATE), 2 * SAMPLE_RATE)
    voiced = slice(int(2.2 * SAMPLE_RATE), int(2.9 * SAMPLE_RATE))

    def level(x: np.ndarray, part: slice) -> float:
        return float(np.sqrt(np.mean(x[part] ** 2)))

    before = level(noise + voice, voiced) / level(noise, quiet)
    after = level(out, voiced) / max(level(out, quiet), 1e-6)
    assert level(out, voiced) > 0.5 * level(noise + voice, voiced)
    assert after > 2 * before  # the voice stands out more than it did


def test_chunks_keep_their_length_and_time() -> None:
    cleaned = FrontEnd(noise_suppression=2, auto_gain=0)
    odd = AudioChunk(_noise(0.085), 1234)  # 8 whole frames and a 5 ms tail
    out = cleaned.process(odd)
    assert len(out.audio) == len(odd.audio) and out.timestamp_ms == 1234
    tail = len(odd.audio) % FRAME_BYTES
    assert tail and out.audio[-tail:] == odd.audio[-tail:]


def test_gain_lifts_a_quiet_voice() -> None:
    quiet = to_int16(_tone(3.0, level=0.01)).tobytes()
    lifted = FrontEnd(noise_suppression=0, auto_gain=6)
    out = b"".join(lifted.process(c).audio for c in chunks(quiet))
    assert _rms(out[-SAMPLE_RATE:]) > 2 * _rms(quiet[-SAMPLE_RATE:])
