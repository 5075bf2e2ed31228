"""One command said among other words: "Let some daylight in. Open the kitchen blind."

Whisper writes the sentences and pauses it hears as punctuation. When the whole
transcript is no sentence the rules know, each of its parts is tried on its own: the
one part the rules read exactly is the command, provided every other part is only
talk — it names no device, kind or room (known or not), is no other command, says
no number ("Close the balcony blind. To 70 % please." sets a position), and takes
nothing back ("no", "wait", "don't").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import Intent, normalize, resolved
from .wording import NUMBER, kind_of

if TYPE_CHECKING:
    from ..handle import IntentHandler
    from .rules import HassilRecognizer
    from .things import Things

_BREAK = re.compile(r"(?<=[.!?;,:])\s+")
"""Where Whisper ended a sentence or clause: punctuation followed by a space."""
_TAKEN_BACK = frozenset(
    {"no", "not", "don't", "dont", "never", "wait", "cancel", "stop", "actually",
     "instead", "sorry", "undo", "but", "except", "unless", "if"}
)  # fmt: skip
"""A part with one of these words makes the whole sentence the rules' to refuse."""
CLAUSE_CONFIDENCE = 0.92
"""A command read in one part of what was said: sure enough to act, unless a word
of it was heard unsurely (the cascade's usual checks still apply)."""
_EXACT = 0.92
"""Parts read at least this surely count (exact, or a few misheard words before)."""


def parts_of(text: str, drop: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The parts of a transcript as (normalized, as written), empty parts left out."""
    pieces = [(normalize(p, drop), p.strip()) for p in _BREAK.split(text.strip())]
    return [(clean, heard) for clean, heard in pieces if clean]


def one_command(
    text: str,
    recognizer: HassilRecognizer,
    handler: IntentHandler,
    things: Things,
    drop: tuple[str, ...] = (),
) -> Intent | None:
    """The one part of ``text`` the rules read as a command, or None."""
    parts = parts_of(text, drop)
    if len(parts) < 2:
        return None
    found: Intent | None = None
    for clean, heard in parts:
        if _TAKEN_BACK & set(clean.split()):
            return None
        intent = recognizer.recognize_normalized(clean)
        if (
            intent is not None
            and intent.confidence >= _EXACT
            and resolved(intent)
            and kind_of(clean, heard) == "command"
            and handler.handle(intent).commands
        ):
            if found is not None:
                return None  # two commands: the rules' to read whole, or nobody's
            found = intent
            continue
        if intent is not None or things.named(clean) or things.unknown(clean):
            return None  # the other part is about the home too
        if NUMBER.search(clean):
            return None  # a value the command was said with
    return found
