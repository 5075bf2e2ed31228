"""How sure an LLM reading is, before the cascade acts, asks or refuses on it.

The LLM always finds some device and action; what it found counts only as far as
the words and the sound bear it out: a phrasing the user said no to before is not
acted on, a close call between two devices is always asked, and a reading the
words or the audio doubt ("warm" for a lamp, a name the audio does not say) is
asked rather than carried out.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..handle import NOT_UNDERSTOOD, Response
from . import Hearing, Intent
from .acoustic import sound_disagrees
from .decision import Decision
from .refusal import as_heard_thing
from .second import polar_disputed
from .wording import doubt, echo, imperative, unfinished

if TYPE_CHECKING:
    from ..home.registry import DeviceRegistry
    from ..llm.understand import LlmUnderstanding
    from .conversation import Conversation
    from .decision import Thresholds
    from .memory import Memory
    from .rules import HassilRecognizer
    from .things import Things

_LOGGER = logging.getLogger(__name__)

DIDNT_CATCH = "Sorry, I didn't catch that."
DOUBTFUL = 0.8
"""An LLM reading the words or the sound doubt is at most this sure: asked."""


def nothing_read(clean: str, hearing: Hearing | None, things: Things) -> str:
    """What to say when the LLM read no action: "Sorry, I can't play some jazz."
    for a request the home cannot do, "I didn't catch that" for half a sentence."""
    if unfinished(clean):  # "turn on the": heard only in part
        return DIDNT_CATCH
    if imperative(clean):  # "play some jazz": say what cannot be done
        said = as_heard_thing(clean, hearing, things, verb=True)
        return f"Sorry, I can't {echo(said)}."
    return NOT_UNDERSTOOD


def llm_confidence(
    intent: Intent,
    clean: str,
    hearing: Hearing | None,
    *,
    close_call: bool,
    memory: Memory,
    registry: DeviceRegistry,
    recognizer: HassilRecognizer,
    thresholds: Thresholds,
) -> float | None:
    """The confidence to settle an LLM reading with; None when the user said no to
    this phrasing for this action before."""
    rejected = memory.lookup(clean)
    if rejected is not None and not rejected.accepted and rejected.same_action(intent):
        return None
    confidence = intent.confidence
    if close_call:  # between two devices: never acted on
        confidence = thresholds.llm_ask
    entity = registry.get(intent.entity_ids[0]) if intent.entity_ids else None
    why = doubt(clean, entity, intent) or polar_disputed(intent, hearing)
    if not why and confidence >= thresholds.llm_act:
        why = sound_disagrees(clean, hearing, intent, recognizer, thresholds.names)
    if why:
        _LOGGER.info("LLM reading in doubt (%s): asking", why)
        confidence = min(confidence, DOUBTFUL)
    return confidence


def small_talk(
    llm: LlmUnderstanding, conversation: Conversation, clean: str
) -> Decision | None:
    """Small talk ("how are you", "tell me a joke") answered by the LLM; never a
    question for facts it cannot know (the news, the weather, prices): a small
    model makes those up."""
    if not conversation.small_talk(clean):
        return None
    understood = llm.chat(clean)
    if not understood.answer:
        return None
    return Decision(
        Response(understood.answer), path="llm", llm_tokens=understood.evaluated
    )
