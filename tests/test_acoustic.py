"""Names and opposite action words checked against the sound: the decision logic
with a scorer standing in for Whisper (the real one: tests/test_acoustic_spoken.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.intent import Hearing
from assistant.intent.refusal import as_heard_thing
from assistant.intent.things import Things
from assistant.llm.understand import Understanding

from .test_cascade import _cascade


def _hearing(text: str, scores: dict[str, float], default: float = -40.0) -> Hearing:
    """What Whisper heard, and how likely the audio finds each other sentence
    (``scores``; any other: ``default``)."""

    def score(texts: Sequence[str]) -> list[float]:
        asked.extend(texts)
        return [scores.get(t, default) for t in texts]

    asked: list[str] = []
    words = tuple((w.strip(".?,").lower(), 0.9) for w in text.split())
    return Hearing(text, words, score=score)


def test_a_misheard_name_the_sound_is_sure_of_acts(tmp_path: Path) -> None:
    cascade, llm = _cascade(tmp_path)
    heard = "Turn on the Dusk Dump."
    hearing = _hearing(heard, {heard: -6.0, "Turn on the Desk Lamp.": -7.5})
    decision = cascade.decide(heard, hearing)
    assert decision.path == "acoustic" and not decision.asking
    assert [(c.topic, c.payload) for c in decision.response.commands] == [
        ("zigbee2mqtt/desk_lamp/set", '{"state":"ON"}')
    ]
    assert llm.asked == []


def test_a_name_less_clear_is_asked_and_yes_acts(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    heard = "Turn on the Dusk Dump."
    hearing = _hearing(heard, {heard: -6.0, "Turn on the Desk Lamp.": -12.0})
    decision = cascade.decide(heard, hearing)
    assert decision.asking and decision.path == "acoustic"
    assert decision.response.confirm == "Turn on the desk lamp?"
    assert [c.topic for c in cascade.decide("yes").response.commands] == [
        "zigbee2mqtt/desk_lamp/set"
    ]


@pytest.mark.parametrize(
    ("scores", "why"),
    [({"Turn on the Desk Lamp.": -30.0}, "far less likely than what was heard"),
     ({"Turn on the Desk Lamp.": -7.0, "Turn on the Kitchen Light.": -8.0},
      "two names alike")],
)  # fmt: skip
def test_a_name_the_sound_cannot_pick_is_not_acted_on(
    tmp_path: Path, scores: dict[str, float], why: str
) -> None:
    cascade, _ = _cascade(tmp_path, llm_confidence=0.5)
    heard = "Turn on the Dusk Dump."
    decision = cascade.decide(heard, _hearing(heard, {heard: -6.0, **scores}))
    assert decision.path != "acoustic", (why, decision)
    assert decision.asking or decision.response.commands == [], why


def test_a_question_is_answered_not_turned_into_a_command(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    heard = "What is the Dusk Dump?"
    hearing = _hearing(heard, {heard: -6.0, "What is the Desk Lamp?": -6.5})
    decision = cascade.decide(heard, hearing)
    assert decision.response.commands == [] and not decision.asking
    assert decision.path == "acoustic"
    assert "desk lamp" in decision.response.speech.lower()


def test_unknown_things_stay_unknown_whatever_the_sound(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    heard = "Turn on the garden sprinkler."
    hearing = _hearing(heard, {heard: -6.0}, default=-6.0)
    decision = cascade.decide(heard, hearing)
    assert decision.response.commands == [] and not decision.asking
    assert "sprinkler" in decision.response.speech


_FIRST = ("Lock the back door.", "Unlock the back door.", None, "LOCK")
"""Opens with its action word, whose probability says nothing."""
_UNSURE = ("Turn off the kitchen light.", "Turn on the kitchen light.", 0.2, "OFF")
"""Its "off" decoded at 0.2: Whisper wavered, maybe only between "off" and "of"."""


@pytest.mark.parametrize("case", [_FIRST, _UNSURE], ids=["first", "unsure"])
@pytest.mark.parametrize(
    ("opposite", "asked"), [(-5.5, True), (-9.0, False)]
)  # fmt: skip
def test_an_action_word_in_doubt_is_checked_against_its_opposite(
    tmp_path: Path,
    case: tuple[str, str, float | None, str],
    opposite: float,
    asked: bool,
) -> None:
    """The sentence with the opposite action word is scored on the same audio:
    nearly as likely, the command is asked back; far less likely, it acts."""
    heard, swapped, sure, payload = case
    cascade, _ = _cascade(tmp_path)
    hearing = _hearing(heard, {heard: -5.0, swapped: opposite})
    if sure is not None:
        words = list(hearing.words)
        words[1] = (words[1][0], sure)
        hearing = replace(hearing, words=tuple(words))
    decision = cascade.decide(heard, hearing)
    assert decision.asking is asked
    if asked:
        assert decision.response.confirm == heard.rstrip(".") + "?"
        assert cascade.decide("no").response.commands == []
    else:
        assert [c.payload for c in decision.response.commands] == [payload]


def test_every_plain_sentence_is_read_by_the_rules(tmp_path: Path) -> None:
    from assistant.intent.acoustic import frames

    cascade, _ = _cascade(tmp_path)
    named = {domain: spoken for spoken, _, domain in
             cascade.recognizer.named_in("kitchen light desk lamp ceiling fan "
                                         "garage door back door coffee machine "
                                         "living room thermostat")}  # fmt: skip
    named["area"] = "kitchen"
    assert set(frames()) - {"sensor", "binary_sensor"} <= set(named)
    for domain, lines in frames().items():
        if domain not in named:
            continue
        for line in lines:
            said = line.format(name=named[domain], area=named[domain])
            found = cascade.recognizer.recognize(said)
            assert found is not None and found.confidence == 1.0, (domain, line)
            assert found.entity_ids, (domain, line)


def test_a_misheard_question_about_a_device_is_answered(tmp_path: Path) -> None:
    cascade, llm = _cascade(tmp_path)
    heard = "Use the Garage Door. Open or close."
    hearing = _hearing(heard, {heard: -5.0, "Is the Garage Door open or closed?": -9.0,
                               "Open the Garage Door.": -20.0})  # fmt: skip
    decision = cascade.decide(heard, hearing)
    assert decision.path == "plain" and decision.response.commands == []
    assert "garage door" in decision.response.speech.lower()
    assert llm.asked == []


def test_a_misheard_command_about_a_device_is_asked(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    heard = "Gloss the Garage Door now and then."
    hearing = _hearing(heard, {heard: -5.0, "Close the Garage Door.": -9.0,
                               "Is the Garage Door closed?": -15.0})  # fmt: skip
    decision = cascade.decide(heard, hearing)
    assert decision.path == "plain" and decision.asking
    assert decision.response.confirm == "Close the garage door?"
    assert [c.payload for c in cascade.decide("yes").response.commands] == ["CLOSE"]


def test_a_plain_sentence_the_sound_cannot_pick_is_not_taken(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path, llm_confidence=0.5)
    heard = "Gloss the Garage Door now and then."
    hearing = _hearing(heard, {heard: -5.0, "Close the Garage Door.": -9.0,
                               "Open the Garage Door.": -10.0})  # fmt: skip
    decision = cascade.decide(heard, hearing)
    assert decision.path != "plain"


def test_a_plain_sentence_against_a_heard_action_word_is_not_taken(
    tmp_path: Path,
) -> None:
    """ "Off" was heard: "turn on the garage door" is never offered, however the
    audio scores it."""
    cascade, _ = _cascade(tmp_path, llm_confidence=0.5)
    heard = "Turn the Garage Door off the hour."
    hearing = _hearing(heard, {heard: -5.0, "Open the Garage Door.": -6.0})
    decision = cascade.decide(heard, hearing)
    assert decision.path != "plain"
    assert "Open" not in (decision.response.confirm or "")


def test_a_plain_command_is_asked_however_sure_the_sound(tmp_path: Path) -> None:
    """A short sentence scores well against longer speech for its length alone:
    a command read this way is always asked back."""
    cascade, _ = _cascade(tmp_path)
    heard = "Cut you too off the Kitchen Light."
    hearing = _hearing(heard, {heard: -5.0, "Turn off the Kitchen Light.": -4.0})
    decision = cascade.decide(heard, hearing)
    assert decision.path == "plain" and decision.asking
    assert decision.response.confirm == "Turn off the kitchen light?"


def test_no_plain_sentence_when_a_number_was_heard(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path, llm_confidence=0.5)
    heard = "Set the Garage Door to 15th."
    hearing = _hearing(heard, {heard: -5.0, "Open the Garage Door.": -4.0})
    assert cascade.decide(heard, hearing).path != "plain"


def test_a_name_with_more_words_than_a_slip_is_asked(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    heard = "Turn on the Dusk Dump Bottle Again."
    hearing = _hearing(heard, {heard: -6.0, "Turn on the Desk Lamp.": -6.5})
    decision = cascade.decide(heard, hearing)
    assert decision.path == "acoustic" and decision.asking


@pytest.mark.parametrize(
    ("heard", "mended", "asks"),
    [("Turn on the Dusk Dump Orange.", "Turn on the Desk Lamp.", True),  # a colour
     ("Turn on the Dusk Dump please.", "Turn on the Desk Lamp.", False),
     ("Turn on the Dusk Dump in.", "Turn on the Desk Lamp.", False),  # a slip
     ("Turn on the Kitchen Light Pink.", "Turn on the Kitchen Light.", True)],
)  # fmt: skip
def test_a_word_beyond_the_mended_name_is_asked(
    tmp_path: Path, heard: str, mended: str, asks: bool
) -> None:
    """ "…the kitchen pendant pink" must not switch the pendant on unasked and
    drop the pink."""
    cascade, _ = _cascade(tmp_path)
    hearing = _hearing(heard, {heard: -6.0, mended: -6.5})
    decision = cascade.decide(heard, hearing)
    assert decision.path in ("acoustic", "fuzzy") and decision.asking is asks


def test_a_misheard_question_about_a_room_is_answered(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    heard = "How cold is it until Kitchen?"
    hearing = _hearing(heard, {heard: -5.0, "How cold is it in the Kitchen?": -7.0})
    decision = cascade.decide(heard, hearing)
    assert decision.path == "plain" and decision.response.commands == []
    assert "temperature in the kitchen" in decision.response.speech.lower()


def test_an_llm_action_the_sound_speaks_against_is_asked(tmp_path: Path) -> None:
    """The fake LLM turns the porch light on, sure; the audio sounds most like a
    question about it: asked first, not done."""
    cascade, llm = _cascade(tmp_path, llm_confidence=1.0)
    heard = "I need to take on the Porch Light."
    hearing = _hearing(heard, {heard: -5.0, "Is the Porch Light on?": -18.0,
                               "Turn on the Porch Light.": -20.0})  # fmt: skip
    decision = cascade.decide(heard, hearing)
    assert llm.asked and decision.path == "llm"
    assert decision.asking and decision.response.confirm == "Turn on the porch light?"


def test_a_room_and_a_kind_the_sound_says_is_a_name(tmp_path: Path) -> None:
    """ "The office lamp" is the desk lamp in the office: written "Orphis Lamp",
    the audio picks it among the home's names and its rooms with their kinds."""
    cascade, _ = _cascade(tmp_path)
    heard = "Turn on the Orphis Lamp."
    hearing = _hearing(heard, {heard: -6.0, "Turn on the Office Lamp.": -7.0})
    decision = cascade.decide(heard, hearing)
    assert decision.path == "acoustic" and not decision.asking
    assert [c.topic for c in decision.response.commands] == [
        "zigbee2mqtt/desk_lamp/set"
    ]


