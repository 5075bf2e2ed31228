"""The registry of domains (``DOMAINS``) and what the rest of the assistant asks of
an entity through it: its commands, state topics, implied and spoken state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import CapabilityError
from . import (
    alarm_control_panel,
    binary_sensor,
    button,
    climate,
    cover,
    fan,
    humidifier,
    lawn_mower,
    light,
    lock,
    number,
    scene,
    select,
    sensor,
    siren,
    switch,
    vacuum,
    valve,
    water_heater,
)
from .base import DomainSpec, Handlers
from .model import Command, Domain, Entity, EntityState, Operation

__all__ = [
    "DOMAINS",
    "apply_implied_state",
    "build_commands",
    "default_confirm",
    "describe_state",
    "resolve",
    "state_handlers",
    "state_topics",
    "supports",
]

DOMAINS: Mapping[Domain, DomainSpec] = {
    module.SPEC.domain: module.SPEC
    for module in (
        light,
        switch,
        fan,
        cover,
        lock,
        climate,
        sensor,
        binary_sensor,
        scene,
        button,
        valve,
        siren,
        alarm_control_panel,
        vacuum,
        lawn_mower,
        humidifier,
        water_heater,
        select,
        number,
    )
}


def resolve(entity: Entity, op: Operation) -> Operation:
    """The operation ``op`` is for the entity ("turn on" a valve: open it)."""
    return DOMAINS[entity.domain].aliases.get(op, op)


def build_commands(entity: Entity, op: Operation, value: Any = None) -> list[Command]:
    """Turn ``op`` into the messages this entity's own conventions require.

    Raises CapabilityError (with a spoken message) when the entity can't do it.
    """
    return DOMAINS[entity.domain].build(entity, resolve(entity, op), value)


def supports(entity: Entity, op: Operation) -> bool:
    """Whether ``op`` makes sense for ``entity`` (values aside)."""
    spec = DOMAINS[entity.domain]
    op = resolve(entity, op)
    try:
        spec.build(entity, op, spec.samples.get(op))
    except CapabilityError as err:
        return err.code not in {"unsupported", "read-only"}
    return True


def state_handlers(entity: Entity) -> Handlers:
    """(state topic key, value template keys, parser) of each state topic."""
    return DOMAINS[entity.domain].handlers(entity)


def state_topics(entity: Entity) -> tuple[str, ...]:
    """Every topic whose payload updates the entity's state or availability."""
    topics = [entity.config.get(key) for key, _, _ in state_handlers(entity)]
    topics += [entry.topic for entry in entity.availability()]
    return tuple(dict.fromkeys(t for t in topics if isinstance(t, str) and t))


def apply_implied_state(
    entity: Entity, state: EntityState, op: Operation, value: Any = None
) -> None:
    """Give ``state`` what a published ``op`` implies, as HA's optimistic mode does:
    each part no state topic reports (all of them with ``optimistic: true``)."""
    cfg = entity.config
    optimistic = cfg.get("optimistic") is True
    implied = DOMAINS[entity.domain].implied(entity, resolve(entity, op), value)
    for name, topics, new in implied:
        if optimistic or not any(cfg.get(topic) for topic in topics):
            setattr(state, name, new)


def describe_state(entity: Entity, state: EntityState) -> str:
    """A short spoken sentence about the entity's state."""
    return DOMAINS[entity.domain].describe(entity, state)


def default_confirm() -> tuple[str, ...]:
    """The actions asked about by default, as ``[homeassistant] confirm`` rules:
    each domain's own ("lock.unlock", "cover.open:garage")."""
    return tuple(f"{d}.{rule}" for d, spec in DOMAINS.items() for rule in spec.confirm)
