"""Spoken text about entities: their names, numbers and state sentences."""

from __future__ import annotations

from .devices import Domain, Entity, EntityState

__all__ = ["describe_state", "format_number", "spoken_name", "upper_first"]


def spoken_name(entity: Entity) -> str:
    """The spoken name, lower case except acronyms: "the kitchen light", "the TV"."""
    words = entity.name.split()
    name = " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in words)
    return name if name.startswith("the ") else f"the {name}"


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def join_words(words: list[str]) -> str:
    """``["milk", "eggs", "bread"]`` -> ``"milk, eggs and bread"``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def format_number(value: float) -> str:
    """At most two decimals, without trailing zeros: 21.0 -> "21", 19.25 -> "19.25"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


_BINARY_WORDS = {
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
_UNIT_WORDS = {
    "°C": "degrees",
    "°F": "degrees",
    "%": "percent",
    "W": "watts",
    "kWh": "kilowatt hours",
    "V": "volts",
    "A": "amps",
    "lx": "lux",
}
_COVER_WORDS = {
    "open": "is open",
    "closed": "is closed",
    "opening": "is opening",
    "closing": "is closing",
    "stopped": "has stopped",
}


def describe_state(entity: Entity, state: EntityState) -> str:
    """A short spoken sentence about the entity's state."""
    the = spoken_name(entity)
    if entity.domain is Domain.CLIMATE:
        head = None
        if state.hvac_mode == "off":
            head = f"{the} is off"
        elif state.target_temperature is not None:
            head = f"{the} is set to {format_number(state.target_temperature)} degrees"
        elif state.hvac_mode:
            head = f"{the} is in {state.hvac_mode.replace('_', ' ')} mode"
        now = state.current_temperature
        if head and now is not None:
            return upper_first(f"{head}, and it is {format_number(now)} degrees now.")
        if head or now is not None:
            return upper_first(
                f"{head}."
                if head
                else f"{the} reads {format_number(now or 0)} degrees."
            )
        return f"I don't know the state of {the} yet."
    if state.state is None:
        return f"I don't know the state of {the} yet."
    if entity.domain is Domain.SENSOR:
        return upper_first(f"{the} is {state.state}{_unit(state.unit)}.")
    if entity.domain is Domain.COVER:
        if state.state == "open" and state.position is not None:
            return upper_first(f"{the} is open at {state.position} percent.")
        return upper_first(
            f"{the} {_COVER_WORDS.get(state.state, 'is ' + state.state)}."
        )
    if entity.domain is Domain.BINARY_SENSOR:
        words = _BINARY_WORDS.get(str(entity.config.get("device_class")), ("on", "off"))
        return upper_first(f"{the} is {words[0] if state.state == 'on' else words[1]}.")
    level = state.brightness_pct
    if (
        state.state == "on"
        and level is not None
        and entity.domain in (Domain.LIGHT, Domain.FAN)
    ):
        return upper_first(f"{the} is on at {level} percent.")
    return upper_first(f"{the} is {state.state}.")


def _unit(unit: str | None) -> str:
    return f" {_UNIT_WORDS.get(unit, unit)}" if unit else ""
