"""The assistant itself as a Home Assistant device, announced by MQTT discovery.

Pure functions: topic names, discovery payloads and how pipeline events map to
entity states. ``mqtt.py`` publishes them.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from . import __version__
from .config import HomeAssistantConfig, MqttConfig
from .discovery import slugify
from .events import EventType, PipelineEvent
from .hermes import END_SESSION, START_SESSION
from .hermes_session import HermesSessions

_LOGGER = logging.getLogger(__name__)

STATES = ("idle", "listening", "thinking", "speaking")

_STATE_AFTER: dict[EventType, str] = {
    EventType.RUN_START: "listening",
    EventType.WAKE_END: "listening",
    EventType.VAD_END: "thinking",
    EventType.TTS_START: "speaking",
    EventType.TTS_END: "idle",
    EventType.RUN_END: "idle",
    EventType.ERROR: "idle",
}


@dataclass(frozen=True)
class DeviceTopics:
    base: str

    @property
    def availability(self) -> str:
        return f"{self.base}/availability"

    @property
    def events(self) -> str:
        return f"{self.base}/events"

    def state(self, key: str) -> str:
        return f"{self.base}/{key}"

    def command(self, key: str) -> str:
        return f"{self.base}/{key}/set"

    @property
    def service(self) -> str:
        """Retained: the client id of the service that owns these topics."""
        return f"{self.base}/service"


def node_id(client_id: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]+", "_", client_id).strip("_") or "assistant"


def default_base_topic(client_id: str) -> str:
    return f"assistant/{node_id(client_id)}"


def discovery_configs(
    prefix: str, node: str, name: str, topics: DeviceTopics
) -> dict[str, dict[str, Any]]:
    """Discovery topic -> payload for each entity of the assistant's own device."""
    device = {
        "identifiers": [f"assistant_{node}"],
        "name": name,
        "manufacturer": "assistant",
        "model": "Local voice assistant",
        "sw_version": __version__,
    }
    common = {
        "device": device,
        "origin": {"name": "assistant", "sw_version": __version__},
        "availability_topic": topics.availability,
        "payload_available": "online",
        "payload_not_available": "offline",
    }
    entities: dict[tuple[str, str], dict[str, Any]] = {
        ("sensor", "state"): {
            "name": "State",
            "state_topic": topics.state("state"),
            "device_class": "enum",
            "options": list(STATES),
            "icon": "mdi:account-voice",
        },
        ("sensor", "transcript"): {
            "name": "Last transcript",
            "state_topic": topics.state("transcript"),
            "icon": "mdi:text-recognition",
        },
        ("sensor", "response"): {
            "name": "Last response",
            "state_topic": topics.state("response"),
            "icon": "mdi:message-reply-text",
        },
        ("switch", "mute"): {
            "name": "Mute",
            "command_topic": topics.command("mute"),
            "state_topic": topics.state("mute"),
            "payload_on": "ON",
            "payload_off": "OFF",
            "icon": "mdi:microphone-off",
        },
        ("number", "wake_threshold"): {
            "name": "Wake word threshold",
            "command_topic": topics.command("wake_threshold"),
            "state_topic": topics.state("wake_threshold"),
            "min": 0.05,
            "max": 0.95,
            "step": 0.05,
            "mode": "slider",
            "entity_category": "config",
            "icon": "mdi:tune-vertical",
        },
        ("number", "volume"): {
            "name": "Volume",
            "command_topic": topics.command("volume"),
            "state_topic": topics.state("volume"),
            "min": 0,
            "max": 100,
            "step": 5,
            "unit_of_measurement": "%",
            "mode": "slider",
            "icon": "mdi:volume-high",
        },
        ("button", "listen"): {
            "name": "Listen",
            "command_topic": topics.command("listen"),
            "payload_press": "PRESS",
            "icon": "mdi:microphone-message",
        },
        ("text", "say"): {
            "name": "Announcement",
            "command_topic": topics.command("say"),
            "state_topic": topics.state("say"),  # empty again once spoken
            "max": 255,
            "mode": "text",
            "icon": "mdi:bullhorn",
        },
    }
    return {
        f"{prefix}/{component}/{node}/{key}/config": {
            **payload,
            **common,
            "unique_id": f"assistant_{node}_{key}",
            # HA 2025.10 and later read default_entity_id; earlier ones object_id
            # (and drop keys they do not know)
            "object_id": f"{node}_{key}",
            "default_entity_id": f"{component}.{slugify(f'{node}_{key}')}",
        }
        for (component, key), payload in entities.items()
    }


