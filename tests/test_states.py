"""State tracking, the device registry and spoken descriptions of state."""

from __future__ import annotations

import logging

import pytest

from assistant.home.domains import describe_state
from assistant.home.model import Entity, EntityState
from assistant.home.registry import DeviceRegistry

from .device_fixtures import (
    DOOR,
    FAN,
    FRONT_DOOR,
    GARAGE,
    KITCHEN,
    LAMP,
    LIGHT,
    TEMPERATURE,
    THERMOSTAT,
    D,
    make,
)

# --- State ------------------------------------------------------------------------


@pytest.fixture
def registry() -> DeviceRegistry:
    reg = DeviceRegistry()
    for entity in (LIGHT, LAMP, FAN, GARAGE, FRONT_DOOR, THERMOSTAT, TEMPERATURE, DOOR):
        reg.upsert(entity)
    return reg


def test_default_light_state(registry: DeviceRegistry) -> None:
    eid = LIGHT.entity_id
    assert registry.handle_state("lr/light/state", b"on") == [eid]
    assert registry.handle_state("lr/light/state", b"on") == []
    assert registry.handle_state("lr/light/bri", b"40") == [eid]
    assert registry.handle_state("lr/light/rgb", b"255,128,0") == [eid]
    state = registry.state(eid)
    assert (state.state, state.brightness_pct, state.rgb) == ("on", 40, (255, 128, 0))
    assert registry.handle_state("lr/light/state", b"off") == [eid]
    assert state.state == "off"


def test_json_light_state(registry: DeviceRegistry) -> None:
    payload = b'{"state":"ON","brightness":102,"color":{"x":0.6401,"y":0.33}}'
    assert registry.handle_state("z2m/Bedroom Lamp", payload) == [LAMP.entity_id]
    state = registry.state(LAMP.entity_id)
    assert (state.state, state.brightness_pct, state.rgb) == ("on", 40, (255, 0, 0))
    off = b'{"state":"OFF","color":{"r":0,"g":9,"b":1}}'
    registry.handle_state("z2m/Bedroom Lamp", off)
    assert (state.state, state.rgb) == ("off", (0, 9, 1))


@pytest.mark.parametrize(
    ("entity", "topic", "payload", "expected"),
    [
        (FAN, "fan/state", b"ON", "on"),
        (GARAGE, "garage/state", b"open", "open"),
        (GARAGE, "garage/state", b"closing", "closing"),
        (FRONT_DOOR, "front/state", b"LOCKED", "locked"),
        (FRONT_DOOR, "front/state", b"JAMMED", "jammed"),
        (FRONT_DOOR, "front/state", b"unlocked", "unlocked"),
        (DOOR, "d", b"ON", "on"),
        (DOOR, "d", b"OFF", "off"),
    ],
)
def test_simple_states(
    registry: DeviceRegistry, entity: Entity, topic: str, payload: bytes, expected: str
) -> None:
    assert registry.handle_state(topic, payload) == [entity.entity_id]
    assert registry.state(entity.entity_id).state == expected
    registry.handle_state(topic, b"None")
    assert registry.state(entity.entity_id).state is None


def test_fan_speed_and_cover_position(registry: DeviceRegistry) -> None:
    registry.handle_state("fan/pct", b"3")
    assert registry.state(FAN.entity_id).brightness_pct == 100
    blind = make(D.COVER, "Blind", command_topic="b/set", position_topic="b/pos")
    registry.upsert(blind)
    registry.handle_state("b/pos", b"0")
    assert registry.state(blind.entity_id).state == "closed"
    registry.handle_state("b/pos", b"35")
    assert registry.state(blind.entity_id).state == "open"


def test_climate_and_sensor_state(registry: DeviceRegistry) -> None:
    registry.handle_state("th/current", b"19.5")
    registry.handle_state("th/target", b'{"target": 21}')
    registry.handle_state("th/mode", b"heat")
    state = registry.state(THERMOSTAT.entity_id)
    assert (state.current_temperature, state.target_temperature) == (19.5, 21.0)
    assert state.hvac_mode == "heat"
    assert registry.handle_state("th/mode", b"banana") == []
    assert state.hvac_mode == "heat"
    payload = b'{"Time":"2024-01-01T10:00:00","AM2301":{"Temperature":21.5}}'
    assert registry.handle_state("tasmota/lr/tele/SENSOR", payload) == [
        TEMPERATURE.entity_id
    ]
    reading = registry.state(TEMPERATURE.entity_id)
    assert (reading.state, reading.unit) == ("21.5", "°C")


