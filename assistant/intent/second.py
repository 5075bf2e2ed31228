"""A second speech model's hearing, for what the first one could not act on.

Two Whisper models of different size err differently. When what the first one
(tiny.en) heard ends in a refusal, or goes to the LLM, the second (base) hears the
same audio, and a transcript of it the sentence rules read exactly is decided on
its own hearing (``second_reading``). When the first one's reading would be asked
back, the same command read by the second, as sure of its action word, is
carried out instead (``agrees``). Neither is taken when the second model's numbers
differ from the first's ("2 degrees" heard "20 degrees"), or when it leaves out a
word the first heard that sets something ("turn on the bathroom light *orange*"):
those make another command. Nor is a second reading taken that has little in
common with the first hearing: "William Bandics." heard "I need to buy milk." from
a television is two models guessing at unclear sound, not a command.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from . import Hearing, Intent, normalize, resolved
from .acoustic import doubted_word
from .alternatives import both_ways, left_out, same_action
from .wording import NUMBER, POLAR_INTENTS, as_request

if TYPE_CHECKING:
    from .decision import Thresholds
    from .rules import HassilRecognizer

_LOGGER = logging.getLogger(__name__)

KIN = 50.0
"""How alike (0-100, rapidfuzz's ratio) the two models' transcripts must be for the
second one's reading to be taken. On the `dev` split every second reading taken
was 65 or more ("the balcony blazer" / "turn on the balcony blind"); a
television's "William Bandics." / "I need to buy milk." is 30."""


def agrees(
    intent: Intent,
    hearing: Hearing | None,
    recognizer: HassilRecognizer,
    thresholds: Thresholds,
    drop: tuple[str, ...] = (),
) -> bool:
    """Whether the second model's transcript is read, exactly and surely, as the
    same action on the same devices as ``intent``, leaving out no word the first
    model heard but short and slight ones."""
    other = hearing.second_opinion() if hearing is not None else None
    if other is None or hearing is None:
        return False
    said = as_request(normalize(other.text, drop))
    first = as_request(normalize(hearing.text, drop))
    missing = left_out(first, said) + values_left_out(first, said, recognizer)
    if missing:  # "turn on the bathroom light orange": orange was heard
        _LOGGER.info("The second speech model left out %r: no agreement", missing)
        return False
    read = recognizer.exact(said) if said else None
    if read is None or not resolved(read) or not same_action(read, intent):
        _LOGGER.debug("The second speech model heard %r: no agreement", other.text)
        return False
    unsure = both_ways(said, read) or doubted_word(
        read, other, thresholds.word, thresholds.names.opposite
    )
    if unsure:
        _LOGGER.info("The second speech model was unsure of %r", unsure)
        return False
    _LOGGER.info("The second speech model heard the same command: %r", other.text)
    return True


def second_reading(
    clean: str,
    hearing: Hearing | None,
    recognizer: HassilRecognizer,
    drop: tuple[str, ...] = (),
) -> tuple[Intent, Hearing, str] | None:
    """The second model's transcript of what the first heard as ``clean`` (and
    could not act on), read exactly by the sentence rules, with its hearing and
    normalized text. None when the rules cannot read it, or when its numbers are
    not the first model's: "2 degrees" heard "20 degrees" is no second reading."""
    other = hearing.second_opinion() if hearing is not None else None
    if other is None:
        return None
    said = as_request(normalize(other.text, drop))
    if fuzz.ratio(said, clean) < KIN:
        _LOGGER.info("The second speech model heard something else: %r", other.text)
        return None
    if sorted(NUMBER.findall(said)) != sorted(NUMBER.findall(clean)):
        _LOGGER.info("The second speech model heard other numbers: %r", other.text)
        return None
    missing = values_left_out(clean, said, recognizer)
    if missing:  # "turn on the bathroom light orange": another command
        _LOGGER.info("The second speech model left out %r: not taken", missing)
        return None
    read = recognizer.exact(said) if said else None
    if read is None or not resolved(read):
        _LOGGER.info("The second speech model heard %r: not read", other.text)
        return None
    _LOGGER.info("The second speech model heard %r", other.text)
    return read, other, said


def values_left_out(first: str, said: str, recognizer: HassilRecognizer) -> list[str]:
    """Words of ``first`` (normalized) that set something (a colour, a mode, an
    option of the home's) and that ``said``, the second model's, lacks."""
    kept, values = set(said.split()), recognizer.value_words()
    return [word for word in first.split() if word in values and word not in kept]


def polar_disputed(reading: Intent, hearing: Hearing | None) -> str | None:
    """The word that carries ``reading``'s on/off, open/close or lock/unlock, heard
    by the first model and not by the second ("Fire off the towel rail" against
    "Fire up the towel rail"), with what the second heard; None when they agree or
    no second model heard it. Only for readings the second model was run for."""
    other = hearing.second_opinion() if hearing is not None else None
    if hearing is None or other is None:
        return None
    words = POLAR_INTENTS.get(reading.name, ())
    first, second = normalize(hearing.text).split(), normalize(other.text).split()
    said = [w for w in words if w in first]
    if said and not any(w in second for w in words):
        return f"{said[0]!r}, where the second speech model heard {other.text!r}"
    return None
