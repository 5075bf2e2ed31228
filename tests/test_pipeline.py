"""The real orchestrator with fake stages: event order, pre-roll, timeouts, errors."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assistant.audio import SAMPLE_RATE, AudioChunk
from assistant.config import VadConfig, WakeConfig
from assistant.errors import SttError
from assistant.events import EventType, PipelineEvent
from assistant.handle import IntentHandler
from assistant.home.model import Command
from assistant.home.registry import DeviceRegistry
from assistant.intent import Hearing, Intent
from assistant.pipeline import Pipeline
from assistant.vad import SpeechSegmenter
from assistant.wake import Detection


class LoudWake:
    """Fires on the first chunk whose samples are all 1000 (our stand-in wake word)."""

    def process(self, chunk: AudioChunk) -> Detection | None:
        samples = np.frombuffer(chunk.audio, "<i2")
        if samples.size and (samples == 1000).all():
            return Detection("fake", 0.99, chunk.timestamp_ms + 80)
        return None

    def reset(self) -> None:
        pass


class EnergyEndpointer:
    def __init__(self) -> None:
        self.segmenter = SpeechSegmenter(silence_seconds=0.3, start_timeout_seconds=1.0)

    def reset(self) -> None:
        self.segmenter.reset()

    def process(self, pcm: bytes) -> bool:
        loud = bool(np.abs(np.frombuffer(pcm, "<i2")).max() > 500)
        return self.segmenter.process(len(pcm) / 2 / SAMPLE_RATE, loud)


class FakeStt:
    def __init__(self, text: str = "turn on the lamp", fail: bool = False) -> None:
        self.text, self.fail, self.audio = text, fail, b""
        self.lead: str | None = None

    def transcribe(self, audio: bytes, prompt: str | None = None) -> str:
        if self.fail:
            raise SttError("stt-failed", "boom")
        self.audio = audio
        return self.text

    def hear(
        self, audio: bytes, prompt: str | None = None, *, lead: str = ""
    ) -> Hearing:
        self.lead = lead
        return Hearing(self.transcribe(audio, prompt))


class FakeRecognizer:
    def recognize(self, text: str) -> Intent | None:
        return (
            Intent("HassTurnOn", {"name": "Lamp"}, text, ("switch.lamp",))
            if "lamp" in text
            else None
        )

    def recognize_normalized(self, clean: str) -> Intent | None:
        return self.recognize(clean)


class FakeTts:
    sample_rate = 22050

    def synthesize(self, text: str) -> Iterator[AudioChunk]:
        yield AudioChunk(bytes(2205 * 2), 0, 22050)


class Recorder:
    def __init__(self) -> None:
        self.published: list[Command] = []

    async def publish(self, commands: list[Command]) -> None:
        self.published.extend(commands)


def _registry() -> DeviceRegistry:
    from assistant.discovery import entity_from_table

    registry = DeviceRegistry()
    registry.upsert(
        entity_from_table(
            {"component": "switch", "name": "Lamp", "command_topic": "lamp/set"},
            "devices[0]",
        )
    )
    return registry


def _pipeline(
    stt: FakeStt, events: list[PipelineEvent], publisher: Recorder, **wake: float
) -> Pipeline:
    return Pipeline(
        wake=LoudWake(),
        endpointer=EnergyEndpointer(),  # type: ignore[arg-type]
        stt=stt,
        recognizer=FakeRecognizer(),
        handler=IntentHandler(_registry()),
        publisher=publisher,
        tts=FakeTts(),
        wake_config=WakeConfig(**wake),
        vad_config=VadConfig(silence_seconds=0.3, early_seconds=0.0),
        event_callback=events.append,
    )


def _audio(speech_seconds: float = 1.0) -> bytes:
    wake = np.full(1280, 1000, "<i2")
    speech = (np.sin(np.arange(int(speech_seconds * SAMPLE_RATE)) / 5) * 8000).astype(
        "<i2"
    )
    return np.concatenate(
        [np.zeros(3840, "<i2"), wake, np.zeros(1280, "<i2"), speech]
    ).tobytes()


async def test_events_in_order_and_command_published() -> None:
    events: list[PipelineEvent] = []
    publisher, stt = Recorder(), FakeStt()
    pipeline = _pipeline(stt, events, publisher, preroll_seconds=0.0)
    result = await pipeline.run_audio(_audio())
    assert [e.type for e in events] == [
        EventType.WAKE_END,
        EventType.VAD_START,
        EventType.VAD_END,
        EventType.STT_END,
        EventType.INTENT_END,
        EventType.ACTION_END,
        EventType.TTS_START,
        EventType.TTS_END,
    ]
    assert [(c.topic, c.payload) for c in publisher.published] == [("lamp/set", "ON")]
    assert result.response == "Turning on the lamp."
    assert result.reply_rate == 22050 and len(result.reply_audio) == 4410
    # only audio after the wake word went to STT (pre-roll 0): no wake samples in it
    assert 1000 not in set(np.frombuffer(stt.audio, "<i2")[:1280].tolist())
    assert stt.lead == ""  # nor is Whisper told it starts with the wake phrase
    wait = result.timings_ms["endpoint_wait"]
    assert 300 <= wait < 400
    assert result.timings_ms["total_after_speech_end"] >= wait


async def test_preroll_keeps_audio_from_before_the_detection() -> None:
    stt = FakeStt()
    await _pipeline(stt, [], Recorder(), preroll_seconds=0.5).run_audio(_audio())
    assert len(stt.audio) > (SAMPLE_RATE * 1.0 + 5 * 1280) * 2 * 0.9
    assert 1000 in set(np.frombuffer(stt.audio, "<i2").tolist())  # the wake word
    assert stt.lead == "Hey Jarvis,"  # Whisper hears the command after it


async def test_no_wake_word_does_nothing() -> None:
    events: list[PipelineEvent] = []
    publisher = Recorder()
    audio = (np.sin(np.arange(SAMPLE_RATE) / 5) * 8000).astype("<i2").tobytes()
    result = await _pipeline(FakeStt(), events, publisher).run_audio(audio)
    assert events == [] and publisher.published == []
    assert result.wake_word is None and result.transcript is None


async def test_silence_after_wake_word_times_out() -> None:
    events: list[PipelineEvent] = []
    publisher = Recorder()
    audio = np.concatenate(
        [np.zeros(3840, "<i2"), np.full(1280, 1000, "<i2")]
    ).tobytes()
    result = await _pipeline(FakeStt(), events, publisher).run_audio(audio)
    assert [e.type for e in events] == [EventType.WAKE_END, EventType.VAD_END]
    assert (
        result.wake_word == "fake"
        and result.transcript is None
        and not publisher.published
    )


async def test_stage_error_becomes_an_error_event() -> None:
    events: list[PipelineEvent] = []
    publisher = Recorder()
    result = await _pipeline(FakeStt(fail=True), events, publisher).run_audio(_audio())
    assert (
        events[-1].type == EventType.ERROR and events[-1].data["code"] == "stt-failed"
    )
    assert result.error and not publisher.published


async def test_text_skips_audio_stages() -> None:
    events: list[PipelineEvent] = []
    publisher = Recorder()
    result = await _pipeline(FakeStt(), events, publisher).run_text(
        "what about the lamp"
    )
    assert EventType.WAKE_END not in [e.type for e in events]
    assert [c.topic for c in publisher.published] == ["lamp/set"]
    assert result.timings_ms["endpoint_wait"] == 0


async def test_confirmation_yes_no_and_other_speech() -> None:
    publisher = Recorder()
    pipeline = _pipeline(FakeStt(), [], publisher)
    pipeline.handler = IntentHandler(_registry(), confirm=["switch.turn_on"])
    asked = await pipeline.run_text("turn on the lamp")
    assert asked.awaiting_confirmation and str(asked.response).startswith(
        "Are you sure"
    )
    assert publisher.published == []
    done = await pipeline.run_text("Yes, please.")
    assert done.intent is not None and done.intent.name == "HassConfirm"
    assert asked.intent is not None and asked.intent.entity_ids
    assert done.intent.entity_ids == asked.intent.entity_ids  # what was confirmed
    assert [c.topic for c in publisher.published] == ["lamp/set"]
    await pipeline.run_text("turn on the lamp")
    refused = await pipeline.run_text("No.")
    assert refused.response == "Okay, I won't." and len(publisher.published) == 1
    assert (
        refused.intent is not None
        and refused.intent.entity_ids == done.intent.entity_ids
    )
    await pipeline.run_text("turn on the lamp")
    other = await pipeline.run_text("what about the lamp")  # not an answer: asks again
    assert other.awaiting_confirmation and len(publisher.published) == 1
    pipeline.cancel_confirmation()
    assert (await pipeline.run_text("yes")).commands == []
