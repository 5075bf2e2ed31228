"""Lawn mowers: HA's MQTT lawn mower (``homeassistant/components/mqtt/
lawn_mower.py``): start mowing, pause and dock each have a command topic (whose
presence is the feature) and a template; without one the fixed option string
(``start_mowing``, ``pause``, ``dock``) is published. The activity comes on
``activity_state_topic``."""

from __future__ import annotations

from typing import Any

from ..errors import CapabilityError
from .base import Change, DomainSpec, Handlers, command, match, render, state_sentence
from .model import Command, Domain, Entity, EntityState, Operation
from .spoken import spoken_name, upper_first

__all__ = ["SPEC"]

_COMMANDS = {
    # operation: (command topic key, template key, option, optimistic activity)
    Operation.START: (
        "start_mowing_command_topic", "start_mowing_command_template",
        "start_mowing", "mowing",
    ),
    Operation.PAUSE: (
        "pause_command_topic", "pause_command_template", "pause", "paused",
    ),
    Operation.DOCK: ("dock_command_topic", "dock_command_template", "dock", "docked"),
}  # fmt: skip
_ALIASES = {
    Operation.TURN_ON: Operation.START,
    Operation.TURN_OFF: Operation.DOCK,
    Operation.STOP: Operation.DOCK,  # HassLawnMowerDock: "stop mowing"
}
_CANT = {
    Operation.START: "can't be started",
    Operation.PAUSE: "can't be paused",
    Operation.DOCK: "can't be sent back to its dock",
}


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op not in _COMMANDS:
        msg = f"{_the(entity)} can only start, pause or go back to its dock."
        raise CapabilityError("unsupported", msg)
    topic, template, option, _ = _COMMANDS[op]
    if not entity.config.get(topic):
        raise CapabilityError("unsupported", f"{_the(entity)} {_CANT[op]}.")
    return [command(entity, topic, render(entity, template, option))]


def _the(entity: Entity) -> str:
    return upper_first(spoken_name(entity))


_ACTIVITIES = ("mowing", "paused", "docked", "error", "returning")


def _p_activity(e: Entity, s: EntityState, text: str) -> None:
    if not text:
        return  # HA ignores an empty activity
    known = {activity: activity for activity in _ACTIVITIES}
    s.state = None if text.lower() == "none" else match(text, known)


_HANDLERS: Handlers = (
    ("activity_state_topic", ("activity_value_template",), _p_activity),
)


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    if op in _COMMANDS:
        return [("state", ("activity_state_topic",), _COMMANDS[op][3])]
    return []


_SPOKEN = {
    "mowing": "mowing",
    "paused": "paused",
    "docked": "docked",
    "error": "stuck with an error",
    "returning": "on its way back to its dock",
}


def _describe(entity: Entity, state: EntityState) -> str:
    return state_sentence(entity, state, _SPOKEN)


SPEC = DomainSpec(
    Domain.LAWN_MOWER,
    required=(
        "start_mowing_command_topic",
        "pause_command_topic",
        "dock_command_topic",
        "activity_state_topic",
    ),
    build=_build,
    handlers=lambda entity: _HANDLERS,
    implied=_implied,
    describe=_describe,
    nouns=("mower", "mowers", "lawn mower", "lawnmower", "robot mower"),
    prompt="Start mowing. Dock the {name}.",
    plural="lawn mowers",
    record=("start the {name}", "dock the {name}"),
    aliases=_ALIASES,
    samples={},
    verbs={
        Operation.START: "Starting",
        Operation.PAUSE: "Pausing",
        Operation.DOCK: "Docking",
    },
)
