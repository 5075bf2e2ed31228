"""Background noise for the corpus: white, pink (1/f) and babble (other voices
talking, synthesized with espeak-ng), mixed at a signal-to-noise ratio measured
against the speech's active frames.

``assistant.synth.add_noise`` mixes one fixed brown/white blend; the corpus wants
the three kinds apart, so they are made here.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable

import numpy as np

from assistant.audio import SAMPLE_RATE, to_float32, to_int16

_LOGGER = logging.getLogger(__name__)

KINDS = ("white", "pink", "babble")
_FRAME = SAMPLE_RATE // 50  # 20 ms
# what the background talkers say: nothing a home assistant would act on
BABBLE_LINES = (
    "The meeting was moved to Thursday afternoon after lunch.",
    "I told him the parcel would arrive sometime next week.",
    "She has been reading that long novel for a month now.",
    "We could take the early train and be there by ten.",
    "My brother bought a second hand bicycle on Saturday.",
    "They say the new bakery on the corner is very good.",
    "Honestly I did not expect the match to end like that.",
    "The children painted pictures of boats and seagulls.",
)
BABBLE_VOICES = (("en-us", 170, 45), ("en-gb+f2", 160, 60), ("en-us+m3", 150, 35),
                 ("en+f4", 175, 65), ("en-gb-x-rp+m2", 165, 50))  # fmt: skip


def babble_missing() -> str | None:
    """Why babble cannot be made here, or None."""
    if shutil.which("espeak-ng") is None:
        return "babble noise: espeak-ng is not installed (apt-get install espeak-ng)"
    return None


def parse(noise: str) -> tuple[str, float] | None:
    """``"pink:10"`` -> ("pink", 10.0); ``"none"`` -> None."""
    if noise == "none":
        return None
    kind, _, snr = noise.partition(":")
    if kind not in KINDS or not snr:
        raise ValueError(f"noise {noise!r}: want none or <{'|'.join(KINDS)}>:<snr dB>")
    return kind, float(snr)


def speech_rms(samples: np.ndarray) -> float:
    """RMS over the 20 ms frames within 30 dB of the loudest (the speech itself)."""
    count = len(samples) // _FRAME
    if count == 0:
        return float(np.sqrt(np.mean(samples**2)) or 1e-4)
    frames = samples[: count * _FRAME].reshape(count, _FRAME)
    energy = np.mean(frames**2, axis=1)
    active = energy[energy >= energy.max() * 10 ** (-30 / 10)]
    return float(np.sqrt(np.mean(active)) or 1e-4)


def white(length: int, rng: np.random.Generator) -> np.ndarray:
    return rng.standard_normal(length).astype(np.float32)


def pink(length: int, rng: np.random.Generator) -> np.ndarray:
    """1/f power: white noise shaped in the frequency domain."""
    spectrum = np.fft.rfft(rng.standard_normal(length))
    freqs = np.fft.rfftfreq(length, 1 / SAMPLE_RATE)
    freqs[0] = freqs[1] if length > 1 else 1.0
    shaped = np.fft.irfft(spectrum / np.sqrt(freqs), n=length)
    return shaped.astype(np.float32)


class Babble:
    """Several background talkers; their speech is synthesized once, lazily."""

    def __init__(self) -> None:
        self._tracks: list[np.ndarray] = []

    def _load(self) -> list[np.ndarray]:
        if not self._tracks:
            from assistant.synth import espeak_pcm

            _LOGGER.info("Synthesizing the babble talkers (espeak-ng)")
            for index, (voice, rate, pitch) in enumerate(BABBLE_VOICES):
                lines = BABBLE_LINES[index:] + BABBLE_LINES[:index]
                track = to_float32(espeak_pcm(" ".join(lines), voice, rate, pitch))
                self._tracks.append(track / (speech_rms(track) or 1.0))
        return self._tracks

    def __call__(self, length: int, rng: np.random.Generator, talkers: int = 4) -> (
        np.ndarray
    ):  # fmt: skip
        tracks = self._load()
        out = np.zeros(length, dtype=np.float32)
        for index in rng.permutation(len(tracks))[:talkers]:
            track = tracks[int(index)]
            start = int(rng.integers(0, len(track)))
            looped = np.tile(np.roll(track, -start), length // len(track) + 1)
            out += looped[:length]
        return out


_BABBLE = Babble()


def mix(pcm: bytes, noise: str, seed: int) -> bytes:
    """``pcm`` with ``noise`` ("none", "pink:10", ...) over its whole length."""
    parsed = parse(noise)
    if parsed is None:
        return pcm
    kind, snr_db = parsed
    samples = to_float32(pcm)
    rng = np.random.default_rng(seed)
    makers: dict[str, Callable[[int, np.random.Generator], np.ndarray]] = {
        "white": white, "pink": pink, "babble": _BABBLE,
    }  # fmt: skip
    background = makers[kind](len(samples), rng)
    level = float(np.sqrt(np.mean(background**2))) or 1.0
    background *= speech_rms(samples) / (level * 10 ** (snr_db / 20))
    return to_int16(samples + background).tobytes()


def joined(parts: list[bytes], pause: float, floor: float = 0.02) -> bytes:
    """The parts of one utterance with ``pause`` seconds of silence between them and
    none of the voice's own there: each part's near-silence (samples under
    ``floor`` of its peak) is cut where it meets the pause, not at the utterance's
    own start and end."""
    cut = []
    for index, pcm in enumerate(parts):
        samples = np.frombuffer(pcm, "<i2")
        level = np.abs(samples.astype(np.int32))
        loud = np.flatnonzero(level > floor * max(1, int(level.max(initial=0))))
        if not len(loud):
            cut.append(pcm)
            continue
        first = loud[0] if index > 0 else 0
        last = loud[-1] + 1 if index < len(parts) - 1 else len(samples)
        cut.append(samples[first:last].tobytes())
    return bytes(int(pause * SAMPLE_RATE) * 2).join(cut)


def normalize_level(pcm: bytes, level_dbfs: float = -20.0, peak: float = 0.9) -> bytes:
    """Speech at ``level_dbfs`` RMS (its active frames), peaks kept below ``peak``."""
    samples = to_float32(pcm)
    if not len(samples):
        return pcm
    gain = 10 ** (level_dbfs / 20) / speech_rms(samples)
    top = float(np.max(np.abs(samples))) * gain
    if top > peak:
        gain *= peak / top
    return to_int16(samples * gain).tobytes()
