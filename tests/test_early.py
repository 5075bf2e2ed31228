"""Predictive endpointing: a whole sentence heard at a short pause ends the command;
speech that comes back while it is decoded is never cut off."""

from __future__ import annotations

import time

import numpy as np
import pytest

from assistant.audio import SAMPLE_RATE
from assistant.config import VadConfig, WakeConfig
from assistant.early import EarlyEnd
from assistant.handle import IntentHandler
from assistant.intent import Hearing
from assistant.intent.rules import HassilRecognizer
from assistant.pipeline import Pipeline
from assistant.vad import SpeechSegmenter

from .test_pipeline import EnergyEndpointer, FakeTts, LoudWake, Recorder, _registry

_FRAME = 0.032


class SlowStt:
    """Hears "turn on the lamp" in speech of under 1.5 s, "turn off the lamp" in
    more; takes ``seconds`` of wall time to do it."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.heard: list[str] = []

    def hear(
        self, audio: bytes, prompt: str | None = None, *, lead: str = ""
    ) -> Hearing:
        return Hearing(self.transcribe(audio, prompt))

    def transcribe(self, audio: bytes, prompt: str | None = None) -> str:
        time.sleep(self.seconds)
        samples = np.frombuffer(audio, "<i2")
        loud = int((np.abs(samples) > 500).sum()) / SAMPLE_RATE
        text = "turn on the lamp" if loud < 1.5 else "turn off the lamp"
        self.heard.append(text)
        return text


def _frames(early: EarlyEnd, seg: SpeechSegmenter, pattern: str) -> list[bool]:
    """Feed frames ("s" speech, "." silence) to the segmenter and ``early``."""
    import asyncio

    async def run() -> list[bool]:
        out = []
        for mark in pattern:
            going = seg.process(_FRAME, mark == "s")
            out.append(await early.step(seg, bytearray(b"\0\0")) if going else False)
        return out

    return asyncio.run(run())


def test_a_whole_sentence_at_a_pause_ends_the_command() -> None:
    seg = SpeechSegmenter(silence_seconds=0.4)
    early = EarlyEnd(0.15, lambda _: Hearing("turn on the lamp"), lambda _: True)
    ends = _frames(early, seg, "s" * 20 + "." * 8)
    # decoded at the 5th silent frame (160 ms), acted on once decoded: a frame on
    assert 20 + 4 < ends.index(True) <= 20 + 6
    assert early.committed and seg.state == "speaking"
    guess = early.final(seg)
    assert guess is not None and guess.hearing.text == "turn on the lamp"
    assert early.wait_ms(guess, seg) == pytest.approx(160, abs=1)


def test_speech_after_the_pause_drops_the_guess() -> None:
    seg = SpeechSegmenter(silence_seconds=0.4)
    calls: list[bytes] = []

    def hear(audio: bytes) -> Hearing:
        calls.append(audio)
        return Hearing("x")

    early = EarlyEnd(0.15, hear, lambda _: False)
    ends = _frames(early, seg, "s" * 20 + "." * 6 + "s" * 10 + "." * 14)
    assert not any(ends)
    assert len(calls) == 2  # once per pause
    guess = early.final(seg)
    assert guess is not None and guess.speech_end == seg.speech_end
    # not whole: the full silence was waited for, the decoding overlapped it
    assert seg.state == "done" and not early.committed
    assert early.wait_ms(guess, seg) == pytest.approx(13 * 32, abs=2)  # 416 ms


def _pipeline(stt: SlowStt, publisher: Recorder, early: float) -> Pipeline:
    registry = _registry()
    recognizer = HassilRecognizer()
    recognizer.update_devices(registry.entities())
    return Pipeline(
        wake=LoudWake(),
        endpointer=EnergyEndpointer(),  # type: ignore[arg-type]
        stt=stt,
        recognizer=recognizer,
        handler=IntentHandler(registry),
        publisher=publisher,
        tts=FakeTts(),
        wake_config=WakeConfig(preroll_seconds=0.0),
        vad_config=VadConfig(silence_seconds=0.3, early_seconds=early),
    )


def _speech(*parts: float) -> bytes:
    """The wake word, then speech and silence in turn (seconds)."""
    out = [np.zeros(3840, "<i2"), np.full(1280, 1000, "<i2"), np.zeros(1280, "<i2")]
    for index, seconds in enumerate(parts):
        n = int(seconds * SAMPLE_RATE)
        loud = index % 2 == 0
        out.append((np.sin(np.arange(n) / 5) * 8000).astype("<i2") if loud
                   else np.zeros(n, "<i2"))  # fmt: skip
    return np.concatenate(out).tobytes()


async def test_a_whole_command_is_acted_on_at_the_pause() -> None:
    publisher, stt = Recorder(), SlowStt()
    result = await _pipeline(stt, publisher, 0.1).run_audio(_speech(1.0))
    assert [(c.topic, c.payload) for c in publisher.published] == [("lamp/set", "ON")]
    assert stt.heard == ["turn on the lamp"]  # decoded once
    assert 100 <= result.timings_ms["endpoint_wait"] < 200  # not the 300 ms silence


async def test_speech_during_the_decoding_is_not_cut_off() -> None:
    """A pause of 250 ms after "turn on the lamp": the decoding (200 ms) was not
    done before speech came back, so the whole command is heard."""
    publisher, stt = Recorder(), SlowStt(0.2)
    await _pipeline(stt, publisher, 0.1).run_audio(_speech(1.0, 0.25, 1.0))
    assert [(c.topic, c.payload) for c in publisher.published] == [("lamp/set", "OFF")]
    assert stt.heard == ["turn on the lamp", "turn off the lamp"]


async def test_off_waits_for_the_full_silence() -> None:
    publisher, stt = Recorder(), SlowStt()
    result = await _pipeline(stt, publisher, 0.0).run_audio(_speech(1.0))
    assert [c.payload for c in publisher.published] == ["ON"]
    assert result.timings_ms["endpoint_wait"] >= 300


def test_early_must_come_before_the_silence() -> None:
    with pytest.raises(ValueError, match="early_seconds"):
        VadConfig(silence_seconds=0.3, early_seconds=0.3)
