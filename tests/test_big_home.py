"""A home of 500 devices: its prompt fits the model, paraphrases still reach the
LLM and act on the right device (real model, real Mosquitto, a separate subscriber).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.home.model import Domain, Entity
from assistant.llm.narrow import MAX_CANDIDATES, PREFIX_CHARS, device_list, narrow

from .big_home import ROOMS, THINGS, big_home, topic
from .conftest import Subscriber, own_broker, run_cli
from .live import write_config


def _entities() -> list[Entity]:
    return [
        Entity(f"{kind}.{room} {thing}", Domain(kind), f"{room} {thing}", room, {})
        for room in ROOMS
        for kind, thing in THINGS
    ]


def test_a_big_home_is_narrowed_to_what_the_words_name() -> None:
    devices = _entities()
    assert len(devices) == 500
    picked = narrow("i don't need the nursery radio any more", devices, lambda e: False)
    assert len(picked) == MAX_CANDIDATES
    assert {e.area for e in picked} == {"Nursery"}  # the room said, of 25
    assert "Nursery Radio" in {e.name for e in picked}
    radios = narrow("is some radio still playing", devices, lambda e: False)
    assert {e.name.split()[-1] for e in radios} == {"Radio"}  # no room: the kind
    assert picked == [e for e in devices if e in picked]  # in the home's order
    small = devices[:10]
    assert narrow("anything", small, lambda e: False) == small  # nothing to narrow


def test_a_big_home_prompt_names_the_rooms_and_says_how_many_fit() -> None:
    text, fitted = device_list(_entities())
    assert len(text) <= PREFIX_CHARS
    assert 50 < fitted < 500
    assert text.startswith("500 devices in these rooms: ")
    assert text.endswith(", workshop")  # every room, the last one too
    assert all(room.lower() in text for room in ROOMS)
    whole, all_of_them = device_list(_entities()[:20])
    assert all_of_them == 20 and "attic ceiling light (attic)" in whole


@pytest.fixture
def big(tmp_path: Path) -> Iterator[int]:
    messages = {t: json.dumps(c) for t, c in big_home().items()}
    with own_broker(tmp_path, messages) as (port, _):
        yield port


@pytest.mark.model
def test_paraphrases_in_a_home_of_500_devices(big: int, tmp_path: Path) -> None:
    radio, lock = topic("Nursery", "Radio"), topic("Cellar", "Door Lock")
    watched = [
        topic(room, thing, what)
        for room in ROOMS
        for kind, thing in THINGS
        for what in (("temperature/set", "mode/set") if kind == "climate" else ("set",))
    ]
    subscriber = Subscriber(big, watched)
    config = write_config(tmp_path, f'[mqtt]\nport = {big}\nclient_id = "big-home"\n')
    try:
        proc = run_cli(
            "text", "--config", str(config),
            "I don't need the nursery radio any more", "yes",
            "make sure nobody gets in through the cellar door", "yes",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert "LLM: the home's 500 devices are more than its prompt holds" in (
            proc.stderr
        )
        assert "prompt prefix has" not in proc.stderr  # the prefix fitted
        # the model, not the rules, read both (each narrowed from 500 devices)
        assert proc.stderr.count("LLM devices for") == 2, proc.stderr
        received = subscriber.wait_for(2, timeout=10)
        assert received == [(radio, "OFF"), (lock, "LOCK")], proc.stdout
    finally:
        subscriber.close()
