"""Fans: HA's MQTT fan (``mqtt/fan.py``): on, off and speed as a percentage of
``speed_range_min``..``speed_range_max``."""

from __future__ import annotations

import math
from typing import Any

from .base import (
    Change,
    DomainSpec,
    Handlers,
    command,
    describe_switched,
    on_off,
    parse_on_off,
    percent,
    refuse,
    render,
    switch_like,
    switched,
)
from .model import Command, Domain, Entity, EntityState, Operation, config_number

__all__ = ["SPEC"]


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op is not Operation.SET_BRIGHTNESS:
        return switch_like(entity, op, value)
    if not entity.config.get("percentage_command_topic"):
        raise refuse(entity, "can't change speed")
    pct = percent(entity, value)
    if pct == 0:
        return on_off(entity, Operation.TURN_OFF, "command_template")
    low = config_number(entity.config, "speed_range_min", 1)
    high = config_number(entity.config, "speed_range_max", 100)
    speed = max(low, math.ceil(low - 1 + (high - low + 1) * pct / 100))
    text = render(entity, "percentage_command_template", int(speed))
    return [command(entity, "percentage_command_topic", text)]


def _p_speed(e: Entity, s: EntityState, text: str) -> None:
    low = config_number(e.config, "speed_range_min", 1)
    high = config_number(e.config, "speed_range_max", 100)
    pct = round((float(text) - low + 1) * 100 / (high - low + 1))
    s.brightness_pct = max(0, min(100, pct))


_HANDLERS: Handlers = (
    ("state_topic", ("state_value_template", "value_template"), parse_on_off),
    ("percentage_state_topic", ("percentage_value_template",), _p_speed),
)


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    return switched(op, value, "percentage_state_topic") or []


SPEC = DomainSpec(
    Domain.FAN,
    required=("command_topic",),
    build=_build,
    handlers=lambda entity: _HANDLERS,
    implied=_implied,
    describe=describe_switched,
    nouns=("fan", "fans", "ceiling fan"),
    prompt="Turn off the {name}.",
    plural="fans",
    record=("turn on the {name}", "turn off the {name}"),
    everything=True,
    samples={Operation.SET_BRIGHTNESS: 50},
    llm_actions=(("turn on", "HassTurnOn"), ("turn off", "HassTurnOff")),
    llm_example=("it is so stuffy in the {area}", "turn on"),
)
