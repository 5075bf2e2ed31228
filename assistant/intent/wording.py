"""What the words of an utterance say about how to treat it.

Whether it is a question, a statement or a command; which on/off word speech-to-text
was unsure of; why an LLM reading must be asked first; how a reply becomes a
yes/no question and a request is echoed back.
"""

from __future__ import annotations

import re

from ..home.model import Entity
from ..home.spoken import upper_first
from . import Hearing, Intent, normalize
from .things import KIND_WORDS

QUESTION = re.compile(
    r"^(?!what about|how about)(?:is|are|was|were|am|isn't|aren't|what|what's|whats|"
    r"which|who|whose|where|when|why|how|does|do|did|has|have|had|will|should|"
    r"shall|can you tell|could you tell|tell me|do you know|any idea)\b"
)
STATEMENT = re.compile(
    r"^(?:there's|there is|there are|theres|here's|that's)\b|"
    r"^(?:it's|its|it is) (?:the|my) .+ (?:on|off|open|closed|locked|unlocked)$|"
    r"\b(?:is|are|was|were|it's|still) (?:still )?"
    r"(?:on|off|open|closed|locked|unlocked|running)(?: then| now| already)?$"
)
"""A statement about a device's state ("there's the fan on", "the fan is on")."""
STATE_AT_END = re.compile(
    r"^(?:(?:and|so|but|now|okay|ok|well)\s+)*"
    r"(?P<what>(?!is |are ).+?) (?P<verb>is|are) (?:still )?"
    r"(?P<state>on|off|open|closed|locked|unlocked)(?: then| now| already)?$"
)
"""A question said as a statement ("and the fan is off then?"): asked as "is the
fan off"."""
VERBLESS = re.compile(
    r"^(?:(?:now|so|and|but|use|okay|ok|well)\s+)*"
    r"(?P<what>(?:the|my) .+?|(?!(?:turn|switch|put|set|make|get|keep|leave|is|are)\b)"
    r"\w+(?: \w+){0,2}?)\s+(?P<state>on|off|open|closed|locked|unlocked)$"
)
"""A device and a state with no verb ("the main door unlocked", "now the floor lamp
on", "office shutter open"): Whisper dropped the "is" of a question more often
than anyone gives a command without a verb. Answered as "is the main door
unlocked"; a terse command ("kitchen light off") hears the state, never a wrong
action."""
EITHER = re.compile(
    r"\b(?:on or off|off or on|open or (?:closed?|shut)|(?:closed?|shut) or open|"
    r"lock(?:ed)? or unlock(?:ed)?|unlock(?:ed)? or lock(?:ed)?|on or not|open or not|"
    r"locked or not)\b|\b(?:state|status) (?:of|for)\b"
)
"""Words only a question says: a choice of two states ("the back door, locked or
unlocked"), or the state of something ("and the state of the bedroom radiator"),
however the words around them were heard."""
_POLITE = re.compile(r"^(?:please |but |so )?(?:could|can|would|will) you\b")
_REQUEST_VERBS = (
    "turn|switch|shut|open|close|lock|unlock|set|put|make|dim|brighten|raise|lower|"
    "activate|deactivate|change|heat|warm|cool|start"
)
_AS_REQUEST = re.compile(
    r"^(?:please |so |and )?(?:what|will|won't|wouldn't)"
    r"(?: do)? you (?=(?:please )?(?:" + _REQUEST_VERBS + r")\b)"
)
"""A polite request's opening as speech-to-text writes it ("what you switch off
the bedroom light", "what do you turn off the radiator", "will you turn the kitchen
light off?" for "would you ..."): a command verb after it makes it a request. A
question about a device never says "you" before an action verb ("did you", a past
deed, is not among them)."""
AS_QUESTION = re.compile(
    r"^(?:there's|there is|theres|here's|that's|it's|its|is it|it is)\s+(?=the |my )"
)

POLAR_INTENTS = {
    "HassTurnOn": ("on", "activate"), "HassTurnOff": ("off", "of", "deactivate"),
    "HassOpen": ("open",),
    "HassClose": ("close", "shut"), "HassLock": ("lock",), "HassUnlock": ("unlock",),
}  # fmt: skip
"""Intents whose opposite is one word away, and the words that carry them."""
OPPOSITES = {
    "on": "off", "off": "on", "activate": "deactivate", "deactivate": "activate",
    "open": "close", "close": "open", "shut": "open", "lock": "unlock",
    "unlock": "lock",
}  # fmt: skip
"""Each such word and the one that says the opposite."""

_GERUNDS = (
    ("Turning on ", "Turn on "), ("Turning off ", "Turn off "), ("Setting ", "Set "),
    ("Opening ", "Open "), ("Closing ", "Close "), ("Locking ", "Lock "),
    ("Unlocking ", "Unlock "), ("Turning ", "Turn "),
)  # fmt: skip
_OWN = {"my": "your", "me": "you", "i": "you", "i'm": "you're", "our": "your"}
_NOT_IMPERATIVE = {
    "i", "i'm", "im", "it", "it's", "its", "we", "we're", "the", "my", "this", "that",
    "so", "too", "you", "they", "he", "she", "good", "thanks", "thank", "hello", "hi",
    "hey", "nice", "well", "oh",
}  # fmt: skip


_KIND_NOUNS = frozenset(w for words in KIND_WORDS.values() for w in words)
_NOUN_STOP = frozenset({
    "the", "a", "an", "my", "our", "in", "on", "off", "of", "to", "and", "is", "are",
    "please", "now", "up", "down", "it", "for", "at", "with", "too", "so", "again",
    "open", "closed", "close", "locked", "unlocked", "lock", "unlock", "then",
})  # fmt: skip


