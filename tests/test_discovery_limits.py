"""Hostile discovery: every config that could wedge the MQTT client or take over a
device is skipped with a message naming the topic and the field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.discovery import DiscoveryError, entities_from_discovery
from assistant.home.registry import DeviceRegistry

TOPIC = "homeassistant/lock/front_door/config"
LOCK: dict[str, Any] = {
    "name": "Front Door", "unique_id": "front_door_lock",
    "command_topic": "home/front_door/set", "state_topic": "home/front_door/state",
}  # fmt: skip


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def _lock(**changes: Any) -> bytes:
    return json.dumps({**LOCK, **changes}).encode()


@pytest.mark.parametrize(
    ("payload", "problem"),
    [(_lock(state_topic="a\udcffb"), "state_topic: is not valid UTF-8"),
     (_lock(state_topic="a\0b"), "state_topic: contains a NUL"),
     (_lock(command_topic="x" * 70_000), "command_topic: is 70000 bytes long"),
     (_lock(command_topic="home/+/set"), "MQTT wildcard"),
     (b'{"name": "Front Door", "command_topic": "a", "brightness_scale": NaN}',
      "NaN is not a JSON number"),
     (b'{"name": "Front Door", "command_topic": "a", "min_temp": -Infinity}',
      "-Infinity is not a JSON number"),
     (_lock(x=_nested(500)), "nested more than 16 levels"),
     (b" " * (10 * 1024 * 1024), "payload is 10485760 bytes"),
     (_lock(brightness_scale=1e300), "out of range"),
     (_lock(precision=1e-05), "precision: must be at least 0.01")],
)  # fmt: skip
def test_hostile_configs_are_skipped_by_name(payload: bytes, problem: str) -> None:
    with pytest.raises(DiscoveryError) as err:
        entities_from_discovery(TOPIC, payload)
    assert problem in err.value.message and TOPIC in err.value.message


def test_a_unique_id_stays_with_its_first_topic(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = DeviceRegistry()
    found = entities_from_discovery(TOPIC, json.dumps(LOCK).encode())
    assert found
    registry.replace_topic(TOPIC, found)
    rogue_topic = "homeassistant/lock/rogue/config"
    rogue = {**LOCK, "command_topic": "evil/set"}
    stolen = entities_from_discovery(rogue_topic, json.dumps(rogue).encode())
    assert stolen
    stored, removed = registry.replace_topic(rogue_topic, stolen)
    assert stored == [] and removed == []
    [lock] = registry.entities()
    assert lock.config["command_topic"] == "home/front_door/set"
    assert TOPIC in caplog.text and rogue_topic in caplog.text
    assert registry.remove_by_topic(rogue_topic) == []  # nor can it delete the lock
    assert len(registry.entities()) == 1
    again = {**LOCK, "command_topic": "home/front_door/cmd"}  # its own topic may
    registry.replace_topic(
        TOPIC, entities_from_discovery(TOPIC, json.dumps(again).encode()) or []
    )
    assert registry.entities()[0].config["command_topic"] == "home/front_door/cmd"


@pytest.mark.parametrize(
    "source",
    ["{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
     "{{ 9**9999999 }}", "{{ (9**1000)**1000 }}", "{{ 'a' * 10**8 }}",
     "{{ [1] * 10**8 }}"],
)  # fmt: skip
def test_a_template_over_its_budget_fails_fast(source: str) -> None:
    import time

    from jinja2.exceptions import SecurityError

    from assistant.templates import render_template

    started = time.monotonic()
    with pytest.raises(SecurityError):
        render_template(source, {})
    assert time.monotonic() - started < 1.0


def test_templates_within_budget_still_work() -> None:
    from assistant.templates import render_template

    loop = "{% for i in range(3) %}{{ i * 2 }}{% endfor %}"
    assert render_template(loop, {}) == "024"
    assert render_template("{{ (value | float) ** 2 }}", {"value": "3"}) == "9.0"
