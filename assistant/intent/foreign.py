"""A home's name heard where the speaker may have named something the home lacks.

Whisper is prompted with the home's names, and a fuzzy match goes to the nearest
one: "turn on the bathroom light" in a home with a bedroom is written "Bedroom
Light", "the floor fan" becomes "floor farm" and then the floor lamp. Before a
command acts, each word of the device's name or room as heard is swapped for the
room and thing words most like it that make a name the home does not have
("bathroom", "fan"), and Whisper scores those sentences on the same audio without
the prompt. One the audio favours is refused by name; one nearly as likely is asked.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rapidfuzz import fuzz

from . import Hearing, Intent, normalize, resolved
from .acoustic import AcousticLimits, span_in
from .things import lexicon_words

if TYPE_CHECKING:
    from .rules import HassilRecognizer

_LOGGER = logging.getLogger(__name__)

_SIMILAR = 55.0
"""Letters alike (0-100) for a room or thing word to be a rival of a heard word."""
_PER_WORD = 3
_LENGTH = 2
"""Letters more or fewer a rival word may have: a sentence with a shorter word
("radio" for "radiator") scores better for its fewer tokens alone."""
_RIVALS = 3
"""Rival sentences scored at most: one batch of Whisper's alignment (about 20 ms)
with the home's; the words heard other than the home's name come first."""
_SLOTS = ("name", "area")


@dataclass(frozen=True)
class Rival:
    verdict: Literal["refuse", "ask"]
    phrase: str
    """What the rival sentence names, normalized: "bathroom", "floor fan"."""
    room: bool


def foreign_rival(
    intent: Intent,
    hearing: Hearing | None,
    recognizer: HassilRecognizer,
    limits: AcousticLimits,
    drop: tuple[str, ...] = (),
) -> Rival | None:
    """ "refuse" when the audio favours a sentence naming something the home
    lacks over the one naming the home's device by ``limits.foreign`` (nats);
    "ask" when that sentence is at most ``limits.foreign_ask`` less likely; else
    None (no such rival, or the audio clearly says the home's name)."""
    if hearing is None or hearing.score is None or not resolved(intent):
        return None
    home_text, spans = _home_reading(intent, hearing)
    if home_text is None:
        return None
    found: list[tuple[bool, float, str, str, bool]] = []  # misheard?, alike, …
    for start, end, slot, heard in spans:
        home = home_text[start:end]
        own = {w.lower() for _, w in _words(home)}
        for phrase in dict.fromkeys((heard, home)):
            for at, word in _words(phrase):
                for alike, other in _similar(word.lower()):
                    new = _cased(other, word)
                    swapped = phrase[:at] + new + phrase[at + len(word) :]
                    text = home_text[:start] + swapped + home_text[end:]
                    misheard = word.lower() not in own  # where the doubt is
                    found.append(
                        (misheard, alike, text, normalize(swapped), slot == "area")
                    )
    found.sort(key=lambda f: (not f[0], -f[1]))
    rivals: list[tuple[str, str, bool]] = []  # (sentence, phrase it names, a room?)
    for _, _, text, phrase, room in found:
        if any(text == seen for seen, _, _ in rivals):
            continue
        reading = recognizer.exact(normalize(text, drop))
        if reading is not None and resolved(reading):
            continue  # another of the home's names: not foreign
        rivals.append((text, phrase, room))
        if len(rivals) == _RIVALS:
            break
    if not rivals:
        return None
    scores = hearing.score([home_text, *(text for text, _, _ in rivals)])
    best = max(range(len(rivals)), key=lambda i: scores[i + 1])
    ahead = scores[best + 1] - scores[0]
    _LOGGER.info(
        "Heard %r; the home's %r against %r: %+.1f", hearing.text, home_text,
        rivals[best][0], ahead,
    )  # fmt: skip
    _, phrase, room = rivals[best]
    if ahead >= limits.foreign:
        return Rival("refuse", phrase, room)
    if ahead >= -limits.foreign_ask:
        return Rival("ask", phrase, room)
    return None


def _home_reading(
    intent: Intent, hearing: Hearing
) -> tuple[str | None, list[tuple[int, int, str, str]]]:
    """The transcript with the heard name or room written as the home's (fuzzy
    readings), and where each name or room stands in it, with the words heard
    there."""
    text = hearing.text
    heard = dict(intent.heard)
    spans: list[tuple[int, int, str, str]] = []
    for slot in _SLOTS:
        value = intent.slots.get(slot)
        if value is None:
            continue
        said = str(heard.get(slot, value)).removeprefix("the ").strip()
        found = span_in(normalize(said), text)
        if found is None:
            continue
        name = str(value) if slot in heard else found.group(0)
        text = text[: found.start()] + name + text[found.end() :]  # the home's
        delta = len(name) - (found.end() - found.start())
        spans = [(s, e, k, h) if s < found.start() else (s + delta, e + delta, k, h)
                 for s, e, k, h in spans]  # fmt: skip
        spans.append((found.start(), found.start() + len(name), slot, found.group(0)))
    return (text if spans else None), spans


def _words(phrase: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in re.finditer(r"[A-Za-z']+", phrase)]


def _similar(word: str) -> list[tuple[float, str]]:
    """Single room and thing words most like ``word`` (itself excluded)."""
    if len(word) < 3:
        return []
    ranked = sorted(
        ((fuzz.ratio(word, other), other) for other in lexicon_words()
         if other.rstrip("s") != word.rstrip("s")
         and abs(len(other) - len(word)) <= _LENGTH),
        reverse=True,
    )  # fmt: skip
    return [(score, other) for score, other in ranked[:_PER_WORD] if score >= _SIMILAR]


def _cased(word: str, like: str) -> str:
    return word.capitalize() if like[:1].isupper() else word
