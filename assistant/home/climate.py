"""Thermostats: HA's MQTT climate (``mqtt/climate.py``): a target temperature
within ``min_temp``..``max_temp`` in steps of ``temp_step``, and HVAC modes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import CapabilityError
from .base import (
    Change,
    DomainSpec,
    Handlers,
    command,
    on_off_payload,
    render,
    set_temperature,
    unknown,
    unsupported,
)
from .model import Command, Domain, Entity, EntityState, Operation
from .spoken import format_number, spoken_name, upper_first

__all__ = ["DEFAULT_HVAC_MODES", "SPEC", "climate_mode"]

DEFAULT_HVAC_MODES = ("auto", "off", "cool", "heat", "dry", "fan_only")


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    cfg = entity.config
    if op is Operation.SET_TEMPERATURE:
        return set_temperature(entity, value, (7.0, 35.0), (44.6, 95.0))
    if op not in (Operation.SET_HVAC_MODE, Operation.TURN_ON, Operation.TURN_OFF):
        raise unsupported(entity, op)
    modes = _modes(cfg)
    mode = climate_mode(entity, op, value)
    if not cfg.get("mode_command_topic"):
        if op is not Operation.SET_HVAC_MODE and cfg.get("power_command_topic"):
            raw = on_off_payload(cfg, op is Operation.TURN_ON)
            return [command(entity, "power_command_topic", raw)]
        raise unsupported(entity, op)
    if mode is None or mode not in modes:
        if op is not Operation.SET_HVAC_MODE:
            raise unsupported(entity, op)
        spoken = str(value).replace("_", " ")
        msg = f"{upper_first(spoken_name(entity))} can't be set to {spoken} mode."
        raise CapabilityError("unsupported-mode", msg)
    text = render(entity, "mode_command_template", mode)
    return [command(entity, "mode_command_topic", text)]


def _modes(cfg: Mapping[str, Any]) -> list[str]:
    return [str(mode) for mode in cfg.get("modes") or DEFAULT_HVAC_MODES]


def climate_mode(entity: Entity, op: Operation, value: Any = None) -> str | None:
    """The HVAC mode ``op`` asks for: "off", the mode "on" means, or ``value``."""
    if op is Operation.TURN_OFF:
        return "off"
    if op is Operation.TURN_ON:
        modes = _modes(entity.config)
        return (
            "heat" if "heat" in modes else next((m for m in modes if m != "off"), None)
        )
    return str(value).strip().lower().replace(" ", "_").replace("-", "_")


def _p_current(e: Entity, s: EntityState, text: str) -> None:
    s.current_temperature = float(text)


def _p_target(e: Entity, s: EntityState, text: str) -> None:
    s.target_temperature = float(text)


def _p_mode(e: Entity, s: EntityState, text: str) -> None:
    if (mode := text.lower()) not in (e.config.get("modes") or DEFAULT_HVAC_MODES):
        raise ValueError(f"unknown mode {text!r}")
    s.hvac_mode = mode


_HANDLERS: Handlers = (
    ("current_temperature_topic", ("current_temperature_template",), _p_current),
    ("temperature_state_topic", ("temperature_state_template",), _p_target),
    ("mode_state_topic", ("mode_state_template",), _p_mode),
)
_MODE_OPS = (Operation.TURN_ON, Operation.TURN_OFF, Operation.SET_HVAC_MODE)


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    if op is Operation.SET_TEMPERATURE:
        return [("target_temperature", ("temperature_state_topic",), float(value))]
    if entity.config.get("mode_command_topic") and op in _MODE_OPS:
        mode = climate_mode(entity, op, value)
        return [("hvac_mode", ("mode_state_topic",), mode)] if mode else []
    return []


def _describe(entity: Entity, state: EntityState) -> str:
    the = spoken_name(entity)
    head = None
    if state.hvac_mode == "off":
        head = f"{the} is off"
    elif state.target_temperature is not None:
        head = f"{the} is set to {format_number(state.target_temperature)} degrees"
    elif state.hvac_mode:
        head = f"{the} is in {state.hvac_mode.replace('_', ' ')} mode"
    now = state.current_temperature
    if head and now is not None:
        return upper_first(f"{head}, and it is {format_number(now)} degrees now.")
    if head:
        return upper_first(f"{head}.")
    if now is not None:
        return upper_first(f"{the} reads {format_number(now)} degrees.")
    return unknown(entity)


SPEC = DomainSpec(
    Domain.CLIMATE,
    required=("mode_command_topic", "temperature_command_topic"),
    build=_build,
    handlers=lambda entity: _HANDLERS,
    implied=_implied,
    describe=_describe,
    nouns=(
        "thermostat",
        "heating",
        "heater",
        "air conditioner",
        "radiator",
        "heat pump",
        "boiler",
        "furnace",
    ),
    prompt="Set the {name} to 20 degrees.",
    plural="thermostats",
    record=("set the {name} to 21 degrees", "set the {name} to heat mode"),
    samples={Operation.SET_TEMPERATURE: 20.0, Operation.SET_HVAC_MODE: "heat"},
    llm_actions=(
        ("warm up", "warmer"),
        ("cool down", "cooler"),
        ("turn off", "HassTurnOff"),
    ),
    llm_example=("I'm freezing in the {area}", "warm up"),
)
