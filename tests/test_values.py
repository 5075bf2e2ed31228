"""Settings said the way people talk: a device and a value only one setting
takes, read through the sentence rules and always asked first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_cascade import _cascade


@pytest.mark.parametrize(
    ("said", "question", "payload"),
    [("I'd like the desk lamp in purple", "Turn the desk lamp purple?",
      {"state": "ON", "color": {"h": 300.0, "s": 100.0}}),
     ("the desk lamp is way too bright, bring it down to 70 percent",
      "Set the desk lamp to 70 percent?", {"state": "ON", "brightness": 178}),
     ("I want it brighter in here with the desk lamp on full",
      "Set the desk lamp to 100 percent?", {"state": "ON", "brightness": 255})],
)  # fmt: skip
def test_a_device_and_a_value_are_asked_then_yes_sets_it(
    tmp_path: Path, said: str, question: str, payload: dict[str, object]
) -> None:
    cascade, llm = _cascade(tmp_path)
    decision = cascade.decide(said)
    assert decision.path == "values" and decision.asking
    assert decision.response.confirm == question
    done = cascade.decide("yes").response.commands
    assert [json.loads(c.payload) for c in done] == [payload]
    assert llm.asked == []


def test_degrees_in_a_room_set_its_thermostat(tmp_path: Path) -> None:
    cascade, _ = _cascade(tmp_path)
    decision = cascade.decide("make it 21 degrees in the living room")
    assert decision.asking
    assert decision.response.confirm == "Set the living room thermostat to 21 degrees?"


@pytest.mark.parametrize(
    "said",
    ["don't make the desk lamp red",  # a negation
     "set the desk lamp to 20 percent at 8",  # two numbers
     "the kitchen light and the desk lamp in blue"],  # two devices
)  # fmt: skip
def test_no_setting_is_guessed(tmp_path: Path, said: str) -> None:
    cascade, _ = _cascade(tmp_path, llm_confidence=0.5)
    decision = cascade.decide(said)
    assert decision.path != "values", decision
    assert not decision.response.commands or decision.asking
