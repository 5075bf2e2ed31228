"""The endpointing state machine (pure) and the real Silero model on real speech."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.audio import read_wav
from assistant.vad import SegmentState, SileroSpeechProbability, SpeechSegmenter

FRAME = 0.032


def feed(seg: SpeechSegmenter, pattern: str) -> list[bool]:
    return [seg.process(FRAME, ch == "#") for ch in pattern]


def test_ends_after_trailing_silence() -> None:
    seg = SpeechSegmenter(silence_seconds=0.2, start_timeout_seconds=2.0)
    going = feed(seg, "..######.......")
    assert seg.state == SegmentState.DONE
    assert going.index(False) == 2 + 6 + 6  # 7th silent frame reaches 0.2 s
    assert seg.speech_start == pytest.approx(2 * FRAME)
    assert seg.speech_end == pytest.approx(8 * FRAME)


def test_short_pauses_do_not_end_the_command() -> None:
    seg = SpeechSegmenter(silence_seconds=0.2)
    feed(seg, "#####...####")
    assert seg.state == SegmentState.SPEAKING


def test_times_out_without_speech() -> None:
    seg = SpeechSegmenter(start_timeout_seconds=0.3)
    going = feed(seg, "." * 20)
    assert seg.state == SegmentState.TIMEOUT and False in going


def test_a_click_is_not_speech() -> None:
    seg = SpeechSegmenter(
        silence_seconds=0.1, start_timeout_seconds=1.0, min_speech_seconds=0.15
    )
    feed(seg, "#" + "." * 40)
    assert seg.state == SegmentState.TIMEOUT


def test_max_length_ends_a_command() -> None:
    seg = SpeechSegmenter(max_seconds=1.0)
    feed(seg, "#" * 40)
    assert seg.state == SegmentState.DONE


@pytest.mark.model
def test_silero_hears_speech_and_not_silence(speech: dict[str, Path]) -> None:
    vad = SileroSpeechProbability()
    probs = vad.process(bytes(16000 * 2))
    assert len(probs) == 31 and max(probs) < 0.2
    vad.reset()
    pcm = read_wav(
        next(p for n, p in speech.items() if n.startswith("piper__hey_jarvis_lock"))
    )
    probs = vad.process(pcm)
    assert max(probs) > 0.9
    assert sum(p > 0.5 for p in probs) * FRAME > 1.0  # over a second of speech
