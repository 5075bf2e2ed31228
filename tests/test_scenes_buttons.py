"""Scenes and buttons: the messages Home Assistant's MQTT platforms publish, first
from the domain modules, then typed through `assistant text` against a real
Mosquitto with retained discovery, seen by an independent subscriber.

Expected payloads, from Home Assistant's source (homeassistant 2026.2.3):
- ``homeassistant/components/mqtt/scene.py``, ``async_activate``: publishes
  ``payload_on`` to ``command_topic`` (qos, retain, encoding of the entity);
- ``homeassistant/components/mqtt/button.py``, ``async_press``: publishes
  ``command_template(payload_press)`` to ``command_topic``; ``payload_press``
  defaults to "PRESS".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import CapabilityError
from assistant.home.domains import build_commands, describe_state, supports
from assistant.home.model import Command, Domain, EntityState, Operation

from .conftest import Subscriber, own_broker, run_cli
from .device_fixtures import discovered
from .live import write_config

DISCOVERY = {
    "homeassistant/scene/movie_night/config": {
        "name": "Movie Night", "command_topic": "home/scene/movie_night/set",
        "payload_on": "ON", "unique_id": "scene_movie_night",
    },
    "homeassistant/scene/relax/config": {
        "name": "Relax", "~": "home/scene/relax", "cmd_t": "~/set", "pl_on": "go",
        "uniq_id": "scene_relax", "ret": True,
    },
    "homeassistant/button/chime/config": {
        "name": "Doorbell Chime", "cmd_t": "home/chime/cmd", "pl_prs": "ring",
        "cmd_tpl": '{"action": "{{ value }}"}', "uniq_id": "chime",
    },
    "homeassistant/button/router/config": {
        "name": "Router Restart", "command_topic": "home/router/restart",
        "device_class": "restart", "unique_id": "router_restart",
    },
}  # fmt: skip


def test_what_home_assistant_publishes_for_each() -> None:
    things = discovered(DISCOVERY)
    expected = {
        "Movie Night": Command("home/scene/movie_night/set", "ON"),
        "Relax": Command("home/scene/relax/set", "go", retain=True),
        "Doorbell Chime": Command("home/chime/cmd", '{"action": "ring"}'),
        "Router Restart": Command("home/router/restart", "PRESS"),
    }
    for name, command in expected.items():
        entity = things[name]
        assert build_commands(entity, Operation.TURN_ON) == [command], name
        with pytest.raises(CapabilityError, match=r"I can only (activate|press) it\."):
            build_commands(entity, Operation.TURN_OFF)
        ops = {op for op in Operation if supports(entity, op)}
        assert ops == {Operation.TURN_ON}
    assert {e.domain for e in things.values()} == {Domain.SCENE, Domain.BUTTON}
    said = describe_state(things["Relax"], EntityState())
    assert said == "Relax is a scene; I can activate it."


@pytest.mark.model
def test_typed_commands_reach_a_separate_subscriber(tmp_path: Path) -> None:
    retained = {topic: json.dumps(config) for topic, config in DISCOVERY.items()}
    with own_broker(tmp_path, retained) as (port, _):
        watched = ["home/#"]
        subscriber = Subscriber(port, watched)
        config = write_config(
            tmp_path, f'[mqtt]\nport = {port}\nclient_id = "scenes"\n'
        )
        try:
            proc = run_cli(
                "text", "--config", str(config),
                "activate movie night", "activate the relax scene",
                "press the doorbell chime", "push the router restart button",
                "turn off movie night",
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr
            received = subscriber.wait_for(4, timeout=10)
            assert received == [
                ("home/scene/movie_night/set", "ON"),
                ("home/scene/relax/set", "go"),
                ("home/chime/cmd", '{"action": "ring"}'),
                ("home/router/restart", "PRESS"),
            ], proc.stdout
            assert subscriber.settle(0.5) == received  # "turn off" sent nothing
            replies = (
                "Activating movie night.", "Activating relax.",
                "Pressing the doorbell chime.", "Pressing the router restart.",
                "Movie night is a scene; I can only activate it.",
            )  # fmt: skip
            for reply in replies:
                assert reply in proc.stdout, proc.stdout
        finally:
            subscriber.close()
