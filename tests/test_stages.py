"""Each model stage on its own, with the real models and the generated speech."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.audio import chunks, read_wav
from assistant.config import WakeConfig, load_config
from assistant.errors import WakeError
from assistant.models import ModelStore

from .speech import UTTERANCES

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def store(models_ready: None) -> ModelStore:
    return ModelStore(load_config().models_dir)


def _detect(detector, path: Path) -> bool:  # type: ignore[no-untyped-def]
    """Heard for sure (an unsure detection needs Whisper's check: wake_check)."""
    detector.reset()
    found = [detector.process(c) for c in chunks(read_wav(path) + bytes(16000))]
    return any(d is not None and d.sure for d in found)


def test_wake_word_engine_leaves_scikit_learn_out(store: ModelStore) -> None:
    # openwakeword's own __init__ would import it (and SciPy): ~100 MB, unused
    code = (
        "import sys\n"
        "from assistant.config import load_config\n"
        "from assistant.models import ModelStore\n"
        "from assistant.wake import OpenWakeWordDetector\n"
        "cfg = load_config()\n"
        "OpenWakeWordDetector.from_config(cfg.wake, ModelStore(cfg.models_dir))\n"
        "print(sorted(m for m in ('sklearn', 'scipy') if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_wake_word_positive_and_negative(
    store: ModelStore, speech: dict[str, Path]
) -> None:
    from assistant.wake import OpenWakeWordDetector

    detector = OpenWakeWordDetector.from_config(load_config().wake, store)
    for utterance in UTTERANCES:
        assert _detect(detector, speech[utterance.name]) == utterance.wake, (
            utterance.name
        )


def test_both_wake_models_together(store: ModelStore, speech: dict[str, Path]) -> None:
    from assistant.wake import EitherWakeDetector, MicroWakeWordDetector, wake_detector

    either = wake_detector(load_config().wake, store)
    assert isinstance(either, EitherWakeDetector)
    micro = MicroWakeWordDetector("hey_jarvis", load_config().wake.micro_threshold)
    heard_by_micro = 0
    for utterance in UTTERANCES:
        path = speech[utterance.name]
        assert _detect(either, path) == utterance.wake, utterance.name
        found = _detect(micro, path)
        assert not found or utterance.wake, utterance.name  # never without the word
        heard_by_micro += found
    assert heard_by_micro > 0
    either.threshold = 0.7  # Home Assistant's number sets openWakeWord's
    assert either.first.threshold == 0.7


def test_without_microwakeword_openwakeword_listens_alone(
    store: ModelStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import wake

    def broken(model: str, *thresholds: float) -> None:
        raise WakeError(
            "wake-load", f"wake.micro_model: cannot load {model!r} (no lib)"
        )

    monkeypatch.setattr(wake, "MicroWakeWordDetector", broken)
    alone = wake.wake_detector(WakeConfig(), store)  # "auto": a warning, then alone
    assert isinstance(alone, wake.OpenWakeWordDetector)
    with pytest.raises(WakeError, match=r"wake\.micro_model: cannot load 'alexa'"):
        wake.wake_detector(WakeConfig(micro_model="alexa"), store)  # asked for


def test_unknown_wake_word_is_refused(store: ModelStore) -> None:
    from assistant.wake import OpenWakeWordDetector

    with pytest.raises(WakeError, match=r"hey_computer.*known: \['alexa'"):
        OpenWakeWordDetector.from_config(WakeConfig(model="hey_computer"), store)


def test_transcribes_a_command(store: ModelStore, speech: dict[str, Path]) -> None:
    from assistant.stt import FasterWhisperTranscriber

    stt = FasterWhisperTranscriber.from_config(load_config().stt, store)
    for utterance in UTTERANCES:
        if (
            utterance.voice.startswith("piper")
            and not utterance.wake
            and not utterance.noise_db
        ):
            text = stt.transcribe(read_wav(speech[utterance.name]))
            expected = re.sub(r"[^a-z ]", "", utterance.text.lower())
            assert re.sub(r"[^a-z ]", "", text.lower()) == expected


def test_hears_the_command_after_the_wake_phrase(
    store: ModelStore, speech: dict[str, Path]
) -> None:
    """The whole recording, wake phrase first, with Whisper told how it opens:
    the transcript is what it hears after the phrase, first word included."""
    from assistant.stt import FasterWhisperTranscriber

    stt = FasterWhisperTranscriber.from_config(load_config().stt, store)
    checked = 0
    for utterance in UTTERANCES:
        if utterance.voice == "piper" and utterance.wake and not utterance.noise_db:
            audio = read_wav(speech[utterance.name])
            whole = stt.hear(audio).text
            # as written: "Hey Jarvis, …" or, on some CPUs, "Hey, Jarvis, …"
            opening = re.match(r"Hey,? Jarvis, ", whole)
            assert opening is not None, whole
            hearing = stt.hear(audio, lead="Hey Jarvis,")
            rest = whole[opening.end() :]
            assert hearing.text == rest[:1].upper() + rest[1:]
            assert hearing.words[0][0] == rest.split()[0].lower()
            checked += 1
    assert checked >= 3


def test_hears_words_with_probabilities_and_next_best_transcripts(
    store: ModelStore, speech: dict[str, Path]
) -> None:
    from assistant.intent import normalize
    from assistant.stt import FasterWhisperTranscriber

    stt = FasterWhisperTranscriber.from_config(load_config().stt, store)
    clean = next(u for u in UTTERANCES if u.voice.startswith("piper") and not u.wake
                 and not u.noise_db)  # fmt: skip
    hearing = stt.hear(read_wav(speech[clean.name]))
    said = normalize(clean.text).split()
    assert [w for w, _ in hearing.words] == said, hearing
    assert all(0.5 < p <= 1.0 for _, p in hearing.words[1:]), hearing.words
    others = hearing.alternatives()
    assert 1 <= len(others) <= load_config().stt.alternatives
    texts = [normalize(h.text) for h in others]
    assert len(set(texts)) == len(texts) and normalize(hearing.text) not in texts
    assert hearing.alternatives() is others  # decoded once


def test_piper_speaks_at_its_own_rate(store: ModelStore) -> None:
    import numpy as np

    from assistant.tts import PiperSynthesizer

    tts = PiperSynthesizer.from_config(load_config().tts, store)
    audio = tts.synthesize_all("Turning on the kitchen light.")
    assert tts.sample_rate == 22050
    seconds = len(audio) / 2 / tts.sample_rate
    assert 1.0 < seconds < 3.5
    assert np.abs(np.frombuffer(audio, "<i2")).max() > 5000
