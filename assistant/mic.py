"""Microphone capture with sounddevice, converted once to 16 kHz mono int16.

A capture thread reads blocks, converts them and hands 80 ms chunks to the asyncio
loop. A device that fails or disappears is logged once and reopened with backoff.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import numpy as np

from .audio import CHUNK_SAMPLES, SAMPLE_RATE, AudioChunk, resample, to_int16
from .errors import AudioError

_LOGGER = logging.getLogger(__name__)


def load_sounddevice() -> Any:
    """sounddevice, or an AudioError saying what to install."""
    try:
        import sounddevice
    except (ImportError, OSError) as err:
        raise AudioError(
            "no-portaudio",
            f"cannot use the sound devices ({err}); install PortAudio "
            "(apt-get install libportaudio2) and the sounddevice package",
        ) from None
    return sounddevice


def open_settings(sd: Any, device: str | int | None) -> tuple[Any, int, int]:
    """(device, sample rate, channels) to open: 16 kHz mono when the device allows."""
    info = sd.query_devices(device, kind="input")
    index = info["index"] if device is not None else None
    try:
        sd.check_input_settings(
            index, channels=1, samplerate=SAMPLE_RATE, dtype="float32"
        )
        return index, SAMPLE_RATE, 1
    except Exception:
        channels = max(1, min(2, int(info["max_input_channels"])))
        return index, int(info["default_samplerate"]), channels


class SoundDeviceMicrophone:
    """Always-on capture thread feeding an asyncio queue."""

    def __init__(
        self, device: str | int | None = None, retry_max_seconds: float = 10.0
    ) -> None:
        self._device = device
        self._retry_max = retry_max_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lost = LostAudio("Microphone audio lost: it was not read in time")

    def start(
        self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[AudioChunk]
    ) -> None:
        self._thread = threading.Thread(
            target=self._run, args=(loop, queue), name="microphone", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _run(
        self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[AudioChunk]
    ) -> None:
        import sounddevice as sd

        backoff = 0.5
        failing = False
        position_ms = 0
        while not self._stop.is_set():
            try:
                device, rate, channels = open_settings(sd, self._device)
                block = round(CHUNK_SAMPLES * rate / SAMPLE_RATE)
                with sd.InputStream(
                    device=device, samplerate=rate, channels=channels, dtype="float32",
                    blocksize=block,
                ) as stream:  # fmt: skip
                    _LOGGER.info(
                        "Microphone %s open at %d Hz, %d channel(s)%s",
                        self._device if self._device is not None else "(default)",
                        rate, channels, " again" if failing else "",
                    )  # fmt: skip
                    failing, backoff = False, 0.5
                    while not self._stop.is_set():
                        data, overflowed = stream.read(block)
                        if overflowed:
                            self._lost.count(position_ms)
                        pcm = convert_block(data, rate)
                        chunk = AudioChunk(pcm, position_ms)
                        position_ms += len(pcm) * 1000 // (2 * SAMPLE_RATE)
                        loop.call_soon_threadsafe(_offer, queue, chunk)
            except Exception as err:
                if not failing:
                    _LOGGER.error(
                        "Microphone %s failed (%s); retrying every %.0f s at most",
                        self._device if self._device is not None else "(default)",
                        err, self._retry_max,
                    )  # fmt: skip
                    failing = True
                else:
                    _LOGGER.debug("Microphone still unavailable: %s", err)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self._retry_max)
        _LOGGER.debug("Microphone thread stopped")


def convert_block(data: Any, rate: int) -> bytes:
    """Device audio (frames x channels, float) -> 16 kHz mono int16 PCM."""
    samples = np.asarray(data, dtype=np.float32)
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    return to_int16(resample(samples, rate, SAMPLE_RATE)).tobytes()


class LostAudio:
    """Counts lost audio and logs it: at once, then at most every 30 s."""

    def __init__(self, message: str, every_ms: int = 30_000) -> None:
        self._message = message
        self._every_ms = every_ms
        self._pending = 0
        self._logged_ms: int | None = None

    def count(self, position_ms: int) -> None:
        self._pending += 1
        last = self._logged_ms
        if last is None or not last < position_ms < last + self._every_ms:
            _LOGGER.warning(
                "%s (%d time(s)); a command may be misheard",
                self._message, self._pending,
            )  # fmt: skip
            self._pending = 0
            self._logged_ms = position_ms


_DROPPED = LostAudio("Microphone audio dropped: the assistant fell behind")


def _offer(queue: asyncio.Queue[AudioChunk], chunk: AudioChunk) -> None:
    """Queue a chunk; when the consumer lags, drop the oldest audio, not memory."""
    if queue.full():
        queue.get_nowait()
        _DROPPED.count(chunk.timestamp_ms)
    queue.put_nowait(chunk)


def list_devices() -> str:
    return str(load_sounddevice().query_devices())
