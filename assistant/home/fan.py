"""Fans: HA's MQTT fan (``mqtt/fan.py``): on, off and speed as a percentage of
``speed_range_min``..``speed_range_max``; a preset from ``preset_modes``,
oscillation (``payload_oscillation_on``/``_off``) and direction (``forward`` or
``reverse``), each through its own command template."""

from __future__ import annotations

import math
from typing import Any

from .base import (
    Change,
    DomainSpec,
    Handlers,
    choose,
    command,
    describe_switched,
    match,
    on_off,
    parse_on_off,
    percent,
    refuse,
    render,
    spoken_option,
    switch_like,
    switched,
)
from .model import Command, Domain, Entity, EntityState, Operation, config_number

__all__ = ["SPEC"]


def _presets(entity: Entity) -> tuple[str, ...]:
    if not entity.config.get("preset_mode_command_topic"):
        return ()
    return tuple(str(mode) for mode in entity.config.get("preset_modes") or ())


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    cfg = entity.config
    if op is Operation.SET_MODE:
        preset = choose(entity, _presets(entity), value, "preset")
        text = render(entity, "preset_mode_command_template", preset)
        return [command(entity, "preset_mode_command_topic", text)]
    if op is Operation.OSCILLATE:
        if not cfg.get("oscillation_command_topic"):
            raise refuse(entity, "can't oscillate")
        key, default = (
            ("payload_oscillation_on", "oscillate_on")
            if value
            else ("payload_oscillation_off", "oscillate_off")
        )
        text = render(entity, "oscillation_command_template", cfg.get(key, default))
        return [command(entity, "oscillation_command_topic", text)]
    if op is Operation.SET_DIRECTION:
        if not cfg.get("direction_command_topic") or value not in _DIRECTIONS:
            raise refuse(entity, "can't change direction")
        text = render(entity, "direction_command_template", value)
        return [command(entity, "direction_command_topic", text)]
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


def _p_preset(e: Entity, s: EntityState, text: str) -> None:
    if text == str(e.config.get("payload_reset_preset_mode", "None")):
        s.mode = None
    elif text in (e.config.get("preset_modes") or ()):
        s.mode = text
    else:
        raise ValueError(f"unknown preset {text!r}")


def _p_oscillation(e: Entity, s: EntityState, text: str) -> None:
    on = e.config.get("payload_oscillation_on", "oscillate_on")
    off = e.config.get("payload_oscillation_off", "oscillate_off")
    s.oscillating = match(text, {"on": on, "off": off}) == "on"


def _p_direction(e: Entity, s: EntityState, text: str) -> None:
    if text:
        s.direction = text


_DIRECTIONS = ("forward", "reverse")
_HANDLERS: Handlers = (
    ("state_topic", ("state_value_template", "value_template"), parse_on_off),
    ("percentage_state_topic", ("percentage_value_template",), _p_speed),
    ("preset_mode_state_topic", ("preset_mode_value_template",), _p_preset),
    ("oscillation_state_topic", ("oscillation_value_template",), _p_oscillation),
    ("direction_state_topic", ("direction_value_template",), _p_direction),
)


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    if op is Operation.SET_MODE:
        preset = choose(entity, _presets(entity), value, "preset")
        return [("mode", ("preset_mode_state_topic",), preset)]
    if op is Operation.OSCILLATE:
        return [("oscillating", ("oscillation_state_topic",), bool(value))]
    if op is Operation.SET_DIRECTION:
        return [("direction", ("direction_state_topic",), value)]
    return switched(op, value, "percentage_state_topic") or []


def _describe(entity: Entity, state: EntityState) -> str:
    """ "The ceiling fan is on at 40 percent, in breeze mode, oscillating." """
    said = describe_switched(entity, state)
    if state.state != "on":
        return said
    extra = []
    if state.mode:
        extra.append(f"in {spoken_option(state.mode)} mode")
    if state.oscillating:
        extra.append("oscillating")
    if state.direction == "reverse":
        extra.append("in reverse")
    return said[:-1] + "".join(f", {part}" for part in extra) + "."


SPEC = DomainSpec(
    Domain.FAN,
    required=("command_topic",),
    build=_build,
    handlers=lambda entity: _HANDLERS,
    implied=_implied,
    describe=_describe,
    nouns=("fan", "fans", "ceiling fan"),
    prompt="Turn off the {name}.",
    plural="fans",
    record=("turn on the {name}", "turn off the {name}"),
    everything=True,
    samples={
        Operation.SET_BRIGHTNESS: 50,
        Operation.SET_MODE: "auto",
        Operation.OSCILLATE: True,
        Operation.SET_DIRECTION: "reverse",
    },
    options=_presets,
    llm_actions=(("turn on", "HassTurnOn"), ("turn off", "HassTurnOff")),
    llm_example=("it is so stuffy in the {area}", "turn on"),
)