def state_update(event: PipelineEvent) -> dict[str, str]:
    """The entity states (key -> payload) a pipeline event changes."""
    updates: dict[str, str] = {}
    if event.type in _STATE_AFTER:
        updates["state"] = _STATE_AFTER[event.type]
    if event.type == EventType.STT_END:
        updates["transcript"] = str(event.data.get("text", ""))[:255]
    if event.type == EventType.ACTION_END:
        updates["response"] = str(event.data.get("speech", ""))[:255]
    if event.type == EventType.MUTE:
        updates["mute"] = "ON" if event.data.get("muted") else "OFF"
    if event.type == EventType.TTS_END and event.data.get("announcement"):
        updates["say"] = ""
    return updates


def event_payload(event: PipelineEvent, time: float) -> str:
    """The assistant's own JSON event (wake, transcript, intent, action, error...)."""
    return json.dumps({"type": str(event.type), "time": round(time, 3), **event.data})


class Controls(Protocol):
    """What Home Assistant may change on a running assistant."""

    def set_muted(self, muted: bool) -> None: ...

    def set_wake_threshold(self, threshold: float) -> None: ...

    def announce(self, text: str, listen: bool = False) -> None:
        """Speak ``text``; ``listen``: then listen for a command, no wake word."""
        ...

    def listen(self) -> None:
        """Listen for a command now, as if the wake word was heard."""
        ...

    def set_volume(self, percent: int) -> None: ...


class Messenger(Protocol):
    on_connected: list[Callable[[], None]]
    ignored_topics: set[str]

    def subscribe(self, topic: str, handler: Callable[[str, bytes], None]) -> None: ...

    def publish_message(
        self, topic: str, payload: str, *, retain: bool = False
    ) -> None: ...


