"""How alike a heard name and a home's name are: letters, word by word, and
rhymes (Whisper's most common slip is a device name's first consonant)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process, utils


def name_similarity(heard: str, name: str, **_: object) -> float:
    """Similarity 0-100; with as many words as the name, word by word ("kitchen
    white" is one slip away from "kitchen light", not 23 % different)."""
    whole = fuzz.ratio(heard, name)
    heard_words, name_words = heard.split(), name.split()
    if len(heard_words) != len(name_words) or len(name_words) < 2:
        return whole
    by_word = sum(
        word_similarity(a, b) for a, b in zip(heard_words, name_words, strict=True)
    ) / len(name_words)
    return max(whole, by_word)


_SPELLING = (("igh", "i"), ("ph", "f"), ("ck", "k"), ("wh", "w"), ("ee", "i"))
_ONSET = re.compile(r"^[^aeiouy]+")
_RHYME_SCORE = 85.0


def word_similarity(heard: str, word: str) -> float:
    """Letters alike, or a rhyme: a misheard first consonant ("white"/"light",
    "torch"/"porch") is Whisper's most common slip."""
    score = fuzz.ratio(heard, word)
    if heard == word or min(len(heard), len(word)) < 3:
        return score
    rhyme = [_ONSET.sub("", _respell(w)) for w in (heard, word)]
    if len(rhyme[0]) >= 2 and rhyme[0] == rhyme[1]:
        return max(score, _RHYME_SCORE)
    return score


def _respell(word: str) -> str:
    for spelled, sound in _SPELLING:
        word = word.replace(spelled, sound)
    return word[:-1] if len(word) > 3 and word.endswith("e") else word  # silent e


def most_like(heard: str, choices: list[str], limit: int) -> list[str]:
    """The ``limit`` choices most like ``heard``, best first."""
    ranked = process.extract(
        heard, choices, scorer=name_similarity,
        processor=utils.default_process, limit=limit,
    )  # fmt: skip
    return [spoken for spoken, _, _ in ranked]
