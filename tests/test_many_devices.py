"""Commands and questions over many devices ("turn off all the lights", "which
lights are on", "is any window open"), typed through `assistant text` against a
real Mosquitto with retained discovery and states, seen by an independent
subscriber. Offline devices get no command, and the reply says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.home.model import Domain, Entity
from assistant.questions import Seen, answer

from .conftest import Subscriber, own_broker, run_cli
from .live import write_config


def _light(name: str, area: str, **extra: object) -> dict[str, object]:
    key = name.lower().replace(" ", "_")
    return {
        "name": name, "unique_id": key, "command_topic": f"m/{key}/set",
        "state_topic": f"m/{key}/state", "device": {
            "identifiers": [key], "name": name, "suggested_area": area,
        }, **extra,
    }  # fmt: skip


DISCOVERY = {
    "homeassistant/light/kitchen/config": _light("Kitchen Light", "Kitchen"),
    "homeassistant/light/counter/config": _light("Counter Lamp", "Kitchen"),
    "homeassistant/light/porch/config": _light(
        "Porch Light", "Porch", availability_topic="m/porch_light/availability"
    ),
    "homeassistant/light/bed/config": _light("Bedside Lamp", "Bedroom"),
    "homeassistant/fan/bed/config": _light("Bedroom Fan", "Bedroom"),
    "homeassistant/lock/bed/config": {
        **_light("Bedroom Door", "Bedroom"), "command_topic": "m/bedroom_door/set",
    },
    "homeassistant/binary_sensor/win/config": {
        "name": "Kitchen Window", "stat_t": "m/kitchen_window/state",
        "dev_cla": "window", "uniq_id": "kitchen_window",
    },
    "homeassistant/binary_sensor/win2/config": {
        "name": "Bedroom Window", "stat_t": "m/bedroom_window/state",
        "dev_cla": "window", "uniq_id": "bedroom_window",
    },
}  # fmt: skip
STATES = {
    "m/kitchen_light/state": "ON",
    "m/counter_lamp/state": "ON",
    "m/porch_light/state": "ON",
    "m/porch_light/availability": "offline",
    "m/bedside_lamp/state": "OFF",
    "m/bedroom_fan/state": "ON",
    "m/bedroom_door/state": "LOCKED",
    "m/kitchen_window/state": "OFF",
    "m/bedroom_window/state": "ON",
}


@pytest.mark.model
def test_all_the_lights_and_which_are_on(tmp_path: Path) -> None:
    retained = {topic: json.dumps(config) for topic, config in DISCOVERY.items()}
    with own_broker(tmp_path, {**retained, **STATES}) as (port, _):
        subscriber = Subscriber(port, ["m/+/set"])
        mqtt = f'[mqtt]\nport = {port}\nclient_id = "many"\n'
        config = write_config(tmp_path, mqtt)
        try:
            proc = run_cli(
                "text", "--config", str(config),
                "which lights are on",
                "how many lights are on in the kitchen",
                "is any window open",
                "are all the windows closed",
                "turn off all the lights",
                "turn off everything in the bedroom",
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr
            received = subscriber.wait_for(4, timeout=10)
            assert subscriber.settle(0.5) == received
            # one command per available light (not the porch light, offline);
            # "everything": the bedroom's lamp and fan, not its door lock
            assert sorted(received[:3]) == [
                ("m/bedside_lamp/set", "OFF"),
                ("m/counter_lamp/set", "OFF"),
                ("m/kitchen_light/set", "OFF"),
            ]
            assert sorted(received[3:]) == [
                ("m/bedroom_fan/set", "OFF"),
                ("m/bedside_lamp/set", "OFF"),
            ]
            out = proc.stdout
            assert (
                "Two lights are on: the kitchen light and the counter lamp. "
                "I don't know about the porch light." in out
            )
            assert (
                "Two lights are on in the kitchen: the kitchen light and the "
                "counter lamp." in out
            )
            assert "Yes, the bedroom window is open." in out
            assert "No, the bedroom window is open." in out
            assert "Turning off all the lights. The porch light is offline." in out
            assert "Turning off everything in the bedroom." in out
        finally:
            subscriber.close()


def _entity(name: str) -> Entity:
    key = name.lower().replace(" ", "_")
    return Entity(f"light.{key}", Domain.LIGHT, name, None, {})


def test_answers_count_list_and_say_what_is_not_known() -> None:
    a, b, c = _entity("Desk Lamp"), _entity("Hall Light"), _entity("Porch Light")
    lights = ("light", "lights")
    seen = [Seen(a, True), Seen(b, False), Seen(c, None)]
    assert answer("which", seen, "on", lights, "") == (
        "One light is on: the desk lamp. I don't know about the porch light."
    )
    assert answer("any", [Seen(b, False)], "on", lights, " in the hall") == (
        "No, the hall light is off."  # the one light there
    )
    two = [Seen(b, False), Seen(_entity("Hall Lamp"), False)]
    assert answer("any", two, "on", lights, " in the hall") == (
        "No, no lights are on in the hall."
    )
    assert answer("any", [Seen(b, False), Seen(c, None)], "on", lights, "") == (
        "Not that I know of. I don't know about the porch light."
    )
    assert answer("all", [Seen(a, True), Seen(b, True)], "off", lights, "") == (
        "Yes, both lights are off."
    )
    assert answer("all", seen, "on", lights, "") == (
        "No, the hall light is off. I don't know about the porch light."
    )
    many = [Seen(_entity(f"Lamp {n}"), True) for n in range(7)]
    assert answer("how_many", many, "on", lights, "") == "Seven lights are on."
