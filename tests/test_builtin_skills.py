"""The built-in skills of the shipped config.toml (timers, time and date, the
shopping list, "what can you do"), through the real rules and skill runner."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from assistant.config import DEFAULT_CONFIG, load_config
from assistant.handle import IntentHandler, Response
from assistant.home.registry import DeviceRegistry
from assistant.intent.rules import HassilRecognizer
from assistant.shopping import ItemList
from assistant.skills import SkillRunner, skill_sentences
from assistant.timers import Timer, Timers

from .test_intent import home_entities


@pytest.fixture
def say(tmp_path: Path) -> Callable[[str], str]:
    """Handle a typed sentence with the shipped skills; commit what it does."""
    cfg = load_config(DEFAULT_CONFIG)
    registry = DeviceRegistry()
    for entity in home_entities():
        registry.upsert(entity)
    recognizer = HassilRecognizer(extra=skill_sentences(cfg.skills, cfg.lists))
    recognizer.update_devices(registry.entities())
    runner = SkillRunner(
        cfg.skills, registry, timers=Timers(), data_dir=tmp_path,
        clock=lambda: datetime(2026, 11, 27, 15, 5),
    )  # fmt: skip
    handler = IntentHandler(registry, skills=runner)
    pending: list[Response] = []

    def run(text: str) -> str:
        if text == "yes":
            handler.committed(pending.pop())
            return "done"
        response = handler.handle(recognizer.recognize(text))
        if response.confirm:
            pending.append(response)
            return response.confirm
        handler.committed(response)
        return response.speech

    return run


def test_time_date_and_help(say: Callable[[str], str]) -> None:
    assert say("what time is it") == "It is 3:05 PM."
    assert say("what's the date today") == "Today is Friday, November 27."
    assert say("what can you do") == (
        "I can set timers with names, tell the time and date, keep a shopping list, "
        'and switch your devices: try "turn on the kitchen light".'
    )


async def test_named_timers(say: Callable[[str], str]) -> None:
    assert say("set a pasta timer for 10 minutes") == "Pasta timer set for 10 minutes."
    assert say("set a timer for 2 minutes and 30 seconds called tea") == (
        "Tea timer set for 2 minutes and 30 seconds."
    )
    assert say("how much time is left") == (
        "The pasta timer has 10 minutes left and the tea timer has 2 minutes and "
        "30 seconds left."
    )
    assert say("cancel the timer") == (
        "There are 2 timers: pasta timer and tea timer. Which one?"
    )
    assert say("cancel the tee timer") == "I cancelled the tea timer."  # misheard
    assert say("how much time is left on the tea timer") == "There is no tea timer."
    assert (
        say("set a pasta timer for 1 minute") == "Pasta timer restarted for 1 minute."
    )
    assert say("how much time is left") == "The pasta timer has 1 minute left."
    assert say("cancel all timers") == "I cancelled the pasta timer."
    assert say("cancel the timer") == "There are no timers running."


async def test_timers_ring_by_name_and_cancelled_ones_do_not() -> None:
    rang: list[Timer] = []
    timers = Timers(on_finished=rang.append)
    timers.start(1, "pasta")
    tea = timers.start(1, "the tea timer")
    unnamed = timers.start(2)
    timers.cancel(tea)
    await asyncio.sleep(2.3)
    assert [(t.name, t.spoken) for t in rang] == [
        ("pasta", "the pasta timer"),
        ("", "the 2 second timer"),
    ]
    assert unnamed not in timers.running()


def test_shopping_list(say: Callable[[str], str], tmp_path: Path) -> None:
    assert say("what's on my shopping list") == "Your shopping list is empty."
    assert say("add oat milk to my shopping list") == (
        "I added oat milk to your shopping list."
    )
    assert say("put eggs on the shopping list") == "I added eggs to your shopping list."
    assert say("add Oat Milk to the shopping list") == (
        "Oat milk is already on your shopping list."
    )
    assert say("what's on my shopping list") == (
        "Your shopping list has oat milk and eggs."
    )
    saved = json.loads((tmp_path / "shopping_list.json").read_text())
    assert saved == {"items": ["oat milk", "eggs"]}
    assert say("remove eggs from my shopping list") == (
        "I removed eggs from your shopping list."
    )
    assert say("clear the shopping list") == "Clear the whole shopping list?"
    assert saved != {"items": []}  # nothing cleared before "yes"
    say("yes")
    assert json.loads((tmp_path / "shopping_list.json").read_text()) == {"items": []}


def test_a_failed_write_keeps_the_old_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = ItemList(tmp_path / "shopping_list.json")
    items.add("bread")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json, "dump", broken)
    with pytest.raises(Exception, match="cannot save the list"):
        items.add("butter")
    assert items.items() == ["bread"]
    assert [p.name for p in tmp_path.iterdir()] == ["shopping_list.json"]


def test_an_unreadable_list_is_said_plainly(
    say: Callable[[str], str], tmp_path: Path
) -> None:
    (tmp_path / "shopping_list.json").write_text("{oops")
    assert say("what's on my shopping list") == "Sorry, I could not get to that list."
