"""Every recognized intent is published on hermes/intent/<IntentName> with the fields
Home Assistant's snips integration and Node-RED flows read; events on the events
topic."""

from __future__ import annotations

import json

import pytest

from .conftest import Subscriber, run_cli

pytestmark = pytest.mark.model  # `assistant text` on the shipped config loads the LLM

SENTENCES = {
    "HassTurnOn": "turn on the ceiling fan",
    "HassTurnOff": "turn off the coffee machine",
    "HassLightSet": "set the desk lamp to 30 percent",
    "HassClimateSetTemperature": "set the living room thermostat to 20 degrees",
    "HassOpen": "open the garage door",
    "HassClose": "close the garage door",
    "HassSetPosition": "open the garage door to 50 percent",
    "HassClimateSetMode": "set the living room thermostat to heat",
    "HassLock": "lock the back door",
    "HassUnlock": "unlock the back door",
    "HassGetState": "is the porch light on",
    "HassClimateGetTemperature": "what is the temperature in the living room",
    "Skill:time": "what time is it",
    "Skill:date": "what is the date today",
    "Skill:timer_start": "set a timer for 3 minutes",
}


@pytest.fixture(scope="module")
def published(home: int) -> list[tuple[str, dict[str, object], dict[str, object]]]:
    sub = Subscriber(home, ["hermes/intent/#", "assistant/+/events"])
    results = []
    try:
        for name, sentence in SENTENCES.items():
            before = len(sub.messages)
            proc = run_cli(
                "text", "--mqtt-host", "127.0.0.1", "--mqtt-port", str(home), sentence
            )
            assert proc.returncode == 0, proc.stderr
            sub.wait_for(before + 3, timeout=5)
            messages = sub.settle(0.5)[before:]
            hermes = [
                json.loads(p) for t, p in messages if t == f"hermes/intent/{name}"
            ]
            events = [json.loads(p) for t, p in messages if t.endswith("/events")]
            assert len(hermes) == 1, (name, messages)
            results.append((sentence, hermes[0], {e["type"]: e for e in events}))
    finally:
        sub.close()
    return results


def test_hermes_intents_have_the_documented_fields(
    published: list[tuple[str, dict[str, object], dict[str, object]]],
) -> None:
    for (sentence, message, _), name in zip(published, SENTENCES, strict=True):
        assert message["input"] == sentence
        intent = message["intent"]
        assert isinstance(intent, dict)
        assert intent["intentName"] == name
        assert 0.0 < float(intent["confidenceScore"]) <= 1.0
        assert message["siteId"] == "default"
        assert isinstance(message["sessionId"], str) and message["sessionId"]
        slots = message["slots"]
        assert isinstance(slots, list)
        for slot in slots:
            assert set(slot) >= {"entity", "slotName", "rawValue", "value"}
            assert set(slot["value"]) == {"kind", "value"}
            assert slot["value"]["kind"] in ("Custom", "Number")


def test_slot_values(
    published: list[tuple[str, dict[str, object], dict[str, object]]],
) -> None:
    by_name = {m["intent"]["intentName"]: m for _, m, _ in published}  # type: ignore[index]
    light = {s["slotName"]: s["value"] for s in by_name["HassLightSet"]["slots"]}  # type: ignore[attr-defined]
    assert light == {
        "name": {"kind": "Custom", "value": "Desk Lamp"},
        "brightness": {"kind": "Number", "value": 30},
    }


def test_events_topic(
    published: list[tuple[str, dict[str, object], dict[str, object]]],
) -> None:
    for _, _, events in published:
        assert "intent-end" in events and "action-end" in events


@pytest.mark.parametrize(
    ("answer", "name"), [("yes please", "HassConfirm"), ("no", "HassCancel")]
)
def test_answers_to_a_question_are_intents_too(
    home: int, answer: str, name: str
) -> None:
    sub = Subscriber(home, ["hermes/intent/#"])
    try:
        proc = run_cli(
            "text", "--mqtt-host", "127.0.0.1", "--mqtt-port", str(home),
            "unlock the back door", answer,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        messages = sub.wait_for(2, timeout=5)
        messages = sub.settle(0.5)
    finally:
        sub.close()
    assert [t for t, _ in messages] == [
        "hermes/intent/HassUnlock",
        f"hermes/intent/{name}",
    ]
    message = json.loads(messages[1][1])
    assert message["input"] == answer and message["slots"] == []
    assert message["intent"]["intentName"] == name
