"""Entities learned from MQTT discovery: the core models, and the public API.

The models live here; the rest is split by concern and re-exported from here:
``templates`` (HA's Jinja templates), ``commands`` (building MQTT commands),
``states`` (parsing state messages, the registry), ``describe`` (spoken state),
with ``colors`` for the colour maths. ``commands``, ``states`` and ``describe``
import the models from this module, so it loads their names lazily (PEP 562
``__getattr__``): any of the modules can be imported first without a cycle.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .errors import CapabilityError
from .templates import render_template, validate_template

if TYPE_CHECKING:
    from .commands import build_commands
    from .describe import describe_state
    from .states import DeviceRegistry

__all__ = [
    "Command",
    "DeviceRegistry",
    "Domain",
    "Entity",
    "EntityState",
    "Operation",
    "build_commands",
    "describe_state",
    "render_template",
    "validate_template",
]


class Domain(StrEnum):
    LIGHT = "light"
    SWITCH = "switch"
    FAN = "fan"
    COVER = "cover"
    LOCK = "lock"
    CLIMATE = "climate"
    SENSOR = "sensor"
    BINARY_SENSOR = "binary_sensor"


class Operation(StrEnum):
    TURN_ON = "turn_on"
    TURN_OFF = "turn_off"
    SET_BRIGHTNESS = "set_brightness"
    SET_COLOR = "set_color"
    SET_TEMPERATURE = "set_temperature"
    SET_HVAC_MODE = "set_hvac_mode"
    OPEN = "open"
    CLOSE = "close"
    STOP = "stop"
    LOCK = "lock"
    UNLOCK = "unlock"


@dataclass(frozen=True, slots=True)
class Command:
    """One MQTT message to publish."""

    topic: str
    payload: str
    retain: bool = False


@dataclass(frozen=True)
class Entity:
    """A controllable or readable thing; ``config`` uses full HA key names."""

    entity_id: str
    domain: Domain
    name: str
    area: str | None
    config: Mapping[str, Any]
    aliases: tuple[str, ...] = ()
    source: str = "config"

    def __hash__(self) -> int:  # ``config`` is a dict, so hash by identity fields
        return hash((self.entity_id, self.source))

    def supports(self, op: Operation) -> bool:
        """Whether ``op`` makes sense for this entity (values aside)."""
        from .commands import build_commands

        try:
            build_commands(self, op, _SAMPLES.get(op))
        except CapabilityError as err:
            return err.code not in {"unsupported", "read-only"}
        return True

    def state_topics(self) -> tuple[str, ...]:
        """Every topic whose payload updates this entity's state."""
        from .states import state_handlers

        topics = (self.config.get(key) for key, _, _ in state_handlers(self))
        return tuple(dict.fromkeys(t for t in topics if isinstance(t, str) and t))


@dataclass
class EntityState:
    """Last known state of one entity; ``None`` means unknown."""

    state: str | None = None
    brightness_pct: int | None = None
    rgb: tuple[int, int, int] | None = None
    target_temperature: float | None = None
    current_temperature: float | None = None
    hvac_mode: str | None = None
    unit: str | None = None


# A valid value for each operation that takes one, for ``Entity.supports``.
_SAMPLES: dict[Operation, Any] = {
    Operation.SET_BRIGHTNESS: 50,
    Operation.SET_COLOR: (255, 255, 255),
    Operation.SET_TEMPERATURE: 20.0,
    Operation.SET_HVAC_MODE: "heat",
}

# Shared by ``commands`` and ``states``: how HA reads an entity's config.
DEFAULT_HVAC_MODES = ("auto", "off", "cool", "heat", "dry", "fan_only")


def config_number(cfg: Mapping[str, Any], key: str, default: float) -> float:
    """A numeric config value as a float, ``default`` when absent or not a number."""
    value = cfg.get(key)
    return float(value) if isinstance(value, int | float) else default


# Re-exported names from the modules that import this one: loaded on first use.
_LAZY = {
    "build_commands": "commands",
    "describe_state": "describe",
    "DeviceRegistry": "states",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __package__), name)
    globals()[name] = value
    return value
