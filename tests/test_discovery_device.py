"""Device-based discovery (``<prefix>/device/.../config``), config overrides and the
registry's per-topic bookkeeping."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from assistant.discovery import (
    SHARED_OPTIONS,
    DiscoveryError,
    apply_overrides,
    discovery_subscription,
    entities_from_discovery,
    entity_from_discovery,
    parse_discovery_topic,
)
from assistant.home.domains import build_commands as build
from assistant.home.model import Command, Domain, Entity, Operation
from assistant.home.registry import DeviceRegistry

TOPIC = "homeassistant/device/kitchen_hub/config"

# HA's documented example shape: shared state topic, availability, "~", abbreviations.
KITCHEN: dict[str, Any] = {
    "dev": {"ids": "ea334450945afc", "name": "Kitchen", "mf": "Bla", "sa": "Kitchen"},
    "o": {"name": "bla2mqtt", "sw": "2.1", "url": "https://bla2mqtt.example.com"},
    "~": "kitchen/hub",
    "stat_t": "~/state",
    "avty_t": "~/lwt",
    "pl_avail": "up",
    "pl_not_avail": "down",
    "qos": 1,
    "cmps": {
        "temp": {
            "p": "sensor",
            "name": "Temperature",
            "dev_cla": "temperature",
            "unit_of_meas": "°C",
            "val_tpl": "{{ value_json.temperature }}",
            "uniq_id": "hub_t",
        },
        "ceiling": {
            "p": "light",
            "name": "Ceiling Light",
            "cmd_t": "~/ceiling/set",
            "stat_t": "~/ceiling",
            "uniq_id": "hub_l",
        },
        "kettle": {
            "platform": "switch",
            "name": "Kettle",
            "cmd_t": "~/kettle/set",
            "stat_t": "~/kettle",
            "avty": [{"t": "~/kettle/lwt"}],
            "uniq_id": "hub_k",
        },
    },
}


def announce(payload: Any, topic: str = TOPIC) -> list[Entity]:
    entities = entities_from_discovery(topic, json.dumps(payload).encode())
    assert entities is not None
    return entities


def test_device_topics_are_recognised_and_subscribed() -> None:
    assert parse_discovery_topic(TOPIC) == ("device", None, "kitchen_hub")
    assert parse_discovery_topic("homeassistant/device/bridge/hub-2/config") == (
        "device",
        "bridge",
        "hub-2",
    )
    assert parse_discovery_topic("ha/device/x/config", "ha") == ("device", None, "x")
    # the existing filters already match both device forms
    assert discovery_subscription() == [
        "homeassistant/+/+/config",
        "homeassistant/+/+/+/config",
    ]
    assert "state_topic" in SHARED_OPTIONS and "availability" in SHARED_OPTIONS


def test_each_component_becomes_an_entity() -> None:
    temp, ceiling, kettle = announce(KITCHEN)
    assert [
        (e.entity_id, e.domain, e.name, e.area) for e in (temp, ceiling, kettle)
    ] == [
        ("sensor.kitchen_temperature", Domain.SENSOR, "Kitchen Temperature", "Kitchen"),
        (
            "light.kitchen_ceiling_light",
            Domain.LIGHT,
            "Kitchen Ceiling Light",
            "Kitchen",
        ),
        ("switch.kitchen_kettle", Domain.SWITCH, "Kitchen Kettle", "Kitchen"),
    ]
    assert [e.source for e in (temp, ceiling, kettle)] == [
        f"{TOPIC}#temp",
        f"{TOPIC}#ceiling",
        f"{TOPIC}#kettle",
    ]
    # shared options, with "~", apply unless the component sets its own
    assert temp.config["state_topic"] == "kitchen/hub/state"
    assert ceiling.config["state_topic"] == "kitchen/hub/ceiling"
    assert temp.config["availability_topic"] == "kitchen/hub/lwt"
    assert (temp.config["payload_available"], temp.config["qos"]) == ("up", 1)
    assert kettle.config["availability"] == [{"topic": "kitchen/hub/kettle/lwt"}]
    assert "platform" not in kettle.config and "~" not in kettle.config
    # the device and origin apply to every component
    assert ceiling.config["device"]["manufacturer"] == "Bla"
    assert ceiling.config["origin"] == {
        "name": "bla2mqtt",
        "sw_version": "2.1",
        "support_url": "https://bla2mqtt.example.com",
    }
    assert (temp.config["unit_of_measurement"], temp.config["unique_id"]) == (
        "°C",
        "hub_t",
    )
    assert temp.aliases == () and ceiling.aliases == ("Ceiling Light",)
    assert kettle.aliases == ("Kettle",)
    assert build(ceiling, Operation.TURN_ON) == [
        Command("kitchen/hub/ceiling/set", "ON")
    ]


def test_component_ids_name_entities_without_names() -> None:
    payload = {
        "dev": {"ids": ["x"]},
        "cmps": {"relay_1": {"p": "switch", "cmd_t": "r/1"}},
    }
    (relay,) = announce(payload, "homeassistant/device/node/board_7/config")
    assert (relay.entity_id, relay.name) == ("switch.node_board_7_relay_1", "Relay 1")
    assert relay.source == "homeassistant/device/node/board_7/config#relay_1"


def test_bad_components_are_skipped_with_one_warning_each(
    caplog: pytest.LogCaptureFixture,
) -> None:
    payload = {
        "dev": {"name": "Hub"},
        "cmps": {
            "ok": {"p": "switch", "cmd_t": "a"},
            "vac": {"p": "camera", "cmd_t": "v"},
            "nocmd": {"p": "light", "stat_t": "s"},
            "noplat": {"cmd_t": "x"},
            "odd": "light",
            "gone": {"p": "light"},  # only a platform: HA's "remove this component"
        },
    }
    with caplog.at_level(logging.WARNING, logger="assistant.discovery"):
        entities = announce(payload)
    assert [e.source for e in entities] == [f"{TOPIC}#ok"]
    assert [r.getMessage() for r in caplog.records] == [
        f"Skipping component vac of {TOPIC}: platform: unsupported component 'camera'",
        f"Skipping component nocmd of {TOPIC}: command_topic: required for a light",
        f"Skipping component noplat of {TOPIC}: platform: required",
        f"Skipping component odd of {TOPIC}: must be an object",
    ]


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"{oops", "invalid JSON"),
        (b"[]", "payload is not a JSON object"),
        (b'{"dev": {"name": "x"}}', "components: required (an object)"),
        (b'{"dev": {"name": "x"}, "cmps": []}', "components: required (an object)"),
        (b'{"cmps": {"a": {"p": "switch", "cmd_t": "a"}}}', "device: required"),
    ],
)
def test_unusable_device_messages(payload: bytes, problem: str) -> None:
    with pytest.raises(DiscoveryError) as info:
        entities_from_discovery(TOPIC, payload)
    assert info.value.message.startswith(f"{TOPIC}: {problem}")


def test_empty_payloads_and_the_single_component_form() -> None:
    assert entities_from_discovery(TOPIC, b"") is None
    assert entities_from_discovery("homeassistant/light/x/config", b"") is None
    (lamp,) = announce({"name": "Lamp", "cmd_t": "l"}, "homeassistant/light/x/config")
    assert (lamp.entity_id, lamp.source) == (
        "light.lamp",
        "homeassistant/light/x/config",
    )
    with pytest.raises(DiscoveryError) as info:
        entity_from_discovery(TOPIC, json.dumps(KITCHEN).encode())
    assert info.value.message == (
        f"{TOPIC}: a device discovery message (use entities_from_discovery)"
    )
    with pytest.raises(DiscoveryError, match="not a discovery config topic"):
        entities_from_discovery("homeassistant/device/config", b"{}")


def test_registry_replaces_and_removes_a_device_topic() -> None:
    registry = DeviceRegistry()
    registry.upsert(
        announce({"name": "Lamp", "cmd_t": "l"}, "homeassistant/light/x/config")[0]
    )
    kept, removed = registry.replace_topic(TOPIC, announce(KITCHEN))
    assert [e.entity_id for e in kept] == [
        "sensor.kitchen_temperature",
        "light.kitchen_ceiling_light",
        "switch.kitchen_kettle",
    ]
    assert removed == []
    assert {"kitchen/hub/state", "kitchen/hub/lwt", "kitchen/hub/kettle/lwt"} <= (
        registry.state_topics()
    )
    registry.handle_state("kitchen/hub/ceiling", b"ON")
    # announced again without the kettle: the kettle goes, the light keeps its state
    smaller = {
        **KITCHEN,
        "cmps": {k: v for k, v in KITCHEN["cmps"].items() if k != "kettle"},
    }
    kept, removed = registry.replace_topic(TOPIC, announce(smaller))
    assert [e.entity_id for e in kept] == [
        "sensor.kitchen_temperature",
        "light.kitchen_ceiling_light",
    ]
    assert [e.entity_id for e in removed] == ["switch.kitchen_kettle"]
    assert registry.state("light.kitchen_ceiling_light").state == "on"
    assert "kitchen/hub/kettle/lwt" not in registry.state_topics()
    # one component by its source, then the rest of the device by its topic
    gone = registry.remove_by_source(f"{TOPIC}#temp")
    assert gone is not None and gone.entity_id == "sensor.kitchen_temperature"
    assert [e.entity_id for e in registry.remove_by_topic(TOPIC)] == [
        "light.kitchen_ceiling_light"
    ]
    assert registry.remove_by_topic(TOPIC) == []
    assert [e.entity_id for e in registry.entities()] == ["light.lamp"]
    assert registry.remove_by_topic("homeassistant/light/x/config")[0].entity_id == (
        "light.lamp"
    )


def test_a_renamed_component_with_the_same_unique_id_keeps_its_state() -> None:
    registry = DeviceRegistry()
    registry.replace_topic(TOPIC, announce(KITCHEN))
    registry.handle_state("kitchen/hub/kettle", b"ON")
    renamed = {**KITCHEN, "cmps": {"kettle_2": KITCHEN["cmps"]["kettle"]}}
    kept, removed = registry.replace_topic(TOPIC, announce(renamed))
    assert [e.entity_id for e in kept] == ["switch.kitchen_kettle"]
    assert kept[0].source == f"{TOPIC}#kettle_2"
    assert [e.entity_id for e in removed] == [
        "sensor.kitchen_temperature",
        "light.kitchen_ceiling_light",
    ]
    assert registry.state("switch.kitchen_kettle").state == "on"


def test_a_dropped_component_frees_its_entity_id() -> None:
    registry = DeviceRegistry()
    lamp = {
        "dev": {"name": "Hub"},
        "cmps": {"a": {"p": "light", "name": "Lamp", "cmd_t": "x"}},
    }
    registry.replace_topic(TOPIC, announce(lamp))
    moved = {
        "dev": {"name": "Hub"},
        "cmps": {"b": {"p": "light", "name": "Lamp", "cmd_t": "y"}},
    }
    kept, removed = registry.replace_topic(TOPIC, announce(moved))
    assert [e.entity_id for e in kept] == ["light.hub_lamp"]  # not light.hub_lamp_2
    assert [e.source for e in removed] == [f"{TOPIC}#a"]


# --- Overrides and aliases -----------------------------------------------------------

LAMP = Entity(
    "light.0x00158d",
    Domain.LIGHT,
    "0x00158d Light",
    None,
    {"command_topic": "c"},
    aliases=("Light",),
    source="homeassistant/light/0x00158d/light/config",
)


def test_apply_overrides() -> None:
    overrides = {
        "entity_id": "light.0x00158d",  # what the caller matched on: ignored
        "name": " Reading Lamp ",
        "area": "Study",
        "aliases": ["book light", "reading lamp", "LIGHT", " "],
    }
    lamp = apply_overrides(LAMP, overrides)
    assert (lamp.entity_id, lamp.name, lamp.area, lamp.source) == (
        "light.0x00158d",
        "Reading Lamp",
        "Study",
        LAMP.source,
    )
    assert lamp.aliases == ("Light", "book light")
    assert lamp.config is LAMP.config and LAMP.name == "0x00158d Light"
    assert apply_overrides(LAMP, {}) == LAMP
    assert apply_overrides(lamp, {"area": ""}).area is None
    assert apply_overrides(LAMP, {"aliases": ("desk",)}).aliases == ("Light", "desk")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "devices.lamp.name: must be a non-empty string"),
        ({"name": 3}, "devices.lamp.name: must be a non-empty string"),
        ({"area": ["Study"]}, "devices.lamp.area: must be a string"),
        ({"aliases": "lamp"}, "devices.lamp.aliases: must be a list of strings"),
        ({"aliases": [1]}, "devices.lamp.aliases: must be a list of strings"),
    ],
)
def test_bad_overrides(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(DiscoveryError) as info:
        apply_overrides(LAMP, overrides, "devices.lamp")
    assert info.value.message == message


@pytest.mark.parametrize(
    ("name", "aliases"),
    [
        ("Power", ()),
        ("temperature", ()),
        ("Light", ()),
        ("State", ()),
        ("Kettle", ("Kettle",)),
        ("Power Switch", ("Power Switch",)),
        ("Light 2", ("Light 2",)),
    ],
)
def test_generic_entity_names_are_not_aliases(
    name: str, aliases: tuple[str, ...]
) -> None:
    payload = {"name": name, "cmd_t": "x", "dev": {"name": "Desk"}}
    entity = announce(payload, "homeassistant/switch/desk/config")[0]
    assert (entity.name, entity.aliases) == (f"Desk {name}", aliases)