def test_shared_tasmota_state_topic_feeds_two_entities() -> None:
    relay1 = make(
        D.SWITCH,
        "Relay 1",
        command_topic="tasmota/x/cmnd/POWER1",
        state_topic="tasmota/x/tele/STATE",
        value_template="{{ value_json.POWER1 }}",
    )
    light2 = make(
        D.LIGHT,
        "Relay 2",
        command_topic="tasmota/x/cmnd/POWER2",
        state_topic="tasmota/x/tele/STATE",
        value_template="{{ value_json.POWER2 }}",
    )
    reg = DeviceRegistry()
    reg.upsert(relay1)
    reg.upsert(light2)
    assert reg.state_topics() == {"tasmota/x/tele/STATE"}
    both = b'{"POWER1":"ON","POWER2":"OFF"}'
    changed = reg.handle_state("tasmota/x/tele/STATE", both)
    assert changed == ["switch.relay_1", "light.relay_2"]
    changed = reg.handle_state("tasmota/x/tele/STATE", b'{"POWER1":"OFF","Dimmer":5}')
    assert changed == ["switch.relay_1"]
    assert [reg.state(e.entity_id).state for e in (relay1, light2)] == ["off", "off"]


def test_bad_payloads_never_raise_and_warn_once(
    registry: DeviceRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="assistant.home"):
        for payload in (b"not json", b"\xff\xfe", b"[1, 2]", b"{}"):
            assert registry.handle_state("z2m/Bedroom Lamp", payload) == []
        assert registry.handle_state("lr/light/rgb", b"999,0,0") == []
        assert registry.handle_state("lr/light/state", b"maybe") == []
        assert registry.handle_state("tasmota/lr/tele/SENSOR", b"21") == []
        assert registry.handle_state("th/current", b"warm") == []
        assert registry.handle_state("unknown/topic", b"ON") == []
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 5
    assert registry.state(LAMP.entity_id) == EntityState()


# --- Registry ---------------------------------------------------------------------


def test_registry_bookkeeping(registry: DeviceRegistry) -> None:
    assert registry.areas() == ["Bedroom", "Living Room"]
    assert registry.get(LIGHT.entity_id) is LIGHT
    assert registry.get("light.nope") is None
    assert registry.state("light.nope") == EntityState()
    assert "th/current" in registry.state_topics()
    registry.handle_state("lr/light/state", b"on")
    registry.upsert(LIGHT)  # re-discovery keeps the known state
    assert registry.state(LIGHT.entity_id).state == "on"
    assert registry.remove(LIGHT.entity_id) is LIGHT
    assert "lr/light/state" not in registry.state_topics()
    assert registry.remove(LIGHT.entity_id) is None
    assert len(registry.entities()) == 7


def test_registry_sources_and_unique_ids() -> None:
    def switch(object_id: str, unique_id: str) -> Entity:
        config = {"command_topic": object_id, "unique_id": unique_id}
        source = f"homeassistant/switch/{object_id}/config"
        eid = f"switch.{object_id}"
        return Entity(eid, D.SWITCH, object_id, None, config, source=source)

    reg = DeviceRegistry()
    reg.upsert(switch("a", "u1"))
    reg.upsert(switch("b", "u1"))  # same unique_id: the later one replaces
    assert [e.entity_id for e in reg.entities()] == ["switch.b"]
    assert reg.remove_by_source("homeassistant/switch/a/config") is None
    assert reg.remove_by_source("config") is None
    removed = reg.remove_by_source("homeassistant/switch/b/config")
    assert removed is not None and removed.entity_id == "switch.b"
    assert reg.entities() == []


