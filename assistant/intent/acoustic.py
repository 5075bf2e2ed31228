"""Names checked against the sound: a fuzzily read name or room is replaced by
each of the home's names most like it, and Whisper scores every such sentence
on the same audio (forced decoding, as closed-vocabulary recognizers score their
grammar's sentences). "Set the light in the steady to 60 percent" becomes "…in
the study…" when the audio says study far more than snug or bedroom, and not
much less than the words first heard.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml

from . import Hearing, Intent, resolved
from .alternatives import contradicts, same_action
from .wording import OPPOSITES, POLAR_INTENTS, content_words, unsure_word

if TYPE_CHECKING:
    from ..handle import IntentHandler
    from .decision import Thresholds
    from .rules import HassilRecognizer

_LOGGER = logging.getLogger(__name__)

_DIGIT = re.compile(r"\d")

CANDIDATES = 6
"""Names (or rooms) most like the heard words that the audio is asked about."""


@dataclass(frozen=True)
class AcousticLimits:
    """How the audio must favour a name before it counts (log-probabilities in
    nats, summed over the sentence's tokens)."""

    act_lag: float = 3.0
    """The best name's sentence at most this much less likely than the words
    first heard: acted on (at the act threshold)."""
    ask_lag: float = 9.0
    """At most this much: asked first. More: the name stays unknown."""
    margin: float = 4.0
    """To act, the best name's sentence must be this much likelier than the best
    one naming anything else."""
    ask_margin: float = 2.0
    """To ask, this much; closer, the audio cannot tell them apart."""
    frame_lag: float = 8.0
    """A device's plainest sentence (``sentences/frames.yaml``) at most this much
    less likely than what was heard is taken: answered, or asked back."""
    frame_margin: float = 3.0
    """It must be this much likelier than any doing something else."""
    foreign: float = 3.0
    """A command naming the home's device is refused by name when the audio finds
    the sentence with a room or thing the home lacks in its place ("bathroom"
    for "bedroom") this much likelier."""
    foreign_ask: float = 1.0
    """It is asked back when that sentence is at most this much less likely."""
    opposite: float = 2.0
    """A command opening with its action word ("Activate the shelf light") is
    asked back unless the sentence with the opposite word ("Deactivate …") is at
    least this much less likely."""


@dataclass(frozen=True)
class Verdict:
    intent: Intent
    """The reading with the name the audio favours (an exact rule reading)."""
    trust: Literal["act", "ask"]


def by_sound(
    intent: Intent,
    hearing: Hearing | None,
    recognizer: HassilRecognizer,
    handler: IntentHandler,
    th: Thresholds,
    *,
    publish: bool = False,
) -> tuple[Intent, float] | None:
    """``intent`` (read with a fuzzy name or room) with the name the audio
    favours (``check_names``), and its confidence: the act threshold when the
    audio is clear, the ask threshold when less so. Commands only when what was
    heard was a command (``publish``); answers whenever the audio favours one."""
    if not intent.heard:
        return None

    def works(reading: Intent) -> bool:  # an offline device is still the one meant
        registry = handler.registry
        offline = any(not registry.is_available(e) for e in reading.entity_ids)
        return offline or handler.handle(reading).success

    verdict = check_names(intent, hearing, recognizer, th.names, works)
    if verdict is None:
        return None
    publishes = bool(handler.handle(verdict.intent).commands)
    if not publish and publishes:
        return None
    if not publishes:  # an answer names what it is about: a wrong guess shows
        if verdict.trust == "act" or not resolved(intent):
            return verdict.intent, th.act
        return None  # the letters' own reading is answered
    confidence = th.act if verdict.trust == "act" else th.ask
    said = intent.heard[0][1]
    heard_words = content_words(said.removeprefix("the "))
    said_words = len(said.removeprefix("the ").split())
    name_words = (  # the name put in place of the heard words: "office lamp"
        len(verdict.intent.text.split()) - len(intent.text.split()) + said_words
    )
    if same_action(verdict.intent, intent):  # the sound agrees with the letters
        confidence = max(confidence, intent.confidence)
    elif resolved(intent):  # they disagree: never act on either unasked
        confidence = min(confidence, th.ask)
    if publishes and len(heard_words) > name_words:
        confidence = min(confidence, th.ask)  # a word more ("…light orange"): asked
    return verdict.intent, confidence


def plainly(
    clean: str,
    hearing: Hearing | None,
    recognizer: HassilRecognizer,
    handler: IntentHandler,
    th: Thresholds,
    *,
    publish: bool,
) -> tuple[Intent, float] | None:
    """A device's plainest sentence the audio clearly says (``check_frames``),
    and its confidence: answered; a command asked back; never a command when
    what was heard was not one (``publish``)."""
    found = check_frames(clean, hearing, recognizer, th.names)
    if found is None:
        return None
    publishes = bool(handler.handle(found).commands)
    if publishes and not publish:
        return None
    return found, th.ask if publishes else th.act


def sound_disagrees(
    clean: str,
    hearing: Hearing | None,
    reading: Intent,
    recognizer: HassilRecognizer,
    limits: AcousticLimits,
) -> str | None:
    """Why the audio speaks against acting on ``reading`` (an LLM's): the plainest
    sentences about the device it names (``check_frames``, with twice the lag and
    a margin of 1: the LLM was sure, the words were not) favour another action or
    a question ("I need to take off the barn light" sounding most like
    "what is the state of the barn light"). None when they agree or cannot tell."""
    looser = replace(limits, frame_lag=2 * limits.frame_lag, frame_margin=1.0)
    found = check_frames(clean, hearing, recognizer, looser)
    if found is None or same_action(found, reading):
        return None
    return f"the audio sounds more like {found.text!r}"


def check_names(
    intent: Intent,
    hearing: Hearing | None,
    recognizer: HassilRecognizer,
    limits: AcousticLimits,
    works: Callable[[Intent], bool] | None = None,
) -> Verdict | None:
    """The reading of ``intent`` (a fuzzy one) with its fuzzy name or room
    replaced by the one the audio favours, or None when the audio does not
    clearly favour one, or it cannot be scored. ``works``: whether the home can
    do a reading ("open the lounge lights" cannot be), else it is not one."""
    if hearing is None or hearing.score is None or len(intent.heard) != 1:
        return None
    slot, said = intent.heard[0]
    said = said.removeprefix("the ").strip()
    spoken = span_in(said, hearing.text)
    if spoken is None or _DIGIT.search(said):
        return None  # "kitchen blind about 3 quarters": more than a name
    readings: list[tuple[Intent, str]] = []
    for value in recognizer.similar(slot, said, CANDIDATES):
        clean = re.sub(rf"\b{re.escape(said)}\b", value, intent.text, count=1)
        found = recognizer.recognize_normalized(clean)
        if found is None or found.confidence < 1.0 or not resolved(found):
            continue
        if works is not None and not works(found):
            continue
        name = value.title() if spoken.group(0)[:1].isupper() else value
        text = hearing.text[: spoken.start()] + name + hearing.text[spoken.end() :]
        readings.append((found, text))
    if not readings:
        return None
    best, lag, margin = _rank(hearing, readings, "by the sound")
    if margin < limits.ask_margin or lag > limits.ask_lag:
        return None
    sure = lag <= limits.act_lag and margin >= limits.margin
    trust: Literal["act", "ask"] = "act" if sure else "ask"
    return Verdict(best, trust)


FRAMES = Path(__file__).resolve().parent.parent / "sentences" / "frames.yaml"


@cache
def frames() -> dict[str, tuple[str, ...]]:
    """Device kind -> its plainest sentences, with ``{name}``."""
    data = yaml.safe_load(FRAMES.read_text("utf-8"))
    return {kind: tuple(lines) for kind, lines in data.items()}


def check_frames(
    clean: str,
    hearing: Hearing | None,
    recognizer: HassilRecognizer,
    limits: AcousticLimits,
) -> Intent | None:
    """The reading of the plainest sentence about a device named in ``clean``
    that the audio clearly says, when the rules could not read what was heard
    ("Use the kitchen blind. Open or close." -> "is the kitchen blind open or
    closed"). Never one
    whose action an on/off, open/close or lock/unlock word heard contradicts,
    none when a number was heard. A command read so is only ever asked back (a
    short sentence scores well against long speech for its length alone)."""
    if hearing is None or hearing.score is None or _DIGIT.search(clean):
        return None  # a number was said: these sentences have none
    ranked = _frames_ranked(clean, hearing, recognizer)
    if ranked is None:
        return None
    best, lag, margin = ranked
    if margin < limits.frame_margin or lag > limits.frame_lag:
        return None
    return best


_Ranked = tuple[Intent, float, float] | None
_last: list[tuple[Hearing, str, _Ranked]] = []
"""The last ranking, kept for the LLM's check of the same utterance."""


def _frames_ranked(
    clean: str, hearing: Hearing, recognizer: HassilRecognizer
) -> _Ranked:
    """The plainest sentences about the devices ``clean`` names, ranked by the
    audio (``_rank``), once per utterance."""
    if _last and _last[0][0] is hearing and _last[0][1] == clean:
        return _last[0][2]
    ranked = _rank_frames(clean, hearing, recognizer)
    _last[:] = [(hearing, clean, ranked)]
    return ranked


def _rank_frames(clean: str, hearing: Hearing, recognizer: HassilRecognizer) -> _Ranked:
    readings: list[tuple[Intent, str]] = []
    for spoken, entity_id, domain in recognizer.named_in(clean)[:2]:
        shown = span_in(spoken, hearing.text)
        name = spoken.title() if shown and shown.group(0)[:1].isupper() else spoken
        for frame in frames().get(domain, ()):
            found = recognizer.recognize_normalized(
                frame.format(name=spoken, area=spoken)
            )
            if found is None or found.confidence < 1.0 or not resolved(found):
                continue
            if entity_id and entity_id not in found.entity_ids:
                continue
            text = frame.format(name=name, area=name)
            end = "?" if text.split()[0] in ("is", "what", "how") else "."
            readings.append((found, text[:1].upper() + text[1:] + end))
    heard = set(clean.split())
    readings = [
        (found, text) for found, text in readings if not contradicts(heard, found)
    ]
    return _rank(hearing, readings, "plainly") if readings else None


def _rank(
    hearing: Hearing, readings: list[tuple[Intent, str]], how: str
) -> tuple[Intent, float, float]:
    """The reading whose sentence the audio finds likeliest, how much less likely
    it is than what was heard (lag), and how much likelier than the best reading
    doing something else (margin), in nats."""
    assert hearing.score is not None
    scores = hearing.score([hearing.text, *(text for _, text in readings)])
    ranked = sorted(zip(scores[1:], readings, strict=True), key=lambda r: -r[0])
    best_score, (best, best_text) = ranked[0]
    rivals = [s for s, (found, _) in ranked[1:] if not same_action(found, best)]
    lag = scores[0] - best_score
    margin = best_score - rivals[0] if rivals else float("inf")
    _LOGGER.info(
        "Heard %r; %s %r (lag %.1f, margin %.1f)", hearing.text, how, best_text,
        lag, margin,
    )  # fmt: skip
    return best, lag, margin


def span_in(said: str, text: str) -> re.Match[str] | None:
    """Where the normalized words ``said`` stand in the transcript as written."""
    words = said.split()
    if not words:
        return None
    pattern = r"\W+".join(re.escape(w) for w in words)
    return re.search(rf"(?<!\w){pattern}(?!\w)", text, flags=re.IGNORECASE)


def opposite_by_sound(intent: Intent, hearing: Hearing, margin: float) -> str | None:
    """The sentence with the opposite action word, when ``intent``'s action word
    opened it (where its decoding probability says nothing) and the audio says
    that sentence nearly as well: "Activate the shelf light" may have been
    "Deactivate the shelf light". None when the audio clearly says what was
    heard, or the action word was heard later on (its probability stands)."""
    own = POLAR_INTENTS.get(intent.name, ())
    if hearing.score is None or not hearing.words or hearing.words[0][0] not in own:
        return None
    if any(hearing.word_probability(word) is not None for word in own):
        return None
    first = re.match(r"(\W*)(\w+)", hearing.text)
    opposite = OPPOSITES.get(hearing.words[0][0])
    if first is None or opposite is None:
        return None
    other, lag = _opposite_lag(hearing, first.start(2), first.end(2), opposite)
    return other if lag < margin else None


def doubted_word(
    intent: Intent, hearing: Hearing | None, floor: float, margin: float
) -> str | None:
    """The word of ``intent`` heard too unsurely to act on (``unsure_word``),
    unless it is an action word the audio settles (``word_by_sound``)."""
    word = unsure_word(intent, hearing, floor)
    if word and hearing and word_by_sound(word, hearing, floor, margin):
        return None
    return word


def word_by_sound(word: str, hearing: Hearing, floor: float, margin: float) -> bool:
    """Whether the audio settles an on/off, open/close or lock/unlock word that
    Whisper wrote unsurely (probability under ``floor``): the sentence with its
    opposite in its place is at least ``margin`` less likely. A low probability
    says Whisper wavered, not what between: "Please shut the lounge blinds" wavers
    between "shut" and "shot", never "open". False, so the word stays in doubt,
    when the low probability is the short word before it ("and lock") or the
    word cannot be found in the transcript as written."""
    opposite = OPPOSITES.get("off" if word == "of" else word)
    own = hearing.word_probability(word, before=False)
    if hearing.score is None or opposite is None or own is None or own >= floor:
        return False
    places = [i for i, (heard, _) in enumerate(hearing.words) if heard == word]
    # where ``own`` was read: never the first word (its probability says nothing)
    unsure = min((i for i in places if i), key=lambda i: hearing.words[i][1])
    found = list(re.finditer(rf"(?<!\w){word}(?!\w)", hearing.text, re.IGNORECASE))
    if len(found) != len(places):
        return False
    spot = found[places.index(unsure)]
    _LOGGER.info("%r heard at %.2f", word, own)
    return _opposite_lag(hearing, spot.start(), spot.end(), opposite)[1] >= margin


def _opposite_lag(
    hearing: Hearing, start: int, end: int, opposite: str
) -> tuple[str, float]:
    """The transcript with ``opposite`` in place of its ``start:end`` (an action
    word), and how much less likely the audio finds it (nats)."""
    assert hearing.score is not None
    said = hearing.text
    word = opposite.capitalize() if said[start : start + 1].isupper() else opposite
    other = said[:start] + word + said[end:]
    heard, swapped = hearing.score([said, other])
    _LOGGER.info(
        "Heard %r; its opposite %r is %.1f less likely", said, other, heard - swapped
    )
    return other, heard - swapped
