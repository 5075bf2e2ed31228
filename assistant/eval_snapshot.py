"""Homes for ``assistant eval``: a read-only copy of the configured home's retained
discovery and states, and a passive home published on a private broker."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import ssl
import threading
import time
from typing import Any

from .app import overrides_adjuster, registry_from_config
from .config import Config, MqttConfig
from .discovery import DiscoveryError, entities_from_discovery, parse_discovery_topic
from .errors import MqttError
from .evaluate import HomeFile
from .ha_device import DeviceTopics, default_base_topic, discovery_configs, node_id

_LOGGER = logging.getLogger(__name__)

_QUIET_SECONDS = 0.3
"""Retained messages have all arrived once the broker has been quiet this long."""
_MOST_SECONDS = 10.0


def own_discovery_topics(cfg: Config) -> set[str]:
    """The discovery topics of the assistant's own device (not devices to switch)."""
    client_id, ha = cfg.mqtt.client_id, cfg.homeassistant
    topics = DeviceTopics(ha.base_topic or default_base_topic(client_id))
    return set(
        discovery_configs(
            cfg.mqtt.discovery_prefix, node_id(client_id), ha.name, topics
        )
    )


def _client(client_id: str) -> Any:
    import paho.mqtt.client as paho

    return paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id)


def publish_home(host: str, port: int, home: HomeFile) -> None:
    """Publish ``home``'s discovery, then its states, retained (QoS 1)."""
    client = _client(f"assistant-eval-home-{os.getpid()}")
    client.connect(host, port, 30)
    client.loop_start()
    try:
        infos = [
            client.publish(topic, json.dumps(config), qos=1, retain=True)
            for topic, config in home.discovery.items()
        ]
        infos += [
            client.publish(topic, payload, qos=1, retain=True)
            for topic, payload in home.states.items()
        ]
        for info in infos:
            info.wait_for_publish(5)
    finally:
        client.disconnect()
        client.loop_stop()


class _Collector:
    """Every message received, by topic (the last one wins)."""

    def __init__(self) -> None:
        self.messages: dict[str, bytes] = {}
        self.last = time.monotonic()
        self._lock = threading.Lock()
        self.connected = threading.Event()
        self.refused: str | None = None

    def on_connect(
        self, client: Any, data: Any, flags: Any, reason: Any, p: Any
    ) -> None:
        if reason.is_failure:
            self.refused = str(reason)
        self.connected.set()

    def on_message(self, client: Any, userdata: Any, message: Any) -> None:
        with self._lock:
            self.messages[message.topic] = bytes(message.payload)
            self.last = time.monotonic()

    def settle(self) -> None:
        start = self.last = time.monotonic()
        while time.monotonic() - start < _MOST_SECONDS:
            time.sleep(0.05)
            if time.monotonic() - self.last >= _QUIET_SECONDS:
                return


def _connect(cfg: MqttConfig, collector: _Collector) -> Any:
    client = _client(f"{cfg.client_id}-eval-copy-{os.getpid()}")
    if cfg.username:
        client.username_pw_set(cfg.username, cfg.password)
    if cfg.tls:
        context = ssl.create_default_context(cafile=cfg.tls_ca_file)
        if cfg.tls_cert_file:
            context.load_cert_chain(cfg.tls_cert_file, cfg.tls_key_file)
        client.tls_set_context(context)
        client.tls_insecure_set(cfg.tls_insecure)
    client.on_connect, client.on_message = collector.on_connect, collector.on_message
    where = f"{cfg.host}:{cfg.port}"
    try:
        client.connect(cfg.host, cfg.port, 30)
    except (OSError, ValueError, ssl.SSLError) as err:
        raise MqttError(
            "mqtt-unreachable",
            f"cannot reach the MQTT broker at {where} to copy your home "
            f"(for the clips without a home): {err}",
        ) from None
    client.loop_start()
    if not collector.connected.wait(cfg.connect_timeout_seconds) or collector.refused:
        client.disconnect()
        client.loop_stop()
        raise MqttError(
            "mqtt-unreachable",
            f"the MQTT broker at {where} did not let us copy your home: "
            f"{collector.refused or 'timed out'}",
        )
    return client


def _copy_home(cfg: Config) -> HomeFile:
    prefix = cfg.mqtt.discovery_prefix
    collector = _Collector()
    client = _connect(cfg.mqtt, collector)
    try:
        client.subscribe(f"{prefix}/#", 1)
        collector.settle()
        discovery: dict[str, dict[str, Any]] = {}
        adjust = overrides_adjuster(cfg)
        registry = registry_from_config(cfg, adjust)
        for topic, payload in dict(collector.messages).items():
            if parse_discovery_topic(topic, prefix) is None or not payload:
                continue
            try:
                config = json.loads(payload)
                found = entities_from_discovery(topic, payload, prefix)
            except (ValueError, DiscoveryError):
                continue
            if isinstance(config, dict) and found:
                discovery[topic] = config
                registry.replace_topic(topic, [adjust(e) for e in found])
        states = registry.state_topics()
        if states:
            client.subscribe([(topic, 1) for topic in sorted(states)])
            collector.settle()
    finally:
        client.disconnect()
        client.loop_stop()
    copied = {
        topic: payload.decode("utf-8", "replace")
        for topic, payload in collector.messages.items()
        if topic in states
    }
    _LOGGER.info(
        "Copied your home: %d discovery configs, %d states", len(discovery), len(copied)
    )
    return HomeFile(name="configured", discovery=discovery, states=copied)


async def snapshot_home(cfg: Config) -> HomeFile:
    """A read-only copy of the configured broker's retained discovery (under the
    discovery prefix) and the states of the devices it describes."""
    return await asyncio.to_thread(_copy_home, cfg)
