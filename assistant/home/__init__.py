"""The home: entities, their domains and the registry of what is known of them.

``model`` is the entity model (a leaf); each domain of Home Assistant's MQTT
integration has its own module (``light``, ``cover``, …) holding everything about
it, listed in ``DOMAINS``; ``registry`` keeps the entities and their state.
"""

from __future__ import annotations

from .base import DomainSpec
from .domains import (
    DOMAINS,
    apply_implied_state,
    build_commands,
    default_confirm,
    describe_state,
    state_handlers,
    state_topics,
    supports,
)
from .model import (
    Availability,
    Command,
    Domain,
    Entity,
    EntityState,
    Operation,
    config_number,
)
from .registry import DeviceRegistry
from .spoken import format_number, join_words, spoken_name, upper_first

__all__ = [
    "DOMAINS",
    "Availability",
    "Command",
    "DeviceRegistry",
    "Domain",
    "DomainSpec",
    "Entity",
    "EntityState",
    "Operation",
    "apply_implied_state",
    "build_commands",
    "config_number",
    "default_confirm",
    "describe_state",
    "format_number",
    "join_words",
    "spoken_name",
    "state_handlers",
    "state_topics",
    "supports",
    "upper_first",
]
