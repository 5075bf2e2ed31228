"""Next-best transcripts: read by the sentence rules when the first one is not.

Whisper's beam search gives other transcripts of the same audio. One the rules
read exactly is taken, as closed-vocabulary recognizers do, as long as it stays
true to what was heard first: it may mend a misheard name, not invent an action
or a number. An action word it puts where none was heard ("Short workation
lines" -> "Shut the kitchen blind") acts only when the audio says that sentence
far more than the one with the opposite word ("Open the kitchen blind").
"""

from __future__ import annotations

import logging
import re
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any, Literal

from rapidfuzz import fuzz

from . import Hearing, Intent, normalize, resolved
from .similarity import word_similarity
from .wording import FILLER, NUMBER, OPPOSITES, POLAR_INTENTS, kind_of

if TYPE_CHECKING:
    from ..handle import IntentHandler
    from .decision import Thresholds
    from .rules import HassilRecognizer
    from .things import Things

_LOGGER = logging.getLogger(__name__)

Reading = tuple[Intent, Hearing]


def read_alternatives(
    clean: str,
    hearing: Hearing,
    recognizer: HassilRecognizer,
    handler: IntentHandler,
    things: Things,
    *,
    drop: tuple[str, ...] = (),
    publish: bool = True,
    action_margin: float = 4.0,
) -> tuple[list[Reading], bool]:
    """The next-best transcripts of ``hearing`` the rules read exactly and that
    stay true to ``clean`` (the first transcript, normalized), best first, and
    whether all of them may act without a question. Commands only when
    ``publish`` (what was heard first was a command) and the transcript is one
    too; never one naming something the home lacks. An action word not heard
    first acts when the audio finds its sentence ``action_margin`` (nats)
    likelier than the one with the opposite word."""
    readings: list[Reading] = []
    sure = True
    for other in hearing.alternatives():
        said = normalize(other.text, drop)
        if not said or said == clean or things.unknown(said) is not None:
            continue
        found = recognizer.recognize_normalized(said)
        if found is None or found.confidence < 1.0 or not resolved(found):
            _LOGGER.debug("Alternative %r: no exact reading (%s)", said, found)
            continue
        publishes = bool(handler.handle(found).commands)
        if publishes and (not publish or kind_of(said, other.text) != "command"):
            continue
        trust = faithful(clean, said, found, publishes)
        if (
            trust == "ask"
            and publishes
            and faithful(clean, said, found, action_heard=False) == "act"
        ):  # only the action word was not heard: the audio decides
            trust = (
                "act"
                if action_by_sound(other.text, found, hearing, action_margin)
                else "ask"
            )
        _LOGGER.debug("Alternative %r: %s, %s", said, found.name, trust)
        if trust != "no":
            readings.append((found, other))
            sure = sure and trust == "act"
    return readings, sure


def best_alternative(
    clean: str,
    hearing: Hearing | None,
    recognizer: HassilRecognizer,
    handler: IntentHandler,
    th: Thresholds,
    things: Things,
    drop: tuple[str, ...] = (),
    *,
    publish: bool,
) -> tuple[Intent, float] | None:
    """The best next-best transcript the sentence rules read exactly, as a
    closed-vocabulary recognizer would take it, and its confidence: all of them
    agreeing, the act threshold; disagreeing, the ask threshold."""
    if hearing is None:
        return None
    readings, sure = read_alternatives(
        clean, hearing, recognizer, handler, things, drop=drop, publish=publish,
        action_margin=2 * th.names.opposite,
    )  # fmt: skip
    if not readings:
        return None
    best, heard = readings[0]
    agree = all(same_action(best, found) for found, _ in readings[1:])
    _LOGGER.info(
        "Heard %r; read the alternative %r (%d readable, %s)", clean,
        heard.text, len(readings), "agreeing" if agree else "disagreeing",
    )  # fmt: skip
    return best, th.act if agree and sure else th.ask


