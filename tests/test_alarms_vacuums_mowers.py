"""Alarm panels, vacuums and lawn mowers: the messages Home Assistant's MQTT
platforms publish, first from the domain modules, then typed through `assistant
text` against a real Mosquitto with retained discovery, seen by an independent
subscriber.

Expected payloads, from Home Assistant's source (homeassistant 2026.2.3):
- ``homeassistant/components/mqtt/alarm_control_panel.py`` (``_publish``,
  ``_validate_code``, ``async_alarm_*``) with ``components/alarm_control_panel/
  __init__.py`` (``check_code_arm_required``): ``command_template`` (default
  ``{{action}}``) rendered with ``action`` and ``code``; arming without a code
  fails when ``code_arm_required``; a local ``code`` must match;
- ``homeassistant/components/mqtt/vacuum.py`` (``async_start``, ``async_pause``,
  ``async_stop``, ``async_return_to_base``, ``async_locate``,
  ``async_set_fan_speed``): the payloads on ``command_topic`` without a template,
  each only with its ``supported_features`` entry; the fan speed, one of
  ``fan_speed_list``, on ``set_fan_speed_topic``;
- ``homeassistant/components/mqtt/lawn_mower.py`` (``async_start_mowing``,
  ``async_pause``, ``async_dock``): the option string through the operation's
  command template, on its own command topic.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import CapabilityError
from assistant.home.domains import build_commands, describe_state, supports
from assistant.home.model import Command, Operation, Secret
from assistant.home.registry import DeviceRegistry

from .conftest import Subscriber, own_broker, run_cli
from .device_fixtures import discovered
from .live import write_config

CODE = "80417"
DISCOVERY = {
    "homeassistant/alarm_control_panel/house/config": {
        "name": "House Alarm", "~": "home/alarm", "cmd_t": "~/set", "stat_t": "~/state",
        "code": "REMOTE_CODE", "uniq_id": "house_alarm",
        "cmd_tpl": '{"action": "{{ action }}", "code": "{{ code }}"}',
    },
    "homeassistant/alarm_control_panel/shed/config": {
        "name": "Shed Alarm", "command_topic": "home/shed/alarm/set",
        "state_topic": "home/shed/alarm/state", "code_arm_required": False,
        "payload_arm_away": "AWAY", "unique_id": "shed_alarm",
        "supported_features": ["arm_away"],
    },
    "homeassistant/vacuum/rover/config": {
        "name": "Rover", "cmd_t": "home/rover/cmd", "stat_t": "home/rover/state",
        "set_fan_spd_t": "home/rover/fan", "fanspd_lst": ["quiet", "max"],
        "sup_feat": ["start", "pause", "stop", "return_home", "fan_speed", "locate"],
        "pl_ret": "dock", "uniq_id": "rover",
    },
    "homeassistant/vacuum/mini/config": {
        "name": "Mini Vacuum", "command_topic": "home/mini/cmd",
        "unique_id": "mini_vacuum",
    },
    "homeassistant/lawn_mower/mowy/config": {
        "name": "Lawn Mower", "strt_mw_cmd_t": "home/mower/start",
        "pause_cmd_t": "home/mower/pause", "dock_cmd_t": "home/mower/dock",
        "dock_cmd_tpl": '{"do": "{{ value }}"}', "act_stat_t": "home/mower/activity",
        "uniq_id": "lawn_mower",
    },
}  # fmt: skip


def test_what_home_assistant_publishes_for_each() -> None:
    things = discovered(DISCOVERY)
    house, shed = things["House Alarm"], things["Shed Alarm"]
    rover, mini, mower = things["Rover"], things["Mini Vacuum"], things["Lawn Mower"]
    code = Secret(CODE)
    with_code = '{"action": "%s", "code": "' + CODE + '"}'
    expected = [
        (house, Operation.ARM_AWAY, code, "home/alarm/set", with_code % "ARM_AWAY"),
        (house, Operation.ARM_NIGHT, code, "home/alarm/set", with_code % "ARM_NIGHT"),
        (house, Operation.DISARM, code, "home/alarm/set", with_code % "DISARM"),
        (shed, Operation.ARM_AWAY, None, "home/shed/alarm/set", "AWAY"),
        (shed, Operation.DISARM, None, "home/shed/alarm/set", "DISARM"),
        (rover, Operation.START, None, "home/rover/cmd", "start"),
        (rover, Operation.PAUSE, None, "home/rover/cmd", "pause"),
        (rover, Operation.STOP, None, "home/rover/cmd", "stop"),
        (rover, Operation.DOCK, None, "home/rover/cmd", "dock"),
        (rover, Operation.LOCATE, None, "home/rover/cmd", "locate"),
        (rover, Operation.SET_MODE, "Max", "home/rover/fan", "max"),
        (mini, Operation.START, None, "home/mini/cmd", "start"),
        (mini, Operation.DOCK, None, "home/mini/cmd", "return_to_base"),
        (mower, Operation.START, None, "home/mower/start", "start_mowing"),
        (mower, Operation.PAUSE, None, "home/mower/pause", "pause"),
        (mower, Operation.DOCK, None, "home/mower/dock", '{"do": "dock"}'),
    ]  # fmt: skip
    for entity, op, value, topic, payload in expected:
        sent = build_commands(entity, op, value)
        assert [(c.topic, c.payload) for c in sent] == [(topic, payload)], (op, value)
        assert sent[0].secret is (value is code)
    assert CODE not in repr(build_commands(house, Operation.DISARM, code))
    # not what the device announced: HA publishes nothing, and neither do we
    with pytest.raises(CapabilityError, match="need a code to arm the house alarm"):
        build_commands(house, Operation.ARM_HOME, None)
    with pytest.raises(CapabilityError, match="has no night mode"):
        build_commands(shed, Operation.ARM_NIGHT, None)
    local = discovered(
        {"homeassistant/alarm_control_panel/p/config": {**_plain("p"), "code": "1111"}}
    )["P"]
    with pytest.raises(CapabilityError, match="not the right one"):
        build_commands(local, Operation.DISARM, code)
    assert build_commands(local, Operation.DISARM, Secret("1111")) == [
        Command("p/set", "DISARM", secret=True)
    ]
    assert not supports(mini, Operation.PAUSE)  # not in the default features
    assert not supports(mini, Operation.SET_MODE)
    with pytest.raises(
        CapabilityError, match="has no speed turbo; it has quiet and max"
    ):
        build_commands(rover, Operation.SET_MODE, "turbo")
    assert build_commands(mower, Operation.TURN_OFF) == [
        Command("home/mower/dock", '{"do": "dock"}')
    ]


def _plain(name: str) -> dict[str, object]:
    return {"name": name.upper(), "cmd_t": f"{name}/set", "stat_t": f"{name}/state"}


def test_states_as_home_assistant_reads_them_and_says_them() -> None:
    registry = DeviceRegistry()
    things = discovered(DISCOVERY)
    for entity in things.values():
        registry.upsert(entity)
    said = {}
    for topic, payload, entity_id in (
        ("home/alarm/state", "armed_night", "alarm_control_panel.house_alarm"),
        ("home/rover/state", '{"state":"cleaning","fan_speed":"max"}', "vacuum.rover"),
        ("home/mower/activity", "docked", "lawn_mower.lawn_mower"),
    ):  # fmt: skip
        registry.handle_state(topic, payload.encode())
        found = registry.get(entity_id)
        assert found is not None
        said[entity_id] = describe_state(found, registry.state(entity_id))
    assert said == {
        "alarm_control_panel.house_alarm": "The house alarm is armed in night mode.",
        "vacuum.rover": "The rover is cleaning at max speed.",
        "lawn_mower.lawn_mower": "The lawn mower is docked.",
    }
    registry.handle_state("home/alarm/state", b"burgled")  # not a state: ignored
    assert registry.state("alarm_control_panel.house_alarm").state == "armed_night"
    registry.apply_commands("vacuum.mini_vacuum", Operation.START, None)
    assert registry.state("vacuum.mini_vacuum").state == "cleaning"  # optimistic


@pytest.mark.model
def test_spoken_commands_reach_a_separate_subscriber_and_the_code_stays_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    retained = {topic: json.dumps(config) for topic, config in DISCOVERY.items()}
    monkeypatch.setenv("ASSISTANT_ALARM_CODE", CODE)
    with own_broker(tmp_path, retained) as (port, _):
        everything = Subscriber(port, ["#"])
        mqtt = f'[mqtt]\nport = {port}\nclient_id = "alarms"\n'
        config = write_config(tmp_path, mqtt)
        try:
            proc = run_cli(
                "--debug", "text", "--config", str(config),
                "arm the house alarm in night mode",
                "arm the house alarm in home mode",
                "arm the house alarm for vacation",
                "disarm the house alarm", "no",
                "disarm the house alarm", "yes",
                "arm the shed alarm",
                "start rover", "pause the vacuum", "stop rover", "set rover to max",
                "send rover home", "locate rover",
                "start the mini vacuum",
                "start mowing", "pause the mower", "stop mowing",
                "is the house alarm armed",
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr
            with_code = '{"action": "%s", "code": "' + CODE + '"}'
            commands = [
                ("home/alarm/set", with_code % "ARM_NIGHT"),
                ("home/alarm/set", with_code % "ARM_HOME"),
                ("home/alarm/set", with_code % "ARM_VACATION"),
                ("home/alarm/set", with_code % "DISARM"),  # after "yes" only
                ("home/shed/alarm/set", "AWAY"),
                ("home/rover/cmd", "start"),
                ("home/rover/cmd", "pause"),  # not the mini vacuum: it can't
                ("home/rover/cmd", "stop"),
                ("home/rover/fan", "max"),
                ("home/rover/cmd", "dock"),
                ("home/rover/cmd", "locate"),
                ("home/mini/cmd", "start"),
                ("home/mower/start", "start_mowing"),
                ("home/mower/pause", "pause"),
                ("home/mower/dock", '{"do": "dock"}'),
            ]
            everything.wait_for(len(retained) + len(commands), timeout=10)
            received = everything.settle(0.5)
            sent = [m for m in received if m[0].startswith("home/")]
            assert sent == commands, proc.stdout
            # the code went to the panel's command topic, and nowhere else:
            # not in a reply or log line (debug ones too), not in an event or a
            # Hermes message
            leaks = [m for m in received if CODE in m[1] and m[0] != "home/alarm/set"]
            assert leaks == []
            assert CODE not in proc.stdout + proc.stderr
            assert "Are you sure you want to disarm the house alarm?" in proc.stdout
            assert "Arming the house alarm in night mode." in proc.stdout
            assert "Sending the rover home." in proc.stdout
        finally:
            everything.close()


@pytest.mark.model
def test_a_panel_needing_a_code_nobody_set_up_is_named_once_and_never_moves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    retained = {topic: json.dumps(config) for topic, config in DISCOVERY.items()}
    monkeypatch.delenv("ASSISTANT_ALARM_CODE", raising=False)
    with own_broker(tmp_path, retained) as (port, _):
        panels = Subscriber(port, ["home/alarm/set", "home/shed/alarm/set"])
        config = write_config(tmp_path, f'[mqtt]\nport = {port}\nclient_id = "nc"\n')
        try:
            proc = run_cli(
                "text", "--config", str(config),
                "arm the house alarm", "arm the shed alarm",
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr
            sent = panels.settle(1.0)
        finally:
            panels.close()
    assert sent == [("home/shed/alarm/set", "AWAY")]  # it needs no code
    assert "I need a code to arm the house alarm, and none is set up." in proc.stdout
    warnings = [line for line in proc.stderr.splitlines() if "needs a code" in line]
    assert len(warnings) == 1, proc.stderr
    assert "house_alarm needs a code to arm or disarm" in warnings[0]
    assert "ASSISTANT_ALARM_CODE" in warnings[0]


@pytest.mark.parametrize(
    ("said", "intent"),
    [("start the kettle", None), ("start up the kettle", None),
     ("pause the kettle", None), ("arm the kettle", None),
     ("start rover", "HassVacuumStart"), ("start the rovr", "HassVacuumStart"),
     ("dock the lawn mower", "HassLawnMowerDock"),
     ("arm the house alarm", "HassAlarmArm")],
)  # fmt: skip
def test_a_vacuums_words_are_for_vacuums(said: str, intent: str | None) -> None:
    """ "Start", "pause" or "arm" a switch is not a vacuum's or a panel's command:
    the rules leave it to the rest of the cascade, exact or fuzzy name alike."""
    from assistant.home.model import Domain, Entity
    from assistant.intent.rules import HassilRecognizer

    kettle = Entity("switch.kettle", Domain.SWITCH, "Kettle", None, {})
    recognizer = HassilRecognizer()
    recognizer.update_devices([kettle, *discovered(DISCOVERY).values()])
    found = recognizer.recognize(said)
    assert (found.name if found and found.confidence > 0 else None) == intent


def test_turning_an_alarm_off_disarms_it_with_the_code_after_asking() -> None:
    from assistant.handle import IntentHandler
    from assistant.home.domains import default_confirm
    from assistant.intent.rules import HassilRecognizer

    registry = DeviceRegistry()
    for entity in discovered(DISCOVERY).values():
        registry.upsert(entity)
    recognizer = HassilRecognizer()
    recognizer.update_devices(registry.entities())
    handler = IntentHandler(registry, confirm=default_confirm(), alarm_code=CODE)
    response = handler.handle(recognizer.recognize("turn off the house alarm"))
    assert response.confirm == "Are you sure you want to disarm the house alarm?"
    assert [(c.topic, c.payload) for c in response.commands] == [
        ("home/alarm/set", '{"action": "DISARM", "code": "' + CODE + '"}')
    ]
    assert CODE not in f"{response.speech} {response.confirm} {response.commands!r}"
    assert CODE not in repr(response.actions)
