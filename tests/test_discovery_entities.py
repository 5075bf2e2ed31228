"""Entities from discovery: sample homes, naming, entity ids and collisions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.discovery import entity_from_discovery
from assistant.home.domains import build_commands as build
from assistant.home.domains import supports
from assistant.home.model import Command, Entity, Operation
from assistant.home.registry import DeviceRegistry

Op = Operation
KITCHEN_DEVICE = {"ids": ["A1B2C3"], "name": "Kitchen", "sa": "Kitchen"}

# A Tasmota-style home: abbreviated keys, "~" base topics, one shared STATE topic.
TASMOTA: dict[str, dict[str, Any]] = {
    "homeassistant/switch/A1B2C3_RL_1/config": {
        "name": "Kettle",
        "~": "tasmota/kitchen/",
        "uniq_id": "A1B2C3_RL_1",
        "cmd_t": "~cmnd/POWER1",
        "stat_t": "~tele/STATE",
        "val_tpl": "{{value_json.POWER1}}",
        "pl_on": "ON",
        "pl_off": "OFF",
        "avty_t": "~tele/LWT",
        "pl_avail": "Online",
        "pl_not_avail": "Offline",
        "dev": KITCHEN_DEVICE,
    },
    "homeassistant/light/A1B2C3_LI_2/config": {
        "name": "Ceiling",
        "~": "tasmota/kitchen/",
        "uniq_id": "A1B2C3_LI_2",
        "cmd_t": "~cmnd/POWER2",
        "stat_t": "~tele/STATE",
        "stat_val_tpl": "{{value_json.POWER2}}",
        "bri_cmd_t": "~cmnd/Dimmer",
        "bri_stat_t": "~tele/STATE",
        "bri_scl": 100,
        "bri_val_tpl": "{{value_json.Dimmer}}",
        "dev": KITCHEN_DEVICE,
    },
    "homeassistant/sensor/A1B2C3_AM2301_Temperature/config": {
        "name": "Temperature",
        "~": "tasmota/kitchen/",
        "stat_t": "~tele/SENSOR",
        "val_tpl": "{{value_json['AM2301'].Temperature}}",
        "unit_of_meas": "°C",
        "dev_cla": "temperature",
        "dev": KITCHEN_DEVICE,
    },
}
Z2M_TOPIC = "homeassistant/light/0x00158d0001a2b3c4/light/config"
Z2M_LAMP = {
    "name": None,
    "schema": "json",
    "brightness": True,
    "supported_color_modes": ["xy"],
    "object_id": "bedroom_lamp",
    "command_topic": "zigbee2mqtt/Bedroom Lamp/set",
    "state_topic": "zigbee2mqtt/Bedroom Lamp",
    "unique_id": "0x00158d0001a2b3c4_light_zigbee2mqtt",
    "availability": [
        {
            "topic": "zigbee2mqtt/bridge/state",
            "value_template": "{{ value_json.state }}",
        }
    ],
    "device": {
        "identifiers": ["zigbee2mqtt_0x00158d0001a2b3c4"],
        "name": "Bedroom Lamp",
        "suggested_area": "Bedroom",
    },
    "origin": {"name": "Zigbee2MQTT", "sw": "1.40.0", "url": "https://z2m.example"},
}
HOME: dict[str, dict[str, Any]] = {
    "homeassistant/light/living_room/config": {
        "name": "Living Room Light",
        "command_topic": "home/lr/light/set",
        "state_topic": "home/lr/light",
        "brightness_command_topic": "home/lr/bri/set",
        "brightness_state_topic": "home/lr/bri",
        "rgb_command_topic": "home/lr/rgb/set",
        "rgb_state_topic": "home/lr/rgb",
        "device": {"name": "Living Room Light", "suggested_area": "Living Room"},
    },
    "homeassistant/fan/bedroom/fan/config": {
        "name": "Fan",
        "cmd_t": "home/fan/set",
        "stat_t": "home/fan",
        "pct_cmd_t": "home/fan/pct/set",
        "pct_stat_t": "home/fan/pct",
        "spd_rng_min": 1,
        "spd_rng_max": 4,
        "dev": {"name": "Bedroom", "sa": "Bedroom"},
    },
    "homeassistant/cover/garage_door/config": {
        "name": None,
        "cmd_t": "home/garage/set",
        "stat_t": "home/garage",
        "pl_open": "UP",
        "pl_cls": "DOWN",
        "pl_stop": None,
        "stat_open": "opened",
        "stat_clsd": "shut",
        "dev": {"name": "Garage Door", "sa": "Garage"},
    },
    "homeassistant/lock/front_door/config": {
        "name": "Front Door",
        "cmd_t": "home/lock/set",
        "stat_t": "home/lock",
        "pl_lock": "1",
        "pl_unlk": "0",
        "stat_locked": "L",
        "stat_unlocked": "U",
    },
    "homeassistant/climate/thermostat/config": {
        "name": None,
        "mode_cmd_t": "home/th/mode/set",
        "mode_stat_t": "home/th/mode",
        "temp_cmd_t": "home/th/temp/set",
        "temp_stat_t": "home/th/target",
        "curr_temp_t": "home/th/current",
        "curr_temp_tpl": "{{ value_json.t }}",
        "min_temp": 10,
        "max_temp": 28,
        "temp_step": 0.5,
        "modes": ["off", "heat"],
        "dev": {"name": "Living Room Thermostat", "sa": "Living Room"},
    },
    "homeassistant/binary_sensor/hall_motion/config": {
        "stat_t": "home/hall/motion",
        "dev_cla": "motion",
    },
}


def discover(topic: str, payload: Any) -> Entity:
    entity = entity_from_discovery(topic, json.dumps(payload).encode())
    assert entity is not None
    return entity


def home() -> tuple[DeviceRegistry, dict[str, Entity]]:
    registry = DeviceRegistry()
    topics = {**TASMOTA, **HOME, Z2M_TOPIC: Z2M_LAMP}
    for topic, payload in topics.items():
        registry.upsert(discover(topic, payload))
    return registry, {e.entity_id: e for e in registry.entities()}


def test_tasmota_home() -> None:
    registry, entities = home()
    kettle = entities["switch.kitchen_kettle"]  # from the name, not the topic
    ceiling = entities["light.kitchen_ceiling"]
    temperature = entities["sensor.kitchen_temperature"]
    assert (kettle.name, kettle.area) == ("Kitchen Kettle", "Kitchen")
    assert kettle.aliases == ("Kettle",)
    assert ceiling.name == "Kitchen Ceiling"
    assert temperature.name == "Kitchen Temperature"
    assert kettle.source == "homeassistant/switch/A1B2C3_RL_1/config"
    assert kettle.config["availability_topic"] == "tasmota/kitchen/tele/LWT"
    assert build(kettle, Op.TURN_ON) == [Command("tasmota/kitchen/cmnd/POWER1", "ON")]
    assert build(ceiling, Op.SET_BRIGHTNESS, 40) == [
        Command("tasmota/kitchen/cmnd/Dimmer", "40"),
        Command("tasmota/kitchen/cmnd/POWER2", "ON"),
    ]
    state = b'{"Time":"2024-01-01T10:00:00","POWER1":"ON","POWER2":"ON","Dimmer":40}'
    changed = registry.handle_state("tasmota/kitchen/tele/STATE", state)
    assert sorted(changed) == [ceiling.entity_id, kettle.entity_id]
    assert registry.state(kettle.entity_id).state == "on"
    light = registry.state(ceiling.entity_id)
    assert (light.state, light.brightness_pct) == ("on", 40)
    sensor = b'{"AM2301":{"Temperature":19.5,"Humidity":48}}'
    assert registry.handle_state("tasmota/kitchen/tele/SENSOR", sensor) == [
        temperature.entity_id
    ]
    assert registry.state(temperature.entity_id).state == "19.5"
    assert registry.state(temperature.entity_id).unit == "°C"


def test_zigbee2mqtt_json_light() -> None:
    registry, entities = home()
    lamp = entities["light.bedroom_lamp"]  # from "object_id", not the topic's "light"
    assert (lamp.name, lamp.area) == ("Bedroom Lamp", "Bedroom")
    assert lamp.config["origin"]["sw_version"] == "1.40.0"
    assert build(lamp, Op.SET_BRIGHTNESS, 40) == [
        Command("zigbee2mqtt/Bedroom Lamp/set", '{"state":"ON","brightness":102}')
    ]
    payload = b'{"state":"ON","brightness":254,"color":{"x":0.3,"y":0.3}}'
    changed = registry.handle_state("zigbee2mqtt/Bedroom Lamp", payload)
    assert changed == [lamp.entity_id]
    assert registry.state(lamp.entity_id).brightness_pct == 100


def test_other_domains_from_discovery() -> None:
    registry, entities = home()
    light = entities["light.living_room_light"]
    assert (light.name, light.area) == ("Living Room Light", "Living Room")
    fan = entities["fan.bedroom_fan"]
    assert (fan.name, fan.area) == ("Bedroom Fan", "Bedroom")
    assert build(fan, Op.SET_BRIGHTNESS, 50) == [Command("home/fan/pct/set", "2")]
    garage = entities["cover.garage_door"]
    assert garage.name == "Garage Door"
    assert build(garage, Op.OPEN) == [Command("home/garage/set", "UP")]
    assert not supports(garage, Op.STOP)
    registry.handle_state("home/garage", b"shut")
    assert registry.state(garage.entity_id).state == "closed"
    door = entities["lock.front_door"]
    assert (door.name, door.area) == ("Front Door", None)
    assert build(door, Op.UNLOCK) == [Command("home/lock/set", "0")]
    registry.handle_state("home/lock", b"L")
    assert registry.state(door.entity_id).state == "locked"
    thermostat = entities["climate.living_room_thermostat"]
    assert build(thermostat, Op.SET_TEMPERATURE, 21.3) == [
        Command("home/th/temp/set", "21.5")
    ]
    registry.handle_state("home/th/current", b'{"t": 20.5}')
    assert registry.state(thermostat.entity_id).current_temperature == 20.5
    motion = entities["binary_sensor.hall_motion"]  # no names: from the topic
    assert motion.name == "Hall Motion"
    registry.handle_state("home/hall/motion", b"ON")
    assert registry.state(motion.entity_id).state == "on"
    assert registry.areas() == ["Bedroom", "Garage", "Kitchen", "Living Room"]


@pytest.mark.parametrize(
    ("payload", "name", "aliases"),
    [
        ({"name": "Power", "dev": {"name": "Desk"}}, "Desk Power", ()),  # generic
        (
            {"name": "Fairy Lights", "dev": {"name": "Desk"}},
            "Desk Fairy Lights",
            ("Fairy Lights",),
        ),
        ({"name": "Desk Lamp", "dev": {"name": "Desk"}}, "Desk Lamp", ()),
        ({"name": "desk light", "dev": {"name": "Desk"}}, "desk light", ()),
        ({"name": None, "dev": {"name": "Desk"}}, "Desk", ()),
        ({"dev": {"name": "Desk"}}, "Desk", ()),
        ({"name": "", "dev": {"name": "Desk"}}, "Desk", ()),
        ({"name": "Lamp"}, "Lamp", ()),
        ({"name": "Lamp", "dev": {"ids": ["x"]}}, "Lamp", ()),
        ({}, "Reading Nook", ()),
    ],
)
def test_naming(payload: dict[str, Any], name: str, aliases: tuple[str, ...]) -> None:
    config = {"cmd_t": "x/set", **payload}
    entity = discover("homeassistant/switch/reading_nook/config", config)
    assert (entity.name, entity.aliases) == (name, aliases)


def test_entity_name_is_an_alias_of_a_combined_name() -> None:
    payload = {
        "name": "Hallway Light",
        "cmd_t": "tasmota/hallway/cmnd/POWER",
        "dev": {"ids": ["tasmota_hallway"], "name": "Hallway Switch"},
    }
    entity = discover("homeassistant/light/tasmota_hallway/light/config", payload)
    assert entity.name == "Hallway Switch Hallway Light"
    assert entity.aliases == ("Hallway Light",)
    assert entity.entity_id == "light.hallway_switch_hallway_light"


@pytest.mark.parametrize(
    ("extra", "entity_id"),
    [
        ({}, "switch.a_node_7"),  # "<node_id>_<object_id>" from the topic
        ({"name": "Desk Lamp"}, "switch.desk_lamp"),
        ({"name": "Power", "dev": {"name": "Desk"}}, "switch.desk_power"),
        ({"dev": {"name": " Desk -- Lamp (2) "}}, "switch.desk_lamp_2"),
        ({"name": "???"}, "switch.a_node_7"),  # no slug in the name
        ({"obj_id": "Desk-Lamp", "name": "Lamp"}, "switch.desk_lamp"),
        ({"default_entity_id": "switch.fan", "obj_id": "x"}, "switch.fan"),
        ({"def_ent_id": "Fan", "name": "Lamp"}, "switch.fan"),
        ({"default_entity_id": "light.fan"}, "switch.light_fan"),
    ],
)
def test_entity_id(extra: dict[str, Any], entity_id: str) -> None:
    payload = {"cmd_t": "x/set", **extra}
    entity = discover("homeassistant/switch/a/Node-7/config", payload)
    assert entity.entity_id == entity_id


def test_deletion_and_rediscovery() -> None:
    registry, _ = home()
    topic = "homeassistant/lock/front_door/config"
    assert entity_from_discovery(topic, b"") is None
    removed = registry.remove_by_source(topic)
    assert removed is not None and removed.entity_id == "lock.front_door"
    assert registry.get("lock.front_door") is None
    assert "home/lock" not in registry.state_topics()
    assert registry.remove_by_source(topic) is None
    # the same unique_id on a new topic replaces the old entity, keeping its state
    old_topic = "homeassistant/switch/A1B2C3_RL_1/config"
    registry.handle_state("tasmota/kitchen/tele/STATE", b'{"POWER1":"ON"}')
    moved = discover("homeassistant/switch/kettle_v2/config", {**TASMOTA[old_topic]})
    assert registry.upsert(moved) is moved
    assert registry.get("switch.kitchen_kettle") is moved
    assert registry.state("switch.kitchen_kettle").state == "on"
    assert registry.remove_by_source(old_topic) is None
    assert [e.entity_id for e in registry.entities() if e.domain == "switch"] == [
        "switch.kitchen_kettle"
    ]


# --- Entity id collisions -----------------------------------------------------


def zigbee_lamp(ieee: str, device_name: str) -> dict[str, Any]:
    """zigbee2mqtt's discovery payload for a lamp: no entity name, no object_id."""
    return {
        "name": None,
        "schema": "json",
        "brightness": True,
        "cmd_t": f"zigbee2mqtt/{ieee}/set",
        "stat_t": f"zigbee2mqtt/{ieee}",
        "uniq_id": f"{ieee}_light_zigbee2mqtt",
        "dev": {"ids": [f"zigbee2mqtt_{ieee}"], "name": device_name},
    }


