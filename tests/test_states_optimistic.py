"""Optimistic entities: the state their own commands imply, as HA keeps it."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.home.domains import apply_implied_state
from assistant.home.model import Entity, EntityState, Operation
from assistant.home.registry import DeviceRegistry

from .device_fixtures import (
    AC,
    AC_DEFAULT,
    BACK_DOOR,
    BLIND,
    DESK_ONOFF,
    FAN,
    FRONT_DOOR,
    GARAGE,
    HALL_FAN,
    KETTLE,
    KITCHEN,
    LAMP,
    LIGHT,
    RADIATOR,
    SHUTTER,
    TEMPERATURE,
    THERMOSTAT,
    D,
    make,
)

Op = Operation
AWNING = make(D.COVER, "Awning", command_topic="a", set_position_topic="a/pos")
HALF = make(  # reports on/off, but not its brightness
    D.LIGHT, "Hall", command_topic="c", state_topic="s", brightness_command_topic="b"
)
FORCED = make(D.SWITCH, "Pump", command_topic="c", state_topic="s", optimistic=True)


def after(entity: Entity, *steps: tuple[Operation, Any]) -> EntityState:
    registry = DeviceRegistry()
    registry.upsert(entity)
    for op, value in steps:
        registry.apply_commands(entity.entity_id, op, value)
    return registry.state(entity.entity_id)


def test_light_without_state_topics() -> None:
    assert after(KITCHEN, (Op.TURN_ON, None)) == EntityState("on")
    assert after(KITCHEN, (Op.SET_BRIGHTNESS, 40)) == EntityState("on", 40)
    assert after(KITCHEN, (Op.SET_BRIGHTNESS, 40), (Op.TURN_OFF, None)) == (
        EntityState("off", 40)
    )
    assert after(KITCHEN, (Op.SET_BRIGHTNESS, 40), (Op.SET_BRIGHTNESS, 0)) == (
        EntityState("off", 40)
    )
    assert after(KITCHEN, (Op.SET_COLOR, (255, 128, 0))) == (
        EntityState("on", rgb=(255, 128, 0))
    )
    assert after(KITCHEN, (Op.SET_COLOR_TEMP, 2700)) == EntityState("on")
    assert after(DESK_ONOFF, (Op.TURN_ON, None)) == EntityState("on")


@pytest.mark.parametrize(
    ("entity", "op", "value"),
    [
        (LIGHT, Op.TURN_ON, None),
        (LIGHT, Op.SET_BRIGHTNESS, 40),
        (LIGHT, Op.SET_COLOR, (1, 2, 3)),
        (LAMP, Op.SET_BRIGHTNESS, 40),  # a JSON light reports everything on one topic
        (FAN, Op.SET_BRIGHTNESS, 50),
        (GARAGE, Op.OPEN, None),
        (SHUTTER, Op.SET_POSITION, 40),
        (FRONT_DOOR, Op.LOCK, None),
        (THERMOSTAT, Op.SET_TEMPERATURE, 21),
        (THERMOSTAT, Op.SET_HVAC_MODE, "heat"),
        (TEMPERATURE, Op.TURN_ON, None),
        (BLIND, Op.STOP, None),
    ],
)
def test_reported_state_is_left_to_the_device(
    entity: Entity, op: Operation, value: Any
) -> None:
    assert after(entity, (op, value)) == after(entity)


def test_each_part_without_its_topic_is_optimistic() -> None:
    assert after(HALF, (Op.SET_BRIGHTNESS, 30)) == EntityState(brightness_pct=30)
    assert after(FORCED, (Op.TURN_ON, None)) == EntityState("on")  # optimistic: true


@pytest.mark.parametrize(
    ("entity", "steps", "expected"),
    [
        (KETTLE, [(Op.TURN_ON, None)], EntityState("on")),
        (HALL_FAN, [(Op.SET_BRIGHTNESS, 37)], EntityState("on", 37)),
        (BLIND, [(Op.OPEN, None)], EntityState("open")),
        (BLIND, [(Op.TURN_OFF, None)], EntityState("closed")),
        (AWNING, [(Op.SET_POSITION, 40)], EntityState("open", position=40)),
        (AWNING, [(Op.SET_POSITION, 0)], EntityState("closed", position=0)),
        (AWNING, [(Op.OPEN, None)], EntityState("open", position=100)),
        (AWNING, [(Op.CLOSE, None)], EntityState("closed", position=0)),
        (BACK_DOOR, [(Op.LOCK, None)], EntityState("locked")),
        (BACK_DOOR, [(Op.LOCK, None), (Op.UNLOCK, None)], EntityState("unlocked")),
        (RADIATOR, [(Op.SET_TEMPERATURE, 21.5)], EntityState(target_temperature=21.5)),
        (RADIATOR, [(Op.TURN_OFF, None)], EntityState()),  # no mode topic
        (AC, [(Op.TURN_ON, None)], EntityState(hvac_mode="cool")),
        (AC, [(Op.TURN_OFF, None)], EntityState(hvac_mode="off")),
        (AC, [(Op.SET_HVAC_MODE, "Cool")], EntityState(hvac_mode="cool")),
        (
            AC_DEFAULT,
            [(Op.SET_HVAC_MODE, "fan only")],
            EntityState(hvac_mode="fan_only"),
        ),
        (AC_DEFAULT, [(Op.TURN_ON, None)], EntityState(hvac_mode="heat")),
    ],
)
def test_other_domains(
    entity: Entity, steps: list[tuple[Operation, Any]], expected: EntityState
) -> None:
    assert after(entity, *steps) == expected


def test_unknown_ids_and_bad_values_are_ignored() -> None:
    registry = DeviceRegistry()
    registry.upsert(KITCHEN)
    registry.apply_commands("light.nope", Op.TURN_ON)
    registry.apply_commands(KITCHEN.entity_id, Op.SET_BRIGHTNESS, "bright")
    assert registry.state(KITCHEN.entity_id) == EntityState()
    state = EntityState()
    apply_implied_state(KITCHEN, state, Op.TURN_ON)
    assert state == EntityState("on")
