"""A short conversation: what the last command was about, so that follow-ups
("and the bedroom", "turn it off", "make it brighter") and answers to a
clarifying question ("the kitchen one") complete a request."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from .home.model import Entity
from .home.registry import DeviceRegistry
from .intent import Intent, normalize

_PRONOUN = re.compile(
    r"\b(?P<verb>turn|switch|make|set|put|lock|unlock|open|close|shut|dim|brighten|"
    r"start|stop|raise|lower|leave|keep|get) (?:it|them|that one|that)\b(?!')"
)
"""A pronoun as the object of a command ("turn it off"), not "it's cold"."""
_FOLLOW_UP = re.compile(
    r"^(?:and|also|now|what about|how about|same for|same in)?\s*(?:in\s+)?"
    r"(?:the\s+)?(?P<rest>.+?)(?:\s+(?:too|as well|also|please|then))*$"
)
_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "last": -1}


@dataclass(frozen=True)
class Turn:
    intent: Intent
    at: float


@dataclass(frozen=True)
class Choice:
    """A clarifying question waiting for its answer."""

    text: str
    """What was said first (normalized)."""
    options: tuple[str, ...]
    """Entity ids, in the order the question named them."""


class Session:
    """Memory of the current conversation; it fades after ``seconds``."""

    def __init__(self, registry: DeviceRegistry, seconds: float = 30.0) -> None:
        self._registry = registry
        self._seconds = seconds
        self._last: Turn | None = None
        self._choice: Choice | None = None
        self._asked = 0.0

    @property
    def choice(self) -> Choice | None:
        """The open clarifying question, if it was asked within the session time."""
        if self._choice is None or time.monotonic() - self._asked > self._seconds:
            return None
        return self._choice

    @choice.setter
    def choice(self, choice: Choice | None) -> None:
        self._choice, self._asked = choice, time.monotonic()

    def remember(self, intent: Intent) -> None:
        if intent.entity_ids:
            self._last = Turn(intent, time.monotonic())

    def end(self) -> None:
        self._last, self._choice = None, None

    @property
    def last(self) -> Intent | None:
        if self._last is None or time.monotonic() - self._last.at > self._seconds:
            return None
        return self._last.intent

    def _entities(self, ids: tuple[str, ...]) -> list[Entity]:
        found = [self._registry.get(i) for i in ids]
        return [e for e in found if e is not None]

    def with_referent(self, text: str) -> tuple[str, tuple[str, ...]]:
        """``text`` with "it"/"them" replaced by the last device's name, and the
        entity ids the pronoun stands for (empty: no pronoun or no context)."""
        last = self.last
        clean = normalize(text)
        if last is None or not _PRONOUN.search(clean):
            return text, ()
        entities = self._entities(last.entity_ids)
        if not entities:
            return text, ()
        name = normalize(entities[0].name)
        said = _PRONOUN.sub(lambda m: f"{m['verb']} the {name}", clean, count=1)
        return said, last.entity_ids

    def follow_up(self, text: str) -> Intent | None:
        """ "and the bedroom": the last request again, for another room or device."""
        last = self.last
        match = _FOLLOW_UP.match(normalize(text))
        if last is None or match is None:
            return None
        rest = match["rest"]
        entities = self._registry.entities()
        for entity in entities:
            if _same(rest, entity.name) or any(_same(rest, a) for a in entity.aliases):
                return _retarget(last, {"name": entity.name}, (entity.entity_id,))
        kinds = {e.domain for e in self._entities(last.entity_ids)}
        for area in {e.area for e in entities if e.area}:
            if not _same(rest, area):
                continue
            here = [e for e in entities if e.area == area]
            same_kind = [e for e in here if e.domain in kinds]
            chosen = same_kind or here
            slots = {"area": area}
            if same_kind and len(kinds) == 1:
                slots["domain"] = str(next(iter(kinds)))
            return _retarget(last, slots, tuple(e.entity_id for e in chosen))
        return None

    def answer(self, text: str, choice: Choice) -> str | None:
        """The entity id a clarifying answer names ("the kitchen one", "the
        second"), or None if it names none of the options."""
        clean = normalize(text)
        for word, index in _ORDINALS.items():
            if re.search(rf"\b{word}\b", clean) and len(choice.options) > 0:
                return choice.options[index] if index < len(choice.options) else None
        best: tuple[float, str] | None = None
        for entity in self._entities(choice.options):
            for label in (entity.name, entity.area or ""):
                if not label:
                    continue
                score = fuzz.partial_ratio(normalize(label), clean)
                if score >= 80 and (best is None or score > best[0]):
                    best = (score, entity.entity_id)
        return best[1] if best else None


def _same(heard: str, name: str) -> bool:
    return fuzz.ratio(normalize(heard), normalize(name)) >= 85


def _retarget(last: Intent, slots: dict[str, str], ids: tuple[str, ...]) -> Intent:
    kept = {k: v for k, v in last.slots.items() if k not in ("name", "area", "domain")}
    return replace(last, slots={**kept, **slots}, entity_ids=ids)
