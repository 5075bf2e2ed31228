"""Checks of the skills that need hassil: unknown ``<rules>`` and sentences that
another skill (or a built-in command) would answer instead."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .home.model import Domain, Entity
from .skill_config import SkillConfig, SlotList

_RULE = re.compile(r"<(\w+)>")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SAMPLES = 3
"""Sentences tried per template."""
_SAMPLE_DEVICE = Entity(
    "switch.sample_device", Domain.SWITCH, "Sample Device", "Sample Room", {}
)


def unknown_rules(skills: Sequence[SkillConfig]) -> list[tuple[str, str]]:
    """(path, message) for each ``<rule>`` that the built-in sentences lack."""
    from .intent.sentence_data import load_builtin_sentences

    known = set(load_builtin_sentences().get("expansion_rules", {}))
    problems = []
    for index, skill in enumerate(skills):
        for number, sentence in enumerate(skill.sentences):
            for rule in _RULE.findall(sentence):
                if rule not in known:
                    problems.append(
                        (
                            f"skills[{index}].sentences[{number}]",
                            f"unknown rule <{rule}> (known: "
                            f"{', '.join(f'<{k}>' for k in sorted(known))})",
                        )
                    )
    return problems


def shadowed(
    skills: Sequence[SkillConfig], lists: dict[str, SlotList]
) -> list[tuple[str, str]]:
    """(path, message) for each skill sentence that runs something else."""
    from hassil import Intents
    from hassil.sample import sample_intents

    from .intent.rules import HassilRecognizer
    from .intent.sentence_data import load_builtin_sentences
    from .skills import PREFIX, skill_sentences

    base = load_builtin_sentences()
    enabled = [(i, s) for i, s in enumerate(skills) if s.enabled]
    data: dict[str, Any] = {
        **base,
        "intents": {
            f"{index}.{number}": {"data": [{"sentences": [sentence]}]}
            for index, skill in enabled
            for number, sentence in enumerate(skill.sentences)
        },
        "lists": {
            **base.get("lists", {}),
            "name": {"values": ["sample device"]},
            "area": {"values": ["sample room"]},
            **_sample_lists(lists),
        },
    }
    recognizer = HassilRecognizer(
        extra=skill_sentences(skills, lists),
        device_lists={n: s for n, s in lists.items() if s.from_ is not None},
    )
    recognizer.update_devices([_SAMPLE_DEVICE])
    ranges = {
        name: str(spec["range"]["from"])
        for name, spec in data["lists"].items()
        if "range" in spec
    }
    where = {skill.name: index for index, skill in enumerate(skills)}
    problems: list[tuple[str, str]] = []
    reported: set[str] = set()
    for key, text in sample_intents(
        Intents.from_dict(data),
        max_sentences_per_intent=_SAMPLES,
        expand_ranges=False,
        exclude_sentences_with_wildcards=False,
        language="en",
    ):
        if key in reported:
            continue
        index = int(key.split(".")[0])
        text = _PLACEHOLDER.sub(lambda m: ranges.get(m[1], _filler(m[1])), text)
        intent = recognizer.recognize(text)
        own = f"{PREFIX}{skills[index].name}"
        if intent is None or intent.name == own:
            continue
        reported.add(key)
        other = intent.name.removeprefix(PREFIX)
        if intent.name.startswith(PREFIX):
            whose = f"skill {other!r} (skills[{where[other]}])"
        else:
            whose = f"the built-in command {intent.name}"
        number = int(key.split(".")[1])
        template, heard = skills[index].sentences[number], " ".join(text.split())
        example = f" ({heard!r})" if heard != template else ""
        problems.append(
            (
                f"skills[{index}].sentences[{number}]",
                f"{template!r}{example} runs {whose} instead",
            )
        )
    return problems


def _filler(slot: str) -> str:
    return {"name": "sample device", "area": "sample room"}.get(slot, "blue cheese")


def _sample_lists(lists: dict[str, SlotList]) -> dict[str, Any]:
    """Config lists for sampling: device lists get the sample device."""
    sample = {"values": ["sample device"]}
    return {n: sample if s.from_ else s.hassil() for n, s in lists.items()}
