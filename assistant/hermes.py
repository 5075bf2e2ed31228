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
