"""Valves and sirens: the messages Home Assistant's MQTT platforms publish, first
from the domain modules, then typed through `assistant text` against a real
Mosquitto with retained discovery, seen by an independent subscriber.

Expected payloads, from Home Assistant's source (homeassistant 2026.2.3):
- ``homeassistant/components/mqtt/valve.py`` (``async_open_valve``,
  ``async_close_valve``, ``async_set_valve_position``) with
  ``components/valve/__init__.py``: ``payload_open``/``payload_close`` through
  ``command_template``; a valve with ``reports_position`` is opened and closed by
  position, ``round(p * (position_open - position_closed) / 100 +
  position_closed)``, the template also getting ``position`` (percent);
- ``homeassistant/components/mqtt/siren.py`` (``async_turn_on``/``async_turn_off``):
  without a template, compact JSON ``{"state":"ON"}``; ``command_off_template``
  falls back to ``command_template``, rendered with ``value`` and ``state``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import CapabilityError
from assistant.home.domains import build_commands, supports
from assistant.home.model import Command, Operation
from assistant.home.registry import DeviceRegistry

from .conftest import Subscriber, own_broker, run_cli
from .device_fixtures import discovered
from .live import write_config

DISCOVERY = {
    "homeassistant/valve/water/config": {
        "name": "Water Valve", "command_topic": "home/water/valve/set",
        "state_topic": "home/water/valve/state", "device_class": "water",
        "unique_id": "water_valve",
    },
    "homeassistant/valve/tap/config": {
        "name": "Garden Tap", "~": "home/garden/tap", "cmd_t": "~/set", "pos": True,
        "pos_clsd": 0, "pos_open": 255, "uniq_id": "garden_tap",
        "cmd_tpl": '{"pos": {{ value }}, "pct": {{ position }}}',
    },
    "homeassistant/valve/gas/config": {
        "name": "Gas Valve", "command_topic": "home/gas/valve/set",
        "device_class": "gas", "unique_id": "gas_valve",
    },
    "homeassistant/siren/hall/config": {
        "name": "Hall Siren", "command_topic": "home/hall/siren/set",
        "unique_id": "hall_siren",
    },
    "homeassistant/siren/yard/config": {
        "name": "Yard Siren", "cmd_t": "home/yard/siren/set",
        "cmd_tpl": "{{ value }}", "cmd_off_tpl": "stop-{{ state }}",
        "stat_t": "home/yard/siren/state", "uniq_id": "yard_siren",
    },
}  # fmt: skip


def test_what_home_assistant_publishes_for_each() -> None:
    things = discovered(DISCOVERY)
    water, tap = things["Water Valve"], things["Garden Tap"]
    at = '{"pos": 128, "pct": 50}'

    hall, yard = things["Hall Siren"], things["Yard Siren"]
    expected = [
        (water, Operation.OPEN, None, "home/water/valve/set", "OPEN"),
        (water, Operation.CLOSE, None, "home/water/valve/set", "CLOSE"),
        (water, Operation.TURN_ON, None, "home/water/valve/set", "OPEN"),
        (tap, Operation.SET_POSITION, 50, "home/garden/tap/set", at),
        (tap, Operation.OPEN, None, "home/garden/tap/set", '{"pos": 255, "pct": 100}'),
        (tap, Operation.CLOSE, None, "home/garden/tap/set", '{"pos": 0, "pct": 0}'),
        (hall, Operation.TURN_ON, None, "home/hall/siren/set", '{"state":"ON"}'),
        (hall, Operation.TURN_OFF, None, "home/hall/siren/set", '{"state":"OFF"}'),
        (yard, Operation.TURN_ON, None, "home/yard/siren/set", "ON"),
        (yard, Operation.TURN_OFF, None, "home/yard/siren/set", "stop-OFF"),
    ]  # fmt: skip
    for entity, op, value, topic, payload in expected:
        assert build_commands(entity, op, value) == [Command(topic, payload)], (
            op,
            value,
        )
    with pytest.raises(CapabilityError, match="can't be set to a position"):
        build_commands(water, Operation.SET_POSITION, 50)
    assert not supports(water, Operation.STOP)  # no payload_stop: no stop
    assert not supports(hall, Operation.SET_BRIGHTNESS)


def test_states_as_home_assistant_reads_them() -> None:
    registry = DeviceRegistry()
    for entity in discovered(DISCOVERY).values():
        registry.upsert(entity)
    registry.handle_state("home/water/valve/state", b"closing")
    assert registry.state("valve.water_valve").state == "closing"
    registry.handle_state("home/yard/siren/state", b'{"state": "ON", "tone": "ping"}')
    assert registry.state("siren.yard_siren").state == "on"
    registry.handle_state("home/yard/siren/state", b"OFF")
    assert registry.state("siren.yard_siren").state == "off"
    registry.apply_commands("valve.garden_tap", Operation.SET_POSITION, 40)
    tap = registry.state("valve.garden_tap")  # no state topic: optimistic
    assert (tap.state, tap.position) == ("open", 40)


@pytest.mark.model
def test_typed_commands_reach_a_separate_subscriber(tmp_path: Path) -> None:
    retained = {topic: json.dumps(config) for topic, config in DISCOVERY.items()}
    with own_broker(tmp_path, retained) as (port, _):
        subscriber = Subscriber(port, ["home/+/+/set", "home/garden/tap/set"])
        mqtt = f'[mqtt]\nport = {port}\nclient_id = "valves"\n'
        config = write_config(tmp_path, mqtt)
        try:
            proc = run_cli(
                "text", "--config", str(config),
                "close the water valve", "set the garden tap to 50 percent",
                "open the gas valve", "yes",
                "turn on the hall siren", "no",
                "turn off the yard siren",
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr
            received = subscriber.wait_for(4, timeout=10)
            assert received == [
                ("home/water/valve/set", "CLOSE"),
                ("home/garden/tap/set", '{"pos": 128, "pct": 50}'),
                ("home/gas/valve/set", "OPEN"),  # after "yes"
                ("home/yard/siren/set", "stop-OFF"),  # the hall siren: "no"
            ], proc.stdout
            assert subscriber.settle(0.5) == received
            assert "Are you sure you want to open the gas valve?" in proc.stdout
            assert "Are you sure you want to turn on the hall siren?" in proc.stdout
        finally:
            subscriber.close()
