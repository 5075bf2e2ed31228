"""The test home: retained Home Assistant discovery configs and states.

Different names, areas and topics from the demo's sample home, mixing full keys
(HA's documented form) with abbreviated keys and "~" topics (Tasmota, zigbee2mqtt).
"""

from __future__ import annotations

import json
from typing import Any

PREFIX = "homeassistant"

DISCOVERY: dict[str, dict[str, Any]] = {
    # full keys, default light schema with brightness and rgb
    f"{PREFIX}/light/kitchen_light/config": {
        "name": "Kitchen Light",
        "unique_id": "t_kitchen_light",
        "command_topic": "t/kitchen/light/set",
        "state_topic": "t/kitchen/light/state",
        "brightness_command_topic": "t/kitchen/light/brightness/set",
        "brightness_state_topic": "t/kitchen/light/brightness",
        "rgb_command_topic": "t/kitchen/light/rgb/set",
        "device": {
            "identifiers": ["t_kitchen"],
            "name": "Kitchen Light",
            "suggested_area": "Kitchen",
        },
    },
    # zigbee2mqtt style: abbreviated keys, JSON schema, hs colour, name from device
    f"{PREFIX}/light/0x0017880104a1b2c3/light/config": {
        "schema": "json",
        "name": None,
        "uniq_id": "0x0017880104a1b2c3_light",
        "cmd_t": "zigbee2mqtt/desk_lamp/set",
        "stat_t": "zigbee2mqtt/desk_lamp",
        "brightness": True,
        "sup_clrm": ["hs"],
        "dev": {
            "ids": ["zigbee2mqtt_0x0017880104a1b2c3"],
            "name": "Desk Lamp",
            "sa": "Office",
        },
    },
    # Tasmota style: "~" base topic, abbreviations, on/off only
    f"{PREFIX}/light/porch/config": {
        "~": "tasmota/porch/",
        "name": None,
        "uniq_id": "t_porch",
        "cmd_t": "~cmnd/POWER",
        "stat_t": "~tele/STATE",
        "stat_val_tpl": "{{value_json.POWER}}",
        "pl_on": "ON",
        "pl_off": "OFF",
        "dev": {"ids": ["tasmota_porch"], "name": "Porch Light", "sa": "Porch"},
    },
    f"{PREFIX}/switch/coffee_machine/config": {
        "name": "Coffee Machine",
        "unique_id": "t_coffee",
        "command_topic": "t/kitchen/coffee/set",
        "state_topic": "t/kitchen/coffee/state",
        "payload_on": "1",
        "payload_off": "0",
        "device": {"identifiers": ["t_coffee"], "suggested_area": "Kitchen"},
    },
    f"{PREFIX}/switch/tv/config": {
        "name": None,
        "uniq_id": "t_tv",
        "cmd_t": "t/living_room/tv/set",
        "stat_t": "t/living_room/tv/state",
        "dev": {"ids": ["t_tv"], "name": "TV", "sa": "Living Room"},
    },
    f"{PREFIX}/fan/ceiling_fan/config": {
        "name": "Ceiling Fan",
        "uniq_id": "t_fan",
        "cmd_t": "t/bedroom/fan/set",
        "stat_t": "t/bedroom/fan/state",
        "dev": {"ids": ["t_fan"], "sa": "Bedroom"},
    },
    f"{PREFIX}/cover/garage_door/config": {
        "name": "Garage Door",
        "unique_id": "t_garage",
        "device_class": "garage",
        "command_topic": "t/garage/door/set",
        "state_topic": "t/garage/door/state",
        "device": {"identifiers": ["t_garage"], "suggested_area": "Garage"},
    },
    f"{PREFIX}/lock/back_door/config": {
        "name": "Back Door",
        "uniq_id": "t_back_door",
        "cmd_t": "t/back_door/set",
        "stat_t": "t/back_door/state",
        "dev": {"ids": ["t_back_door"], "sa": "Hallway"},
    },
    f"{PREFIX}/climate/living_room/config": {
        "name": "Living Room Thermostat",
        "unique_id": "t_thermostat",
        "modes": ["off", "heat"],
        "mode_command_topic": "t/living_room/thermostat/mode/set",
        "temperature_command_topic": "t/living_room/thermostat/target/set",
        "temperature_state_topic": "t/living_room/thermostat/target",
        "current_temperature_topic": "t/living_room/thermostat/current",
        "min_temp": 10,
        "max_temp": 28,
        "temp_step": 0.5,
        "device": {"identifiers": ["t_thermostat"], "suggested_area": "Living Room"},
    },
}

STATES: dict[str, str] = {
    "t/kitchen/light/state": "OFF",
    "zigbee2mqtt/desk_lamp": json.dumps({"state": "OFF", "brightness": 100}),
    "tasmota/porch/tele/STATE": json.dumps({"POWER": "ON", "Uptime": "1T02:03:04"}),
    "t/kitchen/coffee/state": "1",
    "t/bedroom/fan/state": "OFF",
    "t/living_room/tv/state": "ON",
    "t/garage/door/state": "open",
    "t/back_door/state": "UNLOCKED",
    "t/living_room/thermostat/target": "19",
    "t/living_room/thermostat/current": "20.5",
}

COMMAND_TOPICS = sorted(
    {
        "t/kitchen/light/set", "t/kitchen/light/brightness/set",
        "t/kitchen/light/rgb/set",
        "zigbee2mqtt/desk_lamp/set", "tasmota/porch/cmnd/POWER", "t/kitchen/coffee/set",
        "t/bedroom/fan/set", "t/living_room/tv/set", "t/garage/door/set",
        "t/back_door/set",
        "t/living_room/thermostat/mode/set", "t/living_room/thermostat/target/set",
    }
)  # fmt: skip
