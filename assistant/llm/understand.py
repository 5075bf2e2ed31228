"""Understanding paraphrases with a small LLM, grounded in the real devices.

A 135M-parameter model cannot be trusted to write commands, so it never does:
the candidates come from the device registry and the model only ranks them.

1. Device: every controllable device (those in a room the words name, if any) is
   scored by how much more likely the model finds its name after the request
   than after an empty one (pointwise mutual information, which cancels the
   model's taste for short or frequent names).
2. Action: the chosen device's few actions ("turn on"/"turn off", "open"/"close",
   ...) are scored after the request and the device, nudged by a short table of
   cue words ("dark", "freezing", "shut") so the tiny model is not left alone
   with polarity, and away from the action that would change nothing (people
   ask for a change: "go red with the shelf light" when it is off).

A close call between two devices is asked about the first ("Turn on the desk
lamp?"); a weak best device means the words were not a command for this home.
Small talk ("tell me a joke") is answered briefly (``chat``), and only small
talk: the cascade decides. Whatever it picks still goes through the normal
intent handler: the device's declared topics, its capabilities, confirmations.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from ..home.domains import DOMAINS
from ..home.model import Domain, Entity, EntityState
from ..intent import Intent, normalize
from .narrow import (
    MAX_CANDIDATES,
    device_list,
    kind_relevant,
    mentions,
    name_of,
    narrow,
    overlap,
    stem,
)
from .worker import LlmError, LlmWorker

_LOGGER = logging.getLogger(__name__)

# domain -> (action phrase, intent name); the phrase is what the model scores
ACTIONS: dict[Domain, tuple[tuple[str, str], ...]] = {
    domain: spec.llm_actions for domain, spec in DOMAINS.items() if spec.llm_actions
}

# cue words -> the action phrase they favour (added to the model's log-probability)
_CUES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b(?:{words})\b"), action)
    for words, action in (
        (r"dark|black|gloomy|can't see|cannot see|read|work|study|turn on|switch on|"
         r"start|make me|put (?:it |them |that )?on|get .+ going|fire up|power up|"
         r"(?:isn't|is not|aren't|are not|not) on yet|on (?:please|now|again)$",
         "turn on"),
        (r"off|lights out|bed|sleep|leaving|done with|enough|kill|nobody|no one|stop|"
         r"finished|save|no longer|no more|any ?more|don't need|no need|"
         r"not (?:needed|using|in use|watching)",
         "turn off"),
        (r"too bright|blinding|dim|dimmer|softer|lower", "dim"),
        (r"brighter|more light|brighten|too dim|dim in", "brighten"),
        (r"cold|freezing|chilly|warm up|warmer|heat|frozen", "warm up"),
        (r"hot|too warm|boiling|stuffy|muggy|cooler|cool down|sweating", "cool down"),
        (r"open|let .* (?:in|out)|air|get out", "open"),
        (r"close|shut|secure|cold in|draft|draught", "close"),
        (r"lock|secure|nobody can|no one can|bed|safe", "lock"),
        (r"unlock|let .* in|open the door", "unlock"),
    )
)  # fmt: skip
_SAID_NUMBER = re.compile(r"\bto (?P<n>\d+(?:\.\d+)?) ?(?P<unit>percent|degrees?)?\b")
"""A set-point said with the request: "down to 20 percent", "up to 21 degrees"."""
_CUE_WEIGHT = 3.0
_STAY_WEIGHT = 2.0
"""Taken from the log-probability of an action that would leave the device as it
is ("turn on" for a light already on), unless cue words ask for it."""
_NO_CHANGE = {"on": "turn on", "off": "turn off", "open": "open", "closed": "close",
              "locked": "lock", "unlocked": "unlock"}  # fmt: skip
"""A known state -> the action phrase that would not change it."""
_BASE_CONFIDENCE = 0.5
_ACTION_EVIDENCE = 0.15
"""Added to a reading's confidence when cue words favour its action."""
_DEVICE_EVIDENCE = 0.1
"""Added for each sign the device is the one meant: the words name it (or its
kind), they name its room, it leads the next device clearly."""
_FAN_CUES = {"cool down": "turn on", "warm up": "turn off"}
_COVER_CUES = ((re.compile(r"\bdown\b"), "close"),)
_EVIDENCE: dict[Domain, re.Pattern[str]] = {
    Domain.CLIMATE: re.compile(r"temperature|heat|cold|warm|hot|chill|freez|boil|"
                               r"thermostat|degree|cool|stuffy|frozen"),
    Domain.LOCK: re.compile(r"lock|secure|bolt|door|safe|get in|come in|break in"),
    Domain.COVER: re.compile(r"garage|door|blind|shutter|curtain|open|close|shut|car"),
}  # fmt: skip
"""Words without which a device of these kinds is never the model's pick."""
_NAME_WEIGHT = 1.5

