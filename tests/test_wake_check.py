"""Unsure wake words checked by Whisper: the logic with fakes, then the real
Whisper on real speech of the wake phrase and of near misses."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.audio import AudioChunk, chunks, read_wav
from assistant.intent import Hearing
from assistant.wake import Detection
from assistant.wake_check import CheckedWakeDetector

from .speech import TRUST


class FakeWake:
    """Reports the scores it is given, one per chunk; 0.5 and up is sure."""

    def __init__(self, scores: Sequence[float]) -> None:
        self.scores, self.seen, self.resets = list(scores), 0, 0
        self.threshold = 0.5

    def process(self, chunk: AudioChunk) -> Detection | None:
        score = self.scores[self.seen] if self.seen < len(self.scores) else 0.0
        self.seen += 1
        if score < 0.05:
            return None
        return Detection("hey_jarvis", score, chunk.timestamp_ms + 80, score >= 0.5)

    def reset(self) -> None:
        self.resets += 1


class FakeWhisper:
    def __init__(self, text: str, lag: float) -> None:
        self.text, self.lag, self.heard = text, lag, 0

    def hear(
        self, audio: bytes, prompt: str | None = None, *, lead: str = ""
    ) -> Hearing:
        self.heard += 1

        def score(texts: Sequence[str]) -> list[float]:
            return [-2.0 if t == self.text else -2.0 - self.lag for t in texts]

        return Hearing(self.text, score=score)


def _run(checker: CheckedWakeDetector, count: int) -> list[Detection | None]:
    return [checker.process(AudioChunk(bytes(2560), 80 * i)) for i in range(count)]


def test_a_sure_score_wakes_without_asking_whisper() -> None:
    whisper = FakeWhisper("Hey Travis.", 10.0)
    checker = CheckedWakeDetector(FakeWake([0, 0.9]), whisper, "Hey Jarvis.", 4.0)
    found = _run(checker, 3)
    assert found[1] is not None and found[1].sure and whisper.heard == 0


def test_an_unsure_score_is_checked_once_at_its_peak() -> None:
    whisper = FakeWhisper("Hey, Jarvis.", 0.0)
    wake = FakeWake([0, 0.1, 0.2, 0.15, 0.0, 0.0])
    checker = CheckedWakeDetector(wake, whisper, "Hey Jarvis.", 4.0)
    found = _run(checker, 6)
    woke = [i for i, d in enumerate(found) if d is not None]
    assert woke == [3] and whisper.heard == 1  # waited for the peak at chunk 2
    assert found[3] is not None and found[3].timestamp_ms == 2 * 80 + 80
    assert wake.resets == 1


@pytest.mark.parametrize(("heard", "lag", "woke"), [
    ("Hey Jarvis!", 20.0, True),  # the phrase itself, however scored
    ("Hey, Jarmis.", 2.5, True),  # near enough to the phrase
    ("Hey Travis.", 9.0, False),  # a near miss
    ("", 0.0, False),  # nothing at all
])  # fmt: skip
def test_whisper_decides_an_unsure_score(heard: str, lag: float, woke: bool) -> None:
    checker = CheckedWakeDetector(
        FakeWake([0.2, 0.0]), FakeWhisper(heard, lag), "Hey Jarvis.", 4.0
    )
    assert any(_run(checker, 3)) is woke


def test_after_a_rejection_unsure_scores_wait() -> None:
    whisper = FakeWhisper("Hey Travis.", 9.0)
    wake = FakeWake([0.2, 0.0, 0.2, 0.0, 0.2, 0.0])
    checker = CheckedWakeDetector(wake, whisper, "Hey Jarvis.", 4.0)
    assert not any(_run(checker, 6))
    assert whisper.heard == 1  # the next ones came within the cooldown


def test_the_cooldown_is_audio_time_and_ends_with_the_recording() -> None:
    """A rejection quiets the next second of audio, however fast it is processed;
    a new recording (its clock starts over) is heard at once: evaluated clips
    followed each other within a second of the clock and went unheard."""
    whisper = FakeWhisper("Hey Travis.", 9.0)
    scores = [0.2, 0.0] + [0.0] * 12 + [0.2, 0.0]  # the second after 1.1 s of audio
    checker = CheckedWakeDetector(FakeWake(scores), whisper, "Hey Jarvis.", 4.0)
    _run(checker, len(scores))
    assert whisper.heard == 2
    checker = CheckedWakeDetector(
        FakeWake([0.2, 0.0, 0.0, 0.2, 0.0] * 2), whisper, "Hey Jarvis.", 4.0
    )
    whisper.heard = 0
    _run(checker, 5)
    checker.reset()
    _run(checker, 5)  # a new recording: its clock starts at 0 again
    assert whisper.heard == 2


@pytest.mark.model
@pytest.mark.parametrize(
    ("name", "woke"), [("hey_jarvis", True), ("hey_travis", False),
                       ("hey_marvin", False)],
)  # fmt: skip
def test_real_whisper_tells_the_wake_phrase_from_near_misses(
    speech: dict[str, Path], name: str, woke: bool
) -> None:
    from assistant.config import load_config
    from assistant.models import ModelStore
    from assistant.stt import FasterWhisperTranscriber

    cfg = load_config()
    stt = FasterWhisperTranscriber.from_config(cfg.stt, ModelStore(cfg.models_dir))
    audio = list(chunks(read_wav(speech[TRUST[name].name])))
    # an unsure score at the end of the phrase, whatever the wake models said
    wake = FakeWake([0.0] * (len(audio) - 1) + [0.2, 0.0])
    checker = CheckedWakeDetector(wake, stt, "Hey Jarvis.", cfg.wake.check_lag)
    found = [checker.process(c) for c in [*audio, AudioChunk(bytes(2560), 10**6)]]
    assert any(found) is woke
