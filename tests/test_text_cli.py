"""`assistant text`: the same pipeline from typed text, publishing for real."""

from __future__ import annotations

import json

import pytest

from .conftest import Subscriber, run_cli
from .live import ROOT

TOP_KEYS = {"wake_word", "transcript", "intent", "commands", "response", "timings_ms"}

pytestmark = pytest.mark.model  # `assistant text` on the shipped config loads the LLM


def _text(port: int, sentence: str) -> dict[str, object]:
    proc = run_cli(
        "text", "--mqtt-host", "127.0.0.1", "--mqtt-port", str(port), "--json", sentence
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def test_text_json_fields_and_publish(home: int, subscriber: Subscriber) -> None:
    result = _text(home, "set the living room thermostat to 21.5 degrees")
    assert set(result) == TOP_KEYS
    assert result["wake_word"] is None
    assert result["transcript"] == "set the living room thermostat to 21.5 degrees"
    assert result["intent"] == {
        "name": "HassClimateSetTemperature",
        "slots": {"name": "Living Room Thermostat", "temperature": 21.5},
    }
    assert result["commands"] == [
        {"topic": "t/living_room/thermostat/target/set", "payload": "21.5"}
    ]
    assert result["response"] == "Setting the living room thermostat to 21.5 degrees."
    assert subscriber.wait_for(1) == [("t/living_room/thermostat/target/set", "21.5")]


@pytest.mark.parametrize(
    ("sentence", "reply"),
    [
        ("set the living room thermostat to 40 degrees", "between 10 and 28 degrees"),
        ("make the porch light blue", "can't change colour"),
        ("turn on the jacuzzi", "i don't know a device called jacuzzi"),
        ("sing me a song", ""),  # small talk: an answer, no command
    ],
)
def test_refusals_publish_nothing(
    home: int, subscriber: Subscriber, sentence: str, reply: str
) -> None:
    result = _text(home, sentence)
    assert result["commands"] == []
    assert reply in str(result["response"]).lower()
    assert subscriber.settle(0.3) == []


def test_state_question_answered_from_retained_state(home: int) -> None:
    result = _text(home, "is the back door locked?")
    assert result["response"] == "No, the back door is unlocked."
    result = _text(home, "what is the temperature in the living room")
    assert result["response"] == "It is 20.5 degrees in the living room."


def test_fuzzy_names(home: int, subscriber: Subscriber) -> None:
    result = _text(home, "turn off the kitchen white")
    assert result["commands"] == [{"topic": "t/kitchen/light/set", "payload": "OFF"}]
    assert subscriber.wait_for(1) == [("t/kitchen/light/set", "OFF")]


def test_room_commands_reach_every_device_of_that_kind(
    home: int, subscriber: Subscriber
) -> None:
    result = _text(home, "switch off the lights in the office")
    assert result["commands"] == [
        {"topic": "zigbee2mqtt/desk_lamp/set", "payload": '{"state":"OFF"}'}
    ]
    assert subscriber.wait_for(1) == [("zigbee2mqtt/desk_lamp/set", '{"state":"OFF"}')]


def test_devices_declared_in_config(home: int, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text(
        f'[models]\ndir = "{ROOT / "models"}"\n'
        "[[devices]]\n"
        'component = "switch"\n'
        'name = "Coffee Grinder"\n'
        'area = "Kitchen"\n'
        'aliases = ["grinder"]\n'
        'command_topic = "cfg/grinder/set"\n'
        'payload_on = "start"\n'
    )
    sub = Subscriber(home, ["cfg/#"])
    try:
        proc = run_cli(
            "text", "--config", str(config), "--mqtt-host", "127.0.0.1",
            "--mqtt-port", str(home), "--json", "turn on the grinder",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["commands"] == [
            {"topic": "cfg/grinder/set", "payload": "start"}
        ]
        assert sub.wait_for(1) == [("cfg/grinder/set", "start")]
    finally:
        sub.close()
