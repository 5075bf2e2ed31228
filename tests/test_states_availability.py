"""Availability: HA's availability topics, payloads, templates and modes."""

from __future__ import annotations

import json
import logging

import pytest

from assistant.discovery import entities_from_discovery
from assistant.home.domains import state_topics
from assistant.home.model import Availability, Entity, EntityState
from assistant.home.registry import DeviceRegistry

from .device_fixtures import KITCHEN, D, make

TASMOTA = make(
    D.SWITCH,
    "Kettle",
    command_topic="tasmota/kettle/cmnd/POWER",
    state_topic="tasmota/kettle/stat/POWER",
    availability_topic="tasmota/kettle/tele/LWT",
    payload_available="Online",
    payload_not_available="Offline",
)
Z2M = make(
    D.LIGHT,
    "Desk Lamp",
    schema="json",
    command_topic="z2m/desk/set",
    state_topic="z2m/desk",
    availability=[
        {"topic": "z2m/bridge/state", "value_template": "{{ value_json.state }}"},
        {"topic": "z2m/desk/availability"},
    ],
)


def two_topics(mode: str) -> Entity:
    entries = [{"topic": "a/lwt"}, {"topic": "b/lwt", "payload_available": "1"}]
    return make(
        D.SWITCH,
        "Pump",
        command_topic="p",
        availability=entries,
        availability_mode=mode,
    )


def test_availability_config() -> None:
    assert KITCHEN.availability() == ()
    assert TASMOTA.availability() == (
        Availability("tasmota/kettle/tele/LWT", "Online", "Offline"),
    )
    assert Z2M.availability() == (
        Availability("z2m/bridge/state", value_template="{{ value_json.state }}"),
        Availability("z2m/desk/availability"),
    )
    both = make(
        D.SWITCH,
        "S",
        command_topic="c",
        availability_topic="x",
        availability_template="{{ value | upper }}",
        availability=[{"topic": "y", "payload_not_available": 0}, {"topic": ""}],
    )
    assert both.availability() == (
        Availability("x", value_template="{{ value | upper }}"),
        Availability("y", payload_not_available="0"),
    )
    assert state_topics(Z2M) == (
        "z2m/desk",
        "z2m/bridge/state",
        "z2m/desk/availability",
    )


def test_unavailable_until_an_available_payload_arrives() -> None:
    registry = DeviceRegistry()
    for entity in (KITCHEN, TASMOTA):
        registry.upsert(entity)
    assert registry.is_available(KITCHEN.entity_id)  # no availability topics
    assert not registry.is_available("switch.nope")
    assert registry.state_topics() == {
        "tasmota/kettle/stat/POWER",
        "tasmota/kettle/tele/LWT",
    }
    eid = TASMOTA.entity_id
    assert not registry.is_available(eid)
    assert registry.handle_state("tasmota/kettle/tele/LWT", b"Online") == [eid]
    assert registry.is_available(eid)
    assert registry.handle_state("tasmota/kettle/tele/LWT", b"Online") == []
    assert registry.handle_state("tasmota/kettle/tele/LWT", b"rebooting") == []
    assert registry.is_available(eid)
    assert registry.handle_state("tasmota/kettle/tele/LWT", b"Offline") == [eid]
    assert not registry.is_available(eid)
    assert registry.state(eid).state is None  # availability is not the state


def test_templates_and_the_latest_message_by_default(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = DeviceRegistry()
    registry.upsert(Z2M)
    eid = Z2M.entity_id
    assert registry.handle_state("z2m/bridge/state", b'{"state":"online"}') == [eid]
    assert registry.is_available(eid)
    registry.handle_state("z2m/desk/availability", b"offline")
    assert not registry.is_available(eid)
    registry.handle_state("z2m/bridge/state", b'{"state":"online"}')
    assert registry.is_available(eid)  # "latest": the last verdict on any topic
    with caplog.at_level(logging.WARNING, logger="assistant.home"):
        for _ in range(2):
            assert registry.handle_state("z2m/bridge/state", b"online") == []
    assert [r.getMessage() for r in caplog.records] == [
        "Ignoring availability update for light.desk_lamp: 'value_json' is undefined"
    ]
    assert registry.is_available(eid)


@pytest.mark.parametrize(
    ("mode", "after_a", "after_both", "after_a_off"),
    [
        ("latest", True, True, False),
        ("all", False, True, False),
        ("any", True, True, True),
    ],
)
def test_availability_modes(
    mode: str, after_a: bool, after_both: bool, after_a_off: bool
) -> None:
    registry = DeviceRegistry()
    pump = registry.upsert(two_topics(mode))
    assert not registry.is_available(pump.entity_id)
    registry.handle_state("a/lwt", b"online")
    assert registry.is_available(pump.entity_id) is after_a
    registry.handle_state("b/lwt", b"1")
    assert registry.is_available(pump.entity_id) is after_both
    registry.handle_state("a/lwt", b"offline")
    assert registry.is_available(pump.entity_id) is after_a_off
    state = registry.state(pump.entity_id)
    assert state.availability == {"b/lwt": True, "a/lwt": False}


def test_a_late_entity_learns_a_shared_availability_topic() -> None:
    """The topic is already subscribed, so its retained payload won't come again."""
    registry = DeviceRegistry()
    registry.upsert(Z2M)
    registry.handle_state("z2m/bridge/state", b'{"state":"online"}')
    other = make(
        D.SWITCH,
        "Plug",
        command_topic="z2m/plug/set",
        availability=[
            {"topic": "z2m/bridge/state", "value_template": "{{ value_json.state }}"}
        ],
    )
    plug = registry.upsert(other)
    assert registry.is_available(plug.entity_id)
    assert registry.state(plug.entity_id) == EntityState(
        availability={"z2m/bridge/state": True}
    )
    registry.remove(plug.entity_id)
    assert registry.upsert(other) == plug and registry.is_available(plug.entity_id)


def test_device_discovery_shares_availability_with_every_component() -> None:
    payload = {
        "dev": {"name": "Hub"},
        "avty": [{"t": "hub/lwt"}],
        "avty_mode": "all",
        "cmps": {
            "a": {"p": "switch", "name": "One", "cmd_t": "hub/1"},
            "b": {"p": "switch", "name": "Two", "cmd_t": "hub/2"},
            "c": {
                "p": "switch",
                "name": "Three",
                "cmd_t": "hub/3",
                "avty_t": "hub/3/lwt",
            },
        },
    }
    topic = "homeassistant/device/hub/config"
    entities = entities_from_discovery(topic, json.dumps(payload).encode())
    assert entities is not None
    registry = DeviceRegistry()
    one, two, three = registry.replace_topic(topic, entities)[0]
    assert [e.availability() for e in (one, two, three)] == [
        (Availability("hub/lwt"),),
        (Availability("hub/lwt"),),
        (Availability("hub/3/lwt"),),  # its own availability replaces the shared one
    ]
    assert one.config["availability_mode"] == "all"
    assert sorted(registry.handle_state("hub/lwt", b"online")) == [
        one.entity_id,
        two.entity_id,
    ]
    assert [registry.is_available(e.entity_id) for e in (one, two, three)] == [
        True,
        True,
        False,
    ]
