"""The stop phrase listener's logic, with fake VAD and speech-to-text (the live
behaviour, through the real models and PulseAudio, is in test_stop_live.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import DEFAULT_STOP_PHRASES, load_config
from assistant.errors import ConfigError
from assistant.intent import Hearing
from assistant.stop import ShortSpeech, StopListener, stop_phrase
from assistant.vad import FRAME_SAMPLES

FRAME = bytes(FRAME_SAMPLES * 2)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [("Stop.", "stop"), ("Stop, stop!", "stop"), ("Okay, stop please.", "stop"),
     ("Nevermind.", "never mind"), ("Be quiet!", "be quiet"),
     ("Stop the music.", None), ("Stopped.", None), ("Quite.", None), ("", None)],
)  # fmt: skip
def test_stop_phrase(text: str, phrase: str | None) -> None:
    assert stop_phrase(text, DEFAULT_STOP_PHRASES) == phrase


def _feed(segments: ShortSpeech, pattern: str) -> list[int]:
    """Frames as ``#`` (speech) and ``.``; the length in frames of each returned."""
    found = []
    for mark in pattern:
        audio = segments.feed(FRAME, mark == "#")
        if audio is not None:
            found.append(len(audio) // len(FRAME))
    return found


def test_short_speech_is_returned_with_its_padding() -> None:
    # 10 frames of speech (0.32 s), then the 0.15 s silence (5 frames) ends it;
    # 5 frames (0.16 s) of padding each side
    assert _feed(ShortSpeech(), "." * 20 + "#" * 10 + "." * 10) == [5 + 10 + 5]


def test_long_or_tiny_speech_is_not() -> None:
    assert _feed(ShortSpeech(), "." * 5 + "#" * 60 + "." * 10) == []  # 1.9 s
    assert _feed(ShortSpeech(), "." * 5 + "##" + "." * 10) == []  # a click
    # after a long stretch, the next short one counts again
    assert _feed(ShortSpeech(), "#" * 60 + "." * 10 + "#" * 10 + "." * 10) == [20]


class _Stt:
    def __init__(self, hearing: Hearing) -> None:
        self.hearing = hearing

    def transcribe(self, audio: bytes, prompt: str | None = None) -> str:
        return self.hearing.text

    def hear(self, audio: bytes, prompt: str | None = None, *, lead: str = "") -> (
        Hearing
    ):  # fmt: skip
        return self.hearing


class _Vad:
    def reset(self) -> None: ...

    def process(self, pcm: bytes) -> list[float]:
        return []


def _listener(text: str, *words: tuple[str, float]) -> StopListener:
    return StopListener(_Vad(), _Stt(Hearing(text, words)))


def test_a_clear_stop_is_heard() -> None:
    assert _listener("Stop!", ("stop", 0.9)).heard(b"") == "stop"


def test_an_unclear_stop_or_its_own_words_are_not() -> None:
    assert _listener("Stop!", ("stop", 0.1)).heard(b"") is None
    clear = _listener("Cancel.", ("cancel", 0.9))
    assert clear.heard(b"", saying="Okay, I cancel the timer.") is None
    assert clear.heard(b"", saying="Timer cancelled.") == "cancel"


def test_a_stop_phrase_without_words_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[audio]\nstop_phrases = ["stop", " "]\n')
    with pytest.raises(ConfigError, match=r"audio\.stop_phrases"):
        load_config(config)
