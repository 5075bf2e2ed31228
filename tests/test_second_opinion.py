"""The second speech model (Whisper base beside tiny.en), real on real speech: the
first model's transcript is replaced by a mishearing of it, and the second, hearing
the same audio, must still carry out what was said, and only that."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.audio import read_wav
from assistant.config import load_config
from assistant.intent import Hearing
from assistant.models import ModelStore
from assistant.stt import FasterWhisperTranscriber, SecondOpinion, Transcriber

from .speech import TRUST
from .test_cascade import _cascade

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def two_models(models_ready: None) -> Transcriber:
    cfg = load_config()
    assert cfg.stt.second_model, "the bundled config has a second model"
    store = ModelStore(cfg.models_dir)
    first = FasterWhisperTranscriber.from_config(cfg.stt, store)
    return SecondOpinion.beside(first, cfg.stt, store)


def _heard(two: Transcriber, speech: dict[str, Path], name: str) -> Hearing:
    return two.hear(read_wav(speech[TRUST[name].name]))


def test_what_the_first_model_misheard_the_second_carries_out(
    two_models: Transcriber, speech: dict[str, Path], tmp_path: Path
) -> None:
    heard = _heard(two_models, speech, "porch_off")
    misheard = replace(heard, text="The porridge of the pot flight.", words=())
    cascade, llm = _cascade(tmp_path)
    decision = cascade.decide(misheard.text, misheard)
    assert decision.path == "second" and not decision.asking
    sent = [(c.topic, c.payload) for c in decision.response.commands]
    assert sent == [("tasmota/porch/cmnd/POWER", "OFF")]
    assert llm.asked == []  # read before the LLM guessed


def test_the_second_model_does_not_turn_a_lacking_room_into_a_device(
    two_models: Transcriber, speech: dict[str, Path], tmp_path: Path
) -> None:
    """ "Turn off the bathroom light" in a home without a bathroom: whatever the
    second model hears, nothing is switched without a yes."""
    heard = _heard(two_models, speech, "bathroom")
    cascade, _ = _cascade(tmp_path)
    decision = cascade.decide(heard.text, heard)
    assert decision.response.commands == [] or decision.asking
    if decision.asking:
        assert cascade.decide("no").response.commands == []


def test_a_question_the_first_garbled_is_answered_from_the_second(
    two_models: Transcriber, speech: dict[str, Path], tmp_path: Path
) -> None:
    heard = _heard(two_models, speech, "is_fan")
    garbled = replace(heard, text="Is the sealing fun in?", words=())
    cascade, _ = _cascade(tmp_path)
    decision = cascade.decide(garbled.text, garbled)
    assert decision.path == "second", decision.response.speech
    assert decision.response.commands == [] and not decision.asking
    assert "ceiling fan" in decision.response.speech.lower()