_SOUNDS_LIKE = 50
"""How alike (0-100) words a next-best transcript puts in place of the first
one's must sound: "stony light" for the study light is a mishearing, "floor
firing" for the floor lamp is not."""


def faithful(
    heard: str,
    said: str,
    reading: Intent,
    publishes: bool = True,
    *,
    action_heard: bool = True,
) -> Literal["act", "ask", "no"]:
    """Whether the reading of a next-best transcript (``said``, normalized) stays
    true to what was heard first (``heard``). It may mend a misheard word, not
    invent an action or a number: words in place of others that sound nothing
    like them, or an on/off, open/close or lock/unlock word heard for another
    action, rule it out ("no"); an action word or a number that was not heard,
    or a word heard first that it leaves out ("…light orange"), makes it a
    question ("ask"); the action word only with ``action_heard``."""
    first, other = heard.split(), said.split()
    matcher = SequenceMatcher(a=first, b=other, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "replace" and _alike(first[i1:i2], other[j1:j2]) < _SOUNDS_LIKE:
            return "no"
    if not publishes:
        return "act"  # an answer: nothing to undo
    dropped = left_out(heard, said)
    words = set(first)
    if contradicts(words, reading, any_action=True):
        return "no"  # another action was heard: "off" read as "lock"
    if dropped:
        return "ask"  # "turn on the bathroom light orange": orange was said
    own = POLAR_INTENTS.get(reading.name, ())
    if action_heard and own and not words & set(own):
        return "ask"
    if set(NUMBER.findall(said)) - set(NUMBER.findall(heard)):
        return "ask"
    return "act"


def left_out(heard: str, said: str) -> list[str]:
    """Words of ``heard`` (normalized) that ``said``, another transcript of the
    same audio, leaves out, but for short and slight ones: "orange" of "turn on
    the bathroom light orange" against "turn on the bathroom light"."""
    first, other = heard.split(), said.split()
    matcher = SequenceMatcher(a=first, b=other, autojunk=False)
    return [
        word
        for op, i1, i2, _, _ in matcher.get_opcodes()
        if op == "delete"
        for word in first[i1:i2]
        if len(word) > 3 and word not in _SLIGHT
    ]


def action_by_sound(
    text: str, reading: Intent, hearing: Hearing, margin: float
) -> bool:
    """Whether the audio says ``text`` (read as ``reading``) at least ``margin``
    nats more than ``text`` with its action word swapped for the opposite one."""
    own = [w for w in POLAR_INTENTS.get(reading.name, ()) if w in OPPOSITES]
    found = re.search(rf"\b({'|'.join(own)})\b", text, re.IGNORECASE) if own else None
    if found is None or hearing.score is None:
        return False
    word = OPPOSITES[found.group(1).lower()]
    word = word.capitalize() if found.group(1)[:1].isupper() else word
    swapped = text[: found.start()] + word + text[found.end() :]
    said, opposite = hearing.score([text, swapped])
    _LOGGER.info(
        "Read %r; its opposite %r is %.1f less likely", text, swapped, said - opposite
    )
    return said - opposite >= margin


_SLIGHT = FILLER | {"please", "could", "would", "will", "that", "this", "there",
                   "just", "with", "your", "you're", "okay"}  # fmt: skip
"""Words a next-best transcript may leave out and still act."""


def contradicts(words: set[str], reading: Intent, *, any_action: bool = False) -> bool:
    """Whether ``words`` (heard) hold an on/off, open/close or lock/unlock word of
    another action than ``reading``'s: "off" heard, "lock the back door" read.
    Only for those actions unless ``any_action`` ("off" heard, brightness set)."""
    if reading.name not in POLAR_INTENTS and not any_action:
        return False
    own = POLAR_INTENTS.get(reading.name, ())
    others = {w for n, ws in POLAR_INTENTS.items() if n != reading.name for w in ws}
    domains = {entity_id.partition(".")[0] for entity_id in reading.entity_ids}
    for domain in domains:  # "turn off the back door" unlocks it, as in HA
        others -= set(_SAME_AS.get((domain, reading.name), ()))
    return bool(words & (others - set(own) - {"of"})) or (
        "of" in words and reading.name == "HassTurnOn"
    )


def both_ways(clean: str, reading: Intent) -> str | None:
    """A word of the opposite action in a sentence read as ``reading``: "turn on
    the bedside lamp off" (heard for "turn the bedside lamp off") or "lock … unlock".
    On and off count only as the last word (before "please", "now"): elsewhere
    they are prepositions ("the light on the desk"). Such a sentence is asked,
    never acted on."""
    if reading.name not in POLAR_INTENTS:
        return None
    own = set(POLAR_INTENTS[reading.name])
    others = {w for n, ws in POLAR_INTENTS.items() if n != reading.name for w in ws}
    for domain in {entity_id.partition(".")[0] for entity_id in reading.entity_ids}:
        others -= set(_SAME_AS.get((domain, reading.name), ()))
    others -= own | {"of"}
    words = clean.split()
    while words and words[-1] in FILLER:
        words.pop()
    particles = {"on", "off"}
    found = [w for w in words if w in others - particles]
    if words and words[-1] in others & particles:
        found.append(words[-1])
    return found[0] if found else None


_SAME_AS = {
    ("lock", "HassUnlock"): ("off", "of"), ("lock", "HassLock"): ("on",),
    ("cover", "HassOpen"): ("on",), ("cover", "HassClose"): ("off", "of"),
    ("valve", "HassOpen"): ("on",), ("valve", "HassClose"): ("off", "of"),
}  # fmt: skip
"""On/off words that mean the same action on a lock, cover or valve: heard, they
do not contradict it ("I'm off the back door" may be "unlock the back door"). They
do not confirm it either: the reading is still asked. Home Assistant's intents do
the same (homeassistant/components/intent/__init__.py, OnOffIntentHandler: "on =
lock, off = unlock"; covers and valves open on HassTurnOn)."""


def _alike(heard: list[str], said: list[str]) -> float:
    whole = fuzz.ratio(" ".join(heard), " ".join(said))
    if len(heard) != len(said):
        return whole
    by_word = sum(map(word_similarity, heard, said)) / len(said)
    return max(whole, by_word)


_QUERIES = frozenset({"HassGetState"})


def same_action(one: Intent, other: Intent) -> bool:
    """The same action on the same devices, however the name was spelled; asking
    whether a device is on or whether it is off is one question (the answer says
    its state either way)."""

    def rest(intent: Intent) -> dict[str, Any]:
        skip = (
            ("name", "area", "state") if intent.name in _QUERIES else ("name", "area")
        )
        return {k: v for k, v in intent.slots.items() if k not in skip}

    return (one.name, one.entity_ids, rest(one)) == (
        other.name, other.entity_ids, rest(other)
    )  # fmt: skip


def opposite_heard(
    intent: Intent,
    hearing: Hearing,
    recognizer: HassilRecognizer,
    drop: tuple[str, ...] = (),
) -> str | None:
    """A next-best transcript read as the opposite action on the same device, when
    the action word of ``intent`` opened the sentence (where its probability says
    nothing): "Lock the back door" may have been "Unlock the back door". None when
    no alternative says otherwise, or the action word was heard later on."""
    own = POLAR_INTENTS.get(intent.name, ())
    if not own or not hearing.words or hearing.words[0][0] not in own:
        return None
    if any(hearing.word_probability(word) is not None for word in own):
        return None  # heard after the first word too: its probability stands
    for other in hearing.alternatives():
        said = normalize(other.text, drop)
        found = recognizer.recognize_normalized(said) if said else None
        if (
            found is not None
            and found.name in POLAR_INTENTS
            and found.name != intent.name
            and set(found.entity_ids) & set(intent.entity_ids)
        ):
            _LOGGER.info("Next best transcript %r reads %s", said, found.name)
            return said
    return None
