"""Sensors: HA's MQTT sensor (``mqtt/sensor.py``), read only."""

from __future__ import annotations

from .base import DomainSpec, no_change, read_only, unknown
from .model import Domain, Entity, EntityState
from .spoken import spoken_name, unit_words, upper_first

__all__ = ["SPEC"]


def _p_state(e: Entity, s: EntityState, text: str) -> None:
    s.state, unit = text, e.config.get("unit_of_measurement")
    s.unit = unit if isinstance(unit, str) else None


def _describe(entity: Entity, state: EntityState) -> str:
    if state.state is None:
        return unknown(entity)
    return upper_first(
        f"{spoken_name(entity)} is {state.state}{unit_words(state.unit)}."
    )


SPEC = DomainSpec(
    Domain.SENSOR,
    required=("state_topic",),
    build=read_only,
    handlers=lambda entity: (("state_topic", ("value_template",), _p_state),),
    implied=no_change,
    describe=_describe,
    nouns=("sensor", "sensors"),
    prompt="What is the {name}?",
    plural="sensors",
    record=("what is the {name}",),
    samples={},
)