class AssistantLink:
    """Events, Hermes intents and (for a running service) the assistant's own device."""

    def __init__(
        self,
        ha: HomeAssistantConfig,
        mqtt: MqttConfig,
        *,
        service: bool,
        wake_threshold: float,
        client_id: str = "",
    ) -> None:
        self._ha = ha
        self._client_id = client_id
        """This process's MQTT client id (a service names itself on its topics)."""
        self._prefix = mqtt.discovery_prefix
        self._node = node_id(mqtt.client_id)
        self.topics = DeviceTopics(ha.base_topic or default_base_topic(mqtt.client_id))
        self._service = service
        self._messenger: Messenger | None = None
        self._sessions = HermesSessions(ha.site_id)
        self.controls: Controls | None = None
        self._states: dict[str, str] = {
            "state": "idle",
            "mute": "OFF",
            "wake_threshold": f"{wake_threshold:g}",
            "say": "",
            "volume": "100",
        }

    @property
    def will(self) -> tuple[str, str] | None:
        """Last will: HA shows the device unavailable when the process dies."""
        return (self.topics.availability, "offline") if self._exposed else None

    @property
    def _exposed(self) -> bool:
        return self._service and self._ha.expose

    def attach(self, messenger: Messenger) -> None:
        self._messenger = messenger
        own = discovery_configs(self._prefix, self._node, self._ha.name, self.topics)
        messenger.ignored_topics.update(own)  # not devices to switch
        if not self._service:
            return
        messenger.on_connected.append(self.announce)
        messenger.subscribe(self.topics.service, self._other_service)
        if self._exposed:
            messenger.subscribe(f"{self._prefix}/status", self._ha_status)
            for key in ("mute", "wake_threshold", "volume", "say", "listen"):
                messenger.subscribe(self.topics.command(key), self._command)
        if self._ha.hermes:
            for topic in (START_SESSION, END_SESSION):
                messenger.subscribe(topic, self._hermes_request)

    def announce(self) -> None:
        """Availability, discovery configs and current states (or removal)."""
        if self._messenger is None:
            return
        configs = discovery_configs(
            self._prefix, self._node, self._ha.name, self.topics
        )
        self._messenger.publish_message(
            self.topics.service, self._client_id, retain=True
        )
        for topic, config in configs.items():
            payload = json.dumps(config) if self._exposed else ""
            self._messenger.publish_message(topic, payload, retain=True)
        if self._exposed:
            self._messenger.publish_message(
                self.topics.availability, "online", retain=True
            )
            for key, value in self._states.items():
                self._messenger.publish_message(
                    self.topics.state(key), value, retain=True
                )

    def on_event(self, event: PipelineEvent) -> None:
        if self._messenger is None:
            return
        self._messenger.publish_message(
            self.topics.events, event_payload(event, time.time())
        )
        if self._ha.hermes:
            self._sessions.on_event(event, self._messenger.publish_message)
        if self._exposed:
            for key, value in state_update(event).items():
                self._states[key] = value
                self._messenger.publish_message(
                    self.topics.state(key), value, retain=True
                )

    def set_state(self, key: str, value: str) -> None:
        self._states[key] = value
        if self._messenger is not None and self._exposed:
            self._messenger.publish_message(self.topics.state(key), value, retain=True)

    def _other_service(self, topic: str, payload: bytes) -> None:
        other = payload.decode("utf-8", errors="replace").strip()
        if other and other != self._client_id:
            _LOGGER.warning(
                "Another assistant (MQTT client %s) uses base_topic %s: both answer "
                "its commands and either one's end marks it offline; give each its "
                "own [homeassistant] base_topic or [mqtt] client_id",
                other[:80], self.topics.base,
            )  # fmt: skip

    def _hermes_request(self, topic: str, payload: bytes) -> None:
        controls = self.controls
        if controls is not None:
            self._sessions.request(topic, payload, controls.announce)

    def _ha_status(self, topic: str, payload: bytes) -> None:
        if payload.decode(errors="replace").strip() == "online":
            _LOGGER.info("Home Assistant restarted: announcing the assistant again")
            self.announce()

    def _command(self, topic: str, payload: bytes) -> None:
        text = payload.decode("utf-8", errors="replace").strip()
        controls = self.controls
        if controls is None:
            _LOGGER.warning("Ignoring %s: no live assistant to control", topic)
            return
        if topic == self.topics.command("mute"):
            if text.upper() not in ("ON", "OFF"):
                _LOGGER.warning("Ignoring %s: payload %r is not ON or OFF", topic, text)
                return
            controls.set_muted(text.upper() == "ON")
        elif topic == self.topics.command("wake_threshold"):
            try:
                value = float(text)
            except ValueError:
                value = -1.0
            if not 0.0 < value < 1.0:
                _LOGGER.warning("Ignoring %s: %r is not between 0 and 1", topic, text)
                return
            controls.set_wake_threshold(value)
            self.set_state("wake_threshold", f"{value:g}")
        elif topic == self.topics.command("volume"):
            try:
                level = float(text)
            except ValueError:
                level = -1.0
            if not 0.0 <= level <= 100.0:
                _LOGGER.warning("Ignoring %s: %r is not between 0 and 100", topic, text)
                return
            controls.set_volume(round(level))
        elif topic == self.topics.command("say") and text:
            self.set_state("say", text[:255])  # until it has been said
            controls.announce(text[:255])
        elif topic == self.topics.command("listen"):
            controls.listen()
