"""The conversation's own sentences (``sentences/conversation.yaml``): yes, no and
stop after a question, and the small talk the LLM may answer in its own words."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from hassil import Intents, recognize_best

CONVERSATION = (
    Path(__file__).resolve().parent.parent / "sentences" / "conversation.yaml"
)

Answer = Literal["yes", "no", "stop"]
_ANSWERS: dict[str, Answer] = {
    "ConversationYes": "yes", "ConversationNo": "no", "ConversationStop": "stop"
}  # fmt: skip
_SMALL_TALK = "ConversationSmallTalk"


class Conversation:
    """Reads the conversation sentences (hassil templates)."""

    def __init__(self, path: Path = CONVERSATION) -> None:
        self._intents = Intents.from_dict(yaml.safe_load(path.read_text("utf-8")))

    def _intent(self, clean: str) -> str | None:
        found = recognize_best(clean, self._intents)
        return found.intent.name if found else None

    def answer_of(self, clean: str) -> Answer | None:
        """yes, no or stop when ``clean`` (normalized) is one of those sentences."""
        return _ANSWERS.get(self._intent(clean) or "")

    def small_talk(self, clean: str) -> bool:
        """Whether ``clean`` is small talk ("how are you", "tell me a joke"): the
        only thing a small model may answer in its own words. Questions for facts
        (the news, the weather, prices) are not: it would make them up."""
        return self._intent(clean) == _SMALL_TALK
