"""The MQTT adapter against the real broker: devices learned only from retained
discovery (full and abbreviated keys), states tracked, deletions forgotten."""

from __future__ import annotations

import asyncio
import json

from assistant.config import MqttConfig
from assistant.home.model import Domain
from assistant.home.registry import DeviceRegistry
from assistant.mqtt import HomeAssistantMqtt

from .conftest import publish_retained


def _adapter(port: int) -> HomeAssistantMqtt:
    cfg = MqttConfig(
        host="127.0.0.1",
        port=port,
        client_id="test-adapter",
        discovery_settle_seconds=3.0,
    )
    return HomeAssistantMqtt(cfg, DeviceRegistry())


async def test_learns_the_home_from_retained_discovery(home: int) -> None:
    adapter = _adapter(home)
    await adapter.start()
    try:
        by_name = {e.name: e for e in adapter.registry.entities()}
        assert set(by_name) >= {
            "Kitchen Light",
            "Desk Lamp",
            "Porch Light",
            "Coffee Machine",
            "Ceiling Fan",
            "Garage Door",
            "Back Door",
            "Living Room Thermostat",
        }
        desk = by_name["Desk Lamp"]  # abbreviated keys, name from the device
        assert desk.domain == Domain.LIGHT and desk.area == "Office"
        assert desk.config["command_topic"] == "zigbee2mqtt/desk_lamp/set"
        porch = by_name["Porch Light"]  # "~" base topic
        assert porch.config["command_topic"] == "tasmota/porch/cmnd/POWER"
        assert by_name["Kitchen Light"].area == "Kitchen"  # full keys
        registry = adapter.registry
        assert (
            registry.state(porch.entity_id).state == "on"
        )  # from a JSON state payload
        assert registry.state(by_name["Garage Door"].entity_id).state == "open"
        thermostat = registry.state(by_name["Living Room Thermostat"].entity_id)
        assert thermostat.current_temperature == 20.5
        assert thermostat.target_temperature == 19
    finally:
        await adapter.stop()


async def test_tracks_updates_and_forgets_deleted_devices(home: int) -> None:
    topic = "homeassistant/switch/temp_heater/config"
    publish_retained(
        home,
        {
            topic: json.dumps(
                {"name": "Heater", "cmd_t": "t/heater/set", "stat_t": "t/heater/state"}
            )
        },
    )
    adapter = _adapter(home)
    await adapter.start()
    try:
        heater = next(e for e in adapter.registry.entities() if e.name == "Heater")
        publish_retained(home, {"t/heater/state": "ON"})
        for _ in range(50):
            if adapter.registry.state(heater.entity_id).state == "on":
                break
            await asyncio.sleep(0.05)
        assert adapter.registry.state(heater.entity_id).state == "on"
        publish_retained(home, {topic: ""})
        for _ in range(50):
            if adapter.registry.get(heater.entity_id) is None:
                break
            await asyncio.sleep(0.05)
        assert adapter.registry.get(heater.entity_id) is None
    finally:
        await adapter.stop()
        publish_retained(home, {topic: "", "t/heater/state": ""})


async def test_the_same_config_again_changes_nothing(home: int) -> None:
    """A retained config comes again after every reconnect: the home is not
    rebuilt for it (the recognizer, the LLM's device list); a changed one is."""
    topic = "homeassistant/switch/temp_kettle/config"
    first = json.dumps({"name": "Kettle", "cmd_t": "t/kettle/set", "uniq_id": "k1"})
    renamed = json.dumps(
        {"name": "Tea Kettle", "cmd_t": "t/kettle/set", "uniq_id": "k1"}
    )
    publish_retained(home, {topic: first})
    changes: list[set[str]] = []
    adapter = _adapter(home)
    adapter._on_devices_changed = lambda: changes.append(
        {e.name for e in adapter.registry.entities()}
    )

    async def settled(count: int) -> None:
        for _ in range(40):
            await asyncio.sleep(0.05)
        assert len(changes) == count, changes

    await adapter.start()
    try:
        await settled(len(changes))
        before = len(changes)
        assert "Kettle" in changes[-1]
        publish_retained(home, {topic: first})
        await settled(before)  # nothing new: no rebuild
        publish_retained(home, {topic: renamed})
        await settled(before + 1)
        assert "Tea Kettle" in changes[-1] and "Kettle" not in changes[-1]
        publish_retained(home, {topic: first})  # and back
        await settled(before + 2)
        assert "Kettle" in changes[-1]
    finally:
        await adapter.stop()
        publish_retained(home, {topic: ""})
