"""Recognized intents as Hermes messages (the Snips/Rhasspy protocol), so Home
Assistant's snips integration and Node-RED flows can react to what was said."""

from __future__ import annotations

import json
from typing import Any

TOPIC = "hermes/intent/{name}"


def _value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return {"kind": "Custom", "value": value}
    return {"kind": "Number", "value": value}


def intent_message(
    name: str,
    slot_values: dict[str, Any],
    confidence: float,
    text: str,
    *,
    site_id: str,
    session_id: str,
) -> tuple[str, str]:
    """(topic, JSON payload) for ``hermes/intent/<IntentName>``."""
    slots = []
    for slot, value in slot_values.items():
        slots.append(
            {
                "entity": slot,
                "slotName": slot,
                "rawValue": str(value),
                "value": _value(value),
                "confidence": round(confidence, 3),
            }
        )
    payload = {
        "input": text,
        "intent": {
            "intentName": name,
            "confidenceScore": round(confidence, 3),
        },
        "slots": slots,
        "siteId": site_id,
        "sessionId": session_id,
        "customData": None,
        "asrTokens": [],
        "asrConfidence": None,
    }
    return TOPIC.format(name=name), json.dumps(payload)


START_SESSION = "hermes/dialogueManager/startSession"
END_SESSION = "hermes/dialogueManager/endSession"
SESSION_STARTED = "hermes/dialogueManager/sessionStarted"
SESSION_ENDED = "hermes/dialogueManager/sessionEnded"
REASONS = ("nominal", "abortedByUser", "intentNotRecognized", "timeout", "error")
"""Termination reasons of ``sessionEnded`` (the Snips dialogue API)."""


def session_started(
    session_id: str, site_id: str, custom: str | None
) -> tuple[str, str]:
    payload = {"sessionId": session_id, "siteId": site_id, "customData": custom,
               "reactivatedFromSessionId": None}  # fmt: skip
    return SESSION_STARTED, json.dumps(payload)


def session_ended(session_id: str, site_id: str, reason: str) -> tuple[str, str]:
    assert reason in REASONS
    payload = {"sessionId": session_id, "siteId": site_id, "customData": None,
               "termination": {"reason": reason}}  # fmt: skip
    return SESSION_ENDED, json.dumps(payload)


def spoken_request(topic: str, payload: bytes) -> tuple[str, str, str | None, bool]:
    """(site id, text to say, session id, listen after) of a ``startSession`` (what
    Home Assistant's ``snips.say`` and ``snips.say_action`` publish) or an
    ``endSession`` (its reply to an intent: ``intent_script`` speech). Raises
    ValueError naming what is wrong."""
    try:
        data = json.loads(payload)
    except ValueError as err:
        raise ValueError(f"{topic}: not JSON ({err})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{topic}: not a JSON object")
    site = data.get("siteId") or "default"
    if topic == END_SESSION:
        text, session = data.get("text") or "", data.get("sessionId")
        if not isinstance(text, str) or not isinstance(session, str | None):
            raise ValueError(f"{topic}: text and sessionId must be strings")
        return str(site), text, session, False
    init = data.get("init")
    if not isinstance(init, dict) or init.get("type") not in ("notification", "action"):
        raise ValueError(f"{topic}: init.type must be notification or action")
    text = init.get("text") or ""
    if not isinstance(text, str):
        raise ValueError(f"{topic}: init.text must be a string")
    return str(site), text, None, init["type"] == "action"
