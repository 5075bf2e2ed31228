"""Humidifiers, water heaters, selects, numbers and the fan's presets, oscillation
and direction: the messages Home Assistant's MQTT platforms publish, first from
the domain modules, then typed through `assistant text` against a real Mosquitto
with retained discovery, seen by an independent subscriber.

Expected payloads, from Home Assistant's source (homeassistant 2026.2.3):
- ``homeassistant/components/mqtt/humidifier.py`` (``async_turn_on``,
  ``async_set_humidity``, ``async_set_mode``): ``payload_on`` through
  ``command_template``; the target humidity as an int through
  ``target_humidity_command_template``; a mode of ``modes`` through
  ``mode_command_template``;
- ``homeassistant/components/mqtt/water_heater.py`` with ``mqtt/climate.py``
  (``MqttTemperatureControlEntity.async_set_temperature``): the temperature as a
  float ("55.0"); ``set_operation_mode`` publishes the mode; on and off go to
  ``power_command_topic``;
- ``homeassistant/components/mqtt/select.py`` (``async_select_option``): the
  option through ``command_template``;
- ``homeassistant/components/mqtt/number.py`` (``async_set_native_value``):
  integral values as ints ("20"), through ``command_template``;
- ``homeassistant/components/mqtt/fan.py`` (``async_set_preset_mode``,
  ``async_oscillate``, ``async_set_direction``): the preset, ``oscillate_on``/
  ``oscillate_off`` and ``forward``/``reverse``, each through its template.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import CapabilityError
from assistant.home.domains import build_commands, describe_state, supports
from assistant.home.model import Operation
from assistant.home.registry import DeviceRegistry

from .conftest import Subscriber, own_broker, run_cli
from .device_fixtures import discovered
from .live import write_config

DISCOVERY = {
    "homeassistant/humidifier/bed/config": {
        "name": "Bedroom Humidifier", "command_topic": "s/humidifier/set",
        "state_topic": "s/humidifier/state",
        "target_humidity_command_topic": "s/humidifier/target/set",
        "target_humidity_state_topic": "s/humidifier/target",
        "mode_command_topic": "s/humidifier/mode/set", "modes": ["eco", "boost"],
        "min_humidity": 30, "max_humidity": 80, "unique_id": "bed_humidifier",
    },
    "homeassistant/water_heater/boiler/config": {
        "name": "Water Heater", "~": "s/heater", "temp_cmd_t": "~/temp/set",
        "mode_cmd_t": "~/mode/set", "mode_cmd_tpl": '{"mode": "{{ value }}"}',
        "pow_cmd_t": "~/power/set", "curr_temp_t": "~/now",
        "modes": ["eco", "heat_pump", "off"], "uniq_id": "water_heater",
    },
    "homeassistant/select/washer/config": {
        "name": "Washer Program", "cmd_t": "s/washer/program/set",
        "stat_t": "s/washer/program", "ops": ["Cotton", "Quick Wash", "Eco 40-60"],
        "uniq_id": "washer_program",
    },
    "homeassistant/number/volume/config": {
        "name": "Speaker Volume", "cmd_t": "s/volume/set", "min": 0, "max": 50,
        "step": 5, "unit_of_meas": "%", "cmd_tpl": '{"volume": {{ value }}}',
        "uniq_id": "speaker_volume",
    },
    "homeassistant/fan/ceiling/config": {
        "name": "Ceiling Fan", "cmd_t": "s/fan/set", "stat_t": "s/fan/state",
        "pr_mode_cmd_t": "s/fan/preset/set", "pr_modes": ["breeze", "sleep"],
        "osc_cmd_t": "s/fan/osc/set", "dir_cmd_t": "s/fan/dir/set",
        "dir_stat_t": "s/fan/dir", "uniq_id": "ceiling_fan",
    },
}  # fmt: skip


def test_what_home_assistant_publishes_for_each() -> None:
    things = discovered(DISCOVERY)
    hum, heater = things["Bedroom Humidifier"], things["Water Heater"]
    washer, volume, fan = (
        things["Washer Program"], things["Speaker Volume"], things["Ceiling Fan"]
    )  # fmt: skip
    expected = [
        (hum, Operation.TURN_ON, None, "s/humidifier/set", "ON"),
        (hum, Operation.SET_HUMIDITY, 45, "s/humidifier/target/set", "45"),
        (hum, Operation.SET_MODE, "Boost", "s/humidifier/mode/set", "boost"),
        (heater, Operation.SET_TEMPERATURE, 55, "s/heater/temp/set", "55.0"),
        (heater, Operation.SET_MODE, "heat pump", "s/heater/mode/set",
         '{"mode": "heat_pump"}'),
        (heater, Operation.TURN_OFF, None, "s/heater/power/set", "OFF"),
        (washer, Operation.SET_MODE, "quick wash", "s/washer/program/set",
         "Quick Wash"),
        (volume, Operation.SET_VALUE, 20, "s/volume/set", '{"volume": 20}'),
        (volume, Operation.SET_VALUE, 22.4, "s/volume/set", '{"volume": 20}'),
        (fan, Operation.SET_MODE, "breeze", "s/fan/preset/set", "breeze"),
        (fan, Operation.OSCILLATE, True, "s/fan/osc/set", "oscillate_on"),
        (fan, Operation.OSCILLATE, False, "s/fan/osc/set", "oscillate_off"),
        (fan, Operation.SET_DIRECTION, "reverse", "s/fan/dir/set", "reverse"),
    ]  # fmt: skip
    for entity, op, value, topic, payload in expected:
        sent = build_commands(entity, op, value)
        assert [(c.topic, c.payload) for c in sent] == [(topic, payload)], (op, value)
    with pytest.raises(CapabilityError, match="between 30 and 80 percent"):
        build_commands(hum, Operation.SET_HUMIDITY, 90)
    with pytest.raises(CapabilityError, match=r"between 43\.3 and 60 degrees"):
        build_commands(heater, Operation.SET_TEMPERATURE, 75)  # HA's 110-140 °F
    with pytest.raises(CapabilityError, match="no option spin; it has cotton, quick"):
        build_commands(washer, Operation.SET_MODE, "spin")
    with pytest.raises(CapabilityError, match="between 0 and 50 percent"):
        build_commands(volume, Operation.SET_VALUE, 60)
    assert not supports(heater, Operation.SET_HUMIDITY)
    assert not supports(volume, Operation.TURN_ON)


def test_states_as_home_assistant_reads_them_and_says_them() -> None:
    registry = DeviceRegistry()
    for entity in discovered(DISCOVERY).values():
        registry.upsert(entity)
    for topic, payload in {
        "s/humidifier/state": "ON", "s/humidifier/target": "45.4",
        "s/heater/now": "52.5", "s/washer/program": "Eco 40-60",
        "s/fan/state": "ON", "s/fan/dir": "reverse",
    }.items():  # fmt: skip
        registry.handle_state(topic, payload.encode())
    said = {
        e.entity_id: describe_state(e, registry.state(e.entity_id))
        for e in registry.entities()
    }
    assert said == {
        "humidifier.bedroom_humidifier": "The bedroom humidifier is on, set to 45 "
        "percent.",
        "water_heater.water_heater": "The water in the water heater is 52.5 degrees.",
        "select.washer_program": "The washer program is set to eco 40 60.",
        "number.speaker_volume": "I don't know the state of the speaker volume yet.",
        "fan.ceiling_fan": "The ceiling fan is on, in reverse.",
    }
    registry.handle_state("s/washer/program", b"Spin")  # not an option: ignored
    assert registry.state("select.washer_program").state == "Eco 40-60"
    registry.apply_commands("number.speaker_volume", Operation.SET_VALUE, 23)
    assert registry.state("number.speaker_volume").state == "25"  # optimistic


@pytest.mark.model
def test_spoken_settings_reach_a_separate_subscriber(tmp_path: Path) -> None:
    retained = {topic: json.dumps(config) for topic, config in DISCOVERY.items()}
    states = {"s/fan/dir": "forward", "s/humidifier/state": "OFF"}
    with own_broker(tmp_path, {**retained, **states}) as (port, _):
        subscriber = Subscriber(port, ["s/#"])
        mqtt = f'[mqtt]\nport = {port}\nclient_id = "settings"\n'
        config = write_config(tmp_path, mqtt)
        try:
            proc = run_cli(
                "text", "--config", str(config),
                "set the bedroom humidifier to 45 percent",
                "set the bedroom humidifier to boost mode",
                "set the water heater to 55 degrees",
                "set the water heater to heat pump mode",
                "set the washer program to quick wash",
                "set the speaker volume to 22",
                "set the ceiling fan to breeze mode",
                "start the ceiling fan oscillating",
                "reverse the ceiling fan",
                "turn off the bedroom humidifier",
                "turn off the water heater",
                "stop the ceiling fan oscillating",
                "set the ceiling fan direction to forward",
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr
            commands = [
                # off: turned on first, as HA's HassHumidifierSetpoint and
                # HassHumidifierMode do (components/humidifier/intent.py)
                ("s/humidifier/set", "ON"),
                ("s/humidifier/target/set", "45"),
                ("s/humidifier/set", "ON"),  # no state came back: still off
                ("s/humidifier/mode/set", "boost"),
                ("s/heater/temp/set", "55.0"),
                ("s/heater/mode/set", '{"mode": "heat_pump"}'),
                ("s/washer/program/set", "Quick Wash"),
                ("s/volume/set", '{"volume": 20}'),
                ("s/fan/preset/set", "breeze"),
                ("s/fan/osc/set", "oscillate_on"),
                ("s/fan/dir/set", "reverse"),  # it ran forward
                ("s/humidifier/set", "OFF"),
                ("s/heater/power/set", "OFF"),
                ("s/fan/osc/set", "oscillate_off"),
                ("s/fan/dir/set", "forward"),
            ]
            subscriber.wait_for(len(commands) + 2, timeout=10)  # and the states
            got = [m for m in subscriber.settle(0.5) if m[0].endswith("/set")]
            assert got == commands, proc.stdout
            assert "Setting the speaker volume to 20 percent." in proc.stdout
            assert "Setting the ceiling fan to reverse." in proc.stdout
        finally:
            subscriber.close()


@pytest.mark.parametrize(
    ("said", "reply"),
    [("set the washer program to turbo",
      "The washer program has no option turbo; it has cotton, quick wash and eco "
      "40 60."),
     ("set the ceiling fan to turbo mode",
      "The ceiling fan has no preset turbo; it has breeze and sleep."),
     ("set the ceiling fan to half speed", None),  # not a preset, maybe a speed
     ("set the washer program to quick wash", "Setting the washer program to quick "
      "wash.")],
)  # fmt: skip
def test_an_option_the_device_lacks_is_refused_by_name(
    said: str, reply: str | None
) -> None:
    from assistant.handle import IntentHandler
    from assistant.intent.rules import HassilRecognizer

    registry = DeviceRegistry()
    for entity in discovered(DISCOVERY).values():
        registry.upsert(entity)
    recognizer = HassilRecognizer()
    recognizer.update_devices(registry.entities())
    intent = recognizer.recognize(said)
    if reply is None:
        assert intent is None or intent.confidence == 0
        return
    response = IntentHandler(registry).handle(intent)
    assert response.speech == reply
    assert bool(response.commands) is said.endswith("quick wash")
