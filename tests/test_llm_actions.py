"""How the LLM stage picks an action once it has a device (pure logic, with a
stand-in for the model): cue words outweigh the model; never an unlock nobody
asked for, whatever the model says."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.discovery import entity_from_table
from assistant.home.model import EntityState
from assistant.intent import Intent
from assistant.llm.understand import LlmUnderstanding
from assistant.llm.worker import Scores

LIGHT = entity_from_table(
    {"component": "light", "name": "Kitchen Light", "command_topic": "k/set"}, "d[0]"
)
LOCK = entity_from_table(
    {"component": "lock", "name": "Front Door", "command_topic": "f/set"}, "d[1]"
)


class Model:
    """Prefers the candidate named in ``favourite`` by ``by`` nats over the others."""

    def __init__(self, favourite: str, by: float = 2.0) -> None:
        self.favourite, self.by = favourite, by

    def score(self, prompt: str, options: list[str]) -> Scores:
        return Scores(
            [0.0 if o.strip() == self.favourite else -self.by for o in options], 5
        )


def _act(
    words: str, entity: Any, state: str | None, favourite: str, by: float = 2.0
) -> str:
    understanding = LlmUnderstanding(
        Model(favourite, by),  # type: ignore[arg-type]
        lambda _: EntityState(state=state),
    )
    intent, _ = understanding.act(words, entity)
    return intent.name


@pytest.mark.parametrize(
    ("words", "favourite", "expected"),
    [
        # no cue word: the model's pick
        ("the kitchen, please", "turn off", "HassTurnOff"),
        ("the kitchen, please", "turn on", "HassTurnOn"),
        # a cue word outweighs the model
        ("it's too dark in the kitchen", "turn off", "HassTurnOn"),
        ("we are going to bed", "turn on", "HassTurnOff"),
        ("no more of the kitchen light tonight", "turn on", "HassTurnOff"),
        ("it's too bright in the kitchen", "turn on", "HassLightSet"),
        # "not" alone says nothing: "isn't on yet" asks for it on
        (
            "the kitchen light isn't on yet, put it on would you",
            "turn off",
            "HassTurnOn",
        ),
        ("get the kitchen light going", "turn off", "HassTurnOn"),
        ("I'm not using the kitchen light", "turn on", "HassTurnOff"),
    ],
)
def test_light_actions(words: str, favourite: str, expected: str) -> None:
    assert _act(words, LIGHT, None, favourite) == expected


@pytest.mark.parametrize(
    ("state", "favourite", "by", "expected"),
    [("off", "turn off", 1.0, "HassTurnOn"),  # "go red with the light": a change
     ("on", "turn on", 1.0, "HassTurnOff"),
     ("on", "turn on", 4.0, "HassTurnOn"),  # the model sure enough: its pick
     ("off", "turn off", 1.0, "HassTurnOn")],
)  # fmt: skip
def test_an_action_that_would_change_nothing_is_less_likely(
    state: str, favourite: str, by: float, expected: str
) -> None:
    assert _act("go right with the kitchen light", LIGHT, state, favourite, by) == (
        expected
    )


def test_a_cue_word_outweighs_the_state() -> None:
    assert _act("lights out in the kitchen", LIGHT, "off", "turn on") == "HassTurnOff"


def test_never_an_unlock_nobody_asked_for() -> None:
    assert _act("the front door", LOCK, "locked", "unlock") == "HassLock"
    assert _act("the front door", LOCK, "unlocked", "unlock") == "HassLock"
    # asked for in so many words: still the model's and the cue's call
    assert (
        _act("let the kids in the front door", LOCK, "locked", "lock") == "HassUnlock"
    )


def test_a_room_with_an_unknown_thing_is_no_paraphrase() -> None:
    """ "the bedroom lights" leaves the choice to the model; "the bedroom farm"
    names nothing in the bedroom, so it stays a name the home lacks (refused)."""

    class Worker(Model):
        def set_prefix(self, prefix: str) -> None:
            pass

    bedroom = entity_from_table(
        {"component": "light", "name": "Bedroom Light", "area": "Bedroom",
         "command_topic": "b/set"}, "d[2]",
    )  # fmt: skip
    understanding = LlmUnderstanding(
        Worker("turn on"),  # type: ignore[arg-type]
        lambda _: EntityState(state="off"),
    )
    understanding.update_devices([LIGHT, bedroom])

    def vague(name: str) -> bool:
        return understanding.vague(Intent("HassTurnOn", {"name": name}, name))

    assert vague("bedroom lights") and vague("bedroom")
    assert not vague("bedroom farm") and not vague("bedroom heater")
    assert vague("up the bedroom for the night")  # more than a name: the LLM's


class _Worker(Model):
    def set_prefix(self, prefix: str) -> None:
        pass


@pytest.mark.parametrize(("scores", "asked_which"), [((1.2, -1.6), False),
                                                    ((1.0, 0.5), True)])  # fmt: skip
def test_a_weak_device_that_leads_its_room_is_asked_about(
    monkeypatch: pytest.MonkeyPatch, scores: tuple[float, float], asked_which: bool
) -> None:
    """The words name a room but no device, and the model's best is below its
    bar: a clear lead is asked about as a yes/no question ("Set the bedroom
    radiator to 19.5 degrees?"), no lead gets "Which one: …?"."""
    light, radiator = (
        entity_from_table(
            {
                "component": kind,
                "name": name,
                "area": "Bedroom",
                "command_topic": f"b/{kind}/set",
                "temperature_command_topic": "t",
            },
            f"d[{index}]",
        )
        for index, (kind, name) in enumerate(
            (("light", "Ceiling Light"), ("climate", "Radiator"))
        )
    )
    understanding = LlmUnderstanding(
        _Worker("turn off"),  # type: ignore[arg-type]
        lambda _: EntityState(state="on"),
    )
    understanding.update_devices([light, radiator])
    ranked = [(scores[0], radiator), (scores[1], light)]
    monkeypatch.setattr(understanding, "_rank_devices", lambda *_: (ranked, 0))
    found = understanding.understand("it's roasting in the bedroom")
    if asked_which:
        assert found.intent is None and str(found.question).startswith("Which one")
    else:
        assert found.intent is not None and found.intent.entity_ids == (
            radiator.entity_id,
        )
        assert found.options == (radiator.entity_id, light.entity_id)


@pytest.mark.parametrize(
    ("heard", "sure"),
    [("in the mac low lock", False),  # "is the back door locked?", misheard
     ("lock the front door", True)],
)  # fmt: skip
def test_the_word_lock_is_the_action_not_also_the_device(
    monkeypatch: pytest.MonkeyPatch, heard: str, sure: bool
) -> None:
    """ "lock" picks locks, and says what to do; it is no evidence of which lock
    was meant: without the device's name the reading is asked, not acted on."""
    understanding = LlmUnderstanding(
        _Worker("lock"),  # type: ignore[arg-type]
        lambda _: EntityState(state="unlocked"),
    )
    understanding.update_devices([LIGHT, LOCK])
    monkeypatch.setattr(understanding, "_rank_devices", lambda *_: ([(9.0, LOCK)], 0))
    found = understanding.understand(heard)
    assert found.intent is not None and found.intent.name == "HassLock"
    assert (found.intent.confidence >= 0.9) is sure, found.intent.confidence
