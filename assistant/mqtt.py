"""Home Assistant over MQTT: learn devices, track their states, publish commands.

The only module that talks to the MQTT client. paho-mqtt runs its network thread;
every message is handed to the asyncio loop, where the registry is changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import socket
import time
from collections.abc import Callable
from typing import Any

from .config import MqttConfig
from .discovery import DiscoveryError, discovery_subscription, entities_from_discovery
from .errors import MqttError
from .home.domains import state_topics
from .home.model import Command, Entity
from .home.registry import DeviceRegistry
from .identity import one_shot_client_id

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
        *,
        will: tuple[str, str] | None = None,
        adjust: Callable[[Entity], Entity] | None = None,
        client_id: str | None = None,
    ) -> None:
        """``client_id``: this process's own (see ``identity``); by default a
        fresh one, so that no two processes share a connection."""
        import paho.mqtt.client as paho

        self._cfg = cfg
        self.registry = registry
        self._on_devices_changed = on_devices_changed
        self._adjust: Callable[[Entity], Entity] = adjust or (lambda entity: entity)
        """Applied to each learned entity (per-device overrides from the config)."""
        self._handlers: dict[str, Callable[[str, bytes], None]] = {}
        self._inflight: list[Any] = []
        self.ignored_topics: set[str] = set()
        """Discovery topics that are not devices to control (the assistant's own)."""
        self.on_connected: list[Callable[[], None]] = []
        """Called on the event loop after every (re)connection."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connected: asyncio.Event | None = None
        self._connect_error: str | None = None
        self._subscribed: set[str] = set()
        self._last_message = time.monotonic()
        self._change_pending = False
        self._known: dict[str, bytes] = {}
        """Discovery payloads taken whole, by topic: the same one again (retained,
        after every reconnect) changes nothing and is not parsed again."""
        self.client_id = client_id or one_shot_client_id(cfg.client_id, "client")
        self._client = paho.Client(
            paho.CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            protocol=paho.MQTTv5 if cfg.protocol == "5" else paho.MQTTv311,
        )
        if cfg.username:
            self._client.username_pw_set(cfg.username, cfg.password)
        if cfg.tls:
            self._set_tls()
        if will is not None:
            self._client.will_set(will[0], will[1], qos=_QOS, retain=True)
        self._client.reconnect_delay_set(1, max(1, round(cfg.reconnect_max_seconds)))
        self._client.max_inflight_messages_set(0)  # withdrawn messages hold no slot
        # an exception in a callback is logged; it never ends the network thread,
        # which would stop reconnecting for good
        self._client.suppress_exceptions = True
        self._client.on_log = _paho_log
        self._probe_topic = f"assistant/{cfg.client_id}/probe"
        """Published to (empty, not retained) before commands: is the broker there?"""
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message

    def _set_tls(self) -> None:
        import ssl

        cfg = self._cfg
        try:
            context = ssl.create_default_context(cafile=cfg.tls_ca_file)
        except (OSError, ssl.SSLError) as err:
            raise MqttError(
                "mqtt-tls", f"mqtt.tls_ca_file: cannot use {cfg.tls_ca_file}: {err}"
            ) from None
        if cfg.tls_cert_file:
            try:
                context.load_cert_chain(cfg.tls_cert_file, cfg.tls_key_file)
            except (OSError, ssl.SSLError) as err:
                key = f" with key {cfg.tls_key_file}" if cfg.tls_key_file else ""
                raise MqttError(
                    "mqtt-tls",
                    f"mqtt.tls_cert_file: cannot use {cfg.tls_cert_file}{key}: {err}",
                ) from None
        self._client.tls_set_context(context)
        self._client.tls_insecure_set(cfg.tls_insecure)

    def subscribe(self, topic: str, handler: Callable[[str, bytes], None]) -> None:
        """Route messages on ``topic`` (no wildcards) to ``handler`` on the loop."""
        self._handlers[topic] = handler
        self._subscribed.add(topic)
        if self._client.is_connected():
            self._client.subscribe(topic, _QOS)

    def publish_message(
        self, topic: str, payload: str, *, retain: bool = False
    ) -> None:
        """Publish without waiting (states, events); dropped while disconnected."""
        if self._client.is_connected():
            info = self._client.publish(topic, payload, qos=_QOS, retain=retain)
            self._inflight = [i for i in self._inflight if not i.is_published()]
            self._inflight.append(info)

    @property
    def where(self) -> str:
        return f"{self._cfg.host}:{self._cfg.port}"

    # -- lifecycle ---------------------------------------------------------------

    async def start(self) -> None:
        """Connect, subscribe to discovery and wait until retained messages settled."""
        self._loop = asyncio.get_running_loop()
        self._connected = asyncio.Event()
        for entity in self.registry.entities():  # devices declared in config.toml
            self._subscribed.update(state_topics(entity))
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

    async def stop(self, farewell: tuple[str, str] | None = None) -> None:
        """Disconnect, first publishing ``farewell`` (topic, payload; retained)."""
        if farewell is not None and self._client.is_connected():
            self.publish_message(*farewell, retain=True)
        for info in self._inflight:  # events and states still on their way
            if self._client.is_connected() and not info.is_published():
                await asyncio.to_thread(info.wait_for_publish, 2.0)
        self._client.disconnect()
        self._client.loop_stop()

    # -- publishing --------------------------------------------------------------

    async def publish(self, commands: list[Command]) -> None:
        """Publish each command with QoS 1, within ``command_timeout_seconds``.

        A round trip first shows the broker is answering: a frozen broker's kernel
        still takes bytes, and would deliver them whenever it woke up. A command
        not acknowledged in time is withdrawn from the client, so it is never sent
        again on a reconnect after the user heard that it failed; with MQTT 5 it
        also expires at the broker.
        """
        if not self._client.is_connected():
            raise MqttError(
                "mqtt-offline", f"not connected to the MQTT broker at {self.where}"
            )
        deadline = time.monotonic() + self._cfg.command_timeout_seconds
        probe = self._client.publish(self._probe_topic, b"", qos=_QOS)
        if not await self._acknowledged([probe], deadline):
            raise MqttError(
                "mqtt-publish",
                f"broker at {self.where} did not answer; nothing was sent",
            )
        infos = []
        for command in commands:
            _LOGGER.info("Publishing %s %s", command.topic, command.shown)
            infos.append(
                self._client.publish(
                    command.topic,
                    command.payload,
                    qos=_QOS,
                    retain=command.retain,
                    properties=self._expiry(),
                )
            )
        if not await self._acknowledged(infos, deadline):
            lost = [
                c for c, i in zip(commands, infos, strict=True) if not i.is_published()
            ]
            raise MqttError(
                "mqtt-publish",
                f"broker at {self.where} did not acknowledge "
                + ", ".join(f"{c.shown} on {c.topic}" for c in lost)
                + " in time; withdrawn",
            )

    async def _acknowledged(self, infos: list[Any], deadline: float) -> bool:
        """Wait for the broker's acknowledgements until ``deadline``; what is still
        unacknowledged then is withdrawn from the client's queue."""
        for info in infos:
            left = deadline - time.monotonic()
            if left > 0 and not info.is_published():
                await asyncio.to_thread(_wait_for_publish, info, left)
        late = [info for info in infos if not info.is_published()]
        if late:
            self._withdraw(late)
        return not late

    def _withdraw(self, infos: list[Any]) -> None:
        """Forget unacknowledged messages, so paho never re-sends them. paho has no
        public call for it: its outgoing queue and that queue's lock are used."""
        client = self._client
        with client._out_message_mutex:
            for info in infos:
                client._out_messages.pop(info.mid, None)

    def _expiry(self) -> Any:
        if self._cfg.protocol != "5":
            return None
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        properties = Properties(PacketTypes.PUBLISH)
        properties.MessageExpiryInterval = max(
            1, math.ceil(self._cfg.command_timeout_seconds)
        )
        return properties

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
            _LOGGER.info("MQTT connected to %s as %s", self.where, self.client_id)
            sock = client.socket()
            if sock is not None:  # no 40 ms delayed-ACK stalls on small publishes
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            topics = [
                *discovery_subscription(self._cfg.discovery_prefix),
                *self._subscribed,
            ]
            client.subscribe([(topic, _QOS) for topic in topics])
            _LOGGER.debug("Subscribed to %s", topics)
        if self._loop is not None and self._connected is not None:
            self._loop.call_soon_threadsafe(self._connected.set)
            if not reason.is_failure:
                for callback in self.on_connected:
                    self._loop.call_soon_threadsafe(callback)

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
        if topic in self.ignored_topics:
            return
        try:
            if topic in self._handlers:
                self._handlers[topic](topic, payload)
            elif topic.startswith(self._cfg.discovery_prefix + "/") and topic.endswith(
                "/config"
            ):
                self._discovered(topic, payload)
            else:
                self.registry.handle_state(topic, payload)
        except Exception:  # a bad message must never stop the service
            _LOGGER.exception("Could not handle MQTT message on %s", topic)

    def _discovered(self, topic: str, payload: bytes) -> None:
        if self._known.get(topic) == payload:
            return
        self._known.pop(topic, None)
        try:
            found = entities_from_discovery(topic, payload, self._cfg.discovery_prefix)
            entities = [self._adjust(e) for e in found or ()]
        except DiscoveryError as err:
            _LOGGER.warning("Skipping device: %s", err.message)
            return
        if found is None:
            for removed in self.registry.remove_by_topic(topic):
                _LOGGER.info("Forgot %s (%s)", removed.name, removed.entity_id)
        else:
            stored, removed_now = self.registry.replace_topic(topic, entities)
            if len(stored) == len(entities):  # none lost to another's unique_id
                self._known[topic] = payload
            for removed in removed_now:
                _LOGGER.info("Forgot %s (%s)", removed.name, removed.entity_id)
            for entity in stored:
                _LOGGER.debug(
                    "Learned %s (%s) from %s", entity.name, entity.entity_id, topic
                )
                new = [t for t in state_topics(entity) if t not in self._subscribed]
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


def _wait_for_publish(info: Any, timeout: float) -> None:
    with contextlib.suppress(RuntimeError, ValueError):  # queued while disconnected
        info.wait_for_publish(timeout)


def _paho_log(client: Any, userdata: Any, level: int, message: str) -> None:
    """paho's own log: only the exceptions it caught in a callback matter here."""
    if message.startswith("Caught exception"):
        _LOGGER.error("MQTT callback failed: %s", message)