def test_a_reading_the_home_cannot_do_is_no_candidate(tmp_path: Path) -> None:
    """ "Open the kitchen light", however likely the audio finds it, is no reading
    of "Open the Kitchen Lines": a light does not open."""
    cascade, _ = _cascade(tmp_path, llm_confidence=0.5)
    heard = "Open the Kitchen Lines."
    hearing = _hearing(heard, {heard: -6.0, "Open the Kitchen Light.": -6.5})
    decision = cascade.decide(heard, hearing)
    assert decision.path != "acoustic", decision
    assert decision.response.commands == []


@pytest.mark.parametrize(
    ("heard", "scores", "says"),
    [("Turn on the Hot Turb.", {"Turn on the Hot Tub.": -6.5}, "hot tub"),
     ("Turn on the Hot Turb.", {}, "hot turb"),  # the audio says nothing else
     ("Start the Gloshing Machine.", {"Start the Washing Machine.": -7.0},
      "washing machine"),
     ("Set timer.", {"Set camera.": -5.0}, "set timer")],  # no thing named
)  # fmt: skip
def test_a_refusal_names_what_the_sound_says(
    tmp_path: Path, heard: str, scores: dict[str, float], says: str
) -> None:
    cascade, llm = _cascade(tmp_path)
    llm.understand = lambda text, only=(): Understanding()  # type: ignore[method-assign]
    decision = cascade.decide(heard, _hearing(heard, {heard: -6.0, **scores}))
    assert decision.response.commands == [] and not decision.asking
    assert says in decision.response.speech.lower(), decision.response.speech


