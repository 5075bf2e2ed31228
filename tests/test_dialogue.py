"""Pure conversation logic: pronouns, follow-ups by room, answers to "which one"."""

from __future__ import annotations

import json

import pytest

from assistant.dialogue import Choice, Session
from assistant.discovery import entity_from_discovery
from assistant.home.registry import DeviceRegistry
from assistant.intent import Intent
from assistant.llm.understand import first_sentence

from .home import DISCOVERY


@pytest.fixture
def session() -> Session:
    registry = DeviceRegistry()
    for topic, config in DISCOVERY.items():
        entity = entity_from_discovery(topic, json.dumps(config).encode())
        assert entity is not None
        registry.upsert(entity)
    return Session(registry, seconds=30)


def _kitchen_on(session: Session) -> Intent:
    kitchen = next(e for e in session._registry.entities() if e.name == "Kitchen Light")
    intent = Intent("HassTurnOn", {"name": "Kitchen Light"}, "", (kitchen.entity_id,))
    session.remember(intent)
    return intent


@pytest.mark.parametrize(
    ("said", "becomes"),
    [
        ("turn it off", "turn the kitchen light off"),
        ("make it brighter", "make the kitchen light brighter"),
        ("switch them on", "switch the kitchen light on"),
        ("it's too dark in here", "it's too dark in here"),  # no object pronoun
        ("what time is it", "what time is it"),
    ],
)
def test_pronoun_stands_for_the_last_device(
    session: Session, said: str, becomes: str
) -> None:
    _kitchen_on(session)
    text, _ = session.with_referent(said)
    assert text == becomes


def test_no_referent_without_a_conversation(session: Session) -> None:
    assert session.with_referent("turn it off") == ("turn it off", ())


def test_follow_up_with_a_room_repeats_the_request_there(session: Session) -> None:
    _kitchen_on(session)
    intent = session.follow_up("and the office too")
    assert intent is not None and intent.name == "HassTurnOn"
    assert intent.slots == {"area": "Office", "domain": "light"}
    assert [session._registry.get(i).name for i in intent.entity_ids] == ["Desk Lamp"]  # type: ignore[union-attr]


def test_follow_up_needs_a_known_room_or_device(session: Session) -> None:
    _kitchen_on(session)
    assert session.follow_up("and the attic") is None
    assert session.follow_up("what a lovely day") is None


def test_conversation_fades(session: Session) -> None:
    session._seconds = 0.0
    _kitchen_on(session)
    assert session.last is None
    assert session.follow_up("and the office") is None


def test_answers_to_which_one(session: Session) -> None:
    ids = {e.name: e.entity_id for e in session._registry.entities()}
    choice = Choice("turn on the light", (ids["Kitchen Light"], ids["Porch Light"]))
    assert session.answer("the porch one", choice) == ids["Porch Light"]
    assert session.answer("kitchen please", choice) == ids["Kitchen Light"]
    assert session.answer("the second", choice) == ids["Porch Light"]
    assert session.answer("the garage", choice) is None


def test_first_sentence_is_short() -> None:
    assert first_sentence("Good morning! How can I help you today?") == "Good morning!"
    long = "word " * 60
    assert len(first_sentence(long)) <= 161
