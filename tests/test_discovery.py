"""Home Assistant MQTT discovery: topics, abbreviations and validation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.discovery import (
    ABBREVIATIONS,
    DEVICE_ABBREVIATIONS,
    ORIGIN_ABBREVIATIONS,
    SUPPORTED_COMPONENTS,
    DiscoveryError,
    discovery_subscription,
    entity_from_discovery,
    entity_from_table,
    expand_config,
    parse_discovery_topic,
)
from assistant.home.domains import state_topics
from assistant.home.model import Domain


def test_subscription_and_components() -> None:
    assert discovery_subscription() == [
        "homeassistant/+/+/config",
        "homeassistant/+/+/+/config",
    ]
    assert discovery_subscription("ha") == ["ha/+/+/config", "ha/+/+/+/config"]
    assert {d.value for d in Domain} == SUPPORTED_COMPONENTS


@pytest.mark.parametrize(
    ("topic", "prefix", "expected"),
    [
        (
            "homeassistant/light/kitchen/config",
            "homeassistant",
            ("light", None, "kitchen"),
        ),
        (
            "homeassistant/light/node-1/lamp_2/config",
            "homeassistant",
            ("light", "node-1", "lamp_2"),
        ),
        ("ha/switch/x/config", "ha", ("switch", None, "x")),
        ("homeassistant/light/kitchen/state", "homeassistant", None),
        ("homeassistant/light/config", "homeassistant", None),
        ("homeassistant/light/a/b/c/config", "homeassistant", None),
        ("homeassistant/light/bad id/config", "homeassistant", None),
        ("other/light/kitchen/config", "homeassistant", None),
        ("homeassistant/device/hub/config", "homeassistant", ("device", None, "hub")),
        (
            "homeassistant/device/bridge/hub/config",
            "homeassistant",
            ("device", "bridge", "hub"),
        ),
    ],
)
def test_parse_discovery_topic(topic: str, prefix: str, expected: Any) -> None:
    assert parse_discovery_topic(topic, prefix) == expected


def test_expand_config() -> None:
    payload = {
        "~": "base/dev",
        "cmd_t": "~/set",
        "stat_t": "state/~",
        "json_attr_t": "~",
        "avty": [{"t": "~/avail", "pl_avail": "up"}],
        "unique_id": "u",
        "dev": {"ids": "x", "sa": "Hall", "mdl": "M", "sw": "1", "hw": "2", "cns": []},
        "o": {"name": "bridge", "sw": "3", "url": "https://x"},
        "val_tpl": "~",
    }
    original = json.dumps(payload)
    config = expand_config(payload)
    assert json.dumps(payload) == original  # the input is left alone
    assert config == {
        "command_topic": "base/dev/set",
        "state_topic": "state/base/dev",
        "json_attributes_topic": "base/dev",
        "unique_id": "u",
        "value_template": "~",
        "availability": [{"topic": "base/dev/avail", "payload_available": "up"}],
        "device": {
            "identifiers": "x",
            "suggested_area": "Hall",
            "model": "M",
            "sw_version": "1",
            "hw_version": "2",
            "connections": [],
        },
        "origin": {"name": "bridge", "sw_version": "3", "support_url": "https://x"},
    }


def test_abbreviation_tables() -> None:
    expected = {
        "cmd_t": "command_topic",
        "stat_t": "state_topic",
        "avty_t": "availability_topic",
        "bri_cmd_t": "brightness_command_topic",
        "bri_stat_t": "brightness_state_topic",
        "bri_scl": "brightness_scale",
        "bri_val_tpl": "brightness_value_template",
        "rgb_cmd_t": "rgb_command_topic",
        "rgb_stat_t": "rgb_state_topic",
        "clrm": "color_mode",
        "sup_clrm": "supported_color_modes",
        "json_attr_t": "json_attributes_topic",
        "pl_on": "payload_on",
        "pl_off": "payload_off",
        "stat_val_tpl": "state_value_template",
        "val_tpl": "value_template",
        "pos_t": "position_topic",
        "pos_tpl": "position_template",
        "pl_open": "payload_open",
        "pl_cls": "payload_close",
        "pl_stop": "payload_stop",
        "stat_open": "state_open",
        "stat_clsd": "state_closed",
        "pl_lock": "payload_lock",
        "pl_unlk": "payload_unlock",
        "stat_locked": "state_locked",
        "stat_unlocked": "state_unlocked",
        "stat_jam": "state_jammed",
        "mode_cmd_t": "mode_command_topic",
        "mode_stat_t": "mode_state_topic",
        "mode_stat_tpl": "mode_state_template",
        "temp_cmd_t": "temperature_command_topic",
        "temp_stat_t": "temperature_state_topic",
        "temp_stat_tpl": "temperature_state_template",
        "curr_temp_t": "current_temperature_topic",
        "curr_temp_tpl": "current_temperature_template",
        "min_temp": "min_temp",
        "max_temp": "max_temp",
        "temp_step": "temp_step",
        "uniq_id": "unique_id",
        "obj_id": "object_id",
        "dev_cla": "device_class",
        "unit_of_meas": "unit_of_measurement",
        "pct_cmd_t": "percentage_command_topic",
        "spd_rng_min": "speed_range_min",
        "spd_rng_max": "speed_range_max",
        "cmd_tpl": "command_template",
        "on_cmd_type": "on_command_type",
        "fx_cmd_t": "effect_command_topic",
        "fx_list": "effect_list",
        "dev": "device",
        "o": "origin",
        "avty": "availability",
        "t": "topic",
    }
    assert {key: ABBREVIATIONS.get(key, key) for key in expected} == expected
    assert len(ABBREVIATIONS) > 300
    assert len(set(ABBREVIATIONS.values())) == len(ABBREVIATIONS)
    assert DEVICE_ABBREVIATIONS["sa"] == "suggested_area"
    assert DEVICE_ABBREVIATIONS["cns"] == "connections"
    assert ORIGIN_ABBREVIATIONS["url"] == "support_url"


BAD: list[tuple[str, bytes, str]] = [
    ("homeassistant/light/x/config", b"{not json", "invalid JSON"),
    ("homeassistant/light/x/config", b"[1, 2]", "payload is not a JSON object"),
    ("homeassistant/camera/x/config", b"{}", "unsupported component 'camera'"),
    (
        "homeassistant/light/x/config",
        b'{"stat_t": "a"}',
        "command_topic: required for a light",
    ),
    (
        "homeassistant/lock/x/config",
        b'{"name": "L"}',
        "command_topic: required for a lock",
    ),
    (
        "homeassistant/sensor/x/config",
        b'{"unit_of_meas": "W"}',
        "state_topic: required for a sensor",
    ),
    (
        "homeassistant/climate/x/config",
        b'{"curr_temp_t": "t"}',
        "mode_command_topic: required for a climate (or temperature_command_topic)",
    ),
    (
        "homeassistant/cover/x/config",
        b'{"name": "C"}',
        "command_topic: required for a cover (or state_topic or position_topic)",
    ),
    (
        "homeassistant/switch/x/config",
        b'{"cmd_t": 5}',
        "command_topic: must be a non-empty string",
    ),
    (
        "homeassistant/switch/x/config",
        b'{"cmd_t": "a", "stat_t": null}',
        "state_topic: must be a non-empty string",
    ),
    (
        "homeassistant/switch/x/config",
        b'{"cmd_t": "a/#"}',
        "command_topic: 'a/#' contains an MQTT wildcard",
    ),
    (
        "homeassistant/switch/x/config",
        b'{"cmd_t": "a", "avty": [{"t": "+/lwt"}]}',
        "availability[0].topic: '+/lwt' contains an MQTT wildcard",
    ),
    (
        "homeassistant/switch/x/config",
        b'{"cmd_t": "a", "val_tpl": "{{ value"}',
        "value_template: template syntax error",
    ),
    (
        "homeassistant/light/x/config",
        b'{"cmd_t": "a", "bri_scl": "max"}',
        "brightness_scale: must be a number",
    ),
    (
        "homeassistant/light/x/config",
        b'{"cmd_t": "a", "schema": "template"}',
        "schema: light schema 'template' is not supported",
    ),
    (
        "homeassistant/climate/x/config",
        b'{"temp_cmd_t": "a", "min_temp": 9, "max_temp": 8}',
        "max_temp: must be greater than min_temp",
    ),
    (
        "homeassistant/climate/x/config",
        b'{"temp_cmd_t": "a", "modes": "heat"}',
        "modes: must be a list of strings",
    ),
    ("homeassistant/switch/x/state", b'{"cmd_t": "a"}', "not a discovery config topic"),
    (
        "homeassistant/switch/x/config",
        b'{"cmd_t": "a", "avty_t": "l", "avty_mode": "some"}',
        "availability_mode: must be latest, all or any",
    ),
    (
        "homeassistant/switch/x/config",
        b'{"cmd_t": "a", "avty": [{"t": "l", "val_tpl": "{{ x"}]}',
        "availability[0].value_template: template syntax error",
    ),
    (
        "homeassistant/cover/x/config",
        b'{"cmd_t": "a", "pos_open": 0}',
        "position_open: must differ from position_closed",
    ),
    (
        "homeassistant/light/x/config",
        b'{"cmd_t": "a", "min_mirs": 0}',
        "min_mireds: must be greater than 0",
    ),
    (
        "homeassistant/light/x/config",
        b'{"cmd_t": "a", "max_k": "warm"}',
        "max_kelvin: must be a number",
    ),
    (
        "homeassistant/device/x/config",
        b'{"cmps": {}}',
        "a device discovery message (use entities_from_discovery)",
    ),
]


@pytest.mark.parametrize(("topic", "payload", "problem"), BAD)
def test_malformed_discovery(topic: str, payload: bytes, problem: str) -> None:
    with pytest.raises(DiscoveryError) as info:
        entity_from_discovery(topic, payload)
    assert info.value.code == "bad-discovery"
    assert info.value.message.startswith(f"{topic}: {problem}")
    assert "\n" not in info.value.message


def test_entity_from_table() -> None:
    table = {
        "component": "light",
        "name": "Desk Lamp",
        "area": "Office",
        "aliases": ["reading light", " "],
        "~": "home/desk",
        "cmd_t": "~/set",
        "stat_t": "~/state",
        "bri_cmd_t": "~/bri",
    }
    entity = entity_from_table(table, "devices[0]")
    assert (entity.entity_id, entity.domain, entity.name) == (
        "light.desk_lamp",
        Domain.LIGHT,
        "Desk Lamp",
    )
    assert (entity.area, entity.aliases, entity.source) == (
        "Office",
        ("reading light",),
        "config",
    )
    assert entity.config["brightness_command_topic"] == "home/desk/bri"
    assert "component" not in entity.config
    assert state_topics(entity) == ("home/desk/state",)
    fallback = entity_from_table(
        {
            "component": "switch",
            "name": "Fan",
            "command_topic": "f",
            "device": {"suggested_area": "Loft"},
        },
        "devices[1]",
    )
    assert (fallback.area, fallback.aliases) == ("Loft", ())


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"name": "X"}, "devices[2].component: required"),
        (
            {"component": "lamp", "name": "X"},
            "devices[2].component: unknown component 'lamp'",
        ),
        ({"component": "switch", "command_topic": "a"}, "devices[2].name: required"),
        (
            {"component": "switch", "name": "X"},
            "devices[2].command_topic: required for a switch",
        ),
        (
            {"component": "switch", "name": "X", "command_topic": "a", "aliases": "y"},
            "devices[2].aliases: must be a list of strings",
        ),
        (
            {"component": "switch", "name": "X", "command_topic": "a", "area": 3},
            "devices[2].area: must be a string",
        ),
    ],
)
def test_entity_from_table_errors(table: dict[str, Any], message: str) -> None:
    with pytest.raises(DiscoveryError) as info:
        entity_from_table(table, "devices[2]")
    assert info.value.message == message
