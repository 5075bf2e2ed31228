"""Sirens: HA's MQTT siren (``homeassistant/components/mqtt/siren.py``): on and off
publish ``{"state": payload}`` as compact JSON, or ``command_template`` (and
``command_off_template``) rendered with ``value`` and ``state``."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from .base import (
    Change,
    DomainSpec,
    command,
    describe_switched,
    match,
    on_off_payload,
    render,
    switched,
    unsupported,
)
from .model import Command, Domain, Entity, EntityState, Operation

__all__ = ["SPEC"]


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op not in (Operation.TURN_ON, Operation.TURN_OFF):
        raise unsupported(entity, op)
    on = op is Operation.TURN_ON
    state = on_off_payload(entity.config, on)
    template = "command_template" if on else "command_off_template"
    if not on and not entity.config.get(template):
        template = "command_template"  # as in HA: the off template falls back
    if entity.config.get(template):
        text = render(entity, template, state, state=state)
    else:
        text = json.dumps({"state": state}, separators=(",", ":"))
    return [command(entity, "command_topic", text)]


def _p_state(e: Entity, s: EntityState, text: str) -> None:
    on, off = e.config.get("payload_on", "ON"), e.config.get("payload_off", "OFF")
    table = {"on": e.config.get("state_on", on), "off": e.config.get("state_off", off)}
    with contextlib.suppress(ValueError):
        s.state = match(text, table)
        return
    data = json.loads(text)  # {"state": "ON", "tone": …}
    if not isinstance(data, dict) or "state" not in data:
        raise ValueError("siren state is neither a payload nor JSON with a state")
    s.state = match(str(data["state"]), table)


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    return switched(op, value, "state_topic") or []


SPEC = DomainSpec(
    Domain.SIREN,
    required=("command_topic",),
    build=_build,
    handlers=lambda entity: (("state_topic", ("state_value_template",), _p_state),),
    implied=_implied,
    describe=describe_switched,
    nouns=("siren", "sirens", "alarm bell"),
    prompt="Turn off the {name}.",
    plural="sirens",
    record=("turn off the {name}",),
    samples={},
    confirm=("turn_on",),
)
