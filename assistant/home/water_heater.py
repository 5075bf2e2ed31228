"""Water heaters: HA's MQTT water heater (``homeassistant/components/mqtt/
water_heater.py``, temperatures as in ``mqtt/climate.py``'s
``MqttTemperatureControlEntity``): a target temperature within ``min_temp``..
``max_temp`` (default 110-140 °F, converted), an operation mode from ``modes``,
and on and off on ``power_command_topic``."""

from __future__ import annotations

from typing import Any

from ..errors import CapabilityError
from .base import (
    Change,
    DomainSpec,
    Handlers,
    choose,
    command,
    on_off_payload,
    render,
    set_temperature,
    spoken_option,
    unknown,
    unsupported,
)
from .model import Command, Domain, Entity, EntityState, Operation
from .spoken import format_number, spoken_name, upper_first

__all__ = ["SPEC"]

_DEFAULT_MODES = (
    "eco",
    "electric",
    "gas",
    "heat_pump",
    "high_demand",
    "performance",
    "off",
)
_CELSIUS = (43.3, 60.0)  # HA's 110 and 140 °F
_FAHRENHEIT = (110.0, 140.0)


def _modes(entity: Entity) -> tuple[str, ...]:
    if not entity.config.get("mode_command_topic"):
        return ()
    return tuple(str(m) for m in entity.config.get("modes") or _DEFAULT_MODES)


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    cfg = entity.config
    if op is Operation.SET_TEMPERATURE:
        return set_temperature(entity, value, _CELSIUS, _FAHRENHEIT)
    if op is Operation.SET_MODE:
        if not cfg.get("mode_command_topic"):
            raise CapabilityError("unsupported", f"{_the(entity)} has no modes.")
        mode = choose(entity, _modes(entity), value, "mode")
        return [
            command(
                entity,
                "mode_command_topic",
                render(entity, "mode_command_template", mode),
            )
        ]
    if op in (Operation.TURN_ON, Operation.TURN_OFF):
        if not cfg.get("power_command_topic"):
            raise unsupported(entity, op)
        raw = on_off_payload(cfg, op is Operation.TURN_ON)
        text = render(entity, "power_command_template", raw)
        return [command(entity, "power_command_topic", text)]
    raise unsupported(entity, op)


def _the(entity: Entity) -> str:
    return upper_first(spoken_name(entity))


def _p_float(field: str) -> Any:
    def parse(e: Entity, s: EntityState, text: str) -> None:
        setattr(s, field, None if text == "None" else float(text))

    return parse


def _p_mode(e: Entity, s: EntityState, text: str) -> None:
    modes = e.config.get("modes") or _DEFAULT_MODES
    if text == "None":
        s.state = None
    elif text in modes:
        s.state = text
    else:
        raise ValueError(f"unknown mode {text!r}")


def _handlers(entity: Entity) -> Handlers:
    fallback = ("value_template",)  # HA: value_template stands in for each
    return (
        (
            "current_temperature_topic",
            ("current_temperature_template", *fallback),
            _p_float("current_temperature"),
        ),
        (
            "temperature_state_topic",
            ("temperature_state_template", *fallback),
            _p_float("target_temperature"),
        ),
        ("mode_state_topic", ("mode_state_template", *fallback), _p_mode),
    )


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    if op is Operation.SET_TEMPERATURE:
        return [("target_temperature", ("temperature_state_topic",), float(value))]
    if op is Operation.SET_MODE:
        return [
            (
                "state",
                ("mode_state_topic",),
                choose(entity, _modes(entity), value, "mode"),
            )
        ]
    return []


def _describe(entity: Entity, state: EntityState) -> str:
    the = spoken_name(entity)
    parts = []
    if state.state == "off":
        parts.append(f"{the} is off")
    elif state.state:
        parts.append(f"{the} is in {spoken_option(state.state)} mode")
    if state.state != "off" and state.target_temperature is not None:
        degrees = format_number(state.target_temperature)
        parts.append(
            f"set to {degrees} degrees"
            if parts
            else f"{the} is set to {degrees} degrees"
        )
    if state.current_temperature is not None:
        now = format_number(state.current_temperature)
        parts.append(
            f"and the water is {now} degrees"
            if parts
            else f"the water in {the} is {now} degrees"
        )
    return upper_first(", ".join(parts) + ".") if parts else unknown(entity)


SPEC = DomainSpec(
    Domain.WATER_HEATER,
    required=(
        "temperature_command_topic",
        "mode_command_topic",
        "power_command_topic",
        "temperature_state_topic",
        "mode_state_topic",
        "current_temperature_topic",
    ),
    build=_build,
    handlers=_handlers,
    implied=_implied,
    describe=_describe,
    nouns=("water heater", "water heaters", "hot water", "geyser"),
    prompt="Set the {name} to 55 degrees.",
    plural="water heaters",
    record=("set the {name} to 55 degrees", "set the {name} to eco mode"),
    samples={Operation.SET_TEMPERATURE: 50.0, Operation.SET_MODE: "eco"},
    options=_modes,
)
