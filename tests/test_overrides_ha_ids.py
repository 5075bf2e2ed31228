"""Overrides keyed by the entity id Home Assistant made (issue #13): HA 2024.3 joined
the device name and the entity name even when they were the same ("Projector" of
device "Projector" became ``switch.projector_projector``; the issue saw
``switch.tv_tv`` on a real HA 2024.3), later versions do not. Both ids work; an
override that matches nothing is reported by `config check` with its line. A real
Mosquitto, `assistant text` and `assistant config check` as a user runs them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.home.model import Domain, Entity
from assistant.overrides import ha_entity_ids

from .conftest import Subscriber, publish_retained, run_cli
from .live import write_config

TOPIC = "homeassistant/switch/projector/config"
PROJECTOR = {
    "name": "Projector",
    "unique_id": "t_projector",
    "command_topic": "t/cinema/projector/set",
    "device": {"identifiers": ["t_projector"], "name": "Projector"},
}


def test_both_ids_of_a_name_equal_to_its_device() -> None:
    ours = Entity("switch.projector", Domain.SWITCH, "Projector", None, PROJECTOR)
    assert ha_entity_ids(ours) == ("switch.projector", "switch.projector_projector")
    named = {**PROJECTOR, "object_id": "beamer"}
    fixed = Entity("switch.beamer", Domain.SWITCH, "Projector", None, named)
    assert ha_entity_ids(fixed) == ("switch.beamer",)  # HA takes object_id as is


@pytest.fixture
def projector(home: int) -> Iterator[int]:
    publish_retained(home, {TOPIC: json.dumps(PROJECTOR)})
    yield home
    publish_retained(home, {TOPIC: ""})


def _config(folder: Path) -> Path:
    return write_config(
        folder,
        "[llm]\nenabled = false\n"
        '[homeassistant.overrides."switch.projector_projector"]\n'
        'area = "Cinema"\naliases = ["beamer"]\n'
        "\n"
        '[homeassistant.overrides."light.attic_light"]\n'
        'area = "Attic"\n',
    )


def test_an_override_by_the_id_ha_made_takes_effect(
    projector: int, tmp_path: Path
) -> None:
    config = _config(tmp_path)
    sub = Subscriber(projector, ["t/cinema/projector/set"])
    try:
        proc = run_cli("text", "--config", str(config), "--mqtt-host", "127.0.0.1",
                       "--mqtt-port", str(projector), "turn on the beamer")  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert sub.wait_for(1) == [("t/cinema/projector/set", "ON")]
    finally:
        sub.close()
    assert (
        'homeassistant.overrides."light.attic_light" matches no device' in proc.stderr
    )
    listed = run_cli("home", "--config", str(config), "--mqtt-host", "127.0.0.1",
                     "--mqtt-port", str(projector), "--json")  # fmt: skip
    row = next(r for r in json.loads(listed.stdout) if r["source"] == TOPIC)
    assert row["room"] == "Cinema" and row["aliases"] == ["beamer"]


def test_config_check_names_the_override_that_matches_nothing(
    projector: int, tmp_path: Path
) -> None:
    config = _config(tmp_path)
    proc = run_cli("config", "check", "--config", str(config), "--mqtt-host",
                   "127.0.0.1", "--mqtt-port", str(projector))  # fmt: skip
    assert proc.returncode == 1
    problems = proc.stdout.strip().splitlines()
    line = (
        config.read_text()
        .splitlines()
        .index('[homeassistant.overrides."light.attic_light"]')
    )
    assert problems == [
        f'{config}:{line + 1}: homeassistant.overrides."light.attic_light": matches '
        "no device on the broker or in [[devices]] (by entity id, as the assistant "
        "or Home Assistant makes it, or by name; `assistant home` lists them)"
    ]
