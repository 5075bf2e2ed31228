"""Intent handling (pure logic): commands and spoken replies from intents."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.devices import DeviceRegistry
from assistant.handle import NOT_UNDERSTOOD, IntentHandler
from assistant.intent.rules import HassilRecognizer

from .home import STATES
from .test_intent import home_entities


@pytest.fixture
def setup() -> tuple[HassilRecognizer, DeviceRegistry, list[int]]:
    registry = DeviceRegistry()
    for entity in home_entities():
        registry.upsert(entity)
    for topic, payload in STATES.items():
        registry.handle_state(topic, payload.encode())
    recognizer = HassilRecognizer()
    recognizer.update_devices(registry.entities())
    return recognizer, registry, []


def run(
    setup: tuple[HassilRecognizer, DeviceRegistry, list[int]], text: str
) -> tuple[list[tuple[str, str]], str]:
    recognizer, registry, timers = setup
    handler = IntentHandler(
        registry, clock=lambda: datetime(2026, 11, 27, 15, 5), start_timer=timers.append
    )
    response = handler.handle(recognizer.recognize(text))
    return [(c.topic, c.payload) for c in response.commands], response.speech


def test_turn_on(setup) -> None:  # type: ignore[no-untyped-def]
    assert run(setup, "turn on the kitchen light") == (
        [("t/kitchen/light/set", "ON")],
        "Turning on the kitchen light.",
    )


def test_switch_with_own_payloads(setup) -> None:  # type: ignore[no-untyped-def]
    assert run(setup, "turn off the coffee machine")[0] == [
        ("t/kitchen/coffee/set", "0")
    ]


def test_json_light_colour(setup) -> None:  # type: ignore[no-untyped-def]
    commands, speech = run(setup, "make the desk lamp blue")
    assert commands == [
        ("zigbee2mqtt/desk_lamp/set", '{"state":"ON","color":{"h":240.0,"s":100.0}}')
    ]
    assert speech == "Turning the desk lamp blue."


def test_capability_missing_is_explained(setup) -> None:  # type: ignore[no-untyped-def]
    assert run(setup, "set the porch light to 50 percent") == (
        [],
        "The porch light can't be dimmed.",
    )
    assert run(setup, "make the porch light green") == (
        [],
        "The porch light can't change colour.",
    )


def test_out_of_range_temperature(setup) -> None:  # type: ignore[no-untyped-def]
    commands, speech = run(setup, "set the living room thermostat to 35 degrees")
    assert commands == [] and "between 10 and 28 degrees" in speech


def test_unknown_device_and_room(setup) -> None:  # type: ignore[no-untyped-def]
    assert run(setup, "turn on the spaceship") == (
        [],
        "I don't know a device called spaceship.",
    )
    assert run(setup, "turn on the lights in the attic") == (
        [],
        "I don't know any lights in the attic.",
    )


def test_state_questions(setup) -> None:  # type: ignore[no-untyped-def]
    assert run(setup, "is the garage door open")[1] == "Yes, the garage door is open."
    assert run(setup, "is the back door locked")[1] == "No, the back door is unlocked."
    assert run(setup, "is the porch light on")[1].startswith("Yes")
    assert run(setup, "what is the temperature in the living room")[1] == (
        "It is 20.5 degrees in the living room."
    )


def test_time_and_timer(setup) -> None:  # type: ignore[no-untyped-def]
    assert run(setup, "what time is it") == ([], "It is 3:05 PM.")
    assert run(setup, "set a timer for 90 seconds") == (
        [],
        "Timer set for 1 minute and 30 seconds.",
    )
    assert setup[2] == [90]


def test_not_understood(setup) -> None:  # type: ignore[no-untyped-def]
    assert run(setup, "tell me a joke") == ([], NOT_UNDERSTOOD)
