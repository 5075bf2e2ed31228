"""One decision for every utterance: act, ask, or refuse.

Sentence rules, fuzzy names, what the user taught, the conversation so far and the
LLM each give a result with a confidence. The cascade turns it into one decision:

- **act** at or above ``act_threshold``;
- **ask** a short yes/no question in the middle ("Turn on the desk lamp?"); "yes"
  acts, and the phrasing is remembered for next time;
- **refuse** below ``ask_threshold``, saying what it understood ("I don't know a
  garden sprinkler.").

Questions and statements about a device ("is the fan on", "there's the fan on")
never publish through the fuzzy or LLM paths, and an on/off, open/close or
lock/unlock word that speech-to-text was unsure of is asked back.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..dialogue import Choice, Session
from ..handle import NOT_UNDERSTOOD, IntentHandler, Response
from ..home.model import Command
from . import Hearing, Intent, normalize, resolved
from .acoustic import by_sound, doubted_word, opposite_by_sound, plainly
from .alternatives import best_alternative, both_ways, opposite_heard
from .clauses import CLAUSE_CONFIDENCE, one_command
from .conversation import Answer, Conversation
from .decision import Decision, Thresholds
from .foreign import foreign_rival
from .llm_reading import DIDNT_CATCH, llm_confidence, nothing_read, small_talk
from .memory import Memory
from .refusal import as_heard_thing, refuse_unknown
from .rules import HassilRecognizer
from .second import agrees, second_reading
from .things import Things
from .values import read_values
from .wording import (
    AS_QUESTION,
    STATE_AT_END,
    VERBLESS,
    as_question,
    as_request,
    kind_of,
    unfinished,
)

if TYPE_CHECKING:
    from ..llm.understand import LlmUnderstanding

_LOGGER = logging.getLogger(__name__)

CANT_ANSWER = "Sorry, I can't answer that."


@dataclass(frozen=True)
class _Question:
    response: Response
    intent: Intent | None
    learn: str | None
    at: float


class Cascade:
    """The conversation state and the act/ask/refuse decision."""

    def __init__(
        self,
        recognizer: HassilRecognizer,
        handler: IntentHandler,
        session: Session,
        *,
        llm: LlmUnderstanding | None = None,
        memory: Memory | None = None,
        thresholds: Thresholds | None = None,
        drop_leading: tuple[str, ...] = (),
        question_seconds: float = 30.0,
    ) -> None:
        self.recognizer = recognizer
        self.handler = handler
        self.session = session
        self.llm = llm
        self.memory = memory or Memory(None)
        self.thresholds = thresholds or Thresholds()
        self._drop = drop_leading
        self._question: _Question | None = None
        self._question_seconds = question_seconds
        self._expired: _Question | None = None
        """The last question nobody answered in time: a late "yes" asks it again."""
        self._things = Things()
        self._conversation = Conversation()

    # -- state ---------------------------------------------------------------------

    def update_devices(self) -> None:
        self._things = Things(self.handler.registry.entities())
        self.recognizer.things = self._things

    @property
    def asking(self) -> bool:
        return self._question is not None

    @property
    def pending_commands(self) -> list[Command]:
        """What a "yes" to the open question would publish."""
        return list(self._question.response.commands) if self._question else []

    def cancel(self) -> None:
        """The question went unanswered: nothing is done."""
        if self._question is not None:
            _LOGGER.info("No answer to %r: cancelled", self._question.response.confirm)
            self._expired, self._question = self._question, None

    def reset(self) -> None:
        self._question = self._expired = None
        self.session.end()
        self.session.choice = None

    def complete(self, text: str) -> bool:
        """Whether ``text`` (as heard) is a whole sentence read at once: a yes, no
        or stop, a phrasing learned, or an exact sentence rule naming devices the
        home has. Predictive endpointing ends a command on it at a short pause;
        everything else waits for the full silence."""
        clean = as_request(normalize(text, self._drop))
        if not clean or unfinished(clean):
            return False
        if self.answer_of(clean) is not None:
            return True
        learned = self.memory.lookup(clean)
        if learned is not None and learned.accepted:
            return True
        exact = self.recognizer.exact(clean)
        return exact is not None and resolved(exact)

    def answer_of(self, clean: str) -> Answer | None:
        """yes, no or stop when ``clean`` (normalized) is one of those sentences."""
        return self._conversation.answer_of(clean)

    def committed(self, decision: Decision) -> None:
        """The decision's commands were published (or it had none to publish)."""
        self.handler.committed(decision.response)
        intent = decision.intent
        if intent is None:
            return
        if decision.learn and self.thresholds.learn:
            text, learned = decision.learn
            self.memory.learn(learned, text, accepted=True)
        if intent.name not in ("HassConfirm", "HassCancel"):
            self.session.remember(intent)
        elif decision.about is not None:
            self.session.remember(decision.about)

    # -- the decision ----------------------------------------------------------------

    def decide(self, text: str, hearing: Hearing | None = None) -> Decision:
        clean = as_request(normalize(text, self._drop))
        question, self._question = self._question, None
        expired, self._expired = self._expired, None
        now = time.monotonic()
        if question and now - question.at > self._question_seconds:
            question, expired = None, question
        if not clean:
            return Decision(Response(DIDNT_CATCH, success=False), path="conversation")
        said = self.answer_of(clean)
        if question is not None and said is not None:
            return self._answered(question, said, clean)
        if said in ("stop", "no"):
            self.session.end()
            return Decision(Response("Okay."), path="conversation")
        if said == "yes" and expired and now - expired.at < _ASK_AGAIN_SECONDS:
            _LOGGER.info("A late yes: asking %r again", expired.response.confirm)
            self._question = replace(expired, at=now)  # never acted on unasked
            return Decision(
                expired.response, expired.intent, "conversation", asking=True
            )
        if said == "yes":  # nothing was asked: nothing to do
            return Decision(Response("Okay."), path="conversation")
        choice, self.session.choice = self.session.choice, None
        if choice is not None and self.llm is not None:
            picked = self.session.answer(clean, choice)
            entity = self.handler.registry.get(picked) if picked else None
            if entity is not None:
                chosen, tokens = self.llm.act(choice.text, entity)
                th = self.thresholds  # the device is sure now, the action no surer
                sure = round(min(1.0, chosen.confidence + _NAMED), 2)
                decision = self._settle(
                    chosen, sure, "llm", clean, hearing, act_at=th.llm_act,
                    ask_at=th.llm_ask,
                )  # fmt: skip
                decision.llm_tokens = tokens
                return decision
        decision = self._understand(clean, hearing, text)
        if decision.response.success or decision.asking or decision.path == "llm":
            return decision  # the LLM was asked after the second model
        return self._second(clean, hearing) or decision

    def _second(self, clean: str, hearing: Hearing | None) -> Decision | None:
        """The second speech model's reading, decided on its own hearing. What the
        first heard as a question is never made a command; where it heard a thing
        the home lacks ("the bathroom light"), a device the second names is asked."""
        second = second_reading(clean, hearing, self.recognizer, self._drop)
        if second is None:
            return None
        read, other, heard = second
        acts = _publishes(self.handler.handle(read))
        if acts and kind_of(clean, hearing.text if hearing else "") != "command":
            return None
        sure = self.thresholds.ask if self._things.unknown(clean) else 1.0
        return self._settle(read, sure, "second", heard, other)

    def _answered(self, question: _Question, said: Answer, clean: str) -> Decision:
        self.session.choice = None  # a close call's other device is out of it too
        ids = question.intent.entity_ids if question.intent else ()
        ids = ids or tuple(dict.fromkeys(e for e, _, _ in question.response.actions))
        if said == "yes":
            confirmed = Intent("HassConfirm", {}, clean, ids)
            response = replace(question.response, confirm=None)
            learn = None
            if question.learn and question.intent is not None:
                learn = (question.learn, question.intent)
            return Decision(
                response, confirmed, "conversation", learn=learn, about=question.intent
            )
        if question.learn and question.intent is not None and self.thresholds.learn:
            self.memory.learn(question.intent, question.learn, accepted=False)
        return Decision(
            Response("Okay, I won't."),
            Intent("HassCancel", {}, clean, ids),
            "conversation",
        )

    def _understand(
        self, clean: str, hearing: Hearing | None, text: str = ""
    ) -> Decision:
        kind = kind_of(clean, hearing.text if hearing else "")
        learned = self.memory.lookup(clean)
        if learned is not None and learned.accepted:
            taught = learned.to_intent()
            if all(self.handler.registry.get(e) for e in taught.entity_ids):
                return self._settle(taught, 1.0, "memory", clean, hearing)
        intent = self.recognizer.recognize_normalized(clean)
        if intent is not None and intent.confidence >= 1.0 and resolved(intent):
            return self._settle(intent, 1.0, "rules", clean, hearing)
        part = one_command(text, *self._judges[:2], self._things, self._drop)
        if part is not None:  # "Let some daylight in. Open the kitchen blind."
            return self._settle(part, CLAUSE_CONFIDENCE, "clause", clean, hearing)
        if intent is None:  # "and the bedroom", "what about the lamp"
            follow = self.session.follow_up(clean)
            if follow is not None:
                return self._settle(follow, 1.0, "dialogue", clean, hearing)
        if kind != "command":
            return self._question_or_statement(clean, intent, hearing)
        referent: tuple[str, ...] = ()
        said = clean
        if intent is None or not resolved(intent):  # "turn it off": which "it"?
            with_it, referent = self.session.with_referent(clean)
            known = self.recognizer.recognize_normalized(with_it) if referent else None
            if known is not None and known.entity_ids[:1] == referent[:1]:
                return self._settle(
                    replace(known, entity_ids=referent), 1.0, "dialogue", clean, hearing
                )
            said = with_it if referent else clean
        if intent is not None and "name" in intent.slots and not resolved(intent):
            heard = str(intent.slots["name"])
            if self._things.unknown(normalize(heard)) is not None:
                return refuse_unknown(heard, False, intent, hearing, self._things)
        unknown = self._things.unknown(clean)
        if unknown is not None and not referent:
            return refuse_unknown(
                unknown.phrase, unknown.room, intent, hearing, self._things
            )
        by_sound = None
        if intent is not None and not referent:
            by_sound = self._sounds(intent, hearing, publish=True)
            if by_sound is not None and by_sound[1] >= self.thresholds.act:
                return self._settle(*by_sound, "acoustic", clean, hearing)
        fuzzy = intent is not None and (self.llm is None or not self.llm.vague(intent))
        if intent is not None and fuzzy and intent.confidence >= self.thresholds.act:
            return self._settle(intent, intent.confidence, "fuzzy", clean, hearing)
        if not referent:
            other = self._alternative(clean, hearing, publish=True)
            if other is not None:
                return other
        if by_sound is not None:  # asks: the other readings were no surer
            return self._settle(*by_sound, "acoustic", clean, hearing)
        plain = plainly(clean, hearing, *self._judges, publish=not referent)
        if plain is not None:
            return self._settle(*plain, "plain", clean, hearing)
        valued = None if referent else read_values(clean, self.recognizer)
        if valued is not None:  # "I'd like the bedside lamp in purple": asked
            return self._settle(valued, self.thresholds.ask, "values", clean, hearing)
        if intent is not None and fuzzy:
            return self._settle(intent, intent.confidence, "fuzzy", clean, hearing)
        second = None if referent else self._second(clean, hearing)
        if second is not None:  # before the LLM: it finds some device for anything
            return second
        if self.llm is None:
            return Decision(Response(NOT_UNDERSTOOD, success=False), path="rules")
        return self._chat(clean) or self._llm(clean, said, referent, hearing)

    def _question_or_statement(
        self, clean: str, intent: Intent | None, hearing: Hearing | None
    ) -> Decision:
        """Questions and statements: answered if the rules know them, never acted on
        through fuzzy names or the LLM."""
        if intent is None or _publishes(self.handler.handle(intent)):
            intent = self._as_asked(clean) or intent  # "the fan is on": is it?
        by_sound = None if intent is None else self._sounds(intent, hearing)
        if by_sound is not None:
            return self._settle(*by_sound, "acoustic", clean, hearing)
        if intent is not None and not _publishes(self.handler.handle(intent)):
            if not resolved(intent) and self._things.unknown(clean) is None:
                plain = plainly(clean, hearing, *self._judges, publish=False)
                if plain is not None:  # "how cold is it until kitchen"
                    return self._settle(*plain, "plain", clean, hearing)
            return self._settle(intent, intent.confidence, "fuzzy", clean, hearing)
        unknown = self._things.unknown(clean)
        if unknown is not None:
            return refuse_unknown(
                unknown.phrase, unknown.room, None, hearing, self._things
            )
        other = self._alternative(clean, hearing, publish=False)
        if other is not None:
            return other
        plain = plainly(clean, hearing, *self._judges, publish=False)
        if plain is not None:
            return self._settle(*plain, "plain", clean, hearing)
        chat = self._chat(clean)
        if chat is not None:
            return chat
        asked = kind_of(clean, hearing.text if hearing else "") == "question"
        speech = CANT_ANSWER if asked else NOT_UNDERSTOOD
        return Decision(Response(speech, success=False), path="rules")

    def _chat(self, clean: str) -> Decision | None:
        if self.llm is None or self._things.named(clean):  # never about the home
            return None
        return small_talk(self.llm, self._conversation, clean)

    def _as_asked(self, clean: str) -> Intent | None:
        """The question a statement of state sounds like, read by the rules."""
        asked = AS_QUESTION.sub("is ", clean, count=1)  # "there's the fan on"
        asked = STATE_AT_END.sub(r"\g<verb> \g<what> \g<state>", asked)
        asked = VERBLESS.sub(r"is \g<what> \g<state>", asked)  # "the door unlocked"
        again = self.recognizer.recognize_normalized(asked) if asked != clean else None
        if again is None or _publishes(self.handler.handle(again)):
            return None
        return again

    def _llm(
        self,
        clean: str,
        said: str,
        referent: tuple[str, ...],
        hearing: Hearing | None,
    ) -> Decision:
        assert self.llm is not None
        understood = self.llm.understand(said, only=referent)
        tokens = understood.evaluated
        if understood.question:
            self.session.choice = Choice(said, understood.options)
            return Decision(
                Response(understood.question),
                path="llm",
                asking=True,
                llm_tokens=tokens,
            )
        if understood.intent is None:
            speech = nothing_read(clean, hearing, self._things)
            return Decision(
                Response(speech, success=False), path="llm", llm_tokens=tokens
            )
        intent = understood.intent
        confidence = llm_confidence(
            intent, clean, hearing, close_call=bool(understood.options),
            memory=self.memory, registry=self.handler.registry,
            recognizer=self.recognizer, thresholds=self.thresholds,
        )  # fmt: skip
        if confidence is None:  # the user said no to this before
            return Decision(Response(NOT_UNDERSTOOD, success=False), path="memory")
        if understood.options:  # a close call: "which one?" follows a "no"
            self.session.choice = Choice(said, understood.options)
        act = self.thresholds.llm_act
        decision = self._settle(
            intent, confidence, "llm", clean, hearing, act_at=act,
            ask_at=self.thresholds.llm_ask,
        )  # fmt: skip
        decision.llm_tokens = tokens
        return decision

    @property
    def _judges(self) -> tuple[HassilRecognizer, IntentHandler, Thresholds]:
        return self.recognizer, self.handler, self.thresholds

    def _sounds(
        self, intent: Intent, hearing: Hearing | None, *, publish: bool = False
    ) -> tuple[Intent, float] | None:
        return by_sound(intent, hearing, *self._judges, publish=publish)

    def _alternative(
        self, clean: str, hearing: Hearing | None, *, publish: bool
    ) -> Decision | None:
        found = best_alternative(
            clean, hearing, *self._judges, self._things, self._drop, publish=publish
        )
        return self._settle(*found, "alternative", clean, hearing) if found else None

    # -- act, ask or refuse ------------------------------------------------------------

    def _settle(
        self,
        intent: Intent,
        confidence: float,
        path: str,
        clean: str,
        hearing: Hearing | None,
        *,
        act_at: float | None = None,
        ask_at: float | None = None,
    ) -> Decision:
        th = self.thresholds
        if not resolved(intent) and "name" in intent.slots:
            return refuse_unknown(
                str(intent.slots["name"]), False, intent, hearing, self._things
            )
        if not resolved(intent) and "area" in intent.slots:  # "in the narsa rim"
            area = as_heard_thing(str(intent.slots["area"]), hearing, self._things)
            intent = replace(intent, slots={**intent.slots, "area": area})
        response = self.handler.handle(intent)
        decision = Decision(response, intent, path, confidence=confidence)
        if not _publishes(response) and not response.confirm:
            return decision  # an answer, a refusal, a timer: nothing to undo
        unsure = both_ways(clean, intent) or doubted_word(
            intent, hearing, th.word, th.names.opposite
        )
        if not unsure and hearing is not None and not response.confirm:
            unsure = (
                opposite_by_sound(intent, hearing, th.names.opposite)
                if hearing.score is not None
                else opposite_heard(intent, hearing, self.recognizer, self._drop)
            )
        rival = foreign_rival(intent, hearing, self.recognizer, th.names, self._drop)
        if rival is not None and rival.verdict == "refuse":
            return refuse_unknown(rival.phrase, rival.room, intent, None, self._things)
        unsure = unsure or (rival.phrase if rival else None)
        if unsure:
            _LOGGER.info("Unsure of the word %r: asking", unsure)
        act_at = th.act if act_at is None else act_at
        if confidence >= act_at and not unsure:
            if response.confirm:  # the policy asks first ("unlock the front door")
                self._question = _Question(response, intent, None, time.monotonic())
                decision.asking = True
            return decision
        if confidence < (th.ask if ask_at is None else ask_at) and not unsure:
            heard = intent.slots.get("name") or intent.slots.get("area")
            speech = (
                f"Sorry, I'm not sure what you meant by {heard}."
                if heard
                else (NOT_UNDERSTOOD)
            )
            return Decision(
                Response(speech, success=False), intent, path, confidence=confidence
            )
        if not response.confirm and agrees(
            intent, hearing, self.recognizer, th, self._drop
        ):
            return decision  # two speech models read the same command
        question = response.confirm or (
            f"Did you mean: {intent.matched}?"
            if intent.matched
            else as_question(response.speech)
        )
        asked = replace(response, confirm=question)
        learn = clean if path in _LEARNED and not response.confirm else None
        self._question = _Question(asked, intent, learn, time.monotonic())
        return Decision(asked, intent, path, asking=True, confidence=confidence)


_NAMED = 0.25
"""Added to an LLM reading's confidence when the user named its device in answer
to "which one?": an action with cue words ("warm", "shut") then acts, one
without is asked."""
_ASK_AGAIN_SECONDS = 120.0
"""A "yes" this long after an unanswered question asks it again; later, nothing."""
_LEARNED = ("llm", "fuzzy", "alternative", "acoustic", "plain", "values")
"""Paths whose phrasing a "yes" teaches (the sentence rules know theirs)."""


def _publishes(response: Response) -> bool:
    return bool(response.commands)
