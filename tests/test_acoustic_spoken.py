"""Names and opposite action words checked against the sound, with the real
Whisper on real speech: the transcript is replaced by a mishearing of it, and the
audio must still pick out what was said."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.audio import read_wav
from assistant.config import load_config
from assistant.intent import Hearing
from assistant.intent.acoustic import AcousticLimits, check_names, opposite_by_sound
from assistant.models import ModelStore
from assistant.stt import FasterWhisperTranscriber

from .speech import TRUST
from .test_cascade import _cascade

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def whisper(models_ready: None) -> FasterWhisperTranscriber:
    cfg = load_config()
    return FasterWhisperTranscriber.from_config(cfg.stt, ModelStore(cfg.models_dir))


def _hear(
    whisper: FasterWhisperTranscriber, speech: dict[str, Path], name: str
) -> Hearing:
    return whisper.hear(read_wav(speech[TRUST[name].name]))


def test_the_sound_tells_the_said_name_from_the_others(
    whisper: FasterWhisperTranscriber, speech: dict[str, Path]
) -> None:
    hearing = _hear(whisper, speech, "desk_lamp")
    assert hearing.score is not None
    said, *others = hearing.score(
        ["Turn on the desk lamp.", "Turn on the back door.",
         "Turn on the garage door.", "Turn on the kitchen light."]
    )  # fmt: skip
    assert all(said - other > 4.0 for other in others), (said, others)


def test_a_misheard_name_is_mended_by_the_sound(
    whisper: FasterWhisperTranscriber, speech: dict[str, Path], tmp_path: Path
) -> None:
    heard = _hear(whisper, speech, "desk_lamp")
    misheard = replace(heard, text="Turn on the Dusk Dump.", words=())
    cascade, llm = _cascade(tmp_path)
    intent = cascade.recognizer.recognize("Turn on the Dusk Dump.")
    assert intent is not None and not intent.entity_ids  # the letters alone: no name
    verdict = check_names(intent, misheard, cascade.recognizer, AcousticLimits())
    assert verdict is not None and verdict.intent.entity_ids == ("light.desk_lamp",)
    decision = cascade.decide(misheard.text, misheard)
    if decision.asking:
        decision = cascade.decide("yes")
    assert [(c.topic, json.loads(c.payload)) for c in decision.response.commands] == [
        ("zigbee2mqtt/desk_lamp/set", {"state": "ON"})
    ]
    assert llm.asked == []


def test_a_first_action_word_heard_wrong_is_asked(
    whisper: FasterWhisperTranscriber, speech: dict[str, Path], tmp_path: Path
) -> None:
    """ "Deactivate the ceiling fan" heard as "Activate …": the audio finds the
    opposite word at least as likely, so it asks instead of switching it on."""
    heard = _hear(whisper, speech, "activate_fan")
    assert heard.text.lower().startswith("deactivate"), heard.text
    wrong = replace(
        heard,
        text="Activate the ceiling fan.",
        words=(("activate", 0.9), ("the", 0.9), ("ceiling", 0.9), ("fan", 0.9)),
    )
    cascade, _ = _cascade(tmp_path)
    intent = cascade.recognizer.recognize(wrong.text)
    assert intent is not None and intent.name == "HassTurnOn"
    assert opposite_by_sound(intent, wrong, AcousticLimits().opposite) is not None
    decision = cascade.decide(wrong.text, wrong)
    assert decision.asking and decision.response.confirm == "Turn on the ceiling fan?"
    assert cascade.decide("no").response.commands == []


@pytest.mark.parametrize(("name", "refused"), [("bathroom_fan", True),
                                               ("bedroom_fan", False)])  # fmt: skip
def test_a_room_the_home_lacks_is_not_taken_for_its_own(
    whisper: FasterWhisperTranscriber,
    speech: dict[str, Path],
    tmp_path: Path,
    name: str,
    refused: bool,
) -> None:
    """Written as the home's "Bedroom Fan" (as Whisper's prompt of the home's
    names may write "bathroom"), the audio of "bathroom fan" is refused by name;
    that of "bedroom fan" switches the bedroom's ceiling fan on."""
    heard = _hear(whisper, speech, name)
    biased = replace(heard, text="Turn on the Bedroom Fan.", words=())
    cascade, llm = _cascade(tmp_path)
    decision = cascade.decide(biased.text, biased)
    sent = [(c.topic, c.payload) for c in decision.response.commands]
    if refused:
        assert sent == [] and not decision.asking, decision.response.speech
        assert "bathroom" in decision.response.speech.lower()
    else:
        assert sent == [("t/bedroom/fan/set", "ON")] and not decision.asking
    assert llm.asked == []


def test_a_refusal_names_the_thing_the_audio_says(
    whisper: FasterWhisperTranscriber, speech: dict[str, Path], tmp_path: Path
) -> None:
    """ "Garden sprinkler" written as "Garden String Clear" (a home without one):
    refused, naming the garden sprinkler, not the words Whisper wrote."""
    heard = _hear(whisper, speech, "sprinkler")
    misheard = replace(heard, text="Hey Jarvis, turn on the Garden String Clear.")
    cascade, llm = _cascade(tmp_path)
    decision = cascade.decide(misheard.text, misheard)
    speech_said = decision.response.speech.lower()
    assert decision.response.commands == [] and not decision.asking
    assert "garden sprinkler" in speech_said and "string" not in speech_said
    assert llm.asked == []