_SETTINGS = frozenset({"colour", "color", "brightness", "temperature", "position",
                       "mode", "speed", "percent", "degrees", "level"})  # fmt: skip
"""Words asking for a value, not a switch ("set the colour of the desk lamp")."""


def doubt(
    clean: str, entity: Entity | None, reading: Intent | None = None
) -> str | None:
    """Why an LLM reading must be asked, not acted on: the words name both of
    two opposites ("open or closed"), a number other than the reading's, a
    setting for a reading that only switches ("the colour of the desk lamp"
    read as "turn off"), or a word next to the device's name that is not part of
    it ("the front door" for the back door, "porch heater")."""
    words = clean.split()
    for one, other in OPPOSITES.items():
        if one in words and other in words:
            return f"both {one} and {other}"
    said = {float(n) for n in NUMBER.findall(clean)}
    numbers = [v for v in (reading.slots.values() if reading else ())
               if isinstance(v, int | float) and not isinstance(v, bool)]  # fmt: skip
    for value in numbers:
        if said and float(value) not in said:
            return f"{value} was not said ({', '.join(NUMBER.findall(clean))})"
    if said and reading is not None and not numbers:
        return f"{', '.join(NUMBER.findall(clean))} was said, the reading sets none"
    setting = next((w for w in words if w in _SETTINGS), None)
    if setting and reading is not None and reading.name in POLAR_INTENTS:
        return f"{setting!r} asks for a setting; the reading only switches"
    if entity is None:
        return None
    own = set(normalize(f"{entity.name} {entity.area or ''}").split())
    for index, word in enumerate(words):
        if word not in own or word in _NOUN_STOP:
            continue
        for near in words[max(0, index - 1) : index] + words[index + 1 : index + 2]:
            foreign = near not in own and near not in _NOUN_STOP
            if foreign and (near in _KIND_NOUNS or len(near) > 3):
                return f"{near!r} is not part of {entity.name!r}"
    return None


def as_request(clean: str) -> str:
    """``clean`` (normalized) with a misheard request opening made "would you"."""
    return _AS_REQUEST.sub("would you ", clean, count=1)


def kind_of(clean: str, heard: str = "") -> str:
    """question, statement or command; ``heard`` (the transcript as written) ending
    in a question mark makes a question of all but a polite request."""
    clean = as_request(clean)
    if QUESTION.search(clean) or EITHER.search(clean):
        return "question"
    if STATEMENT.search(clean) or VERBLESS.search(clean):
        return "statement"
    if heard.rstrip().endswith("?") and not _POLITE.search(clean):
        return "question"
    return "command"


_PREFIXED = {"lock": "unlock", "activate": "deactivate"}
_PREFIX_SLIPS = frozenset(
    {"and", "an", "in", "on", "un", "de", "the", "i", "a", "to", "he"}
)
"""Short words Whisper writes for the first syllable of "unlock" or "deactivate"
("and lock", "to activate")."""


def unsure_word(intent: Intent, hearing: Hearing | None, floor: float) -> str | None:
    """The on/off, open/close or lock/unlock word of ``intent`` that was heard
    with a probability under ``floor``, or right after a short word that may be
    the first syllable of its opposite ("and lock" for "unlock"), or a number
    heard so unsurely ("85" written "25%": the value it would set), or None."""
    if hearing is None or not hearing.words:
        return None
    heard = [w for w, _ in hearing.words]
    if any(isinstance(v, int | float) for v in intent.slots.values()):
        for word, sure in hearing.words[1:]:
            if _DIGIT.search(word) and sure < floor:
                return word
    for word in POLAR_INTENTS.get(intent.name, ()):
        prob = hearing.word_probability(word)
        if prob is not None and prob < floor:
            return word
        if word in _PREFIXED and any(
            w == word and i and heard[i - 1] in _PREFIX_SLIPS
            for i, w in enumerate(heard)
        ):
            return f"{heard[heard.index(word) - 1]} {word}"
    return None


_DIGIT = re.compile(r"\d")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
"""A number as normalized text writes it ("21", "19.5")."""


def as_question(speech: str) -> str:
    text = speech.rstrip(".")
    for gerund, verb in _GERUNDS:
        if text.startswith(gerund):
            return verb + text[len(gerund) :] + "?"
    return f"{upper_first(text)}?"


def imperative(clean: str) -> bool:
    words = clean.removeprefix("please ").split()
    return bool(words) and words[0] not in _NOT_IMPERATIVE


def echo(clean: str) -> str:
    words = clean.removeprefix("please ").removesuffix(" please").split()
    if words[:2] in (["can", "you"], ["could", "you"], ["would", "you"]):
        words = words[2:]
    return " ".join(_OWN.get(w, w) for w in words)


_DANGLING = frozenset({"the", "a", "an", "to", "of", "my", "your", "at", "for",
                       "with", "and", "some", "this", "that"})  # fmt: skip


def unfinished(clean: str) -> bool:
    """Whether the words stop short of what they are about ("turn on the"): heard
    only in part, never echoed back."""
    words = clean.removesuffix(" please").split()
    return bool(words) and words[-1] in _DANGLING


FILLER = frozenset({"please", "now", "thanks", "again", "too", "then"})
"""Words after a name or a command that say nothing of it."""


def content_words(heard: str) -> list[str]:
    """The words of a heard name that may say something: not "in", "please"."""
    return [w for w in heard.split() if len(w) > 2 and w not in FILLER]
