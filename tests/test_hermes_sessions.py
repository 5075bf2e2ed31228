"""Hermes sessions (pure logic): when intents go out around a question, and which
startSession/endSession requests are spoken."""

from __future__ import annotations

import json
from typing import Any

from assistant.events import EventType, PipelineEvent
from assistant.hermes_session import HermesSessions

OPEN = {"name": "HassOpen", "slots": {"name": "Garage Door"}}


def _run(sessions: HermesSessions, *events: tuple[EventType, dict[str, Any]]) -> list:
    out: list[tuple[str, dict[str, Any]]] = []
    for kind, data in events:
        sessions.on_event(PipelineEvent(kind, data),
                          lambda t, p: out.append((t, json.loads(p))))  # fmt: skip
    return out


def _asked() -> tuple[EventType, dict[str, Any]]:
    data = {"intent": OPEN, "text": "open the garage door", "asking": True,
            "question": "Open the garage door?", "confidence": 1.0}  # fmt: skip
    return EventType.INTENT_END, data


def _answer(name: str, confirms: dict[str, Any] | None = None) -> tuple:
    return (EventType.INTENT_END, {"intent": {"name": name, "slots": {}},
            "text": "yes", "asking": False, "confirms": confirms})  # fmt: skip


ACTION = (EventType.ACTION_END, {"commands": 1})


def test_yes_publishes_the_asked_intent_in_its_session_after_the_action() -> None:
    sessions = HermesSessions("default")
    out = _run(sessions, _asked(), ACTION, _answer("HassConfirm", OPEN))
    assert [t for t, _ in out] == ["hermes/dialogueManager/sessionStarted"]
    out += _run(sessions, ACTION)
    topics = [t for t, _ in out]
    assert topics == ["hermes/dialogueManager/sessionStarted", "hermes/intent/HassOpen",
                      "hermes/dialogueManager/sessionEnded"]  # fmt: skip
    started, intent, ended = (p for _, p in out)
    assert started["customData"] == "Open the garage door?"
    assert intent["input"] == "open the garage door"
    assert intent["sessionId"] == started["sessionId"] == ended["sessionId"]
    assert ended["termination"]["reason"] == "nominal"


def test_no_silence_or_a_failed_action_publish_no_intent() -> None:
    no = _run(
        HermesSessions("default"), _asked(), ACTION, _answer("HassCancel"), ACTION
    )
    assert [p.get("termination") for _, p in no][1:] == [{"reason": "abortedByUser"}]
    quiet = _run(HermesSessions("default"), _asked(), ACTION,
                 (EventType.RUN_END, {"end": "done"}),
                 (EventType.RUN_END, {"end": "timeout"}))  # fmt: skip
    assert [p["termination"]["reason"] for t, p in quiet if "Ended" in t] == ["timeout"]
    failed = _run(HermesSessions("default"), _asked(), ACTION,
                  _answer("HassConfirm", OPEN), (EventType.ERROR, {"code": "x"}),
                  ACTION)  # fmt: skip
    assert not [t for t, _ in failed if t.startswith("hermes/intent/")]
    assert failed[-1][1]["termination"] == {"reason": "error"}


def test_a_plain_command_publishes_its_intent_once_done() -> None:
    sessions = HermesSessions("default")
    command = (EventType.INTENT_END, {"intent": OPEN, "text": "x", "asking": False})
    assert _run(sessions, command) == []
    assert [t for t, _ in _run(sessions, ACTION)] == ["hermes/intent/HassOpen"]
    assert _run(sessions, _answer("HassConfirm"), ACTION) == []  # nothing was asked


def test_requests_spoken_for_this_site_and_its_own_sessions() -> None:
    sessions = HermesSessions("kitchen")
    said: list[tuple[str, bool]] = []

    def say(text: str, listen: bool) -> None:
        said.append((text, listen))

    start = "hermes/dialogueManager/startSession"
    for site, kind in (("kitchen", "notification"), ("hall", "notification"),
                       ("kitchen", "action")):  # fmt: skip
        payload = {"siteId": site, "init": {"type": kind, "text": f"{site} {kind}"}}
        sessions.request(start, json.dumps(payload).encode(), say)
    sessions.request(start, b"not json", say)
    sessions.request(start, b'{"init": {"type": "dance"}}', say)
    end = "hermes/dialogueManager/endSession"
    sessions.request(end, b'{"sessionId": "someone-elses", "text": "No."}', say)
    out = _run(sessions, (EventType.INTENT_END, {"intent": OPEN, "text": "x"}), ACTION)
    ours = out[0][1]["sessionId"]
    sessions.request(
        end, json.dumps({"sessionId": ours, "text": "Done."}).encode(), say
    )
    assert said == [("kitchen notification", False), ("kitchen action", True),
                    ("Done.", False)]  # fmt: skip
