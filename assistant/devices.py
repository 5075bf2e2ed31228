"""Entities learned from MQTT discovery: the core models, and the public API.

The models live here, with how availability payloads read and the state a command
implies (optimistic entities); the rest is split by concern and re-exported from
here: ``templates`` (HA's Jinja templates), ``commands`` (building MQTT commands),
``states`` (parsing state messages, the registry), ``describe`` (spoken state),
with ``colors`` for the colour maths. ``commands``, ``states`` and ``describe``
import the models from this module, so it loads their names lazily (PEP 562
``__getattr__``): any of the modules can be imported first without a cycle.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .errors import CapabilityError
from .templates import render_template, validate_template

if TYPE_CHECKING:
    from .commands import build_commands
    from .describe import describe_state
    from .states import DeviceRegistry

__all__ = [
    "Availability",
    "Command",
    "DeviceRegistry",
    "Domain",
    "Entity",
    "EntityState",
    "Operation",
    "apply_implied_state",
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
    SET_POSITION = "set_position"
    SET_COLOR_TEMP = "set_color_temp"


@dataclass(frozen=True, slots=True)
class Command:
    """One MQTT message to publish."""

    topic: str
    payload: str
    retain: bool = False


@dataclass(frozen=True, slots=True)
class Availability:
    """One topic telling whether an entity is reachable, and how to read it."""

    topic: str
    payload_available: str = "online"
    payload_not_available: str = "offline"
    value_template: str | None = None

    def read(self, entity: Entity, state: EntityState, text: str) -> None:
        """Note in ``state`` what payload ``text`` says (others are ignored)."""
        if text in (self.payload_available, self.payload_not_available):
            seen = {t: v for t, v in state.availability.items() if t != self.topic}
            state.availability = {**seen, self.topic: text == self.payload_available}


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

    def same_as(self, other: Entity) -> bool:
        """Whether ``other`` describes this entity again: from the same discovery
        source, or with the same ``unique_id`` (and domain)."""
        if other.source != "config" and self.source == other.source:
            return True
        uid = other.config.get("unique_id")
        return (
            uid is not None
            and self.config.get("unique_id") == uid
            and self.domain is other.domain
        )

    def supports(self, op: Operation) -> bool:
        """Whether ``op`` makes sense for this entity (values aside)."""
        from .commands import build_commands

        try:
            build_commands(self, op, _SAMPLES.get(op))
        except CapabilityError as err:
            return err.code not in {"unsupported", "read-only"}
        return True

    def state_topics(self) -> tuple[str, ...]:
        """Every topic whose payload updates this entity's state or availability."""
        from .states import state_handlers

        topics = [self.config.get(key) for key, _, _ in state_handlers(self)]
        topics += [entry.topic for entry in self.availability()]
        return tuple(dict.fromkeys(t for t in topics if isinstance(t, str) and t))

    def availability(self) -> tuple[Availability, ...]:
        """The availability topics: ``availability_topic``, then ``availability``."""
        cfg = self.config
        found: dict[str, Availability] = {}  # as in HA, a repeated topic: the last
        if isinstance(topic := cfg.get("availability_topic"), str) and topic:
            found[topic] = _availability(topic, cfg, "availability_template")
        listed = cfg.get("availability")
        for entry in listed if isinstance(listed, list | tuple) else ():
            topic = entry.get("topic") if isinstance(entry, Mapping) else None
            if isinstance(topic, str) and topic:
                found[topic] = _availability(topic, entry, "value_template")
        return tuple(found.values())

    def is_available(self, state: EntityState) -> bool:
        """Whether HA would show the entity as available, given its ``state``.

        True without availability topics. Otherwise, as ``availability_mode``
        says ("latest", "all" or "any"), from the payloads received so far:
        unavailable until an available payload arrives.
        """
        topics = [entry.topic for entry in self.availability()]
        if not topics:
            return True
        seen = state.availability
        if (mode := self.config.get("availability_mode", "latest")) in ("all", "any"):
            verdicts = [seen.get(topic, False) for topic in topics]
            return all(verdicts) if mode == "all" else any(verdicts)
        latest = [online for topic, online in seen.items() if topic in topics]
        return latest[-1] if latest else False


