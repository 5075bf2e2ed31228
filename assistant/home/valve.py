"""Valves: HA's MQTT valve (``homeassistant/components/mqtt/valve.py``, with the base
behaviour of ``components/valve/__init__.py``): open, close and stop publish their
payloads through ``command_template``; a valve that ``reports_position`` is opened
and closed by position, and its position is scaled to ``position_closed``..
``position_open``."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from .base import (
    Change,
    DomainSpec,
    Handlers,
    command,
    from_position,
    match,
    payload,
    percent,
    refuse,
    render,
    to_position,
    unknown,
    unsupported,
)
from .model import Command, Domain, Entity, EntityState, Operation, config_number
from .spoken import spoken_name, upper_first

__all__ = ["SPEC"]

_PAYLOADS = {
    Operation.OPEN: ("payload_open", "OPEN"),
    Operation.CLOSE: ("payload_close", "CLOSE"),
}
_ALIASES = {Operation.TURN_ON: Operation.OPEN, Operation.TURN_OFF: Operation.CLOSE}


def _positioned(entity: Entity) -> bool:
    return entity.config.get("reports_position") is True


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op is Operation.SET_POSITION or (_positioned(entity) and op in _PAYLOADS):
        if not _positioned(entity):
            raise refuse(entity, "can't be set to a position")
        pct = 100 if op is Operation.OPEN else 0 if op is Operation.CLOSE else value
        return _position(entity, pct)
    if op is Operation.STOP:
        text = entity.config.get("payload_stop")  # STOP only with a payload for it
    else:
        keys = _PAYLOADS.get(op)
        text = payload(entity.config, *keys) if keys else None
    if text is None:
        raise unsupported(entity, op)
    return [command(entity, "command_topic", render(entity, "command_template", text))]


def _position(entity: Entity, value: Any) -> list[Command]:
    """HA's ``set_valve_position``: percent scaled to position_closed..position_open,
    with ``position`` (percent), ``position_open`` and ``position_closed`` for the
    template."""
    cfg, pct = entity.config, percent(entity, value)
    extra = {
        "position": pct,
        "position_open": config_number(cfg, "position_open", 100),
        "position_closed": config_number(cfg, "position_closed", 0),
    }
    text = render(entity, "command_template", to_position(cfg, pct), **extra)
    return [command(entity, "command_topic", text)]


def _p_state(e: Entity, s: EntityState, text: str) -> None:
    """A state payload, a number (a positioned valve) or JSON with either."""
    data: Any = None
    with contextlib.suppress(ValueError):
        data = json.loads(text)
    if isinstance(data, dict):
        if _positioned(e) and "position" in data:
            _p_position(e, s, str(data["position"]))
        if "state" in data:
            s.state = _moving(e, str(data["state"]))
        return
    if _positioned(e) and isinstance(data, int | float) and not isinstance(data, bool):
        _p_position(e, s, text)
        return
    s.state = _moving(e, text)


def _moving(e: Entity, text: str) -> str | None:
    table = {
        "open": e.config.get("state_open", "open"),
        "opening": e.config.get("state_opening", "opening"),
        "closed": e.config.get("state_closed", "closed"),
        "closing": e.config.get("state_closing", "closing"),
    }
    return match(text, table)


def _p_position(e: Entity, s: EntityState, text: str) -> None:
    s.position = from_position(e.config, text)
    s.state = "closed" if s.position == 0 else "open"


_HANDLERS: Handlers = (("state_topic", ("value_template",), _p_state),)
_STATES = {Operation.OPEN: "open", Operation.CLOSE: "closed"}


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    if op is Operation.SET_POSITION:
        state = "closed" if round(value) == 0 else "open"
        return [
            ("state", ("state_topic",), state),
            ("position", ("state_topic",), round(value)),
        ]
    if op not in _STATES:
        return []
    changes: list[Change] = [("state", ("state_topic",), _STATES[op])]
    if _positioned(entity):
        changes.append(
            ("position", ("state_topic",), 100 if op is Operation.OPEN else 0)
        )
    return changes


def _describe(entity: Entity, state: EntityState) -> str:
    the = spoken_name(entity)
    if state.state is None:
        return unknown(entity)
    if state.state == "open" and state.position is not None:
        return upper_first(f"{the} is open at {state.position} percent.")
    return upper_first(f"{the} is {state.state}.")


SPEC = DomainSpec(
    Domain.VALVE,
    required=("command_topic",),
    build=_build,
    handlers=lambda entity: _HANDLERS,
    implied=_implied,
    describe=_describe,
    nouns=("valve", "valves", "tap", "stopcock"),
    prompt="Open or close the {name}.",
    plural="valves",
    record=("close the {name}", "open the {name}"),
    aliases=_ALIASES,
    samples={Operation.SET_POSITION: 50},
    confirm=("open:gas",),
)
