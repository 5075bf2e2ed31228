"""Selects: HA's MQTT select (``homeassistant/components/mqtt/select.py``): an
option from ``options`` through ``command_template``; the state is the option."""

from __future__ import annotations

from typing import Any

from .base import (
    Change,
    DomainSpec,
    Handlers,
    choose,
    command,
    render,
    spoken_option,
    unknown,
    unsupported,
)
from .model import Command, Domain, Entity, EntityState, Operation
from .spoken import spoken_name, upper_first

__all__ = ["SPEC"]


def _options(entity: Entity) -> tuple[str, ...]:
    return tuple(str(option) for option in entity.config.get("options") or ())


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op is not Operation.SET_MODE:
        raise unsupported(entity, op)
    option = choose(entity, _options(entity), value, "option")
    return [
        command(entity, "command_topic", render(entity, "command_template", option))
    ]


def _p_state(e: Entity, s: EntityState, text: str) -> None:
    if text.lower() == "none":
        s.state = None
    elif text in _options(e):
        s.state = text
    else:
        raise ValueError(f"{text!r} is not one of the options")


_HANDLERS: Handlers = (("state_topic", ("value_template",), _p_state),)


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    if op is Operation.SET_MODE:
        return [
            (
                "state",
                ("state_topic",),
                choose(entity, _options(entity), value, "option"),
            )
        ]
    return []


def _describe(entity: Entity, state: EntityState) -> str:
    if state.state is None:
        return unknown(entity)
    return upper_first(f"{spoken_name(entity)} is set to {spoken_option(state.state)}.")


SPEC = DomainSpec(
    Domain.SELECT,
    required=("command_topic",),
    build=_build,
    handlers=lambda entity: _HANDLERS,
    implied=_implied,
    describe=_describe,
    nouns=("selector", "selectors"),
    prompt="Set the {name} to {option}.",
    plural="settings",
    record=("set the {name} to {option}",),
    samples={Operation.SET_MODE: "auto"},
    options=_options,
)
