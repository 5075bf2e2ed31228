"""Synthesized test speech: piper's voice and espeak-ng's voices, with optional noise.

Used by the demo, the benchmark and the test suite; nothing is written to disk here.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np

from .audio import SAMPLE_RATE, decode_wav, resample, to_float32, to_int16
from .errors import AudioError
from .tts import PiperSynthesizer, Synthesizer


def piper_pcm(
    tts: Synthesizer,
    text: str,
    length_scale: float | None = None,
    *,
    deterministic: bool = False,
) -> bytes:
    """``text`` in piper's voice as 16 kHz PCM (``length_scale`` < 1 speaks faster).

    ``deterministic`` turns off the voice's random variation (same audio every time).
    """
    from piper import SynthesisConfig

    noise = 0.0 if deterministic else None
    config = SynthesisConfig(
        length_scale=length_scale, noise_scale=noise, noise_w_scale=noise
    )
    if not isinstance(tts, PiperSynthesizer):
        raise TypeError("piper_pcm needs a PiperSynthesizer")
    voice = tts._voice  # same voice, another speed
    audio = b"".join(
        c.audio_int16_bytes for c in voice.synthesize(text, syn_config=config)
    )
    return to_int16(resample(to_float32(audio), tts.sample_rate, SAMPLE_RATE)).tobytes()


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def espeak_pcm(
    text: str, voice: str = "en-us", speed: int = 160, pitch: int = 50
) -> bytes:
    """``text`` spoken by espeak-ng (Debian package ``espeak-ng``) as 16 kHz PCM."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise AudioError(
            "no-espeak", "espeak-ng is not installed (apt-get install espeak-ng)"
        )
    wav = subprocess.run(
        [exe, "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", text],
        capture_output=True,
        check=True,
    ).stdout
    return decode_wav(wav, f"espeak-ng {voice}")


def silence(seconds: float) -> bytes:
    return bytes(int(seconds * SAMPLE_RATE) * 2)


def add_noise(pcm: bytes, snr_db: float, seed: int = 0) -> bytes:
    """Mix in pink-ish background noise at ``snr_db`` relative to the speech's RMS."""
    samples = to_float32(pcm)
    rng = np.random.default_rng(seed)
    white = rng.standard_normal(len(samples)).astype(np.float32)
    noise = np.cumsum(white) * 0.02
    noise -= np.convolve(noise, np.ones(400) / 400, mode="same")  # drop the drift
    noise += 0.3 * white
    speech_rms = float(np.sqrt(np.mean(samples[np.abs(samples) > 0.01] ** 2) or 1e-4))
    noise *= speech_rms / (float(np.sqrt(np.mean(noise**2))) * 10 ** (snr_db / 20))
    return to_int16(samples + noise).tobytes()
