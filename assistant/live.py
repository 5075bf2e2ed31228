"""``assistant run``: always listening on the microphone, answering on the speaker.

The conversation around the pipeline: wake word -> command -> reply played while the
wake word is still listened for (barge-in) -> a follow-up window without the wake word.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator

from .app import Assistant, fan_out
from .audio import AudioChunk
from .config import AudioConfig
from .events import EventCallback, EventType, PipelineEvent
from .heap import release_memory
from .home.spoken import upper_first
from .metrics import StageMetrics
from .mic import SoundDeviceMicrophone
from .notify import sd_notify, watchdog_interval
from .player import ALARM_CHIME, DONE_TONE, WAKE_TONE, SoundDevicePlayer
from .reload import ConfigWatcher
from .result import RunResult
from .saved_controls import CONTROLS_FILE, SavedControls
from .stop import StopListener
from .timers import Timer
from .wake import Detection

STOPPED = "stop"
"""What :meth:`LiveAssistant.speak` returns when a stop phrase ended the reply."""

_LOGGER = logging.getLogger(__name__)

_QUEUE_CHUNKS = 200
"""16 s of 80 ms chunks: beyond that the oldest audio is dropped."""
_STUCK_SECONDS = 60.0
"""A turn busy this long without reading audio counts as hung (no watchdog ping)."""


class LiveAssistant:
    def __init__(
        self,
        assistant: Assistant,
        cfg: AudioConfig,
        *,
        mic: SoundDeviceMicrophone | None = None,
        player: SoundDevicePlayer | None = None,
        event_callback: EventCallback | None = None,
        metrics: StageMetrics | None = None,
    ) -> None:
        self._assistant = assistant
        self._metrics = metrics
        self._pipeline = assistant.pipeline
        self._pipeline.speak_replies = False  # replies are streamed to the speaker here
        self._forward = fan_out(self._pipeline.event_callback, event_callback)
        self._pipeline.event_callback = self._on_event
        assistant.link.controls = self
        assistant.timers.on_finished = self.alarm
        self._cfg = cfg
        self._speaking = asyncio.Lock()
        self._mic = mic or SoundDeviceMicrophone(
            cfg.input_device, cfg.retry_max_seconds
        )
        self._player = player or SoundDevicePlayer(cfg.output_device)
        self._queue: asyncio.Queue[AudioChunk] = asyncio.Queue(maxsize=_QUEUE_CHUNKS)
        self._saved = SavedControls(assistant.cfg.data_dir / CONTROLS_FILE)
        self.muted = bool(self._saved.value("muted", cfg.muted))
        assistant.link.set_state("mute", "ON" if self.muted else "OFF")
        configured = assistant.cfg.wake.threshold
        threshold = float(self._saved.value("wake_threshold", configured))
        if threshold != configured:
            self._set_threshold(threshold)
        assistant.link.set_state("wake_threshold", f"{threshold:g}")
        volume = int(self._saved.value("volume", cfg.volume))
        self._player.volume = volume / 100
        assistant.link.set_state("volume", str(volume))
        self._tasks: set[asyncio.Future[None]] = set()
        self._waiting = True
        self._alive = time.monotonic()
        self._in_run = False
        """Between a wake word (or a run started without one) and its run-end."""
        self._playing: dict[threading.Event, str] = {}
        """What plays now and can be stopped by a stop phrase: its stop, its words."""
        self._stop_listener: StopListener | None = None

    # -- events and controls -----------------------------------------------------

    def _emit(self, kind: EventType, **data: object) -> None:
        self._on_event(PipelineEvent(kind, dict(data)))

    def _on_event(self, event: PipelineEvent) -> None:
        if event.type in (EventType.WAKE_END, EventType.RUN_START):
            self._in_run = True
        elif event.type == EventType.RUN_END:
            self._in_run = False
        if self._cfg.feedback_sounds:
            if event.type == EventType.WAKE_END and not event.data.get("late"):
                self._beep(WAKE_TONE)  # late: confirmed by the finished sentence
            elif event.type == EventType.VAD_END and event.data.get("state") == "done":
                self._beep(DONE_TONE)
        self._forward(event)

    def _beep(self, tone: AudioChunk) -> None:
        threading.Thread(target=self._player.play, args=([tone],), daemon=True).start()

    def set_wake_threshold(self, threshold: float) -> None:
        if self._set_threshold(threshold):
            configured = self._assistant.cfg.wake.threshold
            self._saved.save("wake_threshold", threshold, configured)

    def _set_threshold(self, threshold: float) -> bool:
        wake = self._pipeline.wake
        if wake is None or not hasattr(wake, "threshold"):
            return False
        wake.threshold = threshold
        _LOGGER.info("Wake word threshold now %.2f", threshold)
        return True

    def announce(self, text: str, listen: bool = False) -> None:
        """Speak ``text`` now (from Home Assistant), after any reply in progress;
        ``listen``: then listen for a command as if the wake word was heard."""
        task = asyncio.ensure_future(self._announce(text, listen))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def listen(self) -> None:
        """Listen for a command now (Home Assistant's Listen button)."""
        if self.muted:
            _LOGGER.info("Not listening: the microphone is muted")
            return
        _LOGGER.info("Listening: asked by Home Assistant")
        self._pipeline.listen_now()

    async def _announce(self, text: str, listen: bool = False) -> None:
        tts = self._pipeline.tts
        if tts is None:
            return
        async with self._speaking:
            _LOGGER.info("Announcing %r", text)
            self._emit(EventType.TTS_START, text=text, announcement=True)
            done = await self._play_stoppable(tts.synthesize(text), text)
            self._emit(EventType.TTS_END, completed=done, announcement=True)
        if listen and done:
            self._drain()  # not our own voice
            self.listen()

    def alarm(self, timer: Timer) -> None:
        """A timer ended: the chime at once (over a reply that is playing), then
        its name, spoken after that reply."""
        speaking = self._speaking.locked()
        during = " (during a reply)" if speaking else ""
        _LOGGER.info("Alarm: %s%s", timer.spoken, during)
        self._emit(
            EventType.TIMER_FINISHED, name=timer.name, seconds=timer.seconds,
            during_reply=speaking,
        )  # fmt: skip
        words = f"{upper_first(timer.spoken)} is done."
        task = asyncio.ensure_future(self._ring(words))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _ring(self, words: str) -> None:
        if await self._play_stoppable([ALARM_CHIME], ""):
            await self._announce(words)  # "stop" during the chime ends both

    async def _play_stoppable(
        self,
        chunks: Iterable[AudioChunk],
        words: str,
        stop: threading.Event | None = None,
    ) -> bool:
        """Play ``chunks`` (saying ``words``) until done, ``stop`` is set or a stop
        phrase is heard; False when it did not play out."""
        stop = stop or threading.Event()
        if not self._playing and self._stop_listener is not None:
            self._stop_listener.reset()  # nothing heard before it plays counts
        self._playing[stop] = words
        try:
            return await asyncio.to_thread(self._player.play, chunks, stop)
        finally:
            del self._playing[stop]

    def _stops(self) -> StopListener | None:
        """The stop phrase listener, built on first use (None: turned off)."""
        phrases = self._cfg.stop_phrases
        stt = self._pipeline.stt
        if self._stop_listener is None and phrases and stt is not None:
            from .vad import SileroSpeechProbability

            self._stop_listener = StopListener(SileroSpeechProbability(), stt, phrases)
        return self._stop_listener

    async def _hear_stop(self, chunk: AudioChunk) -> bool:
        """Whether ``chunk`` ended a stop phrase said while something plays; if so,
        everything playing is stopped."""
        listener = self._stops() if self._playing else None
        if listener is None:
            return False
        for audio, after in listener.segments(chunk.audio):
            ended = time.perf_counter() - after  # the end of the speech, about
            saying = " ".join(self._playing.values())
            phrase = await asyncio.to_thread(listener.heard, audio, saying)
            if phrase is None or not self._playing:
                continue
            for stop in list(self._playing):
                stop.set()
            while self._playing:  # until the speaker is silent
                await asyncio.sleep(0.005)
            stop_ms = (time.perf_counter() - ended) * 1000
            _LOGGER.info("Heard %r: stopped %.0f ms after it was said", phrase, stop_ms)
            self._emit(EventType.STOP, phrase=phrase, stop_ms=round(stop_ms, 1))
            listener.reset()
            return True
        return False

    def set_volume(self, percent: int) -> None:
        self._player.volume = percent / 100
        self._saved.save("volume", percent, self._cfg.volume)
        self._assistant.link.set_state("volume", str(percent))
        _LOGGER.info("Volume now %d %%", percent)

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        self._saved.save("muted", muted, self._cfg.muted)
        _LOGGER.info("Microphone %s", "muted" if muted else "unmuted")
        self._emit(EventType.MUTE, muted=muted)

    # -- the loop ----------------------------------------------------------------

    async def run(self, watcher: ConfigWatcher | None = None) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGUSR1, lambda: self.set_muted(not self.muted))
        self._mic.start(loop, self._queue)
        watchdog = asyncio.create_task(self._watchdog())
        reloads = asyncio.create_task(watcher.run()) if watcher else None
        sd_notify("READY=1\nSTATUS=Listening")
        _LOGGER.info("Ready: listening for %s", self._assistant.cfg.wake.model)
        chunks = self._chunks()
        pending: Detection | None = None
        followup = 0.0
        try:
            while True:
                try:
                    pending, followup = await self._turn(chunks, pending, followup)
                except Exception:  # one bad utterance never stops the service
                    _LOGGER.exception("This command failed; listening again")
                    pending, followup = None, 0.0
        finally:
            watchdog.cancel()
            if reloads is not None:
                reloads.cancel()
            await asyncio.to_thread(self._mic.stop)

    async def _turn(
        self,
        chunks: AsyncIterator[AudioChunk],
        pending: Detection | None,
        followup: float,
    ) -> tuple[Detection | None, float]:
        """One command; returns (wake word heard during the reply, seconds to listen
        for a follow-up without the wake word; 0 for none). A run that starts
        without the wake word emits ``run-start``; every run that started ends
        with ``run-end``, whatever ended it, so Home Assistant's state sensor
        returns to idle."""
        if pending is not None or followup:
            self._emit(
                EventType.RUN_START, start="barge-in" if pending else "follow-up"
            )
        end = "error"
        try:
            outcome = await self._run(chunks, pending, followup)
            if outcome is None:
                return None, 0.0
            after, end = outcome
            return after
        finally:
            if self._in_run:
                self._emit(EventType.RUN_END, end=end)

    async def _run(
        self,
        chunks: AsyncIterator[AudioChunk],
        pending: Detection | None,
        followup: float,
    ) -> tuple[tuple[Detection | None, float], str] | None:
        """The turn, and how it ended; None when the stream ended unwoken."""
        if pending is not None:
            result = await self._pipeline.run_stream(chunks, detection=pending)
        elif followup:
            result = await self._pipeline.run_stream(
                chunks, detection=Detection("follow-up", 1.0, 0), start_timeout=followup
            )
        else:
            result = await self._pipeline.run_stream(chunks)
        if result is None:
            return None
        if result.transcript is None:
            self._pipeline.cancel_confirmation()  # a question nobody answered
            waited = "timeout" if pending is not None or followup else "no-command"
            return (None, 0.0), "error" if result.error else waited
        if self._metrics is not None:
            self._metrics.command(result.timings_ms, _outcome(result))
        barge: Detection | str | None = None
        if result.response:
            async with self._speaking:
                barge = await self.speak(result.response)
        if isinstance(barge, Detection):
            return (barge, 0.0), "barge-in"
        if barge == STOPPED:
            self._drain()
            self._pipeline.cancel_confirmation()  # "stop" answers no question
            return (None, 0.0), "stopped"
        self._drain()  # what the microphone heard of our own reply
        release_memory()  # idle until the next wake word
        end = "error" if result.error else "done"
        if result.awaiting_confirmation:
            return (None, self._assistant.cfg.homeassistant.confirm_seconds), end
        if result.intent is not None:
            return (None, self._cfg.followup_seconds), end
        return (None, 0.0), end

    async def _chunks(self) -> AsyncIterator[AudioChunk]:
        while True:
            self._waiting = True
            chunk = await self._queue.get()
            self._waiting, self._alive = False, time.monotonic()
            if self.muted:
                continue
            cleaned = self._pipeline.clean(chunk)
            if not await self._hear_stop(cleaned):
                yield cleaned

    def _drain(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()
        if self._pipeline.wake is not None:
            self._pipeline.wake.reset()

    async def speak(self, text: str) -> Detection | str | None:
        """Play ``text`` sentence by sentence; stop when the wake word (returned)
        or a stop phrase (:data:`STOPPED`) is heard."""
        tts = self._pipeline.tts
        if tts is None:
            return None
        self._emit(EventType.TTS_START, text=text)
        stop = threading.Event()
        playing = asyncio.ensure_future(
            self._play_stoppable(self._timed(tts.synthesize(text)), text, stop)
        )
        barge: Detection | str | None = None
        while not playing.done():
            try:
                chunk = await asyncio.wait_for(self._queue.get(), 0.1)
            except TimeoutError:
                continue
            self._alive = time.monotonic()
            if self.muted:
                continue
            cleaned = self._pipeline.clean(chunk)
            if await self._hear_stop(cleaned):
                barge = STOPPED
                break
            detection = await self._pipeline.check_wake(cleaned)
            if detection is not None:
                heard = time.perf_counter()
                stop.set()
                await playing
                stop_ms = (time.perf_counter() - heard) * 1000
                _LOGGER.info(
                    "Wake word during the reply: stopped it in %.0f ms", stop_ms
                )
                self._emit(EventType.BARGE_IN, stop_ms=round(stop_ms, 1))
                barge = detection
        completed = await playing
        self._emit(EventType.TTS_END, completed=completed)
        return barge

    def _timed(self, chunks: Iterable[AudioChunk]) -> Iterator[AudioChunk]:
        """``chunks``, the time to the first one observed as ``first_audio``."""
        start = time.perf_counter()
        for index, chunk in enumerate(chunks):
            if index == 0 and self._metrics is not None:
                self._metrics.observe(
                    "first_audio", (time.perf_counter() - start) * 1000
                )
            yield chunk

    async def _watchdog(self) -> None:
        interval = watchdog_interval()
        if interval is None:
            return
        while True:
            await asyncio.sleep(interval)
            if self._waiting or time.monotonic() - self._alive < _STUCK_SECONDS:
                sd_notify("WATCHDOG=1")
            else:
                _LOGGER.error(
                    "The audio loop is stuck; systemd's watchdog will restart it"
                )


def _outcome(result: RunResult) -> str:
    if result.error:
        return "error"
    if result.awaiting_confirmation:
        return "asked"
    return "acted" if result.commands else "answered"


async def run_live(
    assistant: Assistant,
    cfg: AudioConfig,
    event_callback: Callable[[PipelineEvent], None] | None = None,
    watcher: ConfigWatcher | None = None,
) -> None:
    metrics = None
    if port := assistant.cfg.metrics.port:
        metrics = StageMetrics()
        if not metrics.serve(port):
            metrics = None
    live = LiveAssistant(assistant, cfg, event_callback=event_callback, metrics=metrics)
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if task is not None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await live.run(watcher)
    sd_notify("STOPPING=1")
    _LOGGER.info("Stopped")
