"""Speaker output with sounddevice, at each reply's own sample rate.

Replies play sentence by sentence: a synthesis thread fills a queue while the
playback thread writes, so the first sentence sounds before the rest is made.
Playback can be stopped at any moment (barge-in): what is buffered is dropped.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Iterable

import numpy as np

from .audio import AudioChunk

_LOGGER = logging.getLogger(__name__)

_BLOCK_SECONDS = 0.05
"""How quickly a stop request takes effect."""

_LATENCY_SECONDS = 0.1
"""Output buffering: enough to ride over a busy moment on a Pi."""


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


def chime(rate: int = 22050) -> AudioChunk:
    """The timer alarm: three two-note chords (988 and 1319 Hz), unlike speech."""
    chord = np.frombuffer(tone(988, 0.3, rate, 0.2).audio, "<i2").astype(np.int32)
    chord += np.frombuffer(tone(1319, 0.3, rate, 0.2).audio, "<i2")
    gap = np.zeros(int(rate * 0.15), np.int32)
    samples = np.concatenate([chord, gap] * 3).clip(-32768, 32767).astype("<i2")
    return AudioChunk(samples.tobytes(), 0, rate)


ALARM_CHIME = chime()
ALARM_HZ = (988, 1319)


class _Feed:
    """Samples waiting for PortAudio's callback thread, which takes them in blocks.

    When synthesis falls behind, the callback plays silence and waits; once the
    last chunk is in and played, it ends the stream.
    """

    def __init__(self) -> None:
        self._blocks: deque[np.ndarray] = deque()
        self._lock = threading.Lock()
        self._last_in = False

    def put(self, samples: np.ndarray) -> None:
        with self._lock:
            self._blocks.append(samples)

    def close(self) -> None:
        with self._lock:
            self._last_in = True

    def fill(self, out: np.ndarray) -> bool:
        """Fill ``out``; False once everything has been played."""
        filled = 0
        with self._lock:
            while filled < len(out) and self._blocks:
                block = self._blocks[0]
                n = min(len(out) - filled, len(block))
                out[filled : filled + n] = block[:n]
                filled += n
                if n == len(block):
                    self._blocks.popleft()
                else:
                    self._blocks[0] = block[n:]
            ended = self._last_in and not self._blocks
        out[filled:] = 0
        return not (ended and filled == 0)


class SoundDevicePlayer:
    def __init__(self, device: str | int | None = None) -> None:
        self._device = device
        self.volume = 1.0
        """Scale of every sample played (0-1)."""

    def play(
        self, chunks: Iterable[AudioChunk], stop: threading.Event | None = None
    ) -> bool:
        """Play ``chunks`` (produced while playing); False if stopped or failed."""
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
        playing: _Playback | None = None
        try:
            while not stop.is_set():
                try:
                    item = pending.get(timeout=_BLOCK_SECONDS)
                except queue.Empty:
                    continue  # still synthesizing; what is fed keeps playing
                if isinstance(item, BaseException):
                    raise item
                if playing is not None and (item is None or item.rate != playing.rate):
                    playing.finish(stop)  # a new rate needs a new stream
                    playing = None
                if item is None:
                    break
                if playing is None:
                    playing = _Playback(self._device, item.rate)
                samples = np.frombuffer(item.audio, dtype="<i2")
                if self.volume < 1.0:
                    samples = (samples * self.volume).astype("<i2")
                playing.feed.put(samples)
            return not stop.is_set()
        except Exception as err:
            _LOGGER.error("Speaker %s failed: %s", self._device or "(default)", err)
            return False
        finally:
            if playing is not None:
                playing.abort()  # stopped or failed: silence now
            halt.set()
            while not pending.empty():  # and is never left blocked on a full queue
                pending.get_nowait()


class _Playback:
    """One PortAudio output stream at one sample rate, fed by a callback.

    The callback mode starts sound as soon as the first block is in; a
    blocking write through ALSA's PulseAudio plugin was seen to hold the first
    sentence back for up to two seconds.
    """

    def __init__(self, device: str | int | None, rate: int) -> None:
        from .mic import load_sounddevice

        sd = load_sounddevice()
        self.rate = rate
        self.feed = _Feed()
        self._done = threading.Event()

        def callback(
            out: np.ndarray, frames: int, when: object, status: object
        ) -> None:
            if not self.feed.fill(out[:, 0]):
                raise sd.CallbackStop

        self._stream = sd.OutputStream(
            device=device,
            samplerate=rate,
            channels=1,
            dtype="int16",
            latency=_LATENCY_SECONDS,
            callback=callback,
            finished_callback=self._done.set,
        )
        self._stream.start()

    def finish(self, stop: threading.Event) -> None:
        """Let everything fed so far play out, unless ``stop`` is set."""
        self.feed.close()
        while not self._done.wait(_BLOCK_SECONDS):
            if stop.is_set():
                break
        self.abort()

    def abort(self) -> None:
        if not self._stream.closed:
            self._stream.abort()
            self._stream.close()
