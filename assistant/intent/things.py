"""Names of rooms and household things the home does not have.

A word such as "bathroom" or "sprinkler" is not a mishearing of "bedroom" or
"speaker": Whisper writes real words, and a room or device noun that none of the
home's names, rooms or device kinds contains names something that is not there.
Such a request is refused by name instead of going to the nearest device.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import yaml

from ..home.domains import DOMAINS
from ..home.model import Domain, Entity
from . import normalize

THINGS_FILE = Path(__file__).resolve().parent.parent / "sentences" / "things.yaml"

KIND_WORDS: dict[Domain, tuple[str, ...]] = {
    domain: spec.nouns for domain, spec in DOMAINS.items()
}
"""Generic words for a kind of device: known when the home has one of that kind."""


_GENERIC = frozenset(w for words in KIND_WORDS.values() for w in words)


@dataclass(frozen=True)
class Unknown:
    """Something the words name that the home does not have."""

    phrase: str
    """As said, with one word of context: "garden sprinkler", "bathroom"."""
    room: bool


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str]]:
    data = yaml.safe_load(THINGS_FILE.read_text("utf-8"))
    return frozenset(data["rooms"]), frozenset(data["things"])


@lru_cache(maxsize=1)
def _same() -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load(THINGS_FILE.read_text("utf-8"))
    return {word: tuple(group) for group in data.get("same", []) for word in group}


def same_as(word: str) -> tuple[str, ...]:
    """``word`` and the words for the same thing ("tv" for "television")."""
    return _same().get(word, (word,))


@lru_cache(maxsize=1)
def lexicon_terms() -> tuple[str, ...]:
    """Every room and thing, of one word or more."""
    rooms, things = _lexicon()
    return tuple(sorted(rooms | things))


@lru_cache(maxsize=1)
def lexicon_words() -> tuple[str, ...]:
    """The rooms and things of one word ("bathroom", "fan")."""
    rooms, things = _lexicon()
    return tuple(sorted(w for w in rooms | things if " " not in w))


_PHRASE_STOP = {
    "the", "a", "an", "my", "our", "in", "on", "of", "to", "and", "all", "turn",
    "switch", "set", "open", "close", "off", "lock", "unlock", "is", "are", "start",
    "stop", "put", "make", "please", "up", "down", "it", "that", "this", "some", "any",
    "for", "from", "at", "with", "by", "out", "there", "here", "too", "so", "very",
    "much", "not",
}  # fmt: skip


class Things:
    """The home's own words, and what of a sentence names something else."""

    def __init__(self, entities: Iterable[Entity] = ()) -> None:
        known: set[str] = set()
        self._in_room: dict[str, set[str]] = {}
        """Room (normalized) -> the kind and name words of its devices."""
        for entity in entities:
            if entity.area:
                room = self._in_room.setdefault(normalize(entity.area), set())
                room.update(KIND_WORDS.get(entity.domain, ()))
                room.update(normalize(entity.name.replace("_", " ")).split())
            for label in (entity.name, *entity.aliases, entity.area or ""):
                words = normalize(label.replace("_", " ")).split()
                known.update(words)
                known.update(" ".join(pair) for pair in pairwise(words))
            known.update(KIND_WORDS.get(entity.domain, ()))
            if entity.config.get("device_class") == "garage":
                known.update(("garage", "garage door"))
        self._known = frozenset(known)

    def known(self, word: str) -> bool:
        return any(
            w in self._known or _singular(w) in self._known for w in same_as(word)
        )

    def has(self, phrase: str) -> bool:
        """``phrase`` (normalized) is one of the home's names, or a room of the
        home with a kind of device it has ("lounge lights")."""
        if self.known(phrase):
            return True
        for room, kinds in self._in_room.items():
            kind = phrase.removeprefix(room + " ")
            if kind != phrase and (kind in kinds or _singular(kind) in kinds):
                return True
        return False

    def named(self, clean: str) -> bool:
        """``clean`` (normalized) names one of the home's devices, kinds or rooms."""
        words = [w for w in clean.split() if w not in _PHRASE_STOP]
        return any(self.known(word) for word in words)

    def unknown(self, clean: str) -> Unknown | None:
        """The first room or thing in ``clean`` (normalized) the home lacks."""
        rooms, things = _lexicon()
        words = clean.split()
        mix = self._room_without(words)
        if mix is not None:
            return mix
        for lexicon, is_room in ((things, False), (rooms, True)):
            for size in (2, 1):
                for start in range(len(words) - size + 1):
                    term = " ".join(words[start : start + size])
                    if term not in lexicon or self.known(term):
                        continue
                    if size == 2 and any(
                        self.known(w) and w not in _GENERIC for w in term.split()
                    ):
                        continue  # "coffee maker" for the coffee machine: a synonym
                    if size == 1 and _inside_known(words, start, self):
                        continue  # "bedroom fan": "fan" is part of a known name
                    before = words[start - 1] if start > 0 else ""
                    if before and before not in _PHRASE_STOP and not is_room:
                        term = f"{before} {term}"  # "garden sprinkler"
                    return Unknown(term, is_room)
        return None

    def _room_without(self, words: list[str]) -> Unknown | None:
        """A room of the home followed by a kind of device none of its devices is
        ("bedroom fan" in a home whose only fan is in the study)."""
        for room, kinds in self._in_room.items():
            size = len(room.split())
            for start in range(len(words) - size):
                if " ".join(words[start : start + size]) != room:
                    continue
                kind = words[start + size]
                if kind not in _GENERIC or kind in kinds or _singular(kind) in kinds:
                    continue
                if self.known(f"{words[start + size - 1]} {kind}"):
                    continue  # part of a device's own name
                return Unknown(f"{room} {kind}", False)
        return None

    def foreign_word(self, heard: str, name: str) -> bool:
        """``heard`` (a device name as heard) has a room or thing word that
        ``name`` lacks and the home does not know: another thing, not a slip."""
        rooms, things = _lexicon()
        own = set(normalize(name).split())
        words = normalize(heard).split()
        terms = [*words, *(" ".join(p) for p in pairwise(words))]
        return any(
            (t in rooms or t in things) and t not in own and not self.known(t)
            for t in terms
        )


def _inside_known(words: list[str], start: int, things: Things) -> bool:
    pairs = []
    if start > 0:
        pairs.append(f"{words[start - 1]} {words[start]}")
    if start + 1 < len(words):
        pairs.append(f"{words[start]} {words[start + 1]}")
    return any(things.known(p) for p in pairs)


def _singular(word: str) -> str:
    return re.sub(r"(?<=\w\w)s$", "", word)
