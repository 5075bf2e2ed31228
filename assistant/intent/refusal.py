"""Refusals that name what was asked for. Whisper, prompted with the home's names,
writes a thing the home lacks as something near it ("Bedroom Farm", "Hot Turb");
before the refusal is said, its misheard words are swapped for the room and thing
words most like them (``sentences/things.yaml``) and Whisper scores those
sentences on the same audio without the prompt: "I don't know a device called
bedroom fan."
"""

from __future__ import annotations

import logging
import re

from rapidfuzz import fuzz

from ..handle import NOT_UNDERSTOOD, Response
from . import Hearing, Intent, normalize
from .acoustic import span_in
from .decision import Decision
from .things import Things, lexicon_terms
from .wording import FILLER

_LOGGER = logging.getLogger(__name__)


_MEND_ALIKE = 50.0
"""Letters alike (0-100) for a room or thing to be tried for misheard words."""
_MEND_RIVALS = 6
_MEND_LAG = 5.0
"""A sentence with the room or thing in place of the misheard words at most this
much less likely (nats, without the prompt) than what was heard is taken."""
_MEND_STOP = frozenset({"the", "a", "an", "my", "in", "on", "of", "to", "and"})


def as_heard_thing(
    phrase: str, hearing: Hearing | None, things: Things, *, verb: bool = False
) -> str:
    """``phrase`` (something the home lacks, as heard) with its misheard words
    replaced by the room or thing words the audio says ("bedroom farm" -> "bedroom
    fan", "fire police" -> "fireplace"), so the refusal names what was asked for;
    ``phrase`` itself when the audio does not favour one. ``verb``: the first word
    begins a request ("start the hot turb"): only the words after its "the" may
    be swapped."""
    if hearing is None or hearing.score is None:
        return phrase
    span = span_in(phrase, hearing.text)
    words = phrase.split()
    if span is None or not words:
        return phrase
    terms = lexicon_terms()
    named = 0 if not verb else _after_determiner(words)  # "start the hot turb"
    free = [
        w not in _MEND_STOP and len(w) > 2 and i >= named for i, w in enumerate(words)
    ]
    odd = [
        f and not (things.known(w) or w in terms)
        for f, w in zip(free, words, strict=True)
    ]
    written = re.findall(r"[\w']+", span.group(0))
    if len(written) != len(words):
        written = words
    found: dict[str, tuple[float, str]] = {}  # mended phrase -> (alike, as written)
    for start in range(len(words)):
        for end in range(start + 1, min(start + 3, len(words)) + 1):
            if not all(free[start:end]):
                break
            if not any(odd[start:end]):
                continue  # "gloshing machine": a word misheard, with its noun
            run = "".join(words[start:end]).replace("'", "")
            for term in terms:
                bare = term.replace(" ", "")
                alike = fuzz.ratio(run, bare)
                if alike < _MEND_ALIKE or abs(len(bare) - len(run)) > 3:
                    continue
                mended_words = [*words[:start], term, *words[end:]]
                if _home_has(things, mended_words, start):
                    continue  # "lounge lights": not what was refused
                mended = " ".join(mended_words)
                shown = term.title() if written[start][:1].isupper() else term
                text = " ".join([*written[:start], shown, *written[end:]])
                if alike > found.get(mended, (0.0, ""))[0]:
                    found[mended] = (alike, text)
    if not found:
        return phrase
    mended_all = sorted(found, key=lambda m: -found[m][0])[:_MEND_RIVALS]
    texts = [
        hearing.text[: span.start()] + found[m][1] + hearing.text[span.end() :]
        for m in mended_all
    ]
    scores = hearing.score([hearing.text, *texts])
    best = max(range(len(texts)), key=lambda i: scores[i + 1])
    ahead = scores[best + 1] - scores[0]
    _LOGGER.info(
        "Heard %r; the unknown %r as %r: %+.1f", hearing.text, phrase,
        texts[best], ahead,
    )  # fmt: skip
    return mended_all[best] if ahead >= -_MEND_LAG else phrase


def _home_has(things: Things, words: list[str], at: int) -> bool:
    """The home has the thing ``words`` name with the swapped word at ``at``, or
    that word with the one before or after it ("lounge lights")."""
    pairs = [" ".join(words[max(0, at - 1) : at + 1]), " ".join(words[at : at + 2])]
    return any(" " in p and things.has(p) for p in pairs) or things.has(" ".join(words))


def _after_determiner(words: list[str]) -> int:
    """Where the thing a request names begins: after its first "the" or "my"."""
    for index, word in enumerate(words):
        if word in _DETERMINERS:
            return index + 1
    return len(words)


_DETERMINERS = frozenset({"the", "my", "a", "an", "our", "your"})


def refuse_unknown(
    phrase: str,
    room: bool,
    intent: Intent | None,
    hearing: Hearing | None,
    things: Things,
) -> Decision:
    """The refusal of a room or device the home lacks, named as the audio best
    says it."""
    phrase = as_heard_thing(normalize(phrase), hearing, things)
    words = phrase.removeprefix("the ").split()
    while words and words[-1] in FILLER:  # "the lounge lines please"
        words.pop()
    phrase = " ".join(words)
    if room:
        speech = f"I don't know a room called {phrase}."
    else:
        speech = f"I don't know a device called {phrase}." if phrase else NOT_UNDERSTOOD
    return Decision(Response(speech, success=False), intent, "rules", confidence=0.0)
