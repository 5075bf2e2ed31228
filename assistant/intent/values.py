"""Settings said the way people talk: one device (or room) and one value that
only one kind of setting takes ("I'd like the bedside lamp in purple", "bring
the floor lamp down to 70 percent", "make it 21 degrees in the bedroom").

The reading is the sentence rules' own reading of a plain sentence built from
the two ("set the bedside lamp to purple"), so the home's sentences and handler
decide what it means. It is never acted on unasked: the words around the two
are not understood.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from . import Intent, resolved
from .rules import NEGATION
from .sentence_data import load_builtin_sentences

if TYPE_CHECKING:
    from .rules import HassilRecognizer

_PERCENT = re.compile(r"\b(\d+(?:\.\d+)?) percent\b")
_DEGREES = re.compile(r"\b(\d+(?:\.\d+)?) degrees\b")
_NUMBER = re.compile(r"\d")
_FULL = re.compile(r"\b(?:on|to|at) (?:full|max|maximum)\b")
_HALF = re.compile(r"\b(?:halfway|half way)\b")


@cache
def colours() -> tuple[str, ...]:
    """The colour words of the built-in sentences, longest first."""
    words: list[str] = []
    for value in load_builtin_sentences()["lists"]["color"]["values"]:
        spoken = value if isinstance(value, str) else value["in"]
        words.extend(spoken.strip("()").split("|"))
    return tuple(sorted(words, key=len, reverse=True))


def read_values(clean: str, recognizer: HassilRecognizer) -> Intent | None:
    """The setting ``clean`` (normalized) names, or None when it names no single
    device or room, no single value, or says "don't"."""
    words = clean.split()
    if NEGATION & set(words):
        return None
    named = recognizer.named_in(clean)
    if len({entity_id for _, entity_id, _ in named}) != 1:
        return None  # no device or room, or several
    spoken, _, kind = named[0]
    plain = _plain(clean, spoken, kind)
    if plain is None:
        return None
    found = recognizer.recognize_normalized(plain)
    if found is None or found.confidence < 1.0 or not resolved(found):
        return None
    return found


def _plain(clean: str, spoken: str, kind: str) -> str | None:
    """The plain sentence setting ``spoken`` (a device of ``kind``, or a room) to
    the one value ``clean`` holds."""
    rest = re.sub(rf"\b{re.escape(spoken)}\b", " ", clean)
    percents, degrees = _PERCENT.findall(rest), _DEGREES.findall(rest)
    said = [c for c in colours() if re.search(rf"\b{c}\b", rest)]
    said = [c for c in said if not any(c != o and c in o for o in said)]
    numbers = len(_NUMBER.findall(re.sub(r"\d+(?:\.\d+)?", "0", rest)))
    if numbers > 1 or len(percents) + len(degrees) + bool(said) > 1:
        return None  # two values: which one?
    if kind == "area":
        return f"set the temperature in the {spoken} to {degrees[0]} degrees" if (
            degrees
        ) else None  # fmt: skip
    if degrees and kind == "climate":
        return f"set the {spoken} to {degrees[0]} degrees"
    if percents and kind in ("light", "fan"):
        return f"set the {spoken} to {percents[0]} percent"
    if percents and kind == "cover":
        return f"set the position of the {spoken} to {percents[0]} percent"
    if numbers or (kind != "light" and kind != "cover"):
        return None
    if kind == "cover":
        return f"set the position of the {spoken} to 50 percent" if (
            _HALF.search(rest)
        ) else None  # fmt: skip
    if len(said) == 1:
        return f"set the {spoken} to {said[0]}"
    if _FULL.search(rest):
        return f"set the {spoken} to 100 percent"
    return None