@pytest.mark.parametrize(
    ("phrase", "heard", "mended"),
    [("garage lines", "Open the Garage Lines.", "garage lights"),  # no light there
     ("kitchen lines", "Open the Kitchen Lines.", "kitchen lines")],  # it has one
)  # fmt: skip
def test_a_refusal_never_names_what_the_home_has(
    tmp_path: Path, phrase: str, heard: str, mended: str
) -> None:
    cascade, _ = _cascade(tmp_path)
    things = Things(cascade.handler.registry.entities())
    said = heard.replace("Lines", "Lights")
    hearing = _hearing(heard, {heard: -6.0, said: -5.0})
    assert as_heard_thing(phrase, hearing, things) == mended


def test_a_statement_of_state_with_a_misheard_name_is_answered(
    tmp_path: Path,
) -> None:
    """ "The desk lamp is still on?" written "The Dusk Dump is still on.": asked as
    "is the dusk dump on", the sound names the desk lamp; answered, nothing sent."""
    cascade, _ = _cascade(tmp_path)
    heard = "The Dusk Dump is still on."
    hearing = _hearing(heard, {heard: -6.0, "The Desk Lamp is still on.": -6.5})
    decision = cascade.decide(heard, hearing)
    assert decision.response.commands == [] and not decision.asking
    assert "desk lamp" in decision.response.speech.lower(), decision.response.speech
