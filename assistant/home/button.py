"""Buttons: HA's MQTT button (``homeassistant/components/mqtt/button.py``): a press
publishes ``payload_press`` ("PRESS") through ``command_template`` to
``command_topic``; a button has no state."""

from __future__ import annotations

from typing import Any

from .base import DomainSpec, command, no_change, payload, refuse, render
from .model import Command, Domain, Entity, EntityState, Operation
from .spoken import spoken_name, upper_first

__all__ = ["SPEC"]


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op is not Operation.TURN_ON:
        raise refuse(entity, "is a button; I can only press it")
    raw = payload(entity.config, "payload_press", "PRESS") or "PRESS"
    return [command(entity, "command_topic", render(entity, "command_template", raw))]


def _describe(entity: Entity, state: EntityState) -> str:
    return upper_first(f"{spoken_name(entity)} is a button; I can press it.")


SPEC = DomainSpec(
    Domain.BUTTON,
    required=("command_topic",),
    build=_build,
    handlers=lambda entity: (),
    implied=no_change,
    describe=_describe,
    nouns=("button", "buttons"),
    prompt="Press the {name}.",
    plural="buttons",
    record=("press the {name}",),
    samples={},
    verbs={Operation.TURN_ON: "Pressing"},
)