def _availability(
    topic: str, cfg: Mapping[str, Any], template_key: str
) -> Availability:
    template = cfg.get(template_key)
    return Availability(
        topic,
        str(cfg.get("payload_available", "online")),
        str(cfg.get("payload_not_available", "offline")),
        template if isinstance(template, str) and template else None,
    )


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
    position: int | None = None  # a cover's, in percent open
    # availability topic -> whether its last payload said available, latest last
    availability: dict[str, bool] = field(default_factory=dict)


# A valid value for each operation that takes one, for ``Entity.supports``.
_SAMPLES: dict[Operation, Any] = {
    Operation.SET_BRIGHTNESS: 50,
    Operation.SET_COLOR: (255, 255, 255),
    Operation.SET_TEMPERATURE: 20.0,
    Operation.SET_HVAC_MODE: "heat",
    Operation.SET_POSITION: 50,
    Operation.SET_COLOR_TEMP: 4000,
}

# --- Optimistic state: what a published command implies ----------------------------

_ON_OFF = {Operation.TURN_ON: "on", Operation.TURN_OFF: "off"}
_COVER = {
    Operation.OPEN: "open",
    Operation.TURN_ON: "open",
    Operation.CLOSE: "closed",
    Operation.TURN_OFF: "closed",
}
_LOCK = {Operation.LOCK: "locked", Operation.UNLOCK: "unlocked"}
_HVAC_OPS = (Operation.TURN_ON, Operation.TURN_OFF, Operation.SET_HVAC_MODE)
_COLOR_TOPICS = ("rgb_state_topic", "hs_state_topic", "xy_state_topic")
_Change = tuple[str, tuple[str, ...], Any]  # (EntityState field, its topics, value)


def _implied(entity: Entity, op: Operation, value: Any) -> list[_Change]:
    """What a successful ``op`` makes of the state, and which topics report each."""
    domain, on = entity.domain, ("state", ("state_topic",), "on")
    if domain in (Domain.LIGHT, Domain.SWITCH, Domain.FAN):
        level = "percentage" if domain is Domain.FAN else "brightness"
        if op in _ON_OFF:
            return [("state", ("state_topic",), _ON_OFF[op])]
        if op is Operation.SET_BRIGHTNESS and round(value) == 0:
            return [("state", ("state_topic",), "off")]
        if op is Operation.SET_BRIGHTNESS:
            return [on, ("brightness_pct", (f"{level}_state_topic",), round(value))]
        if op is Operation.SET_COLOR:
            return [on, ("rgb", _COLOR_TOPICS, tuple(value))]
        return [on] if op is Operation.SET_COLOR_TEMP else []
    if domain is Domain.COVER:  # as in HA, optimistic only with neither topic
        both = ("state_topic", "position_topic")
        if op is Operation.SET_POSITION:
            state = "open" if round(value) > 0 else "closed"
            return [("state", both, state), ("position", both, round(value))]
        if op not in _COVER:
            return []
        changes: list[_Change] = [("state", both, _COVER[op])]
        if entity.config.get("set_position_topic"):
            changes.append(("position", both, 100 if _COVER[op] == "open" else 0))
        return changes
    if domain is Domain.LOCK and op in _LOCK:
        return [("state", ("state_topic",), _LOCK[op])]
    if domain is Domain.CLIMATE and op is Operation.SET_TEMPERATURE:
        return [("target_temperature", ("temperature_state_topic",), float(value))]
    if domain is Domain.CLIMATE and entity.config.get("mode_command_topic"):
        from .commands import climate_mode

        mode = climate_mode(entity, op, value) if op in _HVAC_OPS else None
        return [("hvac_mode", ("mode_state_topic",), mode)] if mode else []
    return []


def apply_implied_state(
    entity: Entity, state: EntityState, op: Operation, value: Any = None
) -> None:
    """Give ``state`` what a published ``op`` implies, as HA's optimistic mode does:
    each part no state topic reports (all of them with ``optimistic: true``)."""
    cfg = entity.config
    optimistic = cfg.get("optimistic") is True
    json_light = entity.domain is Domain.LIGHT and cfg.get("schema") == "json"
    for name, topics, new in _implied(entity, op, value):
        reported = ("state_topic",) if json_light else topics
        if optimistic or not any(cfg.get(topic) for topic in reported):
            setattr(state, name, new)


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
