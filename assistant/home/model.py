"""The entity model: what discovery and the config describe, and what is known of
each entity's state. A leaf: it imports none of the domains (``home.DOMAINS``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "Availability",
    "Command",
    "Domain",
    "Entity",
    "EntityState",
    "Operation",
    "Secret",
    "config_number",
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
    SCENE = "scene"
    BUTTON = "button"
    VALVE = "valve"
    SIREN = "siren"
    ALARM_CONTROL_PANEL = "alarm_control_panel"
    VACUUM = "vacuum"
    LAWN_MOWER = "lawn_mower"
    HUMIDIFIER = "humidifier"
    WATER_HEATER = "water_heater"
    SELECT = "select"
    NUMBER = "number"


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
    ARM_HOME = "arm_home"
    ARM_AWAY = "arm_away"
    ARM_NIGHT = "arm_night"
    ARM_VACATION = "arm_vacation"
    DISARM = "disarm"
    START = "start"
    PAUSE = "pause"
    DOCK = "dock"
    LOCATE = "locate"
    SET_MODE = "set_mode"
    SET_HUMIDITY = "set_humidity"
    SET_VALUE = "set_value"
    OSCILLATE = "oscillate"
    SET_DIRECTION = "set_direction"


@dataclass(frozen=True, slots=True)
class Secret:
    """A value that must not be spoken, logged or shown (an alarm code)."""

    value: str = field(repr=False)

    def __str__(self) -> str:
        return "***"


@dataclass(frozen=True, slots=True, repr=False)
class Command:
    """One MQTT message to publish."""

    topic: str
    payload: str
    retain: bool = False
    secret: bool = False
    """The payload holds a :class:`Secret`: it is published, never shown."""

    @property
    def shown(self) -> str:
        """The payload as logs and printouts may show it."""
        return "(withheld: it holds a code)" if self.secret else self.payload

    def __repr__(self) -> str:
        return f"Command({self.topic!r}, {self.shown!r}, retain={self.retain})"


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
    mode: str | None = None  # a vacuum's fan speed, a humidifier's mode, a preset
    target_humidity: int | None = None
    current_humidity: int | None = None
    oscillating: bool | None = None
    direction: str | None = None
    # availability topic -> whether its last payload said available, latest last
    availability: dict[str, bool] = field(default_factory=dict)


def config_number(cfg: Mapping[str, Any], key: str, default: float) -> float:
    """A numeric config value as a float, ``default`` when absent or not a number."""
    value = cfg.get(key)
    return float(value) if isinstance(value, int | float) else default
