"""Fitting a home of any size to a small model's context.

The model's prompt prefix lists the user's devices, so that a request is read
against them. A big home does not fit: its prefix names as many devices as the
budget holds and the rooms, and each request is narrowed to the devices its own
words point at before the model ranks them (its scoring cost grows with every
candidate, and a long list of unrelated names only adds ways to be wrong).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

from ..home.model import Domain, Entity
from ..intent import normalize

MAX_CANDIDATES = 16
"""Devices the model ranks for one request at most."""
PREFIX_CHARS = 3600
"""The device list's share of the prompt prefix. SmolLM2's tokenizer gives about
3.5 characters a token for such lists: ~1,000 of the 2,048-token context, which
leaves room for the instructions, the examples and the request."""

STOPWORDS = frozenset({"the", "a", "an", "in", "on", "of", "room", "my"})


def name_of(entity: Entity) -> str:
    return normalize(entity.name)


def stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def overlap(heard: set[str], entity: Entity) -> int:
    """Words of the device's name that were said ("back" for the back door)."""
    return len(heard & {stem(w) for w in name_of(entity).split()} - STOPWORDS)


def mentions(clean: str, phrase: str) -> bool:
    """``phrase`` is in ``clean`` as whole words, allowing a slight mishearing."""
    if re.search(rf"\b{re.escape(phrase)}\b", clean):
        return True
    return fuzz.partial_ratio(phrase, clean) >= 90 and len(phrase) >= 5


def device_list(devices: Sequence[Entity]) -> tuple[str, int]:
    """``name (room), ...`` for as many devices as fit :data:`PREFIX_CHARS`, and
    how many that is. A home that does not fit gets its rooms named instead."""
    entries = [f"{name_of(e)} ({normalize(e.area or 'home')})" for e in devices]
    text = ", ".join(entries)
    if len(text) <= PREFIX_CHARS:
        return text, len(entries)
    fitted, used = 0, 0
    for entry in entries:
        used += len(entry) + 2
        if used > PREFIX_CHARS:
            break
        fitted += 1
    named = ", ".join(sorted({normalize(e.area) for e in devices if e.area}))
    if len(named) > PREFIX_CHARS:  # cut at the last whole room name that fits
        named = named[: PREFIX_CHARS + 1].rsplit(",", 1)[0]
    return f"{len(devices)} devices in these rooms: {named or 'home'}", fitted


def narrow(
    clean: str,
    devices: Sequence[Entity],
    relevant: Callable[[Entity], bool],
    limit: int = MAX_CANDIDATES,
) -> list[Entity]:
    """The ``limit`` devices the words fit best, in their given order: name words
    said count most, then a room said, then the kind of device the words are
    about (``relevant``), then how closely the name resembles part of the words."""
    if len(devices) <= limit:
        return list(devices)
    heard = {stem(w) for w in clean.split()}

    def fit(item: tuple[int, Entity]) -> tuple[float, int]:
        index, entity = item
        area = normalize(entity.area or "")
        score = (
            4.0 * overlap(heard, entity)
            + 2.0 * (bool(area) and mentions(clean, area))
            + 1.0 * relevant(entity)
            + fuzz.partial_ratio(name_of(entity), clean) / 100
        )
        return -score, index

    ranked = sorted(enumerate(devices), key=fit)[:limit]
    return [entity for _, entity in sorted(ranked, key=lambda item: item[0])]


def kind_relevant(
    clean: str, kinds: dict[str, Domain], evidence: dict[Domain, re.Pattern[str]]
) -> Callable[[Entity], bool]:
    """Whether the words are about devices of an entity's kind: they name the kind
    ("lamp") or say a word only such devices answer to ("freezing")."""
    said = {d for w, d in kinds.items() if w in clean.split()}
    hinted = {d for d, pattern in evidence.items() if pattern.search(clean)}
    return lambda entity: entity.domain in said | hinted
