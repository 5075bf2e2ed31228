"""The orchestrator: the only module that knows the order of the stages."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .audio import SAMPLE_RATE, SAMPLE_WIDTH, AudioChunk, chunks, write_wav
from .config import VadConfig, WakeConfig
from .dialogue import Session
from .early import EarlyEnd
from .errors import AssistantError
from .events import EventCallback, EventType, PipelineEvent
from .frontend import FrontEnd
from .handle import IntentHandler, Response
from .home.model import Command
from .intent import Hearing, IntentRecognizer
from .intent.cascade import Cascade
from .intent.decision import Decision
from .result import RunResult
from .stt import Transcriber
from .tts import Synthesizer
from .vad import Endpointer, SegmentState
from .wake import Detection, WakeDetector, wake_phrase

if TYPE_CHECKING:
    from .llm.understand import LlmUnderstanding

_LOGGER = logging.getLogger(__name__)

_CHECK_CHUNKS = 4
"""Chunks an unsure wake word may take to be confirmed (``wake_check``): they
belong to the command."""


class Publisher(Protocol):
    async def publish(self, commands: list[Command]) -> None: ...


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


class Pipeline:
    """wake word -> endpointing -> speech-to-text -> intent -> action -> reply."""

    def __init__(
        self,
        *,
        wake: WakeDetector | None,
        endpointer: Endpointer | None,
        stt: Transcriber | None,
        recognizer: IntentRecognizer,
        handler: IntentHandler,
        publisher: Publisher,
        tts: Synthesizer | None,
        wake_config: WakeConfig,
        vad_config: VadConfig,
        prompt: Callable[[], str] | None = None,
        event_callback: EventCallback | None = None,
        record_dir: Path | None = None,
        llm: LlmUnderstanding | None = None,
        session: Session | None = None,
        cascade: Cascade | None = None,
        front_end: FrontEnd | None = None,
    ) -> None:
        self.wake = wake
        self.front_end = front_end
        """Noise suppression and gain for every chunk heard (None: off)."""
        self.endpointer = endpointer
        self.stt = stt
        self.publisher = publisher
        self.tts = tts
        self.speak_replies = tts is not None
        """False when the caller plays replies itself (the live loop streams them)."""
        self._wake_cfg = wake_config
        self._vad_cfg = vad_config
        self._prompt = prompt
        self.event_callback = event_callback
        self._record_dir = record_dir
        self._last_wake_ms: int | None = None
        self._listen_now = False
        """Set by ``listen_now``: the next chunk starts a command."""
        self.llm = llm
        self.cascade = cascade or Cascade(
            recognizer,  # type: ignore[arg-type]
            handler,
            session or Session(handler.registry),
            llm=llm,
        )
        """Conversation state and the act/ask/refuse decision."""

    @property
    def handler(self) -> IntentHandler:
        return self.cascade.handler

    @handler.setter
    def handler(self, handler: IntentHandler) -> None:
        self.cascade.handler = handler

    @property
    def session(self) -> Session:
        return self.cascade.session

    def _emit(self, kind: EventType, **data: Any) -> None:
        if self.event_callback is not None:
            try:
                self.event_callback(PipelineEvent(kind, data))
            except Exception:
                _LOGGER.exception("Event callback failed for %s", kind)

    # -- entry points -----------------------------------------------------------

    async def run_audio(self, pcm: bytes) -> RunResult:
        """Process recorded audio as if the microphone heard it, then silence."""
        tail = self._vad_cfg.silence_seconds + self._vad_cfg.start_timeout_seconds + 0.5
        result = await self.run_stream(self._recorded(pcm, tail))
        return result or RunResult()

    async def run_audio_through(self, pcm: bytes) -> list[RunResult]:
        """Every time recorded audio wakes it, to the end of the audio (long
        background audio): each command is handled as it comes."""
        stream, results = self._recorded(pcm, 0.5), []
        while (result := await self.run_stream(stream)) is not None:
            results.append(result)
        return results

    def _recorded(self, pcm: bytes, tail_seconds: float) -> AsyncIterator[AudioChunk]:
        """``pcm`` and ``tail_seconds`` of silence as microphone chunks, heard
        afresh (the wake models and their refractory period start over)."""
        self._audio_stages()[0].reset()
        if self.front_end is not None:
            self.front_end.reset()
        self._last_wake_ms = None
        audio = pcm + bytes(int(tail_seconds * SAMPLE_RATE) * SAMPLE_WIDTH)

        async def source() -> AsyncIterator[AudioChunk]:
            for chunk in chunks(audio):
                yield self.clean(chunk)

        return source()

    def clean(self, chunk: AudioChunk) -> AudioChunk:
        """What the wake word and speech-to-text hear of a microphone chunk."""
        return chunk if self.front_end is None else self.front_end.process(chunk)

    async def run_text(self, text: str) -> RunResult:
        """Typed text: the audio stages are skipped."""
        result = RunResult(transcript=text)
        await self._understand_and_act(result, text, speech_end_wait_ms=0.0)
        await self._speak(result)
        return result

    async def run_stream(
        self,
        source: AsyncIterator[AudioChunk],
        *,
        detection: Detection | None = None,
        start_timeout: float | None = None,
    ) -> RunResult | None:
        """Wait for the wake word in ``source``, then handle one command.

        With ``detection`` given (a follow-up, or a wake word heard during a reply)
        the command is listened for at once, for ``start_timeout`` seconds at most.
        Returns None when the source ends without a wake word.
        """
        if detection is not None:
            return await self._command(detection, [], source, 0.0, start_timeout)
        keep_ms = self._wake_cfg.preroll_seconds * 1000
        preroll: deque[AudioChunk] = deque(
            maxlen=_CHECK_CHUNKS + round(keep_ms * SAMPLE_RATE / 1280 / 1000)
        )
        async for chunk in source:
            start = time.perf_counter()
            heard = await self.check_wake(chunk)
            if heard is None:
                preroll.append(chunk)
                continue
            # the preroll, and what came after an unsure detection while it was checked
            since = heard.timestamp_ms - keep_ms
            prefix = [c for c in (*preroll, chunk) if c.timestamp_ms >= since]
            if heard.name == "listen":  # asked to listen: nothing before counts
                prefix = []
            result = await self._command(heard, prefix, source, _ms(start))
            if result is not None:
                return result
            preroll.clear()  # the whole sentence did not confirm it: not woken
        return None

    def listen_now(self) -> None:
        """The next chunk starts a command as if the wake word was heard there
        (Home Assistant asked for an answer)."""
        self._listen_now = True

    async def check_wake(self, chunk: AudioChunk) -> Detection | None:
        """Score one chunk; a detection outside the refractory period is announced."""
        wake, _, _ = self._audio_stages()
        if self._listen_now:
            self._listen_now = False
            asked = Detection("listen", 1.0, chunk.timestamp_ms)
            self._emit(EventType.WAKE_END, name=asked.name, score=1.0)
            return asked
        detection = await asyncio.to_thread(wake.process, chunk)
        if detection is None or not detection.sure or self._refractory(detection):
            return None
        if detection.confirm is not None:
            _LOGGER.info("Wake word %s in doubt: hearing the sentence", detection.name)
            return detection  # announced once the sentence confirms it
        self._last_wake_ms = detection.timestamp_ms
        _LOGGER.info("Wake word %s (score %.2f)", detection.name, detection.score)
        self._emit(EventType.WAKE_END, name=detection.name, score=detection.score)
        return detection

    def _audio_stages(self) -> tuple[WakeDetector, Endpointer, Transcriber]:
        if self.wake is None or self.endpointer is None or self.stt is None:
            raise RuntimeError("this pipeline was built without its audio stages")
        return self.wake, self.endpointer, self.stt

    def _refractory(self, detection: Detection) -> bool:
        last = self._last_wake_ms
        gap_ms = self._wake_cfg.refractory_seconds * 1000
        return last is not None and detection.timestamp_ms - last < gap_ms

    # -- stages ------------------------------------------------------------------

    async def _command(
        self,
        detection: Detection,
        prefix: Iterable[AudioChunk],
        source: AsyncIterator[AudioChunk],
        wake_ms: float,
        start_timeout: float | None = None,
    ) -> RunResult | None:
        """The command after ``detection``; None when it was a wake word in doubt
        that the whole sentence did not confirm (nothing was announced)."""
        wake, endpointer, _ = self._audio_stages()
        doubt = detection.confirm
        result = RunResult(wake_word=detection.name)
        result.timings_ms["wake"] = wake_ms
        prefix = list(prefix)
        audio = bytearray(b"".join(c.audio for c in prefix))
        lead = self._lead(detection, bool(audio))
        # the sentence check has the audio up to the detection already
        before = sum(
            len(c.audio) for c in prefix if c.timestamp_ms < detection.timestamp_ms
        )
        endpointer.reset()
        seg = endpointer.segmenter
        seg.start_timeout_seconds = start_timeout or self._vad_cfg.start_timeout_seconds
        early = self._early(lead) if doubt is None else None
        speaking = False
        async for chunk in source:
            if doubt is not None:  # a sure wake word a little later takes over
                later = await self.check_wake(chunk)
                if later is not None and later.confirm is None:
                    since = later.timestamp_ms - self._wake_cfg.preroll_seconds * 1000
                    kept = [c for c in (*prefix, chunk) if c.timestamp_ms >= since]
                    return await self._command(later, kept, source, 0.0, start_timeout)
                prefix.append(chunk)  # its preroll, should a sure one take over
            audio += chunk.audio
            going = endpointer.process(chunk.audio)
            if not speaking and seg.state == SegmentState.SPEAKING:
                speaking = True
                if doubt is None:
                    self._emit(EventType.VAD_START)
            if not going:
                break
            if early is not None and await early.step(seg, audio):
                break
        if doubt is None:  # the models did not hear the command: start them over
            wake.reset()
        ended = seg.state == SegmentState.DONE or bool(early and early.committed)
        ended = ended and seg.speech_end is not None
        checked_ms = 0.0  # after the end of speech: part of the wait for an answer
        if doubt is not None:
            start = time.perf_counter()
            try:
                confirmed = ended and await asyncio.to_thread(
                    doubt, bytes(audio[before:])
                )
            except AssistantError as err:
                _LOGGER.warning("Wake word not checked (%s): ignored", err)
                confirmed = False
            if not confirmed:  # the models heard it all: they listen on as they are
                return None
            wake.reset()
            checked_ms = _ms(start)
            self._last_wake_ms = detection.timestamp_ms
            _LOGGER.info("Wake word %s (confirmed by the sentence)", detection.name)
            self._emit(EventType.WAKE_END, name=detection.name, score=detection.score,
                       late=True)  # fmt: skip
            self._emit(EventType.VAD_START)
        result.early = bool(early and early.committed)
        state = "done" if result.early else str(seg.state)
        self._emit(EventType.VAD_END, state=state)
        if not ended or seg.speech_end is None:
            _LOGGER.info("No command after the wake word")
            return result
        wait_ms = (seg.position - seg.speech_end) * 1000
        self._record(bytes(audio[before:]), detection)  # the command, not the wake

        guess = early.final(seg) if early else None
        if early is not None and guess is not None:  # nothing was said after it
            wait_ms = early.wait_ms(guess, seg)
            hearing, result.timings_ms["stt"] = guess.hearing, guess.stt_ms
        else:
            start = time.perf_counter()
            try:
                hearing = await asyncio.to_thread(self._hear, bytes(audio), lead)
            except AssistantError as err:
                return self._failed(result, err)
            result.timings_ms["stt"] = _ms(start)
        result.timings_ms["endpoint_wait"] = wait_ms
        transcript = hearing.text
        result.transcript = transcript
        _LOGGER.info("Heard: %r", transcript)
        self._emit(EventType.STT_END, text=transcript)
        await self._understand_and_act(
            result, transcript, wait_ms + checked_ms, hearing
        )
        await self._speak(result)
        return result

    def _hear(self, audio: bytes, lead: str) -> Hearing:
        prompt = self._prompt() if self._prompt else None
        return self._audio_stages()[2].hear(audio, prompt, lead=lead)

    def _early(self, lead: str) -> EarlyEnd | None:
        """Predictive endpointing for one command (None: ``early_seconds`` 0)."""
        pause = self._vad_cfg.early_seconds
        if not pause:
            return None
        return EarlyEnd(pause, partial(self._hear, lead=lead), self.cascade.complete)

    def _lead(self, detection: Detection, prefixed: bool) -> str:
        """The wake phrase, when the audio given to speech-to-text starts with it
        (``preroll_seconds`` kept before a wake word): Whisper is told so, and
        hears the command's first word with the sound before it."""
        if not prefixed or self._wake_cfg.preroll_seconds <= 0:
            return ""
        return wake_phrase(self._wake_cfg.model).rstrip(".") + ","

    async def _understand_and_act(
        self,
        result: RunResult,
        text: str,
        speech_end_wait_ms: float,
        hearing: Hearing | None = None,
    ) -> None:
        start = time.perf_counter()
        try:
            decision = await asyncio.to_thread(self.cascade.decide, text, hearing)
        except AssistantError as err:
            self._failed(result, err)
            return
        intent = decision.intent
        result.timings_ms["intent"] = _ms(start)
        result.intent, result.path = intent, decision.path
        result.llm_tokens = decision.llm_tokens
        result.confidence = decision.confidence
        _LOGGER.info(
            "Intent: %s (%s, confidence %.2f%s)",
            intent.as_dict() if intent else None,
            decision.path,
            decision.confidence,
            ", asking" if decision.asking else "",
        )
        confirms = decision.about if intent and intent.name == "HassConfirm" else None
        self._emit(
            EventType.INTENT_END,
            intent=intent.as_dict() if intent else None,
            text=text,
            confidence=decision.confidence,
            asking=decision.asking,
            question=decision.response.confirm if decision.asking else None,
            confirms=confirms.as_dict() if confirms else None,
        )

        start = time.perf_counter()
        response = decision.response
        result.awaiting_confirmation = decision.asking
        if not decision.asking:
            response = await self._commit(result, decision)
        result.timings_ms["action"] = _ms(start)
        speech = (
            response.confirm
            if decision.asking and response.confirm
            else response.speech
        )
        result.response = speech
        self._emit(EventType.ACTION_END, commands=len(result.commands), speech=speech)
        result.timings_ms["total_after_speech_end"] = (
            speech_end_wait_ms
            + result.timings_ms["stt"]
            + result.timings_ms["intent"]
            + result.timings_ms["action"]
        )

    async def _commit(self, result: RunResult, decision: Decision) -> Response:
        """Publish the decision's commands; what the user hears is what happened."""
        response = decision.response
        if not (response.commands or response.effects):
            return response
        try:
            if response.commands:
                await self.publisher.publish(response.commands)
        except AssistantError as err:
            self._failed(result, err)
            return Response("Sorry, I could not reach your devices.", success=False)
        result.commands = list(response.commands)
        self.cascade.committed(decision)
        return response

    def cancel_confirmation(self) -> None:
        """The question went unanswered: nothing is done."""
        self.cascade.cancel()

    async def _speak(self, result: RunResult) -> None:
        if self.tts is None or not self.speak_replies or not result.response:
            return
        self._emit(EventType.TTS_START, text=result.response)
        start = time.perf_counter()
        tts = self.tts

        def synthesize() -> bytes:
            parts: list[bytes] = []
            for chunk in tts.synthesize(result.response or ""):
                if not parts:
                    result.timings_ms["first_audio"] = _ms(start)
                parts.append(chunk.audio)
            return b"".join(parts)

        try:
            audio = await asyncio.to_thread(synthesize)
        except AssistantError as err:
            self._failed(result, err)
            return
        result.timings_ms["tts"] = _ms(start)
        result.reply_audio, result.reply_rate = audio, tts.sample_rate
        self._emit(
            EventType.TTS_END, seconds=len(audio) / SAMPLE_WIDTH / tts.sample_rate
        )

    def _failed(self, result: RunResult, err: AssistantError) -> RunResult:
        _LOGGER.error("%s", err)
        result.error = str(err)
        self._emit(EventType.ERROR, code=err.code, message=err.message)
        return result

    def _record(self, audio: bytes, detection: Detection) -> None:
        if self._record_dir is None:
            return
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{detection.name}.wav"
        try:
            write_wav(self._record_dir / name, audio)
        except OSError as err:
            _LOGGER.warning("Cannot save debug recording %s: %s", name, err)
