"""A wake word the two seconds left in doubt, decided on the whole sentence: the
checker's logic and the orchestrator's handling, with fakes (the real Whisper on
real speech is in test_wake_check.py and the eval slice)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.audio import SAMPLE_RATE, AudioChunk, chunks, read_wav
from assistant.events import EventType, PipelineEvent
from assistant.intent import Hearing
from assistant.wake import Detection
from assistant.wake_check import CheckedWakeDetector

from .speech import TRUST
from .test_pipeline import FakeStt, LoudWake, Recorder, _audio, _pipeline
from .test_wake_check import FakeWake


class TwoWhispers:
    """Hears ``short`` in two seconds of audio or less, ``long`` in more; the
    wake phrase put in place is ``lag`` less likely than either."""

    def __init__(self, short: str, long: str, lag: float) -> None:
        self.short, self.long, self.lag = short, long, lag
        self.lengths: list[int] = []

    def hear(
        self, audio: bytes, prompt: str | None = None, *, lead: str = ""
    ) -> Hearing:
        self.lengths.append(len(audio))
        text = self.short if len(audio) <= 2 * SAMPLE_RATE * 2 else self.long

        def score(texts: Sequence[str]) -> list[float]:
            return [-2.0 if t == text else -2.0 - self.lag for t in texts]

        return Hearing(text, score=score)


def _doubtful(whisper: TwoWhispers, sentence_lag: float) -> Detection | None:
    checker = CheckedWakeDetector(
        FakeWake([0.0] * 30 + [0.2, 0.0]), whisper, "Hey Jarvis.", 4.0, sentence_lag
    )
    found = [checker.process(AudioChunk(bytes(2560), 80 * i)) for i in range(33)]
    return next((d for d in found if d is not None), None)


def test_rejected_on_two_seconds_is_decided_by_the_sentence() -> None:
    whisper = TwoWhispers("Hey, John, this.", "Hey, John, this mate.", 5.0)
    found = _doubtful(whisper, sentence_lag=5.5)
    assert found is not None and found.confirm is not None  # not yet a wake word
    command = bytes(3 * SAMPLE_RATE * 2)
    assert found.confirm(command) is True
    # the sentence heard: the two seconds up to the detection's chunk (the chunk
    # after it goes with the command), then the command
    assert whisper.lengths[-1] == 24 * 2560 + len(command)


def test_a_near_miss_stays_rejected_on_the_sentence() -> None:
    whisper = TwoWhispers("Hey Travis.", "Hey Travis, turn on the lamp.", 7.8)
    found = _doubtful(whisper, sentence_lag=5.5)
    assert found is not None and found.confirm is not None
    assert found.confirm(bytes(3 * SAMPLE_RATE * 2)) is False


class LedWhisper:
    """Hears ``free`` (garbage) freely, and ``led`` when made to start with the
    wake phrase; the audio finds "Hey Jarvis, <led>" ``lag`` less likely than
    ``free``, and ``free``'s first two words before ``led`` ``other`` less likely
    (negative: likelier)."""

    def __init__(
        self,
        led: str,
        lag: float,
        free: str = "The only one in the world.",
        other: float = 20.0,
    ) -> None:
        self.led, self.lag, self.leads = led, lag, list[str]()
        self.free, self.other = free, other

    def hear(
        self, audio: bytes, prompt: str | None = None, *, lead: str = ""
    ) -> Hearing:
        self.leads.append(lead)
        if lead:
            return Hearing(self.led)
        rest = f"{self.led[:1].lower()}{self.led[1:]}"
        first = " ".join(self.free.split()[:2]).rstrip(",.")

        def score(texts: Sequence[str]) -> list[float]:  # the phrase in place: far off
            return [-2.0 if t == self.free else
                    -2.0 - self.lag if t == f"Hey Jarvis, {rest}" else
                    -2.0 - self.other if t == f"{first}, {rest}" else -20.0
                    for t in texts]  # fmt: skip

        return Hearing(self.free, score=score)


@pytest.mark.parametrize(("lag", "woke"), [(1.0, True), (7.8, False)])
def test_a_sentence_heard_as_garbage_is_heard_again_after_the_phrase(
    lag: float, woke: bool
) -> None:
    """A robotic voice heard as something else from its first word: with the wake
    phrase forced first, Whisper hears the command, and the audio decides."""
    whisper = LedWhisper("Could you turn on the lamp.", lag)
    found = _doubtful(whisper, sentence_lag=4.5)  # type: ignore[arg-type]
    assert found is not None and found.confirm is not None
    assert found.confirm(bytes(3 * SAMPLE_RATE * 2)) is woke
    assert whisper.leads[-1] == "Hey Jarvis,"


@pytest.mark.parametrize(("other", "woke"), [(8.0, True), (-7.0, False)])
def test_a_near_miss_the_forced_phrase_made_whole_stays_one(
    other: float, woke: bool
) -> None:
    """ "Hey service, set the study light…" heard "Hey Surface, setlessly white…";
    forced to start with the wake phrase, "Hey Jarvis, set this pretty wide…". The
    same words after "Hey Surface" are likelier: the near miss stays rejected."""
    whisper = LedWhisper(
        "Set this pretty wide to 75%.", 0.9, "Hey Surface, setlessly white.", other
    )
    found = _doubtful(whisper, sentence_lag=4.5)  # type: ignore[arg-type]
    assert found is not None and found.confirm is not None
    assert found.confirm(bytes(3 * SAMPLE_RATE * 2)) is woke


def test_without_sentence_lag_the_two_seconds_decide() -> None:
    whisper = TwoWhispers("Hey, John, this.", "Hey, John, this mate.", 5.0)
    assert _doubtful(whisper, sentence_lag=0.0) is None
    assert len(whisper.lengths) == 1


class Verdicts:
    """The whole sentence's verdicts, in turn; the audio each was asked about."""

    def __init__(self, *answers: bool) -> None:
        self.answers, self.heard = list(answers), list[bytes]()

    def __call__(self, audio: bytes) -> bool:
        self.heard.append(audio)
        return self.answers.pop(0)


