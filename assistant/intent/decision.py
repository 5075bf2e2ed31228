"""What the cascade decided, and the thresholds it decides by."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..handle import Response
from . import Intent
from .acoustic import AcousticLimits


@dataclass(frozen=True)
class Thresholds:
    act: float = 0.9
    """Confidence (0-1) at or above which a command is carried out at once."""
    ask: float = 0.75
    """At or above (and below ``act``): a yes/no question first; below: refused."""
    word: float = 0.3
    """A heard on/off, open/close or lock/unlock less likely than this is asked back."""
    llm_act: float = 0.9
    """Confidence an LLM reading needs to act without asking."""
    llm_ask: float = 0.6
    """An LLM reading less sure than this is refused; from here up it asks."""
    learn: bool = True
    """Remember phrasings confirmed or rejected after a question."""
    names: AcousticLimits = field(default_factory=AcousticLimits)
    """How the audio must favour a name read fuzzily before it counts."""


@dataclass
class Decision:
    response: Response
    intent: Intent | None = None
    path: str = "rules"
    """Who understood: rules, clause (the rules, in one part of what was said),
    alternative (a next-best transcript), fuzzy, acoustic (a fuzzy name the audio
    chose), plain (a device's plainest sentence the audio chose), values (a device
    and a value only one setting takes), memory, dialogue, llm or conversation."""
    asking: bool = False
    """The reply is a question; the next utterance answers it."""
    confidence: float = 1.0
    llm_tokens: int = 0
    learn: tuple[str, Intent] | None = None
    """On commit, remember this phrasing (normalized) for this intent."""
    about: Intent | None = None
    """What a "yes" confirmed: the conversation continues from it ("turn it off")."""
