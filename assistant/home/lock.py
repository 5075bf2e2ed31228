"""Locks: HA's MQTT lock (``mqtt/lock.py``)."""

from __future__ import annotations

from typing import Any

from .base import (
    Change,
    DomainSpec,
    command,
    describe_switched,
    parse_table,
    payload,
    render,
    unsupported,
)
from .model import Command, Domain, Entity, Operation

__all__ = ["SPEC"]

_PAYLOADS = {
    Operation.LOCK: ("payload_lock", "LOCK"),
    Operation.UNLOCK: ("payload_unlock", "UNLOCK"),
}


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    keys = _PAYLOADS.get(op)
    text = payload(entity.config, *keys) if keys else None
    if text is None:
        raise unsupported(entity, op)
    return [command(entity, "command_topic", render(entity, "command_template", text))]


_p_state = parse_table(
    {
        n: (f"state_{n}", n.upper())
        for n in ("locked", "unlocked", "locking", "unlocking", "jammed")
    }
)
_STATES = {Operation.LOCK: "locked", Operation.UNLOCK: "unlocked"}


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    return [("state", ("state_topic",), _STATES[op])] if op in _STATES else []


SPEC = DomainSpec(
    Domain.LOCK,
    required=("command_topic",),
    build=_build,
    handlers=lambda entity: (("state_topic", ("value_template",), _p_state),),
    implied=_implied,
    describe=describe_switched,
    nouns=("lock", "locks", "door", "deadbolt"),
    prompt="Unlock or lock the {name}.",
    plural="locks",
    record=("lock the {name}", "is the {name} locked"),
    samples={},
    llm_actions=(("lock", "HassLock"), ("unlock", "HassUnlock")),
    llm_example=("make sure nobody gets in through the {name}", "lock"),
    confirm=("unlock",),
)
