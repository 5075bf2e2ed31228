"""What the words say: unsure action words and next-best transcripts kept true."""

from __future__ import annotations

import pytest

from assistant.intent import Hearing, Intent
from assistant.intent.alternatives import faithful
from assistant.intent.wording import doubt, kind_of, unfinished, unsure_word


def _hearing(text: str, prob: float = 0.95) -> Hearing:
    return Hearing(text, tuple((w, prob) for w in text.split()))


@pytest.mark.parametrize(
    ("heard", "name", "unsure"),
    [("lock the back door", "HassLock", None),
     ("and lock the back door", "HassLock", "and lock"),  # "unlock"?
     ("activate the kettle", "HassTurnOn", None),
     ("the activate the kettle", "HassTurnOn", "the activate"),  # "deactivate"?
     ("i need to activate the kettle", "HassTurnOn", "to activate")],
)  # fmt: skip
def test_a_syllable_before_lock_is_unsure(heard: str, name: str, unsure: str) -> None:
    assert unsure_word(Intent(name), _hearing(heard), 0.3) == unsure


def test_a_low_probability_action_word_is_unsure() -> None:
    words = (("please", 0.9), ("close", 0.2), ("the", 0.9), ("blind", 0.9))
    hearing = Hearing("please close the blind", words)
    assert unsure_word(Intent("HassClose"), hearing, 0.3) == "close"
    assert unsure_word(Intent("HassClose"), hearing, 0.1) is None
    first = Hearing("close the blind", words[1:])  # a first word says little
    assert unsure_word(Intent("HassClose"), first, 0.3) is None


def test_a_number_heard_unsurely_is_unsure() -> None:
    """ "Set the desk lamp to 25%" with "25%" a guess: the value it would set."""
    words = (("set", 0.9), ("the", 0.9), ("desk", 0.9), ("lamp", 0.9), ("to", 0.9))
    reading = Intent("HassLightSet", {"name": "Desk Lamp", "brightness": 25})
    unsure = Hearing("set the desk lamp to 25%", (*words, ("25%", 0.2)))
    sure = Hearing("set the desk lamp to 25%", (*words, ("25%", 0.7)))
    assert unsure_word(reading, unsure, 0.3) == "25%"
    assert unsure_word(reading, sure, 0.3) is None


@pytest.mark.parametrize(
    ("heard", "said", "name", "trust"),
    [("switch on the stugger light", "switch on the study light", "HassTurnOn", "act"),
     ("set the stony light to 60 percent", "set the study light to 60 percent",
      "HassLightSet", "act"),
     ("switch off the floor firing", "switch off the floor lamp", "HassTurnOff", "no"),
     ("i'm off the back door now", "lock the back door now", "HassLock", "no"),
     ("turn the porch light off the hour", "turn on the porch light", "HassTurnOn",
      "no"),
     ("the back door please", "lock the back door please", "HassLock", "ask"),
     ("set the lamp to percent", "set the lamp to 30 percent", "HassLightSet", "ask"),
     ("turn on the bathroom light orange", "turn on the bathroom light", "HassTurnOn",
      "ask"),  # a word said, left out
     ("turn on the porch light please", "turn on the porch light", "HassTurnOn",
      "act")],
)  # fmt: skip
def test_next_best_transcripts_mend_names_not_actions(
    heard: str, said: str, name: str, trust: str
) -> None:
    assert faithful(heard, said, Intent(name)) == trust


def test_an_answer_may_come_from_a_next_best_transcript() -> None:
    said = "is the towel rail off"
    assert faithful("is the towel rail switch off", said, Intent("HassGetState"),
                    publishes=False) == "act"  # fmt: skip


def test_a_number_said_that_the_reading_does_not_set_is_doubted() -> None:
    turn_off = Intent("HassTurnOff", {"name": "Bedside Lamp"})
    assert doubt("save the lighting the bedroom to 50 percent", None, turn_off)
    assert doubt("turn off the bedside lamp", None, turn_off) is None
    dim = Intent("HassLightSet", {"name": "Bedside Lamp", "brightness": 50})
    assert doubt("bedside lamp to 50 percent", None, dim) is None


def test_a_setting_read_as_a_switch_is_doubted() -> None:
    turn_off = Intent("HassTurnOff", {"name": "Desk Lamp"})
    assert doubt(
        "could you save the colour of the desk lamp to warm wide", None, turn_off
    )
    assert doubt("the desk lamp is on and nobody needs it", None, turn_off) is None


@pytest.mark.parametrize(
    ("said", "kind"),
    [("office shutter open", "statement"),  # "is the office shutter open", misheard
     ("the main door unlocked", "statement"),
     ("turn the office shutter on", "command"),
     ("switch the porch light off", "command")],
)  # fmt: skip
def test_a_device_and_a_state_without_a_verb_is_no_command(
    said: str, kind: str
) -> None:
    assert kind_of(said) == kind


@pytest.mark.parametrize(
    ("said", "kind"),
    [("this is the mac door lock or unlocked", "question"),
     ("the balcony blind open or close", "question"),
     ("the art and the state of the madroom radiator", "question"),
     ("turn the porch light on or i trip", "command"),
     ("open the kitchen blind", "command")],
)  # fmt: skip
def test_a_choice_of_states_or_the_state_of_something_is_a_question(
    said: str, kind: str
) -> None:
    assert kind_of(said) == kind


@pytest.mark.parametrize(
    ("clean", "cut"),
    [("turn on the", True), ("set the kitchen light to", True),
     ("switch off the please", True), ("turn on the kettle", False),
     ("turn it on", False), ("play some jazz", False)],
)  # fmt: skip
def test_words_cut_short_are_never_echoed(clean: str, cut: bool) -> None:
    assert unfinished(clean) is cut
