"""Homes announced the way zigbee2mqtt (device-based discovery, JSON lights with xy and
hs colour) and Tasmota ("~" topics, abbreviated keys, LWT availability) announce them:
spoken commands control both; a deleted device is forgotten."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import MqttConfig
from assistant.home.registry import DeviceRegistry
from assistant.mqtt import HomeAssistantMqtt

from .conftest import Subscriber, own_broker, publish_retained, run_cli
from .homes import TASMOTA, Z2M_LAMP, ZIGBEE
from .speech import BRIDGES


@pytest.fixture
def bridge_broker(tmp_path: Path) -> Iterator[int]:
    with own_broker(tmp_path, {**ZIGBEE, **TASMOTA}) as (port, _):
        yield port


CASES = {
    "sofa_blue": (
        [("zigbee2mqtt/Sofa Lamp/set",
          '{"state":"ON","color":{"x":0.15,"y":0.06}}')],
        "turning the sofa lamp blue.",
    ),
    "reading_off": ([("zigbee2mqtt/Reading Light/set", '{"state":"OFF"}')],
                    "turning off the reading light."),
    "reading_green": (
        [("zigbee2mqtt/Reading Light/set",
          '{"state":"ON","color":{"h":120.0,"s":100.0}}')],
        "turning the reading light green.",
    ),
    "hall_dim": (
        [("tasmota_A1B2C3/cmnd/Dimmer", "60"), ("tasmota_A1B2C3/cmnd/POWER", "ON")],
        "setting the hall light to 60 percent.",
    ),
    "garden_on": ([], "the garden light is offline."),
}  # fmt: skip


@pytest.mark.model
def test_spoken_commands_control_both_homes(
    bridge_broker: int, speech: dict[str, Path]
) -> None:
    sub = Subscriber(bridge_broker, ["zigbee2mqtt/+/set", "+/cmnd/#"])
    try:
        files = [str(speech[BRIDGES[key].name]) for key in CASES]
        proc = run_cli("process", "--mqtt-host", "127.0.0.1", "--mqtt-port",
                       str(bridge_broker), "--json", *files)  # fmt: skip
        expected_all = [c for commands, _ in CASES.values() for c in commands]
        received = sub.wait_for(len(expected_all), timeout=10)
        received = sub.settle(0.5)
    finally:
        sub.close()
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    for (key, (commands, reply)), result in zip(CASES.items(), results, strict=True):
        heard = f"{key}: heard {result['transcript']!r}"
        assert result["intent"]["name"] == BRIDGES[key].intent, heard
        assert [(c["topic"], c["payload"]) for c in result["commands"]] == commands, (
            heard
        )
        assert result["response"].lower() == reply, heard
    assert received == expected_all


@pytest.mark.model  # `assistant text` on the shipped config loads the LLM
async def test_deleting_a_device_forgets_all_its_entities(bridge_broker: int) -> None:
    cfg = MqttConfig(host="127.0.0.1", port=bridge_broker, client_id="bridge-test")
    adapter = HomeAssistantMqtt(cfg, DeviceRegistry())
    await adapter.start()
    try:
        names = {e.name for e in adapter.registry.entities()}
        assert {
            "Sofa Lamp",
            "Sofa Lamp Linkquality",
            "Reading Light",
            "Hall Light",
        } <= names
        publish_retained(bridge_broker, {Z2M_LAMP: ""})
        for _ in range(50):
            if not {"Sofa Lamp", "Sofa Lamp Linkquality"} & {
                e.name for e in adapter.registry.entities()
            }:
                break
            await asyncio.sleep(0.05)
        left = {e.name for e in adapter.registry.entities()}
        assert "Sofa Lamp" not in left and "Sofa Lamp Linkquality" not in left
        assert "Reading Light" in left
    finally:
        await adapter.stop()
    port = str(bridge_broker)
    proc = run_cli("text", "--mqtt-host", "127.0.0.1", "--mqtt-port", port,
                   "--json", "turn on the sofa lamp")  # fmt: skip
    assert (
        json.loads(proc.stdout)["response"] == "I don't know a device called sofa lamp."
    )
