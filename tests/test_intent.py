"""Rule-based recognition on text (pure logic: hassil templates, fuzzy names)."""

from __future__ import annotations

import json

import pytest

from assistant.discovery import entity_from_discovery
from assistant.home.model import Entity
from assistant.intent import normalize
from assistant.intent.rules import HassilRecognizer
from assistant.stt import drop_repetition

from .home import DISCOVERY


def home_entities() -> list[Entity]:
    entities = []
    for topic, config in DISCOVERY.items():
        entity = entity_from_discovery(topic, json.dumps(config).encode())
        assert entity is not None
        entities.append(entity)
    return entities


@pytest.fixture(scope="module")
def recognizer() -> HassilRecognizer:
    rec = HassilRecognizer(drop_leading=("hey", "jarvis"))
    rec.update_devices(home_entities())
    return rec


@pytest.mark.parametrize(
    ("text", "name", "slots"),
    [
        ("Turn on the kitchen light.", "HassTurnOn", {"name": "Kitchen Light"}),
        (
            "switch the coffee machine off please",
            "HassTurnOff",
            {"name": "Coffee Machine"},
        ),
        ("Jarvis, turn of the porch light", "HassTurnOff", {"name": "Porch Light"}),
        (
            "turn on the lamp in the office",
            "HassTurnOn",
            {"area": "Office", "domain": "light"},
        ),
        (
            "Set the kitchen light to 40%.",
            "HassLightSet",
            {"name": "Kitchen Light", "brightness": 40},
        ),
        (
            "make the desk lamp purple",
            "HassLightSet",
            {"name": "Desk Lamp", "color": "purple"},
        ),
        (
            "Set the living room thermostat to 21.5°C",
            "HassClimateSetTemperature",
            {"name": "Living Room Thermostat", "temperature": 21.5},
        ),
        (
            "set the living room thermostat to 21.3 degrees",
            "HassClimateSetTemperature",
            {"name": "Living Room Thermostat", "temperature": 21.3},
        ),
        (
            "heat the living room to 20 degrees",
            "HassClimateSetTemperature",
            {"area": "Living Room", "temperature": 20, "domain": "climate"},
        ),
        (
            "warm the living room thermostat up to 22.5 degrees",
            "HassClimateSetTemperature",
            {"name": "Living Room Thermostat", "temperature": 22.5},
        ),
        (
            "change the living room temperature to 19 degrees",
            "HassClimateSetTemperature",
            {"area": "Living Room", "temperature": 19, "domain": "climate"},
        ),
        (
            "set the desk lamp brightness to 40",
            "HassLightSet",
            {"name": "Desk Lamp", "brightness": 40},
        ),
        (
            "turn the desk lamp blue",
            "HassLightSet",
            {"name": "Desk Lamp", "color": "blue"},
        ),
        (
            "set the temperature in the living room to twenty",
            "HassClimateSetTemperature",
            {"area": "Living Room", "temperature": 20, "domain": "climate"},
        ),
        ("close the garage door", "HassClose", {"name": "Garage Door"}),
        ("open the garage door", "HassOpen", {"name": "Garage Door"}),
        ("lock the back door", "HassLock", {"name": "Back Door"}),
        ("unlock the back door", "HassUnlock", {"name": "Back Door"}),
        (
            "Is the garage door open?",
            "HassGetState",
            {"name": "Garage Door", "state": "open"},
        ),
        (
            "what's the temperature in the living room",
            "HassClimateGetTemperature",
            {"area": "Living Room"},
        ),
    ],
)
def test_recognizes(
    recognizer: HassilRecognizer, text: str, name: str, slots: dict[str, object]
) -> None:
    intent = recognizer.recognize(text)
    assert intent is not None
    assert (intent.name, intent.slots) == (name, slots)


@pytest.mark.parametrize(
    ("heard", "entity_id"),
    [
        ("turn on the kitchen white", "light.kitchen_light"),
        ("turn off the torch light", "light.porch_light"),
        ("close the garage store", "cover.garage_door"),
        ("turn on the ceiling fen", "fan.ceiling_fan"),
    ],
)
def test_misheard_names_match_fuzzily(
    recognizer: HassilRecognizer, heard: str, entity_id: str
) -> None:
    intent = recognizer.recognize(heard)
    assert intent is not None and intent.entity_ids == (entity_id,)
    assert intent.confidence < 1.0


def test_unknown_device_keeps_the_heard_name(recognizer: HassilRecognizer) -> None:
    intent = recognizer.recognize("turn on the spaceship")
    assert intent is not None
    assert intent.name == "HassTurnOn" and intent.entity_ids == ()
    assert intent.slots == {"name": "spaceship"}


def test_nonsense_is_not_an_intent(recognizer: HassilRecognizer) -> None:
    assert recognizer.recognize("thank you very much") is None
    assert recognizer.recognize("") is None


def test_area_requests_resolve_to_devices_of_that_kind(
    recognizer: HassilRecognizer,
) -> None:
    intent = recognizer.recognize("turn off the lights in the kitchen")
    assert intent is not None and intent.entity_ids == ("light.kitchen_light",)


def test_prompt_names_every_device(recognizer: HassilRecognizer) -> None:
    prompt = recognizer.vocabulary_prompt()
    for entity in home_entities():
        assert entity.name in prompt


def test_normalize() -> None:
    assert (
        normalize("Hey Jarvis, set it to 50%!", ("hey", "jarvis"))
        == "set it to 50 percent"
    )
    assert normalize("Set to 20-1 degrees.") == "set to 21 degrees"
    assert normalize("It's 21.5°C.") == "it's 21.5 degrees"


def test_drop_repetition() -> None:
    assert drop_repetition("Lock the door, lock the door, lock the") == "Lock the door"
    assert drop_repetition("Set it to 50% to 50%.") == "Set it to 50%"
    assert drop_repetition("Bedroom, Bedroom, Bedroom, Bed") == "Bedroom"
    assert drop_repetition("turn on the the light") == "turn on the the light"
    assert drop_repetition("What time is it?") == "What time is it?"


def test_drop_sentence_echo() -> None:
    looped = (
        "Turn on the Kitchen Light. Turn on the Kitchen Light. Turn on the wall. Turn"
    )
    assert drop_repetition(looped) == "Turn on the Kitchen Light."
    assert drop_repetition("Set it to 50%. Thanks.") == "Set it to 50%. Thanks."
