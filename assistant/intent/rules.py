"""Rule-based recognition: hassil sentence templates plus fuzzy device names."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from hassil import Intents, RecognizeResult, TextSlotList, recognize_all, recognize_best
from hassil.models import UnmatchedRangeEntity, UnmatchedTextEntity
from rapidfuzz import fuzz, process, utils

from ..home.domains import DOMAINS
from ..home.model import Entity
from ..skill_config import SlotList
from . import Intent, normalize
from .sentence_data import (
    FUZZY_SLOTS,
    NUMBER_MARK,
    examples,
    load_builtin_sentences,
    loosened,
    phrases,
    value_words,
)
from .similarity import most_like, name_similarity
from .things import KIND_WORDS, Things
from .wording import content_words

_LOGGER = logging.getLogger(__name__)

_PROMPT_PHRASES = {domain: spec.prompt for domain, spec in DOMAINS.items()}
_PHRASE_SCORE = 85
"""How close (0-100) a sentence must be to a skill's phrasing to count as it."""
_NUMBER_SLOTS = ("brightness", "temperature", "position", "humidity")
_MAX_DROPPED = 3
NEGATION = frozenset({"don't", "dont", "do", "not", "never", "no", "stop", "without"})
_SLIP_WORDS = frozenset({"and", "an", "in", "on", "un", "i", "a", "the", "i'm", "im"})
_POLAR_VERBS = frozenset({"lock", "open", "close", "activate", "turn", "switch"})
_TRIMMED_CONFIDENCE = 0.92
_SLIPPED_CONFIDENCE = 0.8
_CLEAR_LEAD = 15.0
_LEAD_BONUS = 10.0
"""A fuzzy name this far (0-100) ahead of any other device's gains this much."""
_MORE_WORDS_SCORE = 85.0
"""At most this sure of a name heard with a word more than it has: the word may
say something the name does not (a colour, a place)."""
_NUMBER = re.compile(r"\b\d+(?:\.\d+)?\b")


@dataclass(frozen=True)
class _Vocabulary:
    """Immutable snapshot of the known names, swapped whole when devices change."""

    entities: tuple[Entity, ...] = ()
    names: dict[str, str] | None = None
    """Spoken name (lower case) -> entity_id."""
    areas: dict[str, str] | None = None
    """Spoken area (lower case) -> area as configured."""
    options: dict[str, str] | None = None
    """Spoken option ("heat pump") -> as a device lists it ("heat_pump")."""

    def slot_lists(self, device_lists: dict[str, SlotList]) -> dict[str, Any]:
        names = self.names or {}
        areas = self.areas or {}
        options = self.options or {}
        domains = {e.entity_id: str(e.domain) for e in self.entities}
        named = [(s, eid, {"domain": domains[eid]}) for s, eid in names.items()]
        lists = {
            "name": TextSlotList.from_tuples(named or [("\x00", "")]),
            "area": TextSlotList.from_tuples(list(areas.items()) or [("\x00", "")]),
            "option": TextSlotList.from_tuples(list(options.items()) or [("\x00", "")]),
        }
        for list_name, slot in device_lists.items():
            pairs: dict[str, str] = {}
            if slot.from_ == "areas":
                pairs = {spoken: area for spoken, area in areas.items()}
            else:
                for entity in self.entities:
                    if slot.domain is None or entity.domain == slot.domain:
                        for name in (entity.name, *entity.aliases):
                            pairs.setdefault(_spoken(name), entity.name)
            lists[list_name] = TextSlotList.from_tuples(
                list(pairs.items()) or [("\x00", "")]
            )
        return lists


def _spoken(text: str) -> str:
    return normalize(text.replace("_", " "))


