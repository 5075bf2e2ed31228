"""The act/ask/refuse decision over the real sentence rules, with a fake LLM."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.dialogue import Session
from assistant.discovery import entity_from_discovery
from assistant.handle import IntentHandler
from assistant.home.registry import DeviceRegistry
from assistant.intent import Hearing, Intent
from assistant.intent.cascade import Cascade
from assistant.intent.decision import Thresholds
from assistant.intent.memory import Memory
from assistant.intent.rules import HassilRecognizer
from assistant.llm.understand import Understanding

from .home import DISCOVERY


class FakeLlm:
    """Reads every paraphrase as "turn on the porch light", as sure as told."""

    def __init__(self, registry: DeviceRegistry, confidence: float) -> None:
        self.registry = registry
        self.porch = next(e for e in registry.entities() if e.name == "Porch Light")
        self.confidence = confidence
        self.asked: list[str] = []

    def vague(self, intent: Intent) -> bool:
        return False

    def understand(self, text: str, only: object = ()) -> Understanding:
        self.asked.append(text)
        intent = Intent("HassTurnOn", {"name": "Porch Light"}, text,
                        (self.porch.entity_id,), self.confidence)  # fmt: skip
        return Understanding(intent=intent)

    def chat(self, text: str) -> Understanding:
        return Understanding(answer="I am just a small assistant.")


def _cascade(tmp_path: Path, llm_confidence: float = 0.8) -> tuple[Cascade, FakeLlm]:
    registry = DeviceRegistry()
    for topic, config in DISCOVERY.items():
        entity = entity_from_discovery(topic, json.dumps(config).encode())
        assert entity is not None
        registry.upsert(entity)
    recognizer = HassilRecognizer(drop_leading=("hey", "jarvis"))
    recognizer.update_devices(registry.entities())
    llm = FakeLlm(registry, llm_confidence)
    cascade = Cascade(
        recognizer,
        IntentHandler(registry, confirm=["lock.unlock"]),
        Session(registry),
        llm=llm,  # type: ignore[arg-type]
        memory=Memory(tmp_path / "learned.json"),
        thresholds=Thresholds(),
        drop_leading=("hey", "jarvis"),
    )
    cascade.update_devices()
    return cascade, llm


@pytest.mark.parametrize(
    ("said", "answer"),
    [("yes please", "yes"), ("Yeah.", "yes"), ("no", "no"), ("nope, don't", None),
     ("never mind", "stop"), ("Stop.", "stop"), ("forget it", "stop"),
     ("stop the fan", None), ("turn on the lamp", None)],
)  # fmt: skip
def test_yes_no_stop_are_sentences(tmp_path: Path, said: str, answer: str) -> None:
    cascade, _ = _cascade(tmp_path)
    from assistant.intent import normalize

    assert cascade.answer_of(normalize(said)) == answer


def test_exact_rule_acts(tmp_path: Path) -> None:
    cascade, llm = _cascade(tmp_path)
    decision = cascade.decide("Hey Jarvis, turn on the kitchen light.")
    assert not decision.asking and decision.response.commands
    assert decision.path == "rules" and llm.asked == []


@pytest.mark.parametrize(
    "said",
    ["turn on the garden sprinkler", "turn off the bathroom light",
     "it's too dark in the bathroom", "open the window",
     "turn on the kitchen fan",  # a fan and a kitchen, but no fan in the kitchen
     "turn on the living room lamp"],
)  # fmt: skip
def test_unknown_things_are_refused_by_name(tmp_path: Path, said: str) -> None:
    cascade, llm = _cascade(tmp_path)
    decision = cascade.decide(said)
    assert not decision.response.commands and not decision.asking
    noun = said.split()[-2] if said.endswith(("light", "fan")) else said.split()[-1]
    assert noun in decision.response.speech, decision.response.speech
    assert llm.asked == []


@pytest.mark.parametrize(
    ("said", "topic"),
    [("it's too dark in the kitchen", "t/kitchen/light/set"),
     ("the office is getting dark", "zigbee2mqtt/desk_lamp/set"),
     ("I can't see a thing in the kitchen", "t/kitchen/light/set")],
)  # fmt: skip
def test_darkness_in_a_room_turns_on_its_lights(
    tmp_path: Path, said: str, topic: str
) -> None:
    cascade, llm = _cascade(tmp_path)
    decision = cascade.decide(said)
    assert [c.topic for c in decision.response.commands] == [topic]
    assert not decision.asking and llm.asked == []


def test_darkness_where_no_light_is_refused(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    decision = cascade.decide("it's too dark in the garage")
    assert not decision.response.commands and not decision.asking
    assert "lights in the garage" in decision.response.speech


def test_another_word_for_a_device_is_no_unknown_thing(tmp_path: Path) -> None:
    """ "The television" for a device called TV: left to the LLM, not refused."""
    cascade, llm = _cascade(tmp_path)
    cascade.decide("nobody is watching the television")
    assert llm.asked == ["nobody is watching the television"]


def test_a_refused_name_leaves_out_the_words_after_it(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    decision = cascade.decide("turn on the garden sprinkler now please")
    speech = decision.response.speech
    assert speech == "I don't know a device called garden sprinkler.", speech


@pytest.mark.parametrize(
    "said",
    ["is the porch light on", "there's the porch light on", "the porch light is on",
     "and the porch light is on then", "so the porch light is off",
     "is the torch light off"],
)  # fmt: skip
def test_questions_never_publish(tmp_path: Path, said: str) -> None:
    cascade, _ = _cascade(tmp_path, llm_confidence=1.0)
    decision = cascade.decide(said)
    assert not decision.response.commands and not decision.asking
    assert "porch light" in decision.response.speech.lower()


@pytest.mark.parametrize(
    ("said", "acts"),
    [("turn on the kitchen light off please", False),  # "turn the … off", misheard
     ("turn off the kitchen light on", False),
     ("turn the kitchen light on please", True),
     ("turn the kitchen light off now", True)],
)  # fmt: skip
def test_both_ways_is_asked(tmp_path: Path, said: str, acts: bool) -> None:
    cascade, _ = _cascade(tmp_path)
    decision = cascade.decide(said)
    assert decision.asking is not acts, decision.response.speech
    assert decision.response.commands  # held until "yes" when asked


@pytest.mark.parametrize(
    ("said", "payload"),
    [("It's so dark in here. Turn on the kitchen light.", "ON"),
     ("Time to go, could you open the garage door?", "OPEN"),
     ("I'm off to bed. Switch off the desk lamp, thanks.", '{"state":"OFF"}')],
)  # fmt: skip
def test_one_command_among_talk_acts(tmp_path: Path, said: str, payload: str) -> None:
    cascade, llm = _cascade(tmp_path)
    decision = cascade.decide(said)
    assert decision.path == "clause" and not decision.asking
    assert [c.payload for c in decision.response.commands][-1:] == [payload]
    assert not llm.asked


@pytest.mark.parametrize(
    "said",
    ["Turn on the kitchen light. No, wait.",  # taken back
     "Turn on the kitchen light. Turn off the desk lamp.",  # two commands
     "Turn on the kitchen light, in the garden.",  # another place
     "Turn on the kitchen light. The desk lamp."],  # another device
)  # fmt: skip
def test_one_command_needs_the_rest_to_be_talk(tmp_path: Path, said: str) -> None:
    cascade, _ = _cascade(tmp_path, llm_confidence=0.5)
    decision = cascade.decide(said)
    assert decision.path != "clause"
    assert not decision.response.commands or decision.asking


def test_a_value_after_the_command_is_no_talk(tmp_path: Path) -> None:
    """ "Turn on the kitchen light [pause] to 70 % please": not "on" alone."""
    cascade, _ = _cascade(tmp_path, llm_confidence=0.5)
    decision = cascade.decide("Turn on the kitchen light. To 70% please.")
    assert decision.path != "clause"
    assert [c.payload for c in decision.response.commands] in ([], ["178", "ON"])


def test_unsure_opposite_is_asked_then_yes_acts(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    hearing = Hearing("turn off the kitchen light",
                      (("turn", 0.9), ("off", 0.2), ("the", 0.9)))  # fmt: skip
    asked = cascade.decide(hearing.text, hearing)
    assert asked.asking and asked.response.confirm == "Turn off the kitchen light?"
    done = cascade.decide("yes")
    assert not done.asking and [c.payload for c in done.response.commands] == ["OFF"]


def test_llm_mid_confidence_asks_learns_and_forgets(tmp_path: Path) -> None:
    cascade, llm = _cascade(tmp_path, llm_confidence=0.8)
    asked = cascade.decide("it is pitch black out front")
    assert asked.asking and asked.response.confirm == "Turn on the porch light?"
    yes = cascade.decide("yes")
    assert yes.response.commands and yes.learn is not None
    cascade.committed(yes)
    again = cascade.decide("it is pitch black out front")
    assert again.path == "memory" and again.response.commands and not again.asking
    assert len(llm.asked) == 1
    assert [i.text for i in cascade.memory.items()] == ["it is pitch black out front"]
    reloaded = Memory(tmp_path / "learned.json")
    assert reloaded.lookup("it is pitch black out front") is not None
    cascade.memory.forget("it is pitch black out front")
    assert cascade.decide("it is pitch black out front").asking


def test_no_is_remembered(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path, llm_confidence=0.8)
    assert cascade.decide("the front needs some light").asking
    refused = cascade.decide("no")
    assert refused.response.speech == "Okay, I won't." and not refused.response.commands
    later = cascade.decide("the front needs some light")
    assert not later.asking and not later.response.commands


def test_llm_low_confidence_and_unsupported_are_refused(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path, llm_confidence=0.5)
    decision = cascade.decide("make it pitch black out front")
    assert not decision.response.commands and not decision.asking


def test_policy_confirmation_still_asks(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    asked = cascade.decide("unlock the back door")
    assert asked.asking and not cascade.decide("no").response.commands
    assert cascade.decide("unlock the back door").asking
    assert cascade.decide("yes").response.commands


def test_a_late_yes_asks_again(tmp_path: Path) -> None:
    """The question went unanswered (the answer window closed): a "yes" after that
    repeats the question rather than acting on it, or doing nothing."""
    cascade, _ = _cascade(tmp_path)
    asked = cascade.decide("unlock the back door")
    cascade.cancel()
    again = cascade.decide("yes")
    assert again.asking and again.response.confirm == asked.response.confirm
    assert [c.payload for c in cascade.decide("yes").response.commands] == ["UNLOCK"]
    assert not cascade.decide("yes").asking  # nothing left to ask


def test_a_late_yes_after_another_command_does_nothing(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    cascade.decide("unlock the back door")
    cascade.cancel()
    cascade.decide("turn on the kitchen light")
    late = cascade.decide("yes")
    assert not late.asking and not late.response.commands


def _heard(text: str, *others: str) -> Hearing:
    more = tuple(Hearing(o, tuple((w, 0.9) for w in o.lower().split())) for o in others)
    return Hearing(
        text, tuple((w, 0.9) for w in text.lower().split()), more=lambda: more
    )


def test_readable_alternative_acts(tmp_path: Path) -> None:
    cascade, llm = _cascade(tmp_path)
    hearing = _heard("Turn the wet chin light on.", "Turn the kitchen light on.")
    decision = cascade.decide(hearing.text, hearing)
    assert decision.path == "alternative" and not decision.asking
    assert [c.payload for c in decision.response.commands] == ["ON"]
    assert llm.asked == []


def test_disagreeing_alternatives_are_asked(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    heard = ("Turn off the kitchen light.", "Turn on the kitchen light.")
    hearing = _heard("Turn the wet chin light.", *heard)
    decision = cascade.decide(hearing.text, hearing)
    assert (
        decision.asking and decision.response.confirm == "Turn off the kitchen light?"
    )
    assert [c.payload for c in cascade.decide("yes").response.commands] == ["OFF"]


@pytest.mark.parametrize(
    ("heard", "others", "asked"),
    [("Lock the back door.", ("Unlock the back door.",), True),
     ("Lock the back door.", ("Lock the back door please.",), False),
     ("Close the garage door.", ("Open the garage door.",), True),
     ("Please lock the back door.", ("Please unlock the back door.",), False)],
)  # fmt: skip
def test_a_first_action_word_is_checked_against_the_next_best(
    tmp_path: Path, heard: str, others: tuple[str, ...], asked: bool
) -> None:
    """An action word opening the sentence has no usable probability: when the
    next-best transcript reads the opposite action, it asks first."""
    cascade, _ = _cascade(tmp_path)
    decision = cascade.decide(heard, _heard(heard, *others))
    assert decision.asking is asked, decision
    if asked:  # the question names what was heard first; "no" sends nothing
        assert decision.response.confirm == heard.replace(".", "?")
        assert cascade.decide("no").response.commands == []


@pytest.mark.parametrize(
    ("heard", "other"),
    [("Is the porch lie on?", "Turn the porch light on."),  # a question: no command
     ("Turn on the garden sprinkler.", "Turn on the garden light."),  # unknown thing
     ("Turn on the wet chin lie.", "Turn on the garden sprinkler."),
     ("Turn off the wet chin lie.", "Turn on the kitchen light."),  # the opposite
     ("Turn on the porch firing.", "Turn on the kitchen light.")],  # another name
)  # fmt: skip
def test_alternatives_never_turn_into_commands(
    tmp_path: Path, heard: str, other: str
) -> None:
    cascade, _ = _cascade(tmp_path, llm_confidence=0.5)
    decision = cascade.decide(heard, _heard(heard, other))
    assert not decision.response.commands and decision.path != "alternative"


@pytest.mark.parametrize(
    "heard",
    ["The porch light on.", "Now the porch light on?", "The porch lie on?",
     "Turn the porch lie on?"],
)  # fmt: skip
def test_verbless_or_question_marked_never_publish(tmp_path: Path, heard: str) -> None:
    cascade, llm = _cascade(tmp_path, llm_confidence=1.0)
    decision = cascade.decide(heard, _heard(heard))
    assert not decision.response.commands and not decision.asking, decision
    assert llm.asked == []


def test_a_polite_request_with_a_question_mark_is_a_command(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    heard = "Could you turn on the porch lite?"
    decision = cascade.decide(heard, _heard(heard))
    assert [c.payload for c in decision.response.commands] == ["ON"]


@pytest.mark.parametrize(
    ("heard", "payload"),
    [("Will you turn the porch light off?", "OFF"),  # "would you", as Whisper writes it
     ("What you switch on the porch light.", "ON"),
     ("What do you turn off the porch light?", "OFF"),
     ("Did you turn off the porch light?", None),  # a past deed: asked about
     ("What did you turn off?", None)],
)  # fmt: skip
def test_a_misheard_polite_opening_is_a_request(
    tmp_path: Path, heard: str, payload: str | None
) -> None:
    cascade, llm = _cascade(tmp_path, llm_confidence=1.0)
    decision = cascade.decide(heard, _heard(heard))
    assert [c.payload for c in decision.response.commands] == (
        [payload] if payload else []
    )
    assert not decision.asking and llm.asked == []


def test_llm_number_not_said_is_asked(tmp_path: Path) -> None:
    cascade, llm = _cascade(tmp_path, llm_confidence=1.0)

    kitchen = next(e for e in cascade.handler.registry.entities()
                   if e.name == "Kitchen Light")  # fmt: skip

    def dimmer(text: str, only: object = ()) -> Understanding:
        intent = Intent("HassLightSet", {"name": "Kitchen Light", "brightness": 30},
                        text, (kitchen.entity_id,), 1.0)  # fmt: skip
        return Understanding(intent=intent)

    llm.understand = dimmer  # type: ignore[method-assign]
    asked = cascade.decide("too bright where i cook, 20 percent would do")
    assert (
        asked.asking
        and asked.response.confirm == "Set the kitchen light to 30 percent?"
    )
    cascade.cancel()
    sure = cascade.decide("too bright where i cook, a bit less would do")
    assert not sure.asking and sure.response.commands


class CloseCallLlm(FakeLlm):
    """Cannot tell the porch light from the kitchen light: picks the porch."""

    def understand(self, text: str, only: object = ()) -> Understanding:
        found = super().understand(text, only)
        kitchen = next(e for e in self.registry.entities() if e.name == "Kitchen Light")
        return Understanding(
            intent=found.intent, options=(self.porch.entity_id, kitchen.entity_id)
        )

    def act(self, text: str, entity: object) -> tuple[Intent, int]:
        name = getattr(entity, "name", "")
        ids = (getattr(entity, "entity_id", ""),)
        return Intent("HassTurnOn", {"name": name}, text, ids, 0.7), 0


def _close_call(tmp_path: Path) -> Cascade:
    cascade, _ = _cascade(tmp_path, llm_confidence=1.0)
    close = CloseCallLlm(cascade.handler.registry, 1.0)
    cascade.llm = close  # type: ignore[assignment]
    return cascade


def test_a_close_call_between_devices_is_a_yes_no_question(tmp_path: Path) -> None:
    """Sure of the action, unsure of the device: never acted on unasked; "yes"
    acts on the pick, and the other device stays out of later sentences."""
    cascade = _close_call(tmp_path)
    asked = cascade.decide("brighten up the place out there")
    assert asked.asking and asked.response.confirm == "Turn on the porch light?"
    done = cascade.decide("yes")
    assert [c.topic for c in done.response.commands] == ["tasmota/porch/cmnd/POWER"]
    later = cascade.decide("turn off the kitchen light")
    assert later.path == "rules"
    assert [(c.topic, c.payload) for c in later.response.commands] == [
        ("t/kitchen/light/set", "OFF")
    ]


def test_a_close_call_answered_with_the_other_device(tmp_path: Path) -> None:
    cascade = _close_call(tmp_path)
    assert cascade.decide("brighten up the place out there").asking
    chosen = cascade.decide("the kitchen one")
    assert [c.topic for c in chosen.response.commands] == ["t/kitchen/light/set"]


@pytest.mark.parametrize(
    ("said", "reply"),
    [("how are you today", "I am just a small assistant."),
     ("tell me a joke", "I am just a small assistant."),
     ("thank you very much", "I am just a small assistant."),
     ("what's the weather going to be like tomorrow", "Sorry, I can't answer that."),
     ("how much is a flight to Madrid?", "Sorry, I can't answer that."),
     ("who won the match yesterday", "Sorry, I can't answer that.")],
)  # fmt: skip
def test_only_small_talk_gets_the_llms_own_words(
    tmp_path: Path, said: str, reply: str
) -> None:
    """A small model makes facts up: news, weather or prices are refused."""
    cascade, _ = _cascade(tmp_path)
    decision = cascade.decide(said)
    assert decision.response.speech == reply
    assert not decision.response.commands and not decision.asking


@pytest.mark.parametrize(("ahead", "acts"), [(6.0, True), (1.0, False)])
def test_an_action_word_not_heard_first_acts_only_when_the_audio_says_it(
    tmp_path: Path, ahead: float, acts: bool
) -> None:
    """ "Short the garage door" -> next best "Shut the garage door": "shut" was not
    heard first, so the audio must say it far more than "Open the garage door"."""
    cascade, _ = _cascade(tmp_path, llm_confidence=0.5)
    heard, other = "Short the garridge door.", "Shut the garage door."

    def score(texts: Sequence[str]) -> list[float]:
        return [-ahead if t.startswith("Open") else 0.0 for t in texts]

    hearing = replace(_heard(heard, other), score=score)
    decision = cascade.decide(heard, hearing)
    assert decision.path == "alternative"
    assert [c.payload for c in decision.response.commands] == ["CLOSE"]
    assert decision.asking is not acts


def _with_second(first: Hearing, second: str, probs: float = 0.9) -> Hearing:
    """``first`` with a second model that heard ``second``, each word at ``probs``."""
    words = tuple((w.strip(".,").lower(), probs) for w in second.split())
    return replace(first, second=lambda: Hearing(second, words))


def test_a_second_model_reading_the_asked_command_acts(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    first = Hearing("turn off the kitchen light",
                    (("turn", 0.9), ("off", 0.2), ("the", 0.9)))  # fmt: skip
    decision = cascade.decide(
        first.text, _with_second(first, "Turn off the kitchen light.")
    )
    assert not decision.asking and not cascade.asking
    assert [c.payload for c in decision.response.commands] == ["OFF"]


@pytest.mark.parametrize(
    "second",
    ["Turn on the kitchen light.",  # the opposite action
     "Turn off the desk lamp.",  # another device
     "Turn the kitchen light off on.",  # both ways
     "Turn the wet chin light off."],  # not read exactly
)  # fmt: skip
def test_a_second_model_that_disagrees_leaves_the_question(
    tmp_path: Path, second: str
) -> None:
    cascade, _ = _cascade(tmp_path)
    first = Hearing("turn off the kitchen light",
                    (("turn", 0.9), ("off", 0.2), ("the", 0.9)))  # fmt: skip
    decision = cascade.decide(first.text, _with_second(first, second))
    assert (
        decision.asking and decision.response.confirm == "Turn off the kitchen light?"
    )
    assert decision.response.commands  # waiting for the yes, not published


def test_a_second_model_unsure_of_its_action_word_leaves_the_question(
    tmp_path: Path,
) -> None:
    cascade, _ = _cascade(tmp_path)
    first = Hearing("turn off the kitchen light",
                    (("turn", 0.9), ("off", 0.2), ("the", 0.9)))  # fmt: skip
    unsure = _with_second(first, "Turn off the kitchen light.", probs=0.1)
    assert cascade.decide(first.text, unsure).asking


def test_a_second_model_reads_what_the_first_could_not(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    first = Hearing("The turn of the bored slight.")
    decision = cascade.decide(
        first.text, _with_second(first, "Turn on the porch light.")
    )
    assert decision.path == "second" and not decision.asking
    assert [c.payload for c in decision.response.commands] == ["ON"]


@pytest.mark.parametrize(
    ("heard", "second"),
    [("William Bandics.", "Turn off the kitchen light."),
     ("The questions for the late past.", "Turn on the porch light.")],
)  # fmt: skip
def test_a_second_model_hearing_something_else_is_not_taken(
    tmp_path: Path, heard: str, second: str
) -> None:
    """Two models that hear two different sentences are guessing at unclear sound
    (a television): neither reading is acted on or added to a list."""
    cascade, _ = _cascade(tmp_path, llm_confidence=0.5)  # the LLM's reading: asked
    first = Hearing(heard)
    decision = cascade.decide(first.text, _with_second(first, second))
    assert decision.path != "second"  # the fake LLM's question at most
    assert decision.asking or not decision.response.commands


def test_a_second_model_never_changes_a_number(tmp_path: Path) -> None:
    """The first model heard 2 degrees, refused as out of range; the second's 20
    is not taken."""
    cascade, _ = _cascade(tmp_path)
    first = Hearing("Set the living room thermostat to 2 degrees.")
    refused = cascade.decide(first.text, _with_second(
        first, "Set the living room thermostat to 20 degrees."))  # fmt: skip
    assert not refused.response.commands and not refused.asking
    assert "2" in refused.response.speech


def test_a_second_model_is_not_asked_when_the_first_acts(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    first = Hearing("Turn on the kitchen light.")

    def never() -> Hearing:
        raise AssertionError("the second model was run")

    decision = cascade.decide(first.text, replace(first, second=never))
    assert decision.response.commands and not decision.asking


def test_a_second_model_never_makes_a_question_a_command(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    first = Hearing("Is the porch light in the desk?")
    both = _with_second(first, "Turn on the porch light.")
    assert not cascade.decide(first.text, both).response.commands


def test_a_thing_the_home_lacks_is_not_overheard_into_a_device(tmp_path: Path) -> None:
    """The first model heard a bathroom the home lacks; the second's "bedroom" (its
    prompt holds the home's names) is asked about, never acted on."""
    cascade, _ = _cascade(tmp_path)
    first = Hearing("Turn on the bathroom light.")
    decision = cascade.decide(
        first.text, _with_second(first, "Turn on the porch light.")
    )
    assert decision.asking and decision.response.confirm == "Turn on the porch light?"
    assert cascade.decide("no").response.commands == []


