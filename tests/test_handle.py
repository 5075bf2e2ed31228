"""Intent handling (pure logic): commands and spoken replies from intents."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.handle import NOT_UNDERSTOOD, IntentHandler
from assistant.home.registry import DeviceRegistry
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
    recognizer, registry, _ = setup
    handler = IntentHandler(registry)
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


def test_not_understood(setup) -> None:  # type: ignore[no-untyped-def]
    assert run(setup, "tell me a joke") == ([], NOT_UNDERSTOOD)


@pytest.fixture
def extra() -> tuple[HassilRecognizer, DeviceRegistry, list[int]]:
    """Devices the test home lacks: a cover with position, a white-tone lamp, an
    optimistic switch, a lock needing confirmation."""
    from assistant.discovery import entity_from_table

    registry = DeviceRegistry()
    tables: list[dict[str, Any]] = [
        {"component": "cover", "name": "Office Blinds", "area": "Office",
         "command_topic": "o/blinds/set", "set_position_topic": "o/blinds/pos"},
        {"component": "light", "name": "Hall Lamp", "schema": "json",
         "command_topic": "h/lamp/set", "supported_color_modes": ["color_temp"],
         "state_topic": "h/lamp"},
        {"component": "climate", "name": "Attic Heater", "modes": ["off", "heat"],
         "mode_command_topic": "a/mode/set"},
        {"component": "switch", "name": "Kettle", "command_topic": "k/set"},
    ]  # fmt: skip
    for index, table in enumerate(tables):
        registry.upsert(entity_from_table(table, f"devices[{index}]"))
    recognizer = HassilRecognizer()
    recognizer.update_devices(registry.entities())
    return recognizer, registry, []


def test_cover_position(extra) -> None:  # type: ignore[no-untyped-def]
    assert run(extra, "open the office blinds to 40 percent") == (
        [("o/blinds/pos", "40")],
        "Setting the office blinds to 40 percent.",
    )
    assert run(extra, "set the office blinds to 25 percent")[0] == [
        ("o/blinds/pos", "25")
    ]


def test_white_tones_use_colour_temperature(extra) -> None:  # type: ignore[no-untyped-def]
    commands, speech = run(extra, "make the hall lamp warm white")
    assert commands == [("h/lamp/set", '{"state":"ON","color_temp":370}')]
    assert speech == "Turning the hall lamp warm white."
    assert run(extra, "make the hall lamp red") == (
        [],
        "The hall lamp can't change colour.",
    )


def test_climate_modes(extra) -> None:  # type: ignore[no-untyped-def]
    assert run(extra, "set the attic heater to heat mode") == (
        [("a/mode/set", "heat")],
        "Setting the attic heater to heat mode.",
    )
    commands, speech = run(extra, "set the attic heater to cool")
    assert commands == [] and "cool" in speech


def test_optimistic_devices_remember_what_they_were_told(extra) -> None:  # type: ignore[no-untyped-def]
    recognizer, registry, _ = extra
    handler = IntentHandler(registry)
    response = handler.handle(recognizer.recognize("turn on the kettle"))
    handler.committed(response)
    assert registry.state("switch.kettle").state == "on"
    assert handler.handle(recognizer.recognize("is the kettle on")).speech.startswith(
        "Yes"
    )


def test_unlocking_needs_a_yes() -> None:
    from assistant.discovery import entity_from_table

    registry = DeviceRegistry()
    registry.upsert(
        entity_from_table(
            {"component": "lock", "name": "Front Door", "command_topic": "f/set"},
            "d[0]",
        )
    )
    recognizer = HassilRecognizer()
    recognizer.update_devices(registry.entities())
    handler = IntentHandler(registry, confirm=["lock.unlock"])
    ask = handler.handle(recognizer.recognize("unlock the front door"))
    assert ask.confirm == "Are you sure you want to unlock the front door?"
    assert [(c.topic, c.payload) for c in ask.commands] == [("f/set", "UNLOCK")]
    assert handler.handle(recognizer.recognize("lock the front door")).confirm is None