class HassilRecognizer:
    """Exact template match first, then templates with unknown names, fuzzily."""

    def __init__(
        self,
        sentences: dict[str, Any] | None = None,
        *,
        fuzzy_threshold: int = 75,
        drop_leading: Sequence[str] = (),
        extra: dict[str, Any] | None = None,
        device_lists: dict[str, SlotList] | None = None,
    ) -> None:
        self._base = dict(sentences or load_builtin_sentences())
        self.fuzzy_threshold = fuzzy_threshold
        self._drop_leading = tuple(drop_leading)
        self._vocab = _Vocabulary()
        self._device_lists: dict[str, SlotList] = {}
        self.things = Things()
        """The home's own words: a heard name with another room or thing in it
        ("bathroom light" in a home with a bedroom light) is not matched fuzzily."""
        self.set_skills(extra or {}, device_lists)

    def set_skills(
        self, extra: dict[str, Any], device_lists: dict[str, SlotList] | None = None
    ) -> None:
        """Use these skill intents and lists (from config.toml) from now on;
        ``device_lists`` are filled with the names of the devices or areas."""
        data = dict(self._base)
        data["intents"] = {**data.get("intents", {}), **extra.get("intents", {})}
        data["lists"] = {**data.get("lists", {}), **extra.get("lists", {})}
        intents = Intents.from_dict(data)
        samples = examples(data, extra.get("intents", {})) if extra else []
        self._intents, self._skill_examples = intents, samples
        self._loose = Intents.from_dict(loosened(data))
        self._skill_phrases = phrases(data, extra.get("intents", {}))
        self._device_lists = dict(device_lists or {})
        self._slot_lists = self._vocab.slot_lists(self._device_lists)

    @classmethod
    def from_file(cls, path: Path, **kwargs: Any) -> HassilRecognizer:
        return cls(yaml.safe_load(path.read_text("utf-8")), **kwargs)

    def update_devices(self, entities: Iterable[Entity]) -> None:
        """Rebuild the name and area lists from the current devices."""
        entities = tuple(entities)
        names: dict[str, str] = {}
        areas: dict[str, str] = {}
        options: dict[str, str] = {}
        for entity in entities:
            for name in (entity.name, *entity.aliases):
                names.setdefault(_spoken(name), entity.entity_id)
            if entity.area:
                areas.setdefault(_spoken(entity.area), entity.area)
            for option in DOMAINS[entity.domain].options(entity):
                options.setdefault(_spoken(option), option)
        vocab = _Vocabulary(entities, names, areas, options)
        self._slot_lists, self._vocab = vocab.slot_lists(self._device_lists), vocab
        _LOGGER.debug("Vocabulary: %d names, %d areas", len(names), len(areas))

    def value_words(self) -> frozenset[str]:
        """Words that set something: colours, modes, and the home's options."""
        options = {w for spoken in self._vocab.options or () for w in spoken.split()}
        return value_words() | options

    def vocabulary_prompt(self) -> str:
        """A few commands naming every known device, to bias Whisper toward them.

        Whisper continues the style of its prompt: example sentences with the right
        names work better than a bare list of names (which it tends to repeat).
        """
        phrases = [_prompt(e) for e in self._vocab.entities]
        areas = sorted({e.area for e in self._vocab.entities if e.area})
        if areas:
            phrases.append(f"Turn off the lights in the {areas[0]}.")
        return " ".join(dict.fromkeys([*phrases, *self._skill_examples]))

    def recognize(self, text: str) -> Intent | None:
        return self.recognize_normalized(normalize(text, self._drop_leading))

    def exact(self, clean: str) -> Intent | None:
        """The sentence rules' reading of ``clean`` as said (confidence 1), or None."""
        result = recognize_best(
            clean, self._intents, slot_lists=self._slot_lists, best_slot_name="name"
        )
        return None if result is None else self._to_intent(result, clean, {}, 1.0)

    def recognize_normalized(self, clean: str) -> Intent | None:
        """Exact match (confidence 1), else the closest fuzzy reading (its name
        similarity, 0 for a name nothing matches), else a skill phrasing."""
        if not clean:
            return None
        exact = self.exact(clean)
        if exact is not None:
            return exact
        trimmed = self._recognize_trimmed(clean)
        if trimmed is not None:
            return trimmed
        fuzzy = self._recognize_fuzzy(clean)
        if fuzzy is not None and fuzzy.confidence > 0:
            return fuzzy
        return self._recognize_phrase(clean) or fuzzy

    def _recognize_trimmed(self, clean: str) -> Intent | None:
        """A sentence with a few misheard words before it ("cut you turn on the
        lights"): matched without them, less sure; never past a negation, and
        unsure of a verb that a dropped syllable may have begun ("and lock")."""
        words = clean.split()
        for drop in range(1, min(_MAX_DROPPED, len(words) - 2) + 1):
            dropped, rest = words[:drop], words[drop:]
            if NEGATION & set(dropped):
                return None
            result = recognize_best(
                " ".join(rest), self._intents, slot_lists=self._slot_lists,
                best_slot_name="name",
            )  # fmt: skip
            if result is None:
                continue
            sure = _TRIMMED_CONFIDENCE
            if dropped[-1] in _SLIP_WORDS and rest[0] in _POLAR_VERBS:
                sure = _SLIPPED_CONFIDENCE  # "and lock the door": "unlock"?
            return self._to_intent(result, clean, {}, sure)
        return None

    def _recognize_phrase(self, clean: str) -> Intent | None:
        """A skill sentence with a word misheard ("place some jazz", "start at 10
        minute timer"): the closest of its phrasings, numbers kept, if close."""
        numbers = _NUMBER.findall(clean)
        masked = _NUMBER.sub(NUMBER_MARK, clean)
        found = process.extractOne(
            masked, self._skill_phrases, scorer=fuzz.ratio, score_cutoff=_PHRASE_SCORE
        )
        if found is None:
            return None
        text = found[0]
        if text.split().count(NUMBER_MARK) != len(numbers):
            return None
        words = text.split()
        filled = iter(numbers)
        text = " ".join(next(filled) if w == NUMBER_MARK else w for w in words)
        result = recognize_best(text, self._intents, slot_lists=self._slot_lists)
        if result is None:
            return None
        _LOGGER.debug("Heard %r as %r (score %.0f)", clean, text, found[1])
        intent = self._to_intent(result, clean, {}, found[1] / 100)
        return replace(intent, text=clean, matched=text)

    # -- fuzzy second pass ------------------------------------------------------

    def _recognize_fuzzy(self, clean: str) -> Intent | None:
        best: tuple[float, int, Intent] | None = None
        for result in recognize_all(
            clean,
            self._loose,
            slot_lists=self._slot_lists,
            allow_unmatched_entities=True,
        ):
            unmatched = result.unmatched_entities
            if any(isinstance(u, UnmatchedRangeEntity) for u in unmatched.values()):
                continue
            if not unmatched.keys() <= {*FUZZY_SLOTS, "option"}:
                continue
            resolved: dict[str, tuple[str, str]] = {}
            score = 100.0
            texts = [
                e.text for e in unmatched.values() if isinstance(e, UnmatchedTextEntity)
            ]
            if any(_no_name(t) for t in texts):
                continue  # "it's so dark in here", "…in here turn on the light"
            for slot, entity in unmatched.items():
                assert isinstance(entity, UnmatchedTextEntity)
                heard = entity.text.strip()
                if slot == "option":  # an option no device has: kept, refused
                    resolved[slot] = (heard, "")
                    continue
                match = self._fuzzy(slot, heard)
                if match is None:
                    score = 0.0
                    resolved[slot] = (heard, "")
                else:
                    score = min(score, match[1])
                    resolved[slot] = (heard, match[0])
            named = result.entities.get("name")
            found = resolved.get("name", ("", str(named.value) if named else ""))[1]
            if not self._fits(result, found):
                continue  # "start up the kettle": a vacuum's sentence, no vacuum
            if "option" in resolved and not _only_option(self._domain(found), clean):
                continue  # "set the fan to half speed": maybe not a preset
            rank = (score, result.text_chunks_matched)
            if best is None or rank > best[:2]:
                best = (*rank, self._to_intent(result, clean, resolved, score / 100))
        return best[2] if best else None

    def _fits(self, result: RecognizeResult, entity_id: str) -> bool:
        """Whether the device a fuzzy name found is of a domain the sentence is
        for (``requires_context``), as an exact name must be."""
        wanted = (result.intent_data.metadata or {}).get("domain")
        if not wanted or not entity_id:
            return True
        kinds = [wanted] if isinstance(wanted, str) else list(wanted)
        return self._domain(entity_id) in kinds

    def _domain(self, entity_id: str) -> str:
        found = (e.domain for e in self._vocab.entities if e.entity_id == entity_id)
        return str(next(found, ""))

    def _fuzzy(self, slot: str, heard: str) -> tuple[str, float] | None:
        table = (self._vocab.names if slot == "name" else self._vocab.areas) or {}
        heard = heard.removeprefix("the ").strip()
        if not heard or not table:
            return None
        ranked = process.extract(
            heard,
            list(table),
            scorer=name_similarity,
            processor=utils.default_process,
            limit=8,
        )
        if not ranked or ranked[0][1] < self.fuzzy_threshold:
            return None
        found = ranked[0]
        if self.things.foreign_word(heard, found[0]):
            _LOGGER.debug("Heard %r: not %r (another thing)", heard, found[0])
            return None
        others = [r[1] for r in ranked if table[r[0]] != table[found[0]]]
        score = float(found[1])
        if not others or score - others[0] >= _CLEAR_LEAD:
            score = min(99.0, score + _LEAD_BONUS)  # no other name comes close
        if len(content_words(heard)) > len(found[0].split()):
            score = min(score, _MORE_WORDS_SCORE)  # "kitchen pendant pink": asked
        _LOGGER.debug("Heard %r as %r (score %.0f)", heard, found[0], score)
        return table[found[0]], score

    def named_in(self, clean: str) -> list[tuple[str, str, str]]:
        """The devices whose spoken name stands in ``clean`` as whole words:
        (spoken name, entity_id, domain), longest name first; else the rooms:
        (spoken room, "", "area")."""
        by_id = {e.entity_id: e for e in self._vocab.entities}
        found = [
            (spoken, entity_id, str(by_id[entity_id].domain))
            for spoken, entity_id in (self._vocab.names or {}).items()
            if _says(clean, spoken)
        ]
        if not found:
            found = [
                (a, "", "area") for a in self._vocab.areas or {} if _says(clean, a)
            ]
        return sorted(found, key=lambda f: -len(f[0]))

    def similar(self, slot: str, heard: str, limit: int) -> list[str]:
        """The spoken names (``slot`` "name") or rooms ("area") most like
        ``heard``, best first, however unlike: candidates for the acoustics to
        choose from, not a match. Names are followed by up to ``limit // 2`` rooms
        with a kind of device ("the study fan" for the desk fan in the study)."""
        table = (self._vocab.names if slot == "name" else self._vocab.areas) or {}
        heard = heard.removeprefix("the ").strip()
        if not heard or not table:
            return []
        found = most_like(heard, list(table), limit)
        if slot == "name":
            kinds = [k for k in dict.fromkeys(self._room_kinds()) if k not in table]
            found += most_like(heard, kinds, limit // 2)
        return found

    def _room_kinds(self) -> list[str]:
        """A room and a kind of device in it ("study fan", "lounge blinds")."""
        return [
            f"{_spoken(entity.area)} {kind}"
            for entity in self._vocab.entities
            if entity.area
            for kind in KIND_WORDS.get(entity.domain, ())[:_ROOM_KINDS]
        ]

    # -- building the intent -----------------------------------------------------

    def _to_intent(
        self,
        result: RecognizeResult,
        clean: str,
        fuzzy: dict[str, tuple[str, str]],
        confidence: float,
    ) -> Intent:
        slots: dict[str, Any] = {}
        for key, entity in result.entities.items():
            value = entity.value
            if key in _NUMBER_SLOTS and isinstance(value, float) and value.is_integer():
                value = int(value)
            slots[key] = value
        seconds = (
            3600 * int(slots.pop("hours", 0) or 0)
            + 60 * int(slots.pop("minutes", 0) or 0)
            + int(slots.pop("seconds", 0) or 0)
        )
        if seconds:
            slots["duration_seconds"] = seconds

        entity_ids: tuple[str, ...] = ()
        by_id = {e.entity_id: e for e in self._vocab.entities}
        name_id = slots.pop("name", None)
        if "name" in fuzzy:
            heard, name_id = fuzzy["name"]
            if not name_id:
                slots["name"] = heard
        if name_id:
            entity_ids = (name_id,)
            slots["name"] = by_id[name_id].name
        if "area" in fuzzy:
            heard, area = fuzzy["area"]
            slots["area"] = area or heard
        if "option" in fuzzy:
            slots["option"] = fuzzy["option"][0]
        if "area" in slots and "name" not in slots:
            entity_ids = self._in_area(slots["area"], slots.get("domain"))
        elif "name" not in slots and "domain" in slots:
            # "set the heating to 20", "turn off all the lights", "start the vacuum"
            entity_ids = self._in_area(None, slots["domain"])
        spans = tuple(
            (slot, said)
            for slot, (said, _) in sorted(fuzzy.items())
            if slot != "option"
        )
        return Intent(
            result.intent.name, slots, clean, entity_ids, confidence, heard=spans
        )

    def _in_area(self, area: str | None, domain: str | None) -> tuple[str, ...]:
        area_key = area.lower() if area is not None else None
        return tuple(
            e.entity_id
            for e in self._vocab.entities
            if (area_key is None or (e.area or "").lower() == area_key)
            and (
                domain is None
                or e.domain == domain
                or e.config.get("device_class") in _CLASSES.get(domain, ())
            )
        )


_CLASSES = {"window": ("window",), "door": ("door", "garage_door", "garage")}
"""Kinds said in the domain's place, as the device classes they are ("is any
window open": window sensors and window covers)."""


def _prompt(entity: Entity) -> str:
    """The entity's line in Whisper's prompt: its name, and its first option."""
    options = DOMAINS[entity.domain].options(entity)
    first = _spoken(options[0]) if options else ""
    return _PROMPT_PHRASES[entity.domain].format(name=entity.name, option=first)


def _no_name(text: str) -> bool:
    """Words in a name's place that cannot be one: "here", or a whole clause."""
    words = text.strip().removeprefix("the ").split()
    return words in (["here"], ["there"]) or len(words) > _NAME_WORDS


_OPTIONS_ONLY = ("select", "vacuum", "humidifier", "water_heater")
"""Domains whose "set the … to X" can only be an option: an unknown X is refused
with the options named (a fan's "half speed" or a thermostat's "cosy" may be
meant otherwise, unless a mode or preset is said)."""


def _only_option(domain: str, clean: str) -> bool:
    said = clean.split()
    return domain in _OPTIONS_ONLY or (
        domain == "fan" and ("mode" in said or "preset" in said)
    )


_NAME_WORDS = 4
"""The most words a name or room said is read as (a longer one is a clause)."""


_ROOM_KINDS = 4
"""Kind words per device tried after its room ("light", "lights", "lamp", "lamps")."""


def _says(clean: str, words: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", clean) is not None
