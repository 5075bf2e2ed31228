"""The assistant's own Home Assistant device (pure logic): discovery payloads checked
field by field against HA's documented MQTT schemas, event -> state mapping, Hermes."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from assistant.events import EventType, PipelineEvent
from assistant.ha_device import (
    STATES,
    DeviceTopics,
    discovery_configs,
    event_payload,
    state_update,
)
from assistant.hermes import intent_message

# HA's MQTT discovery schemas (https://www.home-assistant.io/integrations/<component>.mqtt/)
COMMON = {
    "availability", "availability_mode", "availability_template", "availability_topic",
    "device", "enabled_by_default", "encoding", "entity_category", "entity_picture",
    "icon", "json_attributes_template", "json_attributes_topic", "name", "object_id",
    "default_entity_id", "origin", "payload_available", "payload_not_available", "qos",
    "unique_id",
}  # fmt: skip
SCHEMAS: dict[str, tuple[set[str], set[str]]] = {  # component -> (required, optional)
    "sensor": ({"state_topic"}, {
        "device_class", "expire_after", "force_update", "last_reset_value_template",
        "options", "state_class", "suggested_display_precision", "unit_of_measurement",
        "value_template"}),
    "switch": ({"command_topic"}, {
        "command_template", "device_class", "optimistic", "payload_off", "payload_on",
        "retain", "state_off", "state_on", "state_topic", "value_template"}),
    "number": ({"command_topic"}, {
        "command_template", "device_class", "min", "max", "mode", "optimistic",
        "payload_reset", "retain", "state_topic", "step", "unit_of_measurement",
        "value_template"}),
    "button": ({"command_topic"}, {
        "command_template", "device_class", "payload_press", "retain"}),
    "text": ({"command_topic"}, {
        "command_template", "max", "min", "mode", "pattern", "retain", "state_topic",
        "value_template"}),
}  # fmt: skip
DEVICE_KEYS = {
    "configuration_url", "connections", "hw_version", "identifiers", "manufacturer",
    "model", "model_id", "name", "serial_number", "suggested_area", "sw_version",
    "via_device",
}  # fmt: skip
ORIGIN_KEYS = {"name", "sw_version", "support_url"}
TOPICS = DeviceTopics("assistant/kitchen")


def check_discovery(component: str, config: dict[str, Any]) -> None:
    """Fail with the offending field if ``config`` is not valid for ``component``."""
    required, optional = SCHEMAS[component]
    assert required <= config.keys(), f"{component}: missing {required - config.keys()}"
    unknown = config.keys() - required - optional - COMMON
    assert not unknown, f"{component}: unknown keys {unknown}"
    for key, value in config.items():
        if key.endswith("_topic"):
            assert isinstance(value, str) and value and not set(value) & {"+", "#"}, key
    assert isinstance(config["unique_id"], str) and config["unique_id"]
    assert isinstance(config["name"], str)
    assert set(config["device"]) <= DEVICE_KEYS
    assert config["device"]["identifiers"] and config["device"]["name"]
    assert set(config["origin"]) <= ORIGIN_KEYS and config["origin"]["name"]
    assert config.get("entity_category") in (None, "config", "diagnostic")
    if config.get("device_class") == "enum":
        assert isinstance(config["options"], list) and config["options"]
    if component == "number":
        assert isinstance(config["min"], float | int) and isinstance(
            config["max"], float | int
        )
        assert config["min"] < config["max"] and config["step"] > 0
        assert config["mode"] in ("auto", "box", "slider")
    if component == "text":
        assert 0 < config["max"] <= 255 and config["mode"] in ("text", "password")
    if component == "switch":
        assert config["payload_on"] != config["payload_off"]


def test_every_entity_is_valid_ha_discovery() -> None:
    configs = discovery_configs("homeassistant", "kitchen", "Kitchen Assistant", TOPICS)
    components = {}
    for topic, config in configs.items():
        prefix, component, node, object_id, last = topic.split("/")
        assert (prefix, node, last) == ("homeassistant", "kitchen", "config")
        check_discovery(component, config)
        components[object_id] = component
        assert re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", config["default_entity_id"])
        assert config["default_entity_id"] == f"{component}.kitchen_{object_id}"
        assert config["availability_topic"] == "assistant/kitchen/availability"
        json.dumps(config)
    assert components == {
        "state": "sensor", "transcript": "sensor", "response": "sensor",
        "mute": "switch", "wake_threshold": "number", "say": "text",
        "listen": "button", "volume": "number",
    }  # fmt: skip
    ids = [c["unique_id"] for c in configs.values()]
    assert len(set(ids)) == len(ids)


def test_the_validator_catches_mistakes() -> None:
    config = discovery_configs("homeassistant", "k", "K", TOPICS)
    switch = next(c for t, c in config.items() if "/switch/" in t)
    with pytest.raises(AssertionError, match="unknown keys"):
        check_discovery("switch", {**switch, "payload_om": "ON"})
    with pytest.raises(AssertionError, match="missing"):
        check_discovery(
            "switch", {k: v for k, v in switch.items() if k != "command_topic"}
        )


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (PipelineEvent(EventType.WAKE_END, {"name": "hey"}), {"state": "listening"}),
        (PipelineEvent(EventType.VAD_END, {"state": "done"}), {"state": "thinking"}),
        (PipelineEvent(EventType.STT_END, {"text": "Turn on the light."}),
         {"transcript": "Turn on the light."}),
        (PipelineEvent(EventType.ACTION_END, {"speech": "Turning on the light."}),
         {"response": "Turning on the light."}),
        (PipelineEvent(EventType.TTS_START, {"text": "x"}), {"state": "speaking"}),
        (PipelineEvent(EventType.TTS_END, {}), {"state": "idle"}),
        (PipelineEvent(EventType.TTS_END, {"announcement": True}),
         {"state": "idle", "say": ""}),
        (PipelineEvent(EventType.MUTE, {"muted": True}), {"mute": "ON"}),
        (PipelineEvent(EventType.RUN_END, {"end": "no-command"}), {"state": "idle"}),
        (PipelineEvent(EventType.RUN_START, {"start": "follow-up"}),
         {"state": "listening"}),
    ],
)  # fmt: skip
def test_events_drive_the_entity_states(
    event: PipelineEvent, expected: dict[str, str]
) -> None:
    assert state_update(event) == expected
    assert set(state_update(event).get("state", "idle").split()) <= set(STATES)


def test_event_payload() -> None:
    event = PipelineEvent(EventType.STT_END, {"text": "hi"})
    assert json.loads(event_payload(event, 12.5)) == {
        "type": "stt-end",
        "time": 12.5,
        "text": "hi",
    }


def test_hermes_message_fields() -> None:
    topic, payload = intent_message(
        "HassLightSet", {"name": "Desk Lamp", "brightness": 40}, 0.9,
        "set the desk lamp to 40 percent", site_id="kitchen", session_id="s1",
    )  # fmt: skip
    message = json.loads(payload)
    assert topic == "hermes/intent/HassLightSet"
    assert message["input"] == "set the desk lamp to 40 percent"
    assert message["intent"] == {"intentName": "HassLightSet", "confidenceScore": 0.9}
    assert message["siteId"] == "kitchen" and message["sessionId"] == "s1"
    assert message["slots"][1] == {
        "entity": "brightness", "slotName": "brightness", "rawValue": "40",
        "value": {"kind": "Number", "value": 40}, "confidence": 0.9,
    }  # fmt: skip
    assert message["slots"][0]["value"] == {"kind": "Custom", "value": "Desk Lamp"}


class FakeMessenger:
    def __init__(self) -> None:
        self.on_connected: list[Any] = []
        self.ignored_topics: set[str] = set()
        self.subscribed: list[str] = []
        self.published: list[tuple[str, str, bool]] = []

    def subscribe(self, topic: str, handler: Any) -> None:
        self.subscribed.append(topic)

    def publish_message(
        self, topic: str, payload: str, *, retain: bool = False
    ) -> None:
        self.published.append((topic, payload, retain))


def _link(expose: bool, service: bool = True) -> tuple[Any, FakeMessenger]:
    from assistant.config import HomeAssistantConfig, MqttConfig
    from assistant.ha_device import AssistantLink

    link = AssistantLink(
        HomeAssistantConfig(expose=expose), MqttConfig(client_id="kitchen"),
        service=service, wake_threshold=0.5,
    )  # fmt: skip
    messenger = FakeMessenger()
    link.attach(messenger)
    return link, messenger


def test_announce_publishes_device_and_states_retained() -> None:
    link, messenger = _link(expose=True)
    assert link.will == ("assistant/kitchen/availability", "offline")
    for callback in messenger.on_connected:
        callback()
    retained = {t: p for t, p, r in messenger.published if r}
    assert retained["assistant/kitchen/availability"] == "online"
    assert retained["assistant/kitchen/mute"] == "OFF"
    assert sum(t.endswith("/config") and p != "" for t, p in retained.items()) == 8
    assert "homeassistant/status" in messenger.subscribed
    assert len(messenger.ignored_topics) == 8  # its own entities are not devices


def test_expose_false_removes_the_entities() -> None:
    link, messenger = _link(expose=False)
    assert link.will is None
    for callback in messenger.on_connected:
        callback()
    configs = [(t, p) for t, p, r in messenger.published if t.endswith("/config")]
    assert len(configs) == 8 and all(p == "" for _, p in configs)
    assert not [t for t, _, _ in messenger.published if t.endswith("availability")]


def test_one_shot_commands_publish_events_but_no_device() -> None:
    link, messenger = _link(expose=True, service=False)
    assert link.will is None and messenger.on_connected == []
    link.on_event(PipelineEvent(EventType.STT_END, {"text": "hi"}))
    assert [t for t, _, _ in messenger.published] == ["assistant/kitchen/events"]