_KIND_WORDS: dict[str, Domain] = {
    "light": Domain.LIGHT, "lights": Domain.LIGHT, "lamp": Domain.LIGHT,
    "lamps": Domain.LIGHT, "fan": Domain.FAN, "lock": Domain.LOCK,
    "thermostat": Domain.CLIMATE, "heating": Domain.CLIMATE, "blinds": Domain.COVER,
    "shutters": Domain.COVER, "curtains": Domain.COVER,
}  # fmt: skip

_VERBS = frozenset({"lock"})
"""Kind words that are also the action ("lock the door", or "low-lock" misheard
from "is the back door locked"): they pick the kind of device, but one word is
not also the evidence that names the device, only that it is the action."""

_FILLER = frozenset(
    {"the", "a", "my", "in", "of", "on", "all", "and", "at", "to", "for"}
)
_PARTICLES = frozenset({"up", "down", "off", "out", "it", "them", "this", "that"})
_ROOM_KINDS = {**_KIND_WORDS, "heater": Domain.CLIMATE, "radiator": Domain.CLIMATE,
               "blind": Domain.COVER, "switch": Domain.SWITCH}  # fmt: skip
"""Words for a kind of device after a room's name ("the bedroom radiator")."""

_NOT_FOR_DEVICES = re.compile(
    r"\b(?:topic|topics|payload|publish|mqtt|json|instruction|instructions|prompt|"
    r"system|developer|admin|override|pretend|role|rules)\b"
)
"""Words about the assistant's own workings: such an utterance is never turned
into a device action by the model (plain commands still go through the rules)."""

_EXAMPLES: dict[Domain, tuple[str, str]] = {
    domain: spec.llm_example for domain, spec in DOMAINS.items() if spec.llm_example
}

_SYSTEM = (
    "You are a friendly voice assistant in a home. Answer in one short, "
    "simple sentence."
)


@dataclass(frozen=True)
class Understanding:
    """What the model made of an utterance the rules did not match."""

    intent: Intent | None = None
    """A device action to hand to the intent handler."""
    question: str | None = None
    """Asked instead of acting: which of ``options`` was meant."""
    options: tuple[str, ...] = ()
    """With ``intent``: devices the model could not tell apart, its pick first
    (a close call, asked back as a yes/no question about the pick)."""
    answer: str | None = None
    """A spoken answer to small talk: no device is touched."""
    evaluated: int = 0
    """Tokens llama.cpp evaluated for this utterance (the cached prefix excluded)."""


