"""Home Assistant over MQTT: learn devices, track their states, publish commands.

The only module that talks to the MQTT client. paho-mqtt runs its network thread;
every message is handed to the asyncio loop, where the registry is changed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from .config import MqttConfig
from .devices import Command, DeviceRegistry
from .discovery import DiscoveryError, discovery_subscription, entity_from_discovery
from .errors import MqttError

_LOGGER = logging.getLogger(__name__)

_QOS = 1
_QUIET_SECONDS = 0.25
"""Retained messages have all arrived once the broker has been quiet this long."""


class HomeAssistantMqtt:
    def __init__(
        self,
        cfg: MqttConfig,
        registry: DeviceRegistry,
        on_devices_changed: Callable[[], None] | None = None,
    ) -> None:
        import paho.mqtt.client as paho

        self._cfg = cfg
        self.registry = registry
        self._on_devices_changed = on_devices_changed
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connected: asyncio.Event | None = None
        self._connect_error: str | None = None
        self._subscribed: set[str] = set()
        self._last_message = time.monotonic()
        self._change_pending = False
        self._client = paho.Client(
            paho.CallbackAPIVersion.VERSION2,
            client_id=cfg.client_id,
            protocol=paho.MQTTv311,
        )
        if cfg.username:
            self._client.username_pw_set(cfg.username, cfg.password)
        self._client.reconnect_delay_set(1, 30)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message

    @property
    def where(self) -> str:
        return f"{self._cfg.host}:{self._cfg.port}"

    # -- lifecycle ---------------------------------------------------------------

    async def start(self) -> None:
        """Connect, subscribe to discovery and wait until retained messages settled."""
        self._loop = asyncio.get_running_loop()
        self._connected = asyncio.Event()
        for entity in self.registry.entities():  # devices declared in config.toml
            self._subscribed.update(entity.state_topics())
        self._client.connect_timeout = self._cfg.connect_timeout_seconds
        try:
            await asyncio.to_thread(
                self._client.connect, self._cfg.host, self._cfg.port, 30
            )
        except (OSError, ValueError) as err:
            raise MqttError(
                "mqtt-unreachable",
                f"cannot reach the MQTT broker at {self.where}: {err}",
            ) from None
        self._client.loop_start()
        try:
            await asyncio.wait_for(
                self._connected.wait(), self._cfg.connect_timeout_seconds
            )
        except TimeoutError:
            await self.stop()
            raise MqttError(
                "mqtt-unreachable",
                f"the MQTT broker at {self.where} did not answer: "
                f"{self._connect_error or 'timed out'}",
            ) from None
        if self._connect_error:
            await self.stop()
            raise MqttError(
                "mqtt-refused", f"MQTT broker at {self.where}: {self._connect_error}"
            )
        await self._settle()
        _LOGGER.info(
            "Connected to MQTT broker %s: %d devices known",
            self.where,
            len(self.registry.entities()),
        )

    def start_background(self) -> None:
        """Keep trying to connect in paho's thread (the broker may come up later)."""
        self._loop = asyncio.get_running_loop()
        self._connected = asyncio.Event()
        self._client.connect_async(self._cfg.host, self._cfg.port, 30)
        self._client.loop_start()
        _LOGGER.warning(
            "MQTT broker %s unreachable; retrying in the background", self.where
        )

    async def _settle(self) -> None:
        start = time.monotonic()
        self._last_message = start
        while time.monotonic() - start < self._cfg.discovery_settle_seconds:
            await asyncio.sleep(0.05)
            if time.monotonic() - self._last_message >= _QUIET_SECONDS:
                break

    async def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    # -- publishing --------------------------------------------------------------

    async def publish(self, commands: list[Command]) -> None:
        """Publish each command with QoS 1 and wait for the broker's acknowledgement."""
        if not self._client.is_connected():
            raise MqttError(
                "mqtt-offline", f"not connected to the MQTT broker at {self.where}"
            )
        infos = []
        for command in commands:
            _LOGGER.info("Publishing %s %s", command.topic, command.payload)
            infos.append(
                self._client.publish(
                    command.topic, command.payload, qos=_QOS, retain=command.retain
                )
            )
        timeout = self._cfg.connect_timeout_seconds
        for info in infos:
            await asyncio.to_thread(info.wait_for_publish, timeout)
            if not info.is_published():
                raise MqttError(
                    "mqtt-publish", f"broker at {self.where} did not acknowledge"
                )

    # -- paho callbacks (network thread) -----------------------------------------

    def _on_connect(
        self, client: Any, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        if reason.is_failure:
            self._connect_error = str(reason)
            _LOGGER.error(
                "MQTT broker %s refused the connection: %s", self.where, reason
            )
        else:
            self._connect_error = None
            _LOGGER.info("MQTT connected to %s", self.where)
            topics = [
                *discovery_subscription(self._cfg.discovery_prefix),
                *self._subscribed,
            ]
            client.subscribe([(topic, _QOS) for topic in topics])
            _LOGGER.debug("Subscribed to %s", topics)
        if self._loop is not None and self._connected is not None:
            self._loop.call_soon_threadsafe(self._connected.set)

    def _on_disconnect(
        self, client: Any, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        if reason.is_failure:
            _LOGGER.warning(
                "Lost the MQTT broker at %s (%s); reconnecting", self.where, reason
            )

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        self._last_message = time.monotonic()
        if self._loop is not None:
            self._loop.call_soon_threadsafe(
                self._handle, message.topic, bytes(message.payload)
            )

    # -- message handling (event loop) -------------------------------------------

    def _handle(self, topic: str, payload: bytes) -> None:
        try:
            if topic.startswith(self._cfg.discovery_prefix + "/") and topic.endswith(
                "/config"
            ):
                self._discovered(topic, payload)
            else:
                self.registry.handle_state(topic, payload)
        except Exception:  # a bad message must never stop the service
            _LOGGER.exception("Could not handle MQTT message on %s", topic)

    def _discovered(self, topic: str, payload: bytes) -> None:
        try:
            entity = entity_from_discovery(topic, payload, self._cfg.discovery_prefix)
        except DiscoveryError as err:
            _LOGGER.warning("Skipping device: %s", err.message)
            return
        if entity is None:
            removed = self.registry.remove_by_source(topic)
            if removed is not None:
                _LOGGER.info("Forgot %s (%s)", removed.name, removed.entity_id)
        else:
            entity = self.registry.upsert(entity)
            _LOGGER.debug(
                "Learned %s (%s) from %s", entity.name, entity.entity_id, topic
            )
            new = [t for t in entity.state_topics() if t not in self._subscribed]
            if new:
                self._subscribed.update(new)
                self._client.subscribe([(t, _QOS) for t in new])
        self._devices_changed()

    def _devices_changed(self) -> None:
        if self._change_pending or self._loop is None:
            return
        self._change_pending = True

        def notify() -> None:
            self._change_pending = False
            if self._on_devices_changed is not None:
                self._on_devices_changed()

        self._loop.call_later(0.05, notify)