def test_zigbee_lamps_each_get_their_own_entity() -> None:
    registry = DeviceRegistry()
    for ieee, device_name in (("0xAAA", "Bedroom Lamp"), ("0xBBB", "Desk Lamp")):
        topic = f"homeassistant/light/{ieee}/light/config"
        registry.upsert(discover(topic, zigbee_lamp(ieee, device_name)))
    entities = {e.entity_id: e for e in registry.entities()}
    assert sorted(entities) == ["light.bedroom_lamp", "light.desk_lamp"]
    assert entities["light.desk_lamp"].name == "Desk Lamp"
    changed = registry.handle_state("zigbee2mqtt/0xBBB", b'{"state":"ON"}')
    assert changed == ["light.desk_lamp"]
    assert registry.state("light.bedroom_lamp").state is None


def test_same_name_from_different_topics_keeps_both() -> None:
    registry = DeviceRegistry()
    lamps = []
    for ieee in ("0xAAA", "0xBBB", "0xCCC"):
        topic = f"homeassistant/light/{ieee}/light/config"
        lamps.append(registry.upsert(discover(topic, zigbee_lamp(ieee, "Lamp"))))
    ids = [lamp.entity_id for lamp in lamps]
    assert ids == ["light.lamp", "light.lamp_2", "light.lamp_3"]
    assert [e.entity_id for e in registry.entities()] == ids
    assert [lamp.source for lamp in lamps] == [
        f"homeassistant/light/{ieee}/light/config"
        for ieee in ("0xAAA", "0xBBB", "0xCCC")
    ]
    assert registry.handle_state("zigbee2mqtt/0xBBB", b'{"state":"ON"}') == [
        "light.lamp_2"
    ]


def test_republishing_a_topic_updates_in_place() -> None:
    registry = DeviceRegistry()
    for ieee in ("0xAAA", "0xBBB"):
        topic = f"homeassistant/light/{ieee}/light/config"
        registry.upsert(discover(topic, zigbee_lamp(ieee, "Lamp")))
    registry.handle_state("zigbee2mqtt/0xBBB", b'{"state":"ON","brightness":255}')
    # 0xBBB announces itself again (bridge restart), now with an area
    payload = zigbee_lamp("0xBBB", "Lamp")
    payload["dev"]["sa"] = "Office"
    again = discover("homeassistant/light/0xBBB/light/config", payload)
    assert again.entity_id == "light.lamp"  # what it asks for...
    stored = registry.upsert(again)
    assert stored.entity_id == "light.lamp_2"  # ...but it keeps the id it has
    assert (stored.area, stored.source) == ("Office", again.source)
    assert registry.get("light.lamp_2") is stored
    assert registry.state("light.lamp_2").brightness_pct == 100
    assert [e.entity_id for e in registry.entities()] == ["light.lamp", "light.lamp_2"]
    other = registry.get("light.lamp")  # the other lamp is untouched
    assert other is not None and other.area is None
