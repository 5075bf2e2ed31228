"""A small sample home, announced as retained Home Assistant discovery, and a simulator
that behaves like its devices (applies commands, publishes new states).

Used by ``assistant demo`` and ``assistant bench``; the payloads mix full and
abbreviated keys the way zigbee2mqtt, Tasmota and ESPHome write them.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

_LOGGER = logging.getLogger(__name__)

PREFIX = "homeassistant"

# discovery topic -> config payload
DISCOVERY: dict[str, dict[str, Any]] = {
    f"{PREFIX}/light/kitchen_light/config": {
        "name": None,
        "unique_id": "kitchen_light",
        "command_topic": "home/kitchen/light/set",
        "state_topic": "home/kitchen/light/state",
        "brightness_command_topic": "home/kitchen/light/brightness/set",
        "brightness_state_topic": "home/kitchen/light/brightness",
        "rgb_command_topic": "home/kitchen/light/rgb/set",
        "rgb_state_topic": "home/kitchen/light/rgb",
        "device": {
            "identifiers": ["kitchen_light"],
            "name": "Kitchen Light",
            "suggested_area": "Kitchen",
        },
    },
    f"{PREFIX}/light/0x00158d0001a2b3c4/light/config": {  # zigbee2mqtt style
        "schema": "json",
        "name": None,
        "uniq_id": "0x00158d0001a2b3c4_light",
        "cmd_t": "zigbee2mqtt/bedroom_lamp/set",
        "stat_t": "zigbee2mqtt/bedroom_lamp",
        "brightness": True,
        "sup_clrm": ["xy", "color_temp"],
        "dev": {
            "ids": ["zigbee2mqtt_0x00158d0001a2b3c4"],
            "name": "Bedroom Lamp",
            "sa": "Bedroom",
            "mf": "IKEA",
        },
    },
    f"{PREFIX}/light/hallway_light/config": {  # Tasmota style: "~" topics, on/off only
        "~": "tasmota/hallway/",
        "name": None,
        "uniq_id": "hallway_light",
        "cmd_t": "~cmnd/POWER",
        "stat_t": "~tele/STATE",
        "stat_val_tpl": "{{value_json.POWER}}",
        "pl_on": "ON",
        "pl_off": "OFF",
        "dev": {"ids": ["tasmota_hallway"], "name": "Hallway Light", "sa": "Hallway"},
    },
    f"{PREFIX}/switch/tv/config": {
        "name": "TV",
        "unique_id": "living_room_tv",
        "command_topic": "home/living_room/tv/set",
        "state_topic": "home/living_room/tv/state",
        "device": {
            "identifiers": ["tv"],
            "name": "TV",
            "suggested_area": "Living Room",
        },
    },
    f"{PREFIX}/cover/garage_door/config": {
        "name": None,
        "unique_id": "garage_door",
        "device_class": "garage",
        "command_topic": "home/garage/door/set",
        "state_topic": "home/garage/door/state",
        "device": {
            "identifiers": ["garage_door"],
            "name": "Garage Door",
            "suggested_area": "Garage",
        },
    },
    f"{PREFIX}/lock/front_door/config": {
        "name": None,
        "uniq_id": "front_door_lock",
        "cmd_t": "home/front_door/lock/set",
        "stat_t": "home/front_door/lock/state",
        "dev": {"ids": ["front_door"], "name": "Front Door", "sa": "Hallway"},
    },
    f"{PREFIX}/climate/living_room_thermostat/config": {
        "name": None,
        "unique_id": "living_room_thermostat",
        "modes": ["off", "heat", "auto"],
        "mode_command_topic": "home/living_room/thermostat/mode/set",
        "mode_state_topic": "home/living_room/thermostat/mode",
        "temperature_command_topic": "home/living_room/thermostat/target/set",
        "temperature_state_topic": "home/living_room/thermostat/target",
        "current_temperature_topic": "home/living_room/thermostat/current",
        "min_temp": 7,
        "max_temp": 30,
        "temp_step": 0.5,
        "device": {
            "identifiers": ["thermostat"],
            "name": "Living Room Thermostat",
            "suggested_area": "Living Room",
        },
    },
    f"{PREFIX}/fan/bedroom_fan/config": {
        "name": None,
        "unique_id": "bedroom_fan",
        "command_topic": "home/bedroom/fan/set",
        "state_topic": "home/bedroom/fan/state",
        "percentage_command_topic": "home/bedroom/fan/speed/set",
        "device": {
            "identifiers": ["bedroom_fan"],
            "name": "Bedroom Fan",
            "suggested_area": "Bedroom",
        },
    },
    f"{PREFIX}/sensor/bathroom_temperature/config": {
        "name": "Temperature",
        "unique_id": "bathroom_temperature",
        "device_class": "temperature",
        "unit_of_measurement": "°C",
        "state_topic": "home/bathroom/climate",
        "value_template": "{{ value_json.temperature }}",
        "device": {
            "identifiers": ["bathroom_sensor"],
            "name": "Bathroom",
            "suggested_area": "Bathroom",
        },
    },
}

INITIAL_STATES: dict[str, str] = {
    "home/kitchen/light/state": "OFF",
    "home/kitchen/light/brightness": "255",
    "zigbee2mqtt/bedroom_lamp": json.dumps({"state": "OFF", "brightness": 254}),
    "tasmota/hallway/tele/STATE": json.dumps({"POWER": "OFF", "Wifi": {"RSSI": 70}}),
    "home/living_room/tv/state": "ON",
    "home/garage/door/state": "closed",
    "home/front_door/lock/state": "LOCKED",
    "home/living_room/thermostat/mode": "heat",
    "home/living_room/thermostat/target": "20",
    "home/living_room/thermostat/current": "19.5",
    "home/bedroom/fan/state": "OFF",
    "home/bathroom/climate": json.dumps({"temperature": 22.5, "humidity": 61}),
}


def _json_light(
    state_topic: str,
) -> Callable[[str, dict[str, str]], list[tuple[str, str]]]:
    def apply(payload: str, states: dict[str, str]) -> list[tuple[str, str]]:
        current = json.loads(states.get(state_topic, "{}"))
        current.update(json.loads(payload))
        return [(state_topic, json.dumps(current))]

    return apply


def _same(
    state_topic: str, mapping: dict[str, str] | None = None
) -> Callable[[str, dict[str, str]], list[tuple[str, str]]]:
    def apply(payload: str, states: dict[str, str]) -> list[tuple[str, str]]:
        return [(state_topic, (mapping or {}).get(payload, payload))]

    return apply


def _with_on(
    state_topic: str, on_topic: str
) -> Callable[[str, dict[str, str]], list[tuple[str, str]]]:
    def apply(payload: str, states: dict[str, str]) -> list[tuple[str, str]]:
        return [(state_topic, payload), (on_topic, "ON")]

    return apply


def _tasmota(payload: str, states: dict[str, str]) -> list[tuple[str, str]]:
    return [("tasmota/hallway/tele/STATE", json.dumps({"POWER": payload}))]


# command topic -> how the device reacts
BEHAVIOUR: dict[str, Callable[[str, dict[str, str]], list[tuple[str, str]]]] = {
    "home/kitchen/light/set": _same("home/kitchen/light/state"),
    "home/kitchen/light/brightness/set": _with_on(
        "home/kitchen/light/brightness", "home/kitchen/light/state"
    ),
    "home/kitchen/light/rgb/set": _with_on(
        "home/kitchen/light/rgb", "home/kitchen/light/state"
    ),
    "zigbee2mqtt/bedroom_lamp/set": _json_light("zigbee2mqtt/bedroom_lamp"),
    "tasmota/hallway/cmnd/POWER": _tasmota,
    "home/living_room/tv/set": _same("home/living_room/tv/state"),
    "home/garage/door/set": _same(
        "home/garage/door/state", {"OPEN": "open", "CLOSE": "closed", "STOP": "stopped"}
    ),
    "home/front_door/lock/set": _same(
        "home/front_door/lock/state", {"LOCK": "LOCKED", "UNLOCK": "UNLOCKED"}
    ),
    "home/living_room/thermostat/mode/set": _same("home/living_room/thermostat/mode"),
    "home/living_room/thermostat/target/set": _same(
        "home/living_room/thermostat/target"
    ),
    "home/bedroom/fan/set": _same("home/bedroom/fan/state"),
    "home/bedroom/fan/speed/set": lambda p, s: [("home/bedroom/fan/state", "ON")],
}


class HomeSimulator:
    """Publishes the sample home (retained) and reacts to commands like real devices."""

    def __init__(self, host: str, port: int) -> None:
        import paho.mqtt.client as paho

        self.states = dict(INITIAL_STATES)
        self.commands: list[tuple[str, str]] = []
        self._changed = threading.Condition()
        self._client = paho.Client(
            paho.CallbackAPIVersion.VERSION2, client_id="home-simulator"
        )
        self._client.on_message = self._on_message
        self._host, self._port = host, port

    def start(self) -> None:
        self._client.connect(self._host, self._port, 30)
        self._client.loop_start()
        for topic, config in DISCOVERY.items():
            self._client.publish(
                topic, json.dumps(config), qos=1, retain=True
            ).wait_for_publish(5)
        for topic, payload in self.states.items():
            self._client.publish(topic, payload, qos=1, retain=True).wait_for_publish(5)
        self._client.subscribe([(topic, 1) for topic in BEHAVIOUR])

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def wait_for_commands(self, count: int, timeout: float = 3.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.commands) >= count, timeout)

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        payload = message.payload.decode("utf-8", "replace")
        try:
            updates = BEHAVIOUR[message.topic](payload, self.states)
        except (KeyError, ValueError) as err:
            _LOGGER.warning("Simulator ignored %s %r: %s", message.topic, payload, err)
            updates = []
        for topic, value in updates:
            self.states[topic] = value
            client.publish(topic, value, qos=1, retain=True)
        with self._changed:
            self.commands.append((message.topic, payload))
            self._changed.notify_all()
