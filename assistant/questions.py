"""Answers to questions about the home: one device's state ("is the fan on"),
many devices' ("which lights are on", "how many lights are on in the kitchen",
"is any window open", "are all the doors locked") and temperatures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .home.domains import DOMAINS, describe_state
from .home.model import Domain, Entity
from .home.registry import DeviceRegistry
from .home.spoken import format_number, join_words, spoken_name, upper_first
from .intent import Intent

__all__ = ["DOMAIN_WORDS", "Questions", "Seen", "answer"]

DOMAIN_WORDS = {
    **{str(domain): spec.plural for domain, spec in DOMAINS.items()},
    "window": "windows",
    "door": "doors",
}
"""A kind of device in the plural, by domain (or kind said: "window")."""
_SINGULAR = {"switches": "switch"}


class Questions:
    """Answers from the device registry's known states."""

    def __init__(self, registry: DeviceRegistry) -> None:
        self._registry = registry

    def ask(self, intent: Intent, targets: list[Entity]) -> tuple[str, bool]:
        """The spoken answer, and whether it could be given."""
        if intent.name == "HassClimateGetTemperature":
            return self._temperature(intent, targets)
        return self._state(intent, targets)

    def _state(self, intent: Intent, targets: list[Entity]) -> tuple[str, bool]:
        asked = intent.slots.get("state")
        if "query" in intent.slots and asked is not None:
            return self._states(intent, targets, str(asked)), True
        entity = targets[0]
        state = self._registry.state(entity.entity_id)
        sentence = describe_state(entity, state)
        if asked is None or state.state is None:
            return sentence, True
        yes = DOMAINS[entity.domain].is_state(entity, state, str(asked))
        word = "Yes" if yes else "No"
        return f"{word}, {sentence[0].lower()}{sentence[1:]}", True

    def _states(self, intent: Intent, targets: list[Entity], asked: str) -> str:
        """ "Which lights are on", "is any window open": over every device meant."""
        seen = []
        for entity in targets:
            state = self._registry.state(entity.entity_id)
            known = state.state is not None and self._registry.is_available(
                entity.entity_id
            )
            matches = DOMAINS[entity.domain].is_state(entity, state, asked)
            seen.append(Seen(entity, matches if known else None))
        domain = str(intent.slots.get("domain", ""))
        plural = DOMAIN_WORDS.get(domain, "devices")
        kind = (_SINGULAR.get(plural, plural.removesuffix("s")), plural)
        area = intent.slots.get("area")
        where = f" in the {str(area).lower()}" if area else ""
        query = str(intent.slots["query"])
        return answer(query, seen, asked, kind, where)

    def _temperature(self, intent: Intent, targets: list[Entity]) -> tuple[str, bool]:
        where = intent.slots.get("area") or targets[0].name
        for entity in targets:
            state = self._registry.state(entity.entity_id)
            reading = state.current_temperature
            if reading is None and entity.domain == Domain.SENSOR:
                is_temp = entity.config.get("device_class") == "temperature"
                try:
                    reading = float(state.state) if is_temp and state.state else None
                except ValueError:
                    reading = None
            if reading is not None:
                degrees = format_number(round(reading, 1))
                return f"It is {degrees} degrees in the {str(where).lower()}.", True
        return f"I don't know the temperature in the {str(where).lower()} yet.", False


_NUMBERS = (
    "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
)  # fmt: skip
_LISTED = 5
"""The most devices a reply names; more are counted only."""


@dataclass(frozen=True)
class Seen:
    """One device asked about: whether it is in the state asked (None: unknown or
    offline)."""

    entity: Entity
    matches: bool | None


def answer(
    query: str, seen: Sequence[Seen], asked: str, kind: tuple[str, str], where: str
) -> str:
    """The spoken answer. ``kind`` is (singular, plural): ("light", "lights");
    ``where`` is "" or " in the kitchen"."""
    yes = [s.entity for s in seen if s.matches]
    no = [s.entity for s in seen if s.matches is False]
    unknown = [s.entity for s in seen if s.matches is None]
    said = asked.replace("_", " ")
    if query == "all":
        if no:
            return f"No, {_are(no, said)}{where}.{_not_known(unknown)}"
        if unknown:
            return f"I don't know yet.{_not_known(unknown)}"
        if len(yes) == 1:
            return f"Yes, {spoken_name(yes[0])} is {said}."
        many = "both" if len(yes) == 2 else "all the"
        return f"Yes, {many} {kind[1]}{where} are {said}."
    if query == "any":
        if not yes and len(no) == 1 and not unknown:
            return f"No, {_are(no, said)}."  # "is the light on in the kitchen"
        if yes:
            return f"Yes, {_listed(yes, kind)} {_verb(yes)} {said}{where}."
        if unknown:
            return f"Not that I know of.{_not_known(unknown)}"
        return f"No, no {kind[1]} are {said}{where}."
    # "which" and "how many"
    if not yes:
        return f"No {kind[1]} are {said}{where}.{_not_known(unknown)}"
    count = _count(len(yes), kind)
    if len(yes) > _LISTED:
        return upper_first(f"{count} {_verb(yes)} {said}{where}.{_not_known(unknown)}")
    names = join_words([spoken_name(e) for e in yes])
    return upper_first(
        f"{count} {_verb(yes)} {said}{where}: {names}.{_not_known(unknown)}"
    )


def _count(n: int, kind: tuple[str, str]) -> str:
    number = _NUMBERS[n] if n < len(_NUMBERS) else str(n)
    return f"{number} {kind[0] if n == 1 else kind[1]}"


def _listed(entities: Sequence[Entity], kind: tuple[str, str]) -> str:
    if len(entities) > _LISTED:
        return _count(len(entities), kind)
    return join_words([spoken_name(e) for e in entities])


def _verb(entities: Sequence[Entity]) -> str:
    return "is" if len(entities) == 1 else "are"


def _are(entities: Sequence[Entity], said: str) -> str:
    """ "the porch light is on" (not off, as asked)."""
    names = join_words([spoken_name(e) for e in entities[:_LISTED]])
    more = f" and {len(entities) - _LISTED} more" if len(entities) > _LISTED else ""
    other = _OPPOSITE.get(said)
    state = other if other else f"not {said}"
    return f"{names}{more} {_verb(entities)} {state}"


_OPPOSITE = {
    **{a: b for a, b in (("on", "off"), ("open", "closed"), ("locked", "unlocked"))},
    **{b: a for a, b in (("on", "off"), ("open", "closed"), ("locked", "unlocked"))},
}


def _not_known(entities: Sequence[Entity]) -> str:
    if not entities:
        return ""
    names = join_words([spoken_name(e) for e in entities[:_LISTED]])
    return f" I don't know about {names}."
