"""Speaker output with sounddevice, at each reply's own sample rate.

Replies play sentence by sentence: a synthesis thread fills a queue while the
playback thread writes, so the first sentence sounds before the rest is made.
Playback can be stopped at any moment (barge-in) within one short block.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable

import numpy as np

from .audio import AudioChunk

_LOGGER = logging.getLogger(__name__)

_BLOCK_SECONDS = 0.05
"""Write granularity: how quickly a stop request takes effect."""


def tone(
    hz: float, seconds: float, rate: int = 22050, volume: float = 0.3
) -> AudioChunk:
    """A short sine beep with soft edges, for wake and done feedback."""
    t = np.arange(int(rate * seconds)) / rate
    envelope = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01)
    samples = volume * envelope * np.sin(2 * np.pi * hz * t)
    return AudioChunk((samples * 32767).astype("<i2").tobytes(), 0, rate)


WAKE_TONE = tone(880, 0.12)
DONE_TONE = tone(660, 0.1)


class SoundDevicePlayer:
    def __init__(self, device: str | int | None = None) -> None:
        self._device = device

    def play(
        self, chunks: Iterable[AudioChunk], stop: threading.Event | None = None
    ) -> bool:
        """Play ``chunks`` (produced while playing); False if stopped or failed."""
        from .mic import load_sounddevice

        sd = load_sounddevice()
        stop = stop or threading.Event()
        halt = threading.Event()
        """Set when playback ends for any reason: the synthesis thread stops too."""
        pending: queue.Queue[AudioChunk | BaseException | None] = queue.Queue(maxsize=8)

        def produce() -> None:
            try:
                for chunk in chunks:
                    if stop.is_set() or halt.is_set():
                        break
                    pending.put(chunk)
            except BaseException as err:
                pending.put(err)
            finally:
                pending.put(None)

        threading.Thread(target=produce, name="synthesis", daemon=True).start()
        stream = None
        try:
            while not stop.is_set():
                item = pending.get()
                if item is None:
                    break
                if isinstance(item, BaseException):
                    raise item
                if stream is None:
                    stream = sd.OutputStream(
                        device=self._device,
                        samplerate=item.rate,
                        channels=1,
                        dtype="int16",
                    )
                    stream.start()
                samples = np.frombuffer(item.audio, dtype="<i2")
                step = max(1, int(item.rate * _BLOCK_SECONDS))
                for start in range(0, len(samples), step):
                    if stop.is_set():
                        break
                    stream.write(samples[start : start + step])
            if stream is not None and not stop.is_set():
                stream.stop()  # let the buffered tail play out
            return not stop.is_set()
        except Exception as err:
            _LOGGER.error("Speaker %s failed: %s", self._device or "(default)", err)
            return False
        finally:
            if stream is not None:
                if stop.is_set():
                    stream.abort()  # drop what is buffered: silence now
                stream.close()
            halt.set()
            while not pending.empty():  # and is never left blocked on a full queue
                pending.get_nowait()
