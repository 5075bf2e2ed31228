"""Covers: HA's MQTT cover (``mqtt/cover.py``): open, close, stop and a position in
percent of ``position_closed``..``position_open``."""

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
    parse_table,
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
    Operation.STOP: ("payload_stop", "STOP"),
}


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op is Operation.SET_POSITION:
        return _position(entity, value)
    action = {Operation.TURN_ON: Operation.OPEN, Operation.TURN_OFF: Operation.CLOSE}
    keys = _PAYLOADS.get(action.get(op, op))
    text = payload(entity.config, *keys) if keys else None
    if text is None or not entity.config.get("command_topic"):
        raise unsupported(entity, op)
    return [command(entity, "command_topic", text)]


def _position(entity: Entity, value: Any) -> list[Command]:
    """HA's ``set_cover_position``: percent scaled to position_closed..position_open."""
    cfg = entity.config
    if not cfg.get("set_position_topic"):
        raise refuse(entity, "can't be set to a position")
    pct = percent(entity, value)
    extra = {
        "position_open": config_number(cfg, "position_open", 100),
        "position_closed": config_number(cfg, "position_closed", 0),
    }
    level = to_position(cfg, pct)
    text = render(entity, "set_position_template", level, position=pct, **extra)
    return [command(entity, "set_position_topic", text)]


_p_state = parse_table(
    {n: (f"state_{n}", n) for n in ("open", "opening", "closing", "stopped")}
    | {"closed": ("state_closed", "closed")}
)


def _p_position(e: Entity, s: EntityState, text: str) -> None:
    """HA's cover position: a number, or JSON with a "position" key, in percent
    of position_closed..position_open."""
    data: Any = None
    with contextlib.suppress(ValueError):
        data = json.loads(text)
    if isinstance(data, dict):
        if "position" not in data:
            raise ValueError("JSON position without a 'position' key")
        text = str(data["position"])
    s.position = from_position(e.config, text)
    if not e.config.get("state_topic"):  # as in HA: the state topic wins
        s.state = "closed" if s.position == 0 else "open"


_HANDLERS: Handlers = (
    ("state_topic", ("value_template",), _p_state),
    ("position_topic", ("position_template",), _p_position),
)
_STATES = {
    Operation.OPEN: "open",
    Operation.TURN_ON: "open",
    Operation.CLOSE: "closed",
    Operation.TURN_OFF: "closed",
}


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    both = ("state_topic", "position_topic")  # as in HA: optimistic with neither
    if op is Operation.SET_POSITION:
        state = "open" if round(value) > 0 else "closed"
        return [("state", both, state), ("position", both, round(value))]
    if op not in _STATES:
        return []
    changes: list[Change] = [("state", both, _STATES[op])]
    if entity.config.get("set_position_topic"):
        changes.append(("position", both, 100 if _STATES[op] == "open" else 0))
    return changes


_WORDS = {
    "open": "is open",
    "closed": "is closed",
    "opening": "is opening",
    "closing": "is closing",
    "stopped": "has stopped",
}


def _describe(entity: Entity, state: EntityState) -> str:
    the = spoken_name(entity)
    if state.state is None:
        return unknown(entity)
    if state.state == "open" and state.position is not None:
        return upper_first(f"{the} is open at {state.position} percent.")
    return upper_first(f"{the} {_WORDS.get(state.state, 'is ' + state.state)}.")


SPEC = DomainSpec(
    Domain.COVER,
    required=("command_topic", "state_topic", "position_topic"),
    build=_build,
    handlers=lambda entity: _HANDLERS,
    implied=_implied,
    describe=_describe,
    nouns=(
        "blind",
        "blinds",
        "shade",
        "shades",
        "curtain",
        "curtains",
        "shutter",
        "shutters",
        "cover",
        "covers",
        "garage door",
        "awning",
    ),
    prompt="Open or close the {name}.",
    plural="covers",
    record=("close the {name}", "open the {name}"),
    samples={Operation.SET_POSITION: 50},
    llm_actions=(("open", "HassOpen"), ("close", "HassClose")),
    llm_example=("shut the {name}", "close"),
    confirm=("open:garage",),
)