def test_colliding_entity_ids_get_suffixes(caplog: pytest.LogCaptureFixture) -> None:
    def lamp(topic: str, **extra: str) -> Entity:
        config = {"command_topic": f"{topic}/set", "state_topic": topic, **extra}
        source = f"homeassistant/light/{topic}/light/config"
        return Entity("light.lamp", D.LIGHT, "Lamp", None, config, source=source)

    reg = DeviceRegistry()
    first = reg.upsert(lamp("a"))
    with caplog.at_level(logging.INFO, logger="assistant.home"):
        second = reg.upsert(lamp("b"))
    assert "light.lamp_2: light.lamp is taken by homeassistant/light/a" in caplog.text
    third = reg.upsert(lamp("c", unique_id="c"))
    assert (first.entity_id, second.entity_id, third.entity_id) == (
        "light.lamp",
        "light.lamp_2",
        "light.lamp_3",
    )
    assert reg.get("light.lamp") is first and reg.get("light.lamp_2") is second
    assert reg.handle_state("b", b"ON") == ["light.lamp_2"]
    # the same topic again updates its entity in place, keeping the state
    again = reg.upsert(lamp("b", payload_on="on", state_on="ON"))
    assert again.entity_id == "light.lamp_2" and again.config["payload_on"] == "on"
    assert reg.state("light.lamp_2").state == "on"
    # the same unique_id on another topic is the same entity, moved
    moved = reg.upsert(lamp("d", unique_id="c"))
    assert moved.entity_id == "light.lamp_3" and reg.get("light.lamp_3") is moved
    assert len(reg.entities()) == 3
    assert reg.state_topics() == {"a", "b", "d"}
    removed = reg.remove_by_source("homeassistant/light/b/light/config")
    assert removed is again
    assert [e.entity_id for e in reg.entities()] == ["light.lamp", "light.lamp_3"]


def test_config_entities_with_the_same_id_replace_each_other() -> None:
    reg = DeviceRegistry()
    reg.upsert(Entity("switch.fan", D.SWITCH, "Fan", None, {"command_topic": "a"}))
    later = Entity("switch.fan", D.SWITCH, "Fan", "Loft", {"command_topic": "b"})
    assert reg.upsert(later) is later
    assert reg.entities() == [later]


# --- Speech -----------------------------------------------------------------------

KITCHEN_ON = EntityState("on", brightness_pct=40)
CLIMATE = EntityState(target_temperature=21.0, current_temperature=19.5)
HUMIDITY = make(D.SENSOR, "Bathroom Humidity", state_topic="h")


@pytest.mark.parametrize(
    ("entity", "state", "sentence"),
    [
        (KITCHEN, KITCHEN_ON, "The kitchen light is on at 40 percent."),
        (KITCHEN, EntityState("off", 40), "The kitchen light is off."),
        (KITCHEN, EntityState(), "I don't know the state of the kitchen light yet."),
        (GARAGE, EntityState("open"), "The garage door is open."),
        (GARAGE, EntityState("stopped"), "The garage door has stopped."),
        (FRONT_DOOR, EntityState("locked"), "The front door is locked."),
        (FAN, EntityState("on", 67), "The ceiling fan is on at 67 percent."),
        (
            THERMOSTAT,
            CLIMATE,
            "The living room thermostat is set to 21 degrees, "
            "and it is 19.5 degrees now.",
        ),
        (
            THERMOSTAT,
            EntityState(hvac_mode="off"),
            "The living room thermostat is off.",
        ),
        (
            THERMOSTAT,
            EntityState(),
            "I don't know the state of the living room thermostat yet.",
        ),
        (
            TEMPERATURE,
            EntityState("21.5", unit="°C"),
            "The living room temperature is 21.5 degrees.",
        ),
        (HUMIDITY, EntityState("61", unit="%"), "The bathroom humidity is 61 percent."),
        (make(D.SWITCH, "TV", command_topic="t"), EntityState("on"), "The TV is on."),
        (DOOR, EntityState("on"), "The back door is open."),
        (DOOR, EntityState("off"), "The back door is closed."),
    ],
)
def test_describe_state(entity: Entity, state: EntityState, sentence: str) -> None:
    assert describe_state(entity, state) == sentence
