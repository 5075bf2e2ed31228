"""The built-in sentence templates (``sentences/en.yaml``) and what is made of
them besides matching: the skills' sample sentences for Whisper's prompt, their
phrasings for a misheard word, and the copy the fuzzy-name pass matches."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hassil import Intents

from . import normalize

__all__ = [
    "BUILTIN_SENTENCES",
    "FUZZY_SLOTS",
    "HOME_LISTS",
    "NUMBER_MARK",
    "builtin_slot_names",
    "examples",
    "load_builtin_sentences",
    "loosened",
    "phrases",
]

_LOGGER = logging.getLogger(__name__)

BUILTIN_SENTENCES = Path(__file__).resolve().parent.parent / "sentences" / "en.yaml"
FUZZY_SLOTS = ("name", "area")
"""Slots a misheard word may fill: matched fuzzily to the home's names and rooms."""
HOME_LISTS = (*FUZZY_SLOTS, "option")
"""Lists filled from the home: names, rooms and the options devices offer."""
_PHRASES_PER_SKILL = 300
_PROMPT_SKILLS = 4
"""Skill sentences shown to Whisper (more crowd out the device names)."""
NUMBER_MARK = "9"
"""Stands in for any number in a skill's phrasings."""


def load_builtin_sentences() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(BUILTIN_SENTENCES.read_text("utf-8"))
    return data


def examples(data: dict[str, Any], names: Iterable[str]) -> list[str]:
    """One sample sentence per skill, for the Whisper prompt ("Play some jazz.",
    "Set a pasta timer for 5 minutes."): numbers and the ``examples`` of any-text
    lists fill their places; the sentence showing most of them wins."""
    from hassil.sample import sample_intents

    fill: dict[str, str] = {}
    for list_name, spec in data["lists"].items():
        if "range" in spec:
            low, high = spec["range"]["from"], spec["range"]["to"]
            fill[list_name] = str(min(max(low, 5), high))
        elif spec.get("examples"):
            fill[list_name] = str(spec["examples"][0])
    wildcard = {"wildcard": True}  # device names: no sample sentence
    data = {**data, "lists": {**dict.fromkeys(HOME_LISTS, wildcard), **data["lists"]}}
    intents = Intents.from_dict(data)
    ranges = {k for k, spec in data["lists"].items() if "range" in spec}
    seen: dict[str, tuple[int, int, int, str]] = {}
    try:
        for name, sentence in sample_intents(
            intents,
            intent_names=set(names),
            max_sentences_per_intent=400,
            expand_ranges=False,
            exclude_sentences_with_wildcards=False,
            language="en",
        ):
            slots = re.findall(r"\{(\w+)\}", sentence)
            words = sum(s in fill and s not in ranges for s in slots)
            text = re.sub(r"\{(\w+)\}", lambda m: fill.get(m[1], m[0]), sentence)
            text = " ".join(text.split()).capitalize() + "."
            rank = (-words, len(slots) - words, len(text), text)
            if "{" not in text and rank < seen.get(name, (1, 0, 0, "")):
                seen[name] = rank
    except Exception as err:  # a sample is a nicety: never fail the start for it
        _LOGGER.warning("No sample sentences for the skills: %s", err)
    # a few, those with list words first: they need the spelling help most
    best = sorted(seen.values(), key=lambda rank: rank[0] == 0)
    return [rank[3] for rank in best[:_PROMPT_SKILLS]]


def builtin_slot_names() -> set[str]:
    """The ``{slot}`` names sentences can use without declaring a list."""
    return {*load_builtin_sentences().get("lists", {}), *HOME_LISTS}


def phrases(data: dict[str, Any], names: Iterable[str]) -> list[str]:
    """The skills' sentences without any-text slots, spelled out; each number
    slot is written as ``NUMBER_MARK``."""
    from hassil.sample import sample_intents

    if not names:
        return []
    wildcard = {"wildcard": True}
    data = {**data, "lists": {**dict.fromkeys(HOME_LISTS, wildcard), **data["lists"]}}
    try:
        samples = sample_intents(
            Intents.from_dict(data),
            intent_names=set(names),
            max_sentences_per_intent=_PHRASES_PER_SKILL,
            expand_ranges=False,
            language="en",
        )
        ranges = {k for k, spec in data["lists"].items() if "range" in spec}
        phrases: dict[str, None] = {}
        for _, text in samples:
            slots = set(re.findall(r"\{(\w+)\}", text))
            if slots <= ranges:  # numbers stand in for their placeholder
                phrases[normalize(re.sub(r"\{\w+\}", NUMBER_MARK, text))] = None
        return list(phrases)
    except Exception as err:  # a nicety: never fail the start for it
        _LOGGER.warning("No phrases for the skills: %s", err)
        return []


def loosened(data: dict[str, Any]) -> dict[str, Any]:
    """The sentences with a domain ``requires_context`` kept as metadata instead:
    a name not yet matched (the fuzzy pass) has no domain to check; ``_fits``
    checks the device the name is matched to."""
    intents = {}
    for name, intent in data.get("intents", {}).items():
        blocks = []
        for block in intent.get("data", []):
            needs = block.get("requires_context") or {}
            if "domain" in needs:
                rest = {k: v for k, v in needs.items() if k != "domain"}
                block = {**block, "requires_context": rest}
                block["metadata"] = {**block.get("metadata", {}), **needs}
            blocks.append(block)
        intents[name] = {**intent, "data": blocks}
    return {**data, "intents": intents}


VALUE_LISTS = ("color", "hvac_mode")
"""Built-in lists whose words set something: a command that leaves one out that
was heard is another command ("turn on the bathroom light *orange*")."""


@cache
def value_words() -> frozenset[str]:
    """The one-word values of the built-in value lists ("orange", "heating")."""
    lists = load_builtin_sentences()["lists"]
    words: set[str] = set()
    for name in VALUE_LISTS:
        for value in lists[name]["values"]:
            spoken = value if isinstance(value, str) else value["in"]
            words.update(w for w in spoken.strip("()").split("|") if " " not in w)
    return frozenset(words)
