"""Microphone edge conversion and device selection (pure logic, fake PortAudio)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import numpy as np
import pytest

from assistant.audio import SAMPLE_RATE, AudioChunk
from assistant.mic import LostAudio, _offer, convert_block, open_settings


class FakeSd:
    def __init__(self, accepts_16k: bool) -> None:
        self.accepts_16k = accepts_16k

    def query_devices(self, device: Any, kind: str) -> dict[str, Any]:
        return {"index": 3, "max_input_channels": 2, "default_samplerate": 48000.0}

    def check_input_settings(self, device: Any, **settings: Any) -> None:
        if not self.accepts_16k:
            raise ValueError("Invalid sample rate")


def test_opens_at_16k_mono_when_the_device_allows() -> None:
    assert open_settings(FakeSd(True), "USB") == (3, SAMPLE_RATE, 1)


def test_falls_back_to_the_devices_own_rate_and_channels() -> None:
    assert open_settings(FakeSd(False), "USB") == (3, 48000, 2)


def test_48k_stereo_block_becomes_80ms_of_16k_mono() -> None:
    t = np.arange(3840) / 48000
    left = 0.5 * np.sin(2 * np.pi * 500 * t)
    block = np.stack([left, left], axis=1).astype(np.float32)
    pcm = np.frombuffer(convert_block(block, 48000), dtype="<i2")
    assert len(pcm) == 1280
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float32)))
    assert abs(np.argmax(spectrum) * SAMPLE_RATE / len(pcm) - 500) < 20
    assert 14000 < np.abs(pcm).max() < 18000


def test_lost_audio_is_logged_at_once_then_every_30_seconds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    lost = LostAudio("Microphone audio lost")
    with caplog.at_level(logging.WARNING, logger="assistant.mic"):
        for ms in range(0, 61_000, 80):  # one overflow per chunk for a minute
            lost.count(ms)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3 and lines[0].startswith("Microphone audio lost (1 time(s))")
    assert "(375 time(s))" in lines[1]


def test_a_full_queue_drops_the_oldest_audio_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue: asyncio.Queue[AudioChunk] = asyncio.Queue(maxsize=2)
    with caplog.at_level(logging.WARNING, logger="assistant.mic"):
        for ms in (0, 80, 160):
            _offer(queue, AudioChunk(b"\0\0", ms))
    assert [queue.get_nowait().timestamp_ms for _ in range(2)] == [80, 160]
    assert "fell behind" in caplog.text
