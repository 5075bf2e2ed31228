"""Switches: HA's MQTT switch (``mqtt/switch.py``)."""

from __future__ import annotations

from typing import Any

from .base import (
    Change,
    DomainSpec,
    describe_switched,
    parse_on_off,
    switch_like,
    switched,
)
from .model import Domain, Entity, Operation

__all__ = ["SPEC"]


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    return switched(op, value, "state_topic") or []


SPEC = DomainSpec(
    Domain.SWITCH,
    required=("command_topic",),
    build=switch_like,
    handlers=lambda entity: (("state_topic", ("value_template",), parse_on_off),),
    implied=_implied,
    describe=describe_switched,
    nouns=("switch", "switches", "plug", "plugs", "socket", "outlet"),
    prompt="Switch off the {name}.",
    plural="switches",
    record=("turn off the {name}", "turn on the {name}"),
    everything=True,
    samples={},
    llm_actions=(("turn on", "HassTurnOn"), ("turn off", "HassTurnOff")),
    llm_example=("I don't need the {name} any more", "turn off"),
)
