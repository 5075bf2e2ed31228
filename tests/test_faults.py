"""Faults with a real Mosquitto: a command the user heard fail never arrives later.

The broker is frozen (SIGSTOP), not stopped: its kernel still accepts bytes, so a
command written to the socket would be delivered when it wakes up. Then a forced
reconnect, where a client library re-sends what was never acknowledged.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import Subscriber, own_broker, publish_retained
from .home import COMMAND_TOPICS, DISCOVERY, STATES
from .live import write_config

FAILED = "Sorry, I could not reach your devices."
QUIET_SECONDS = 60.0
"""How long after the broker wakes up no withdrawn command may arrive."""


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    messages = {topic: json.dumps(config) for topic, config in DISCOVERY.items()}
    with own_broker(tmp_path, {**messages, **STATES}) as started:
        yield started


@pytest.fixture
async def assistant(
    broker: tuple[int, subprocess.Popen[bytes]], tmp_path: Path
) -> AsyncIterator[Any]:
    from assistant.app import build_assistant
    from assistant.config import load_config

    port, _ = broker
    config = write_config(
        tmp_path,
        f'[mqtt]\nhost = "127.0.0.1"\nport = {port}\nclient_id = "fault-test"\n'
        "command_timeout_seconds = 1.5\n[llm]\nenabled = false\n",
    )
    built = await build_assistant(load_config(config), audio=False, speech=False)
    try:
        yield built
    finally:
        await built.close()


def _take_over_client_id(port: int, client_id: str) -> None:
    """Mosquitto drops a client when another connects with its id: the assistant's
    client reconnects, where unacknowledged messages would be sent again."""
    import paho.mqtt.client as paho

    intruder = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id)
    intruder.connect("127.0.0.1", port, 30)
    intruder.loop_start()
    time.sleep(0.5)
    intruder.disconnect()
    intruder.loop_stop()


async def test_a_command_that_failed_never_arrives_later(
    broker: tuple[int, subprocess.Popen[bytes]], assistant: Any
) -> None:
    port, proc = broker
    pipeline = assistant.pipeline
    commands = Subscriber(port, COMMAND_TOPICS)
    intents = Subscriber(port, ["hermes/intent/#"])  # what Node-RED or HA act on
    try:
        asked = await pipeline.run_text("unlock the back door")
        assert asked.response == "Are you sure you want to unlock the back door?"
        assert intents.settle(0.3) == []  # its intent waits for the yes
        proc.send_signal(signal.SIGSTOP)
        started = time.monotonic()
        answered = await pipeline.run_text("yes")
        plain = await pipeline.run_text("turn on the kitchen light")
        took = time.monotonic() - started
        assert (answered.response, plain.response) == (FAILED, FAILED)
        assert answered.commands == [] and plain.commands == []
        assert took < 2 * 1.5 + 2.0, took  # each within its deadline
        proc.send_signal(signal.SIGCONT)
        woke = time.monotonic()
        await asyncio.sleep(3)
        await asyncio.to_thread(_take_over_client_id, port, assistant.mqtt.client_id)
        await asyncio.sleep(QUIET_SECONDS - (time.monotonic() - woke))
        assert commands.settle(0) == []
        assert intents.settle(0) == []  # not for the failed one
        again = await pipeline.run_text("turn on the kitchen light")
        assert again.response == "Turning on the kitchen light."
        assert commands.wait_for(1) == [("t/kitchen/light/set", "ON")]
        assert [topic for topic, _ in intents.wait_for(1)] == [
            "hermes/intent/HassTurnOn"
        ]
    finally:
        commands.close()
        intents.close()


def _hostile() -> dict[str, str]:
    """Retained discovery configs that once cut MQTT off, stalled the service or
    took over a device; topics of their own, under the test home's prefix."""
    lock = {"name": "Rogue", "cmd_t": "evil/set", "stat_t": "evil/state"}
    deep: Any = 1
    for _ in range(500):
        deep = [deep]
    configs: dict[str, Any] = {
        "surrogate": {**lock, "stat_t": "evil/\udcff"},
        "nul": {**lock, "stat_t": "evil/\0"},
        "long": {**lock, "stat_t": "e" * 70_000},
        "nan": '{"name": "Nan", "cmd_t": "evil/set", "position_open": NaN}',
        "infinity": '{"name": "Inf", "cmd_t": "evil/set", "speed_range_max": Infinity}',
        "deep": {**lock, "x": deep},
        "huge": {**lock, "x": "x" * (10 * 1024 * 1024)},
        "hijack": {**lock, "name": "Back Door", "uniq_id": "t_back_door"},
        "template": {
            **lock,
            "name": "Slow Lock",
            "val_tpl": "{% for i in range(99999) %}{% for j in "
            "range(99999) %}{% endfor %}{% endfor %}",
        },
    }
    return {
        f"homeassistant/lock/hostile_{name}/config": (
            config if isinstance(config, str) else json.dumps(config)
        )
        for name, config in configs.items()
    }


async def test_hostile_discovery_never_stops_the_service(
    broker: tuple[int, subprocess.Popen[bytes]], assistant: Any
) -> None:
    port, _ = broker
    hostile = _hostile()
    publish_retained(port, hostile)
    await asyncio.sleep(1.0)
    await asyncio.to_thread(_take_over_client_id, port, assistant.mqtt.client_id)
    await asyncio.sleep(3.0)  # reconnected, every retained config delivered again
    send = {"evil/state": "LOCKED"}  # the slow template's state: rendered, over budget
    await asyncio.to_thread(publish_retained, port, send)
    commands = Subscriber(port, [*COMMAND_TOPICS, "evil/set"])
    try:
        locked = await assistant.pipeline.run_text("lock the back door")
        light = await assistant.pipeline.run_text("turn off the kitchen light")
        assert (locked.response, light.response) == (
            "Locking the back door.", "Turning off the kitchen light."
        )  # fmt: skip
        assert commands.wait_for(2) == [
            ("t/back_door/set", "LOCK"), ("t/kitchen/light/set", "OFF")
        ]  # fmt: skip
        assert {e.name for e in assistant.registry.entities()} >= {"Back Door"}
        assert "Rogue" not in {e.name for e in assistant.registry.entities()}
    finally:
        commands.close()
        publish_retained(port, dict.fromkeys([*hostile, *send], ""))