class LlmUnderstanding:
    def __init__(
        self,
        worker: LlmWorker,
        state: Callable[[str], EntityState],
        *,
        min_score: float = 1.5,
        min_margin: float = 1.5,
        answer_tokens: int = 32,
    ) -> None:
        self.worker = worker
        self._state = state
        self._min_score = min_score
        self._min_margin = min_margin
        self._answer_tokens = answer_tokens
        self._devices: list[Entity] = []
        self._prior: dict[str, float] = {}
        self._fit = (0, 0)
        """Devices the prompt lists, of the devices there are."""
        self._told = (0, 0)

    def update_devices(self, entities: Iterable[Entity]) -> None:
        """New prompt prefix from the user's own devices (evaluated on next use)."""
        self._devices = [e for e in entities if e.domain in ACTIONS]
        self._prior = {}
        self.worker.set_prefix(self._prefix())

    def _prefix(self) -> str:
        devices, fitted = device_list(self._devices)
        self._fit = (fitted, len(self._devices))
        lines = [
            "A smart home assistant turns what people say into one device command.",
            "",
            f"Devices: {devices}",
        ]
        seen: set[Domain] = set()
        for entity in self._devices:
            if entity.domain in seen:
                continue
            seen.add(entity.domain)
            said, action = _EXAMPLES[entity.domain]
            area = normalize(entity.area or "house")
            lines += ["", f"Said: {said.format(area=area, name=name_of(entity))}",
                      f"Device: {name_of(entity)}", f"Action: {action}"]  # fmt: skip
        return "\n".join(lines) + "\n"

    def warm(self) -> None:
        """Start the model with the current prompt now, not on the first request."""
        self._tell_size()
        self.worker.warm()

    def _tell_size(self) -> None:
        """Warn when the home is more than the prompt holds: when it is first used
        with these devices, not as each of them is announced."""
        fitted, total = self._fit
        if fitted < total and self._fit != self._told:
            _LOGGER.warning(
                "LLM: the home's %d devices are more than its prompt holds (about "
                "%d fit the model's context): it names the rooms instead, and each "
                "request is narrowed to the %d devices its words fit best",
                total, fitted, MAX_CANDIDATES,
            )  # fmt: skip
        self._told = self._fit

    # -- understanding -----------------------------------------------------------

    def vague(self, intent: Intent) -> bool:
        """The rules heard a kind of device, not a device ("turn on the light"), or
        a name with more words than a device's name."""
        name = normalize(str(intent.slots.get("name", "")))
        if intent.entity_ids or not name:
            return False
        if name in _KIND_WORDS:
            return True
        # "close up the garage for the night": a known device among other words
        room = self._in_rooms(name)
        if room is not self._devices:  # "the bedroom lights", not "the bedroom farm"
            rooms = {w for e in room for w in normalize(e.area or "").split()}
            known = {stem(w) for e in room for w in name_of(e).split()}
            kinds = {e.domain for e in room}
            rest = [w for w in name.split() if w not in rooms and w not in _FILLER]
            if len(rest) > 2 or _PARTICLES & set(rest):  # "up the garage for the night"
                return True  # more than a name: the LLM reads it
            return all(_ROOM_KINDS.get(w) in kinds or stem(w) in known for w in rest)
        return any(mentions(name, name_of(e)) for e in room)

    def understand(self, text: str, only: Iterable[str] = ()) -> Understanding:
        """Rank device actions for ``text`` (limited to entity ids ``only``)."""
        clean = normalize(text)
        if not clean:
            return Understanding()
        self._tell_size()
        if not self._devices or _NOT_FOR_DEVICES.search(clean):
            return Understanding()
        allowed = set(only)
        named = bool(allowed)  # the words (or "it") say which device
        room = self._devices
        if allowed:
            candidates = [e for e in self._devices if e.entity_id in allowed]
        else:
            room = self._in_rooms(clean)
            by_name = [e for e in room if mentions(clean, name_of(e))]
            words = clean.split()
            kinds = {d for w, d in _KIND_WORDS.items() if w in words}
            of_kind = [e for e in by_name or room if e.domain in kinds]
            if len(of_kind) > 1 and room is self._devices and not by_name:
                return self._which(of_kind)  # "turn on the light": which one?
            candidates = of_kind or by_name or room
            nouns = {_KIND_WORDS[w] for w in words if w in _KIND_WORDS.keys() - _VERBS}
            named = bool(by_name or [e for e in of_kind if e.domain in nouns])
            if not named:
                candidates = [
                    e for e in candidates
                    if e.domain not in _EVIDENCE or _EVIDENCE[e.domain].search(clean)
                ] or candidates  # fmt: skip
        relevant = kind_relevant(clean, _KIND_WORDS, _EVIDENCE)
        candidates = narrow(clean, candidates, relevant)  # a big home: its best few
        try:
            ranked, evaluated = self._rank_devices(clean, candidates, named)
        except LlmError as err:
            _LOGGER.warning("LLM: %s", err.message)
            return Understanding()
        best_score, best = ranked[0]
        _LOGGER.info(
            "LLM devices for %r: %s", clean,
            ", ".join(f"{e.name} {s:.1f}" for s, e in ranked[:3]),
        )  # fmt: skip
        in_room = room is not self._devices
        lead = best_score - ranked[1][0] if len(ranked) > 1 else 0.0
        weak = (
            not named
            and best_score < self._min_score
            and not (
                in_room and room == [best]  # the one device of the room the words name
            )
        )
        leads = in_room and len(ranked) > 1 and lead >= self._min_margin
        if weak and not leads:
            if in_room and len(room) > 1:
                asked = self._which(room)  # a room, but no telling what for
                return replace(asked, evaluated=evaluated)
            return Understanding(evaluated=evaluated)  # not about a device
        # a close call, or a weak device that leads its room: asked about, yes or no
        close = weak or (len(ranked) > 1 and lead < self._min_margin)
        try:
            intent, more = self.act(clean, best)
        except LlmError as err:
            _LOGGER.warning("LLM: %s", err.message)
            return Understanding(evaluated=evaluated)
        if close:  # asked about the first; naming either one also answers
            return Understanding(
                intent=intent,
                options=(best.entity_id, ranked[1][1].entity_id),
                evaluated=evaluated + more,
            )
        margin = lead if len(ranked) > 1 else 2 * self._min_margin
        confidence = intent.confidence + _DEVICE_EVIDENCE * (
            named + in_room + (margin >= 2 * self._min_margin)
        )
        intent = replace(intent, confidence=round(min(1.0, confidence), 2))
        return Understanding(intent=intent, evaluated=evaluated + more)

    def _which(self, devices: list[Entity]) -> Understanding:
        names = [f"the {name_of(e)}" for e in devices[:4]]
        listed = ", ".join(names[:-1]) + f" or {names[-1]}"
        return Understanding(
            question=f"Which one: {listed}?",
            options=tuple(e.entity_id for e in devices[:4]),
        )

    def _in_rooms(self, clean: str) -> list[Entity]:
        """The devices of the rooms the words name; all of them if none is named."""
        areas = {normalize(e.area) for e in self._devices if e.area}
        named = [a for a in areas if mentions(clean, a)]
        if not named:
            return self._devices
        return [e for e in self._devices if e.area and normalize(e.area) in named]

    def _rank_devices(
        self, clean: str, devices: list[Entity], named: bool
    ) -> tuple[list[tuple[float, Entity]], int]:
        if len(devices) == 1 and named:
            return [(self._min_score, devices[0])], 0
        options = [f" {name_of(e)}\n" for e in devices]
        evaluated = 0
        table = self._prior  # devices may change meanwhile: keep this one
        missing = [o for o in options if o not in table]
        if missing:
            prior = self.worker.score("\nSaid: \nDevice:", missing)
            table.update(zip(missing, prior.logprobs, strict=True))
        scores = self.worker.score(f"\nSaid: {clean}\nDevice:", options)
        evaluated += scores.evaluated
        heard = {stem(w) for w in clean.split()}
        ranked = sorted(
            (
                (lp - table[o] + _NAME_WEIGHT * overlap(heard, e), e)
                for lp, o, e in zip(scores.logprobs, options, devices, strict=True)
            ),
            key=lambda pair: pair[0],
            reverse=True,
        )
        return ranked, evaluated

    def act(self, clean: str, entity: Entity) -> tuple[Intent, int]:
        """The most likely action on ``entity`` for ``clean``, as an intent."""
        actions = ACTIONS[entity.domain]
        scores = self.worker.score(
            f"\nSaid: {clean}\nDevice: {name_of(entity)}\nAction:",
            [f" {phrase}\n" for phrase, _ in actions],
        )
        own = set(name_of(entity).split()) | set(normalize(entity.area or "").split())
        bare = " ".join(w for w in clean.split() if w not in own)  # "study" is a room
        cued = {a for pattern, a in _CUES if pattern.search(bare)}
        if entity.domain == Domain.FAN:  # a fan cools: "hot" turns it on
            cued |= {_FAN_CUES[a] for a in cued if a in _FAN_CUES}
        if entity.domain == Domain.COVER:
            cued |= {a for pattern, a in _COVER_CUES if pattern.search(bare)}
        state = self._state(entity.entity_id)
        stays = (  # what would change nothing: people ask for a change
            ("turn off" if state.hvac_mode == "off" else None)
            if entity.domain == Domain.CLIMATE
            else _NO_CHANGE.get(state.state or "")
        )
        ranked = sorted(
            (
                (
                    lp
                    + (_CUE_WEIGHT if phrase in cued else 0.0)
                    - (_STAY_WEIGHT if phrase == stays and phrase not in cued else 0),
                    phrase,
                    name,
                )
                for lp, (phrase, name) in zip(scores.logprobs, actions, strict=True)
                if phrase != "unlock" or phrase in cued  # never an unasked unlock
            ),
            reverse=True,
        )
        _LOGGER.info(
            "LLM actions on %s: %s", entity.name,
            ", ".join(f"{p} {s:.1f}" for s, p, _ in ranked),
        )  # fmt: skip
        top, phrase, name = ranked[0]
        confidence = _BASE_CONFIDENCE
        if phrase in cued:
            confidence += _ACTION_EVIDENCE  # the words themselves say what to do
        if len(ranked) < 2 or top - ranked[1][0] >= _CUE_WEIGHT:
            confidence += _ACTION_EVIDENCE / 3
        intent = self._intent(name, entity, clean)
        return replace(intent, confidence=round(confidence, 2)), scores.evaluated

    def _intent(self, name: str, entity: Entity, clean: str) -> Intent:
        slots: dict[str, Any] = {"name": entity.name}
        state = self._state(entity.entity_id)
        said = _SAID_NUMBER.search(clean)  # "bring it down to 20 percent"
        if name in ("brighter", "dimmer"):
            now = state.brightness_pct if state.state != "off" else 0
            now = 50 if now is None else now
            step = 30 if name == "brighter" else -30
            slots["brightness"] = max(10, min(100, now + step))
            if said and said["unit"] == "percent" and 0 < float(said["n"]) <= 100:
                slots["brightness"] = round(float(said["n"]))
            name = "HassLightSet"
        elif name in ("warmer", "cooler"):
            target = state.target_temperature or 20.0
            value = target + (1.0 if name == "warmer" else -1.0)
            if said and said["unit"] != "percent":
                value = float(said["n"])
            slots["temperature"] = int(value) if value.is_integer() else value
            name = "HassClimateSetTemperature"
        return Intent(name, slots, clean, (entity.entity_id,), confidence=0.5)

    def chat(self, text: str) -> Understanding:
        """A short spoken answer; never a device action."""
        return self._chat(text)

    def _chat(self, text: str) -> Understanding:
        try:
            answer = self.worker.chat(_SYSTEM, text, self._answer_tokens)
        except LlmError as err:
            _LOGGER.warning("LLM: %s", err.message)
            return Understanding()
        return Understanding(
            answer=first_sentence(answer.text), evaluated=answer.evaluated
        )


def first_sentence(text: str, limit: int = 160) -> str:
    """The first sentence, cut at ``limit`` characters on a word boundary."""
    text = " ".join(text.split())
    match = re.search(r"^(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0] + "."
    return sentence
