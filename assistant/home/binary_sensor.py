"""Binary sensors: HA's MQTT binary sensor (``mqtt/binary_sensor.py``), read only;
spoken by device class ("The back window is open.")."""

from __future__ import annotations

from .base import DomainSpec, no_change, parse_on_off, read_only, unknown
from .model import Domain, Entity, EntityState
from .spoken import spoken_name, upper_first

__all__ = ["SPEC"]

_WORDS = {
    "door": ("open", "closed"),
    "garage_door": ("open", "closed"),
    "window": ("open", "closed"),
    "opening": ("open", "closed"),
    "lock": ("unlocked", "locked"),
    "moisture": ("wet", "dry"),
    "motion": ("detecting motion", "clear"),
    "occupancy": ("occupied", "clear"),
    "presence": ("home", "away"),
    "smoke": ("detecting smoke", "clear"),
    "battery": ("low", "normal"),
    "connectivity": ("connected", "disconnected"),
}


def _describe(entity: Entity, state: EntityState) -> str:
    if state.state is None:
        return unknown(entity)
    words = _WORDS.get(str(entity.config.get("device_class")), ("on", "off"))
    the = spoken_name(entity)
    return upper_first(f"{the} is {words[0] if state.state == 'on' else words[1]}.")


def _is_state(entity: Entity, state: EntityState, asked: str) -> bool:
    """ "on"/"off", or the device class's words: a window sensor on is "open"."""
    if state.state is None:
        return False
    words = _WORDS.get(str(entity.config.get("device_class")), ("on", "off"))
    if asked in words:
        return state.state == ("on" if asked == words[0] else "off")
    return state.state == asked


SPEC = DomainSpec(
    Domain.BINARY_SENSOR,
    required=("state_topic",),
    build=read_only,
    handlers=lambda entity: (("state_topic", ("value_template",), parse_on_off),),
    implied=no_change,
    describe=_describe,
    is_state=_is_state,
    nouns=("sensor", "sensors", "door", "window", "windows"),
    prompt="Is the {name} on?",
    plural="sensors",
    samples={},
)