def test_a_second_model_leaving_out_a_heard_word_does_not_settle_it(
    tmp_path: Path,
) -> None:
    """ "Turn on the kitchen light orange" asked as "Turn on the kitchen light?"
    (the reading leaves out a word): a second model that did not hear "orange"
    is no reason to act."""
    cascade, _ = _cascade(tmp_path)
    first = _heard("Turn the wet chin light on orange.", "Turn the kitchen light on.")
    both = _with_second(first, "Turn the kitchen light on.")
    decision = cascade.decide(first.text, both)
    assert decision.asking and decision.response.commands  # waiting for a yes


def test_a_second_reading_leaving_out_a_heard_word_is_not_taken(
    tmp_path: Path,
) -> None:
    cascade, _ = _cascade(tmp_path)
    first = Hearing("Tarn the pooch lied purple.")
    both = _with_second(first, "Turn on the porch light.")
    decision = cascade.decide(first.text, both)
    assert decision.path != "second"
    assert decision.asking or not decision.response.commands  # nothing unasked


@pytest.mark.parametrize(
    ("second", "acts"),
    [("Fire up the porch light.", False), ("Fire on the porch light.", True)],
)
def test_an_llm_reading_whose_on_or_off_the_second_model_did_not_hear_is_asked(
    tmp_path: Path, second: str, acts: bool
) -> None:
    """ "Fire up the towel rail" heard "Fire off the towel rail" by tiny.en and
    right by base: the LLM's sure "turn off" is asked, not carried out."""
    cascade, _ = _cascade(tmp_path, llm_confidence=0.95)
    first = Hearing("Fire on the porch light.")
    decision = cascade.decide(first.text, _with_second(first, second))
    assert decision.path == "llm" and decision.response.commands
    assert decision.asking is not acts
