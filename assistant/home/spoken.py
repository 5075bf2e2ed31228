"""Spoken text about entities: their names and numbers, shared by the domains."""

from __future__ import annotations

from .model import Domain, Entity

__all__ = ["format_number", "join_words", "spoken_name", "unit_words", "upper_first"]


def spoken_name(entity: Entity) -> str:
    """The spoken name, lower case except acronyms: "the kitchen light", "the TV";
    a scene's without "the" ("movie night")."""
    words = entity.name.split()
    name = " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in words)
    bare = name.startswith("the ") or entity.domain is Domain.SCENE
    return name if bare else f"the {name}"


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


def unit_words(unit: str | None) -> str:
    """`` degrees`` for "°C"; "" without a unit."""
    return f" {_UNIT_WORDS.get(unit, unit)}" if unit else ""
