"""Humidifiers: HA's MQTT humidifier (``homeassistant/components/mqtt/
humidifier.py``): on and off publish ``payload_on``/``payload_off`` through
``command_template``; a target humidity (an int within ``min_humidity``..
``max_humidity``) goes through ``target_humidity_command_template``, a mode (one of
``modes``) through ``mode_command_template``."""

from __future__ import annotations

from typing import Any

from ..errors import CapabilityError
from .base import (
    Change,
    DomainSpec,
    Handlers,
    choose,
    command,
    parse_on_off,
    render,
    switch_like,
    switched,
    unknown,
)
from .model import Command, Domain, Entity, EntityState, Operation, config_number
from .spoken import format_number, spoken_name, upper_first

__all__ = ["SPEC"]


def _modes(entity: Entity) -> tuple[str, ...]:
    return tuple(str(mode) for mode in entity.config.get("modes") or ())


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op is Operation.SET_HUMIDITY:
        return _humidity(entity, value)
    if op is Operation.SET_MODE:
        if not entity.config.get("mode_command_topic"):
            raise CapabilityError("unsupported", f"{_the(entity)} has no modes.")
        mode = choose(entity, _modes(entity), value, "mode")
        text = render(entity, "mode_command_template", mode)
        return [command(entity, "mode_command_topic", text)]
    return switch_like(entity, op, value)


def _humidity(entity: Entity, value: Any) -> list[Command]:
    cfg = entity.config
    low = config_number(cfg, "min_humidity", 0)
    high = config_number(cfg, "max_humidity", 100)
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not low <= value <= high
    ):
        span = f"{format_number(low)} and {format_number(high)} percent"
        msg = f"{_the(entity)} can only be set between {span}."
        raise CapabilityError("out-of-range", msg)
    text = render(entity, "target_humidity_command_template", int(value))
    return [command(entity, "target_humidity_command_topic", text)]


def _the(entity: Entity) -> str:
    return upper_first(spoken_name(entity))


def _p_humidity(field: str) -> Any:
    def parse(e: Entity, s: EntityState, text: str) -> None:
        reset = str(e.config.get("payload_reset_humidity", "None"))
        setattr(s, field, None if text == reset else round(float(text)))

    return parse


def _p_mode(e: Entity, s: EntityState, text: str) -> None:
    if text == str(e.config.get("payload_reset_mode", "None")):
        s.mode = None
    elif text in _modes(e):
        s.mode = text
    else:
        raise ValueError(f"unknown mode {text!r}")


_HANDLERS: Handlers = (
    ("state_topic", ("state_value_template",), parse_on_off),
    (
        "target_humidity_state_topic",
        ("target_humidity_state_template",),
        _p_humidity("target_humidity"),
    ),
    (
        "current_humidity_topic",
        ("current_humidity_template",),
        _p_humidity("current_humidity"),
    ),
    ("mode_state_topic", ("mode_state_template",), _p_mode),
)


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    if op is Operation.SET_HUMIDITY:
        return [("target_humidity", ("target_humidity_state_topic",), int(value))]
    if op is Operation.SET_MODE:
        return [
            (
                "mode",
                ("mode_state_topic",),
                choose(entity, _modes(entity), value, "mode"),
            )
        ]
    return switched(op, value, "state_topic") or []


def _describe(entity: Entity, state: EntityState) -> str:
    the = spoken_name(entity)
    parts = []
    if state.state is not None:
        parts.append(f"{the} is {state.state}")
    if state.state != "off" and state.target_humidity is not None:
        parts.append(f"set to {state.target_humidity} percent")
    if state.state != "off" and state.mode:
        parts.append(f"in {state.mode.replace('_', ' ')} mode")
    if state.current_humidity is not None:
        now = f"the humidity is {state.current_humidity} percent"
        return (
            upper_first(", ".join([*parts, now]) + ".")
            if parts
            else upper_first(f"{now} by {the}.")
        )
    return upper_first(", ".join(parts) + ".") if parts else unknown(entity)


SPEC = DomainSpec(
    Domain.HUMIDIFIER,
    required=("command_topic",),
    build=_build,
    handlers=lambda entity: _HANDLERS,
    implied=_implied,
    describe=_describe,
    nouns=("humidifier", "humidifiers", "dehumidifier", "dehumidifiers"),
    prompt="Set the humidity of the {name} to 45 percent.",
    plural="humidifiers",
    record=("set the {name} to 45 percent", "turn off the {name}"),
    samples={Operation.SET_HUMIDITY: 50, Operation.SET_MODE: "auto"},
    options=_modes,
    on_first=(Operation.SET_HUMIDITY, Operation.SET_MODE),
    aliases={Operation.SET_BRIGHTNESS: Operation.SET_HUMIDITY},
    everything=True,
)
