"""Vacuums: HA's MQTT vacuum, state schema (``homeassistant/components/mqtt/
vacuum.py``): start, pause, stop, return to base, locate and clean spot publish
their payloads to ``command_topic`` (no template); a fan speed from
``fan_speed_list`` goes to ``set_fan_speed_topic``. Each needs its entry in
``supported_features`` (default start, stop, return_home, clean_spot). The state
is JSON: ``{"state": "docked", "fan_speed": "max"}``."""

from __future__ import annotations

import json
from typing import Any

from ..errors import CapabilityError
from .base import Change, DomainSpec, Handlers, choose, command, refuse, state_sentence
from .model import Command, Domain, Entity, EntityState, Operation
from .spoken import spoken_name, upper_first

__all__ = ["SPEC"]

_DEFAULT_FEATURES = ("start", "stop", "return_home", "clean_spot")
_COMMANDS = {
    # operation: (supported_features entry, payload key, default payload)
    Operation.START: ("start", "payload_start", "start"),
    Operation.PAUSE: ("pause", "payload_pause", "pause"),
    Operation.STOP: ("stop", "payload_stop", "stop"),
    Operation.DOCK: ("return_home", "payload_return_to_base", "return_to_base"),
    Operation.LOCATE: ("locate", "payload_locate", "locate"),
}
_ALIASES = {Operation.TURN_ON: Operation.START, Operation.TURN_OFF: Operation.DOCK}
_CANT = {
    Operation.START: "can't be started",
    Operation.PAUSE: "can't be paused",
    Operation.STOP: "can't be stopped",
    Operation.DOCK: "can't be sent back to its base",
    Operation.LOCATE: "can't be located",
}


def _features(entity: Entity) -> tuple[str, ...]:
    features = entity.config.get("supported_features", _DEFAULT_FEATURES)
    return tuple(features) if isinstance(features, list | tuple) else ()


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op is Operation.SET_MODE:
        return _fan_speed(entity, value)
    if op not in _COMMANDS:
        raise refuse(entity, f"can't {op.replace('_', ' ')}")
    feature, key, default = _COMMANDS[op]
    if feature not in _features(entity):
        raise CapabilityError("unsupported", f"{_the(entity)} {_CANT[op]}.")
    text = str(entity.config.get(key, default))
    return [command(entity, "command_topic", text)]


def _speeds(entity: Entity) -> tuple[str, ...]:
    if "fan_speed" not in _features(entity):
        return ()
    return tuple(str(s) for s in entity.config.get("fan_speed_list") or ())


def _fan_speed(entity: Entity, value: Any) -> list[Command]:
    speed = choose(entity, _speeds(entity), value, "speed")
    return [command(entity, "set_fan_speed_topic", speed)]


def _the(entity: Entity) -> str:
    return upper_first(spoken_name(entity))


_ACTIVITIES = ("cleaning", "docked", "paused", "idle", "returning", "error")


def _p_state(e: Entity, s: EntityState, text: str) -> None:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a vacuum's state is a JSON object")
    if "state" in data:
        activity = data["state"]
        if activity is None:
            s.state = None
        elif activity in _ACTIVITIES:
            s.state = str(activity)
    if isinstance(speed := data.get("fan_speed"), str):
        s.mode = speed


_HANDLERS: Handlers = (("state_topic", (), _p_state),)
_IMPLIED = {
    Operation.START: "cleaning",
    Operation.PAUSE: "paused",
    Operation.STOP: "idle",
    Operation.DOCK: "returning",
}


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    if op is Operation.SET_MODE:
        return [("mode", ("state_topic",), str(value))]
    if op in _IMPLIED:
        return [("state", ("state_topic",), _IMPLIED[op])]
    return []


_SPOKEN = {
    "cleaning": "cleaning",
    "docked": "docked",
    "paused": "paused",
    "idle": "idle",
    "returning": "on its way back to its base",
    "error": "stuck with an error",
}


def _describe(entity: Entity, state: EntityState) -> str:
    more = f" at {state.mode} speed" if state.state == "cleaning" and state.mode else ""
    return state_sentence(entity, state, _SPOKEN, more)


SPEC = DomainSpec(
    Domain.VACUUM,
    required=("command_topic", "set_fan_speed_topic"),
    build=_build,
    handlers=lambda entity: _HANDLERS,
    implied=_implied,
    describe=_describe,
    nouns=("vacuum", "vacuums", "robot vacuum", "hoover", "robot"),
    prompt="Start the {name}. Send the {name} home.",
    plural="vacuums",
    record=("start the {name}", "send the {name} home"),
    aliases=_ALIASES,
    samples={Operation.SET_MODE: "max"},
    options=_speeds,
    verbs={
        Operation.START: "Starting",
        Operation.PAUSE: "Pausing",
        Operation.STOP: "Stopping",
        Operation.DOCK: "Sending {} home",
        Operation.LOCATE: "Locating",
    },
)
