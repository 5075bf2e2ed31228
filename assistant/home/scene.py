"""Scenes: HA's MQTT scene (``homeassistant/components/mqtt/scene.py``): activating
publishes ``payload_on`` to ``command_topic``; a scene has no state and cannot be
turned off."""

from __future__ import annotations

from typing import Any

from .base import DomainSpec, command, no_change, payload, refuse
from .model import Command, Domain, Entity, EntityState, Operation
from .spoken import spoken_name, upper_first

__all__ = ["SPEC"]


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op is not Operation.TURN_ON:
        raise refuse(entity, "is a scene; I can only activate it")
    # HA's schema gives payload_on no default; its documentation says "ON"
    return [
        command(
            entity, "command_topic", payload(entity.config, "payload_on", "ON") or "ON"
        )
    ]


def _describe(entity: Entity, state: EntityState) -> str:
    return upper_first(f"{spoken_name(entity)} is a scene; I can activate it.")


SPEC = DomainSpec(
    Domain.SCENE,
    required=("command_topic",),
    build=_build,
    handlers=lambda entity: (),
    implied=no_change,
    describe=_describe,
    nouns=("scene", "scenes"),
    prompt="Activate {name}.",
    plural="scenes",
    record=("activate {name}",),
    samples={},
    verbs={Operation.TURN_ON: "Activating"},
)
