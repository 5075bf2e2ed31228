"""Audio conversion at the edge: any WAV to 16 kHz mono int16."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest

from assistant.audio import SAMPLE_RATE, chunks, decode_wav, read_wav, wav_bytes
from assistant.errors import AudioError


def _wav(samples: np.ndarray, rate: int, channels: int = 1, width: int = 2) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    return buf.getvalue()


def _tone(rate: int, seconds: float = 1.0, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * hz * t) * 32767).astype("<i2")


def test_16k_mono_passes_through() -> None:
    tone = _tone(SAMPLE_RATE)
    assert decode_wav(_wav(tone, SAMPLE_RATE)) == tone.tobytes()


def test_stereo_44k_becomes_16k_mono_with_the_same_pitch() -> None:
    tone = _tone(44100)
    pcm = np.frombuffer(
        decode_wav(_wav(np.stack([tone, tone], 1), 44100, channels=2)), "<i2"
    )
    assert abs(len(pcm) - SAMPLE_RATE) <= 2
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float32)))
    assert abs(np.argmax(spectrum) * SAMPLE_RATE / len(pcm) - 440) < 5


def test_8_bit_audio() -> None:
    tone = ((_tone(8000).astype(np.int32) >> 8) + 128).astype(np.uint8)
    pcm = np.frombuffer(decode_wav(_wav(tone, 8000, width=1)), "<i2")
    assert len(pcm) == SAMPLE_RATE and np.abs(pcm).max() > 10000


def test_not_a_wav_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "song.wav"
    path.write_bytes(b"ID3\x03\x00 this is an mp3")
    with pytest.raises(AudioError, match=str(path)):
        read_wav(path)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"missing\.wav"):
        read_wav(tmp_path / "missing.wav")


def test_chunks_are_80ms_and_zero_padded() -> None:
    pcm = bytes(2 * 3000)
    parts = list(chunks(pcm))
    assert [len(c.audio) for c in parts] == [2560, 2560, 2560]
    assert [c.timestamp_ms for c in parts] == [0, 80, 160]


def test_wav_round_trip() -> None:
    tone = _tone(22050).tobytes()
    with wave.open(io.BytesIO(wav_bytes(tone, 22050))) as wav:
        assert wav.getframerate() == 22050 and wav.readframes(wav.getnframes()) == tone


@pytest.mark.parametrize(
    ("container", "subtype"),
    [
        ("WAV", "PCM_U8"),
        ("WAV", "PCM_16"),
        ("WAV", "PCM_24"),
        ("WAV", "PCM_32"),
        ("WAV", "FLOAT"),
        ("WAV", "DOUBLE"),
        ("WAV", "ALAW"),
        ("WAV", "ULAW"),
        ("WAV", "IMA_ADPCM"),
        ("WAVEX", "PCM_24"),
        ("WAVEX", "FLOAT"),
        ("FLAC", "PCM_16"),
    ],
)
def test_every_wav_subtype_is_read(container: str, subtype: str) -> None:
    import soundfile

    rate = 22050
    tone = _tone(rate).astype(np.float32) / 32768  # 440 Hz at half scale
    buf = io.BytesIO()
    soundfile.write(
        buf, np.stack([tone, tone], 1), rate, subtype=subtype, format=container
    )
    pcm = np.frombuffer(decode_wav(buf.getvalue(), subtype), "<i2")
    padding = 512 if "ADPCM" in subtype else 2  # ADPCM fills its last block
    assert abs(len(pcm) - SAMPLE_RATE) <= padding
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float32)))
    assert abs(np.argmax(spectrum) * SAMPLE_RATE / len(pcm) - 440) < 5
    level = np.sqrt(np.mean((pcm.astype(np.float64) / 32768) ** 2))
    assert 0.3 < level < 0.4, level  # a half-scale sine: 0.354


def test_a_truncated_wav_names_the_file() -> None:
    data = _wav(_tone(SAMPLE_RATE), SAMPLE_RATE)
    with pytest.raises(AudioError, match=r"cut\.wav: not a readable audio file"):
        decode_wav(data[:30], "cut.wav")


def test_nan_samples_become_silence() -> None:
    import soundfile

    samples = np.full(SAMPLE_RATE, np.nan, dtype=np.float32)
    buf = io.BytesIO()
    soundfile.write(buf, samples, SAMPLE_RATE, subtype="FLOAT", format="WAV")
    assert not np.frombuffer(decode_wav(buf.getvalue()), "<i2").any()


def test_a_sample_rate_out_of_range_is_refused() -> None:
    data = bytearray(_wav(_tone(8000), 8000))
    data[24:28] = (1000).to_bytes(4, "little")  # the header's sample rate
    with pytest.raises(AudioError, match="unsupported sample rate 1000 Hz"):
        decode_wav(bytes(data), "slow.wav")
