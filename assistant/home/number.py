"""Numbers: HA's MQTT number (``homeassistant/components/mqtt/number.py``): a value
within ``min``..``max`` through ``command_template``; integral values are sent
as ints ("21", not "21.0"). HA does not snap to ``step``; a voice does: the value
said is rounded to the nearest step."""

from __future__ import annotations

from typing import Any

from ..errors import CapabilityError
from .base import Change, DomainSpec, Handlers, command, render, unknown, unsupported
from .model import Command, Domain, Entity, EntityState, Operation, config_number
from .spoken import format_number, spoken_name, unit_words, upper_first

__all__ = ["SPEC"]


def _value(entity: Entity, value: Any) -> float:
    cfg = entity.config
    low, high = config_number(cfg, "min", 0.0), config_number(cfg, "max", 100.0)
    step = config_number(cfg, "step", 1.0)
    unit = unit_words(cfg.get("unit_of_measurement"))
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise CapabilityError("bad-value", "That isn't a number I can use.")
    snapped = low + round((value - low) / step) * step if step > 0 else float(value)
    snapped = round(snapped, 6)
    if not low - 1e-9 <= snapped <= high + 1e-9:
        span = f"{format_number(low)} and {format_number(high)}{unit}"
        msg = f"{upper_first(spoken_name(entity))} can only be set between {span}."
        raise CapabilityError("out-of-range", msg)
    return snapped


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op is not Operation.SET_VALUE:
        raise unsupported(entity, op)
    number = _value(entity, value)
    sent: int | float = int(number) if number.is_integer() else number
    return [command(entity, "command_topic", render(entity, "command_template", sent))]


def _p_state(e: Entity, s: EntityState, text: str) -> None:
    if text == str(e.config.get("payload_reset", "None")):
        s.state = None
        return
    number = float(text)
    low, high = (
        config_number(e.config, "min", 0.0),
        config_number(e.config, "max", 100.0),
    )
    if not low <= number <= high:
        raise ValueError(f"{text} is outside {low}..{high}")
    s.state = format_number(number)


_HANDLERS: Handlers = (("state_topic", ("value_template",), _p_state),)


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    if op is Operation.SET_VALUE:
        return [("state", ("state_topic",), format_number(_value(entity, value)))]
    return []


def _describe(entity: Entity, state: EntityState) -> str:
    if state.state is None:
        return unknown(entity)
    unit = unit_words(entity.config.get("unit_of_measurement"))
    return upper_first(f"{spoken_name(entity)} is set to {state.state}{unit}.")


SPEC = DomainSpec(
    Domain.NUMBER,
    required=("command_topic",),
    build=_build,
    handlers=lambda entity: _HANDLERS,
    implied=_implied,
    describe=_describe,
    nouns=("number setting", "number settings"),
    prompt="Set the {name} to 20.",
    plural="values",
    record=("set the {name} to {value}",),
    samples={Operation.SET_VALUE: 0},
    aliases={
        Operation.SET_TEMPERATURE: Operation.SET_VALUE,
        Operation.SET_BRIGHTNESS: Operation.SET_VALUE,
    },
)