class DoubtfulWake(LoudWake):
    """The loud chunk is a wake word in doubt, decided by ``verdict``."""

    def __init__(self, verdict: Callable[[bytes], bool]) -> None:
        self.verdict = verdict

    def process(self, chunk: AudioChunk) -> Detection | None:
        found = super().process(chunk)
        if found is None:
            return None
        return Detection(found.name, 0.2, found.timestamp_ms, confirm=self.verdict)


async def test_a_doubtful_wake_word_the_sentence_rejects_is_no_wake_word() -> None:
    events: list[PipelineEvent] = []
    publisher, verdicts = Recorder(), Verdicts(False)
    pipeline = _pipeline(FakeStt(), events, publisher)
    pipeline.wake = DoubtfulWake(verdicts)
    result = await pipeline.run_audio(_audio())
    assert result.wake_word is None and result.transcript is None
    assert events == [] and publisher.published == []  # no tone, no state, nothing
    heard = verdicts.heard
    assert len(heard) == 1 and len(heard[0]) >= SAMPLE_RATE * 2  # the command


async def test_a_doubtful_wake_word_the_sentence_confirms_acts() -> None:
    events: list[PipelineEvent] = []
    publisher = Recorder()
    pipeline = _pipeline(FakeStt(), events, publisher)
    pipeline.wake = DoubtfulWake(Verdicts(True))
    result = await pipeline.run_audio(_audio())
    kinds = [e.type for e in events]
    assert kinds[:3] == [EventType.WAKE_END, EventType.VAD_START, EventType.VAD_END]
    assert events[0].data["late"] is True  # no wake tone after the sentence
    assert [(c.topic, c.payload) for c in publisher.published] == [("lamp/set", "ON")]
    assert result.response == "Turning on the lamp."


async def test_after_a_rejected_sentence_the_wake_word_still_works() -> None:
    events: list[PipelineEvent] = []
    publisher = Recorder()
    pipeline = _pipeline(FakeStt(), events, publisher)
    pipeline.wake = DoubtfulWake(Verdicts(False, True))
    silence = np.zeros(SAMPLE_RATE, "<i2").tobytes()
    result = await pipeline.run_audio(_audio() + silence + _audio())
    assert result.wake_word == "fake"
    assert [(c.topic, c.payload) for c in publisher.published] == [("lamp/set", "ON")]


class LaterSure(DoubtfulWake):
    """A doubt at the loud chunk, then a sure wake word two chunks later."""

    def __init__(self, verdict: Callable[[bytes], bool]) -> None:
        super().__init__(verdict)
        self.countdown: int | None = None

    def process(self, chunk: AudioChunk) -> Detection | None:
        if self.countdown is not None:
            self.countdown -= 1
            if self.countdown == 0:
                return Detection("fake", 0.9, chunk.timestamp_ms + 80)
        found = super().process(chunk)
        if found is not None:
            self.countdown = 2
        return found


async def test_a_sure_wake_word_while_in_doubt_takes_over() -> None:
    """With the audio before it, as any sure wake word: a command's first word
    said right after the wake word is heard whole, not cut."""
    events: list[PipelineEvent] = []
    publisher, verdicts, stt = Recorder(), Verdicts(False), FakeStt()
    pipeline = _pipeline(stt, events, publisher)
    pipeline.wake = LaterSure(verdicts)
    result = await pipeline.run_audio(_audio())
    assert verdicts.heard == []  # the sure one decided; the doubt was never checked
    assert events[0].type == EventType.WAKE_END and "late" not in events[0].data
    assert result.wake_word == "fake"
    assert [(c.topic, c.payload) for c in publisher.published] == [("lamp/set", "ON")]
    assert stt.lead and (np.frombuffer(stt.audio, "<i2") == 1000).any()  # preroll


@pytest.mark.model
@pytest.mark.parametrize(
    ("name", "woke"), [("jarvis_sentence", True), ("travis_sentence", False)]
)
def test_real_whisper_decides_on_the_sentence(
    speech: dict[str, Path], name: str, woke: bool
) -> None:
    """A robotic voice's "Hey Jarvis" is too garbled on two seconds and clear with
    the sentence; "Hey Travis" stays rejected on the sentence."""
    from assistant.config import load_config
    from assistant.models import ModelStore
    from assistant.stt import FasterWhisperTranscriber

    cfg = load_config()
    stt = FasterWhisperTranscriber.from_config(cfg.stt, ModelStore(cfg.models_dir))
    audio = list(chunks(read_wav(speech[TRUST[name].name])))
    at = round(1.5 / 0.08)  # an unsure score at the end of the wake phrase
    wake = FakeWake([0.0] * at + [0.2, 0.0])
    checker = CheckedWakeDetector(
        wake, stt, "Hey Jarvis.", cfg.wake.check_lag, cfg.wake.sentence_lag
    )
    found = [checker.process(chunk) for chunk in audio]
    index = next(i for i, d in enumerate(found) if d is not None)
    doubt = found[index]
    assert doubt is not None and doubt.confirm is not None  # two seconds: no
    rest = b"".join(c.audio for c in audio[index + 1 :])
    assert doubt.confirm(rest) is woke
