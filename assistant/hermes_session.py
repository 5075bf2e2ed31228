"""Hermes dialogue sessions: when an intent goes out, what a question and its answer
look like on MQTT, and Home Assistant asking the assistant to speak.

- An intent is published once its action is done, never for one that failed:
  Home Assistant's snips integration and Node-RED act on it.
- A question ("Unlock the back door?") starts a session (``sessionStarted``,
  the question as ``customData``) and publishes no intent. "Yes" publishes the
  *asked* intent with its slots and the session's id, after its action; "no",
  another request or silence end the session (``abortedByUser``, ``nominal``,
  ``timeout``) with no intent.
- ``startSession`` (``snips.say``, ``snips.say_action``) and ``endSession`` with a
  text (``intent_script`` speech, for a session this assistant started) are
  spoken; an action session listens for an answer afterwards.
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

from .events import EventType, PipelineEvent
from .hermes import (
    END_SESSION,
    intent_message,
    session_ended,
    session_started,
    spoken_request,
)

_LOGGER = logging.getLogger(__name__)

Publish = Callable[[str, str], None]
Say = Callable[[str, bool], None]
"""Speak a text; True: listen for an answer afterwards."""


class HermesSessions:
    def __init__(self, site_id: str) -> None:
        self._site = site_id
        self._pending: tuple[str, str] | None = None
        """The intent of the command under way, published when its action ends."""
        self._ending: str | None = None
        """The session that ends (nominal) with that action."""
        self._asked: tuple[str, tuple[str, str]] | None = None
        """The open question's session id, and the intent a yes publishes."""
        self._ours: deque[str] = deque(maxlen=64)
        """Recent session ids of this assistant (endSession texts are for them)."""

    def _intent(self, data: dict[str, Any], session: str) -> tuple[str, str]:
        intent = data["intent"]
        return intent_message(
            intent["name"], intent["slots"], float(data.get("confidence", 1.0)),
            str(data.get("text", "")), site_id=self._site, session_id=session,
        )  # fmt: skip

    def _session(self) -> str:
        session = str(uuid.uuid4())
        self._ours.append(session)
        return session

    def on_event(self, event: PipelineEvent, publish: Publish) -> None:
        kind, data = event.type, event.data
        if kind == EventType.INTENT_END:
            self._on_intent(data, publish)
        elif kind == EventType.ERROR:
            self._pending = None
            if self._ending:
                publish(*session_ended(self._ending, self._site, "error"))
                self._ending = None
        elif kind == EventType.ACTION_END and self._pending:
            publish(*self._pending)
            self._pending = None
            if self._ending:
                publish(*session_ended(self._ending, self._site, "nominal"))
                self._ending = None
        elif kind == EventType.RUN_END and data.get("end") == "timeout" and self._asked:
            publish(*session_ended(self._asked[0], self._site, "timeout"))
            self._asked = None

    def _on_intent(self, data: dict[str, Any], publish: Publish) -> None:
        self._pending = self._ending = None
        intent = data.get("intent")
        asked, self._asked = self._asked, None
        if intent and data.get("asking"):
            session = self._session()
            self._asked = (session, self._intent(data, session))
            publish(*session_started(session, self._site, data.get("question")))
            if asked:
                publish(*session_ended(asked[0], self._site, "nominal"))
            return
        if asked is not None:
            session, held = asked
            if intent and intent["name"] == "HassConfirm" and data.get("confirms"):
                self._pending, self._ending = held, session
            else:
                no = intent and intent["name"] == "HassCancel"
                reason = "abortedByUser" if no else "nominal"
                publish(*session_ended(session, self._site, reason))
            return
        if intent and intent["name"] not in ("HassConfirm", "HassCancel"):
            self._pending = self._intent(data, self._session())

    def request(self, topic: str, payload: bytes, say: Say) -> None:
        """A ``startSession`` or ``endSession`` from Home Assistant."""
        try:
            site, text, session, listen = spoken_request(topic, payload)
        except ValueError as err:
            _LOGGER.warning("Ignoring %s", err)
            return
        if topic == END_SESSION:
            if session not in self._ours:
                return  # a reply to another assistant's intent
        elif site != self._site:
            return  # for another satellite
        if text:
            _LOGGER.info(
                "Hermes asks to say %r%s", text, " and listen" if listen else ""
            )
            say(text[:500], listen)
