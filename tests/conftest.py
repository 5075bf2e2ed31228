"""Fixtures: a private Mosquitto, the test home, an independent subscriber, the CLI."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant.broker import HOST, free_port, mosquitto_config

from .home import COMMAND_TOPICS, DISCOVERY, STATES

ROOT = Path(__file__).resolve().parent.parent
_CLIENT_NUMBERS = itertools.count()


def _wait_port(port: int, timeout: float = 10.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"no MQTT broker on {HOST}:{port}")


@pytest.fixture(scope="session")
def broker_port() -> Iterator[int]:
    """The broker .ci/run started (ASSISTANT_TEST_MQTT_PORT), else our own Mosquitto."""
    given = os.environ.get("ASSISTANT_TEST_MQTT_PORT")
    if given:
        _wait_port(int(given))
        yield int(given)
        return
    exe = shutil.which("mosquitto")
    if exe is None:
        pytest.fail("mosquitto is not installed (apt-get install mosquitto)")
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        conf = Path(tmp) / "mosquitto.conf"
        conf.write_text(mosquitto_config(port))
        proc = subprocess.Popen([exe, "-c", str(conf)], stderr=subprocess.DEVNULL)
        try:
            _wait_port(port)
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=5)


@contextmanager
def own_broker(
    folder: Path, retained: dict[str, str]
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """A Mosquitto of this test's own (to stop or freeze), with ``retained`` set."""
    port = free_port()
    conf = folder / "mosquitto.conf"
    conf.write_text(mosquitto_config(port))
    proc = subprocess.Popen(["mosquitto", "-c", str(conf)], stderr=subprocess.DEVNULL)
    try:
        _wait_port(port)
        publish_retained(port, retained)
        yield port, proc
    finally:
        proc.send_signal(signal.SIGCONT)  # a frozen broker cannot end
        proc.terminate()
        proc.wait(timeout=5)


def mqtt_client(port: int, name: str) -> Any:
    import paho.mqtt.client as paho

    client_id = f"{name}-{os.getpid()}-{next(_CLIENT_NUMBERS)}"  # never shared
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id)
    client.connect(HOST, port, 30)
    client.loop_start()
    return client


def publish_retained(port: int, messages: dict[str, str]) -> None:
    client = mqtt_client(port, "test-publisher")
    try:
        for topic, payload in messages.items():
            client.publish(topic, payload, qos=1, retain=True).wait_for_publish(5)
    finally:
        client.disconnect()
        client.loop_stop()


@pytest.fixture(scope="session")
def home(broker_port: int) -> Iterator[int]:
    """The test home announced as retained discovery, with retained states."""
    messages = {topic: json.dumps(config) for topic, config in DISCOVERY.items()}
    publish_retained(broker_port, {**messages, **STATES})
    yield broker_port
    publish_retained(broker_port, dict.fromkeys([*DISCOVERY, *STATES], ""))


class Subscriber:
    """An independent MQTT client recording what arrives on the command topics."""

    def __init__(self, port: int, topics: list[str]) -> None:
        self.messages: list[tuple[str, str]] = []
        self._cond = threading.Condition()
        self._client = mqtt_client(port, "test-subscriber")
        self._client.on_message = self._on_message
        result, _ = self._client.subscribe([(t, 1) for t in topics])
        assert result == 0
        time.sleep(0.3)  # subscription in place before anything is published

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        with self._cond:
            self.messages.append((message.topic, message.payload.decode()))
            self._cond.notify_all()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[tuple[str, str]]:
        with self._cond:
            self._cond.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)

    def settle(self, seconds: float = 0.5) -> list[tuple[str, str]]:
        time.sleep(seconds)
        with self._cond:
            return list(self.messages)

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()


@pytest.fixture
def subscriber(home: int) -> Iterator[Subscriber]:
    sub = Subscriber(home, COMMAND_TOPICS)
    yield sub
    sub.close()


def run_cli(
    *args: str, timeout: float = 600, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m assistant ARGS`` as a user would, from the repository root
    (under ``prefix``, a tracer say)."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "assistant", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture(scope="session")
def models_ready() -> None:
    from assistant.config import load_config
    from assistant.models import ModelStore

    store = ModelStore(load_config().models_dir)
    problems = [p for name in store.specs for p in store.problems(name)]
    if problems:
        pytest.fail(f"models not ready ({problems[0]}); run `assistant models fetch`")


@pytest.fixture(scope="session")
def speech(models_ready: None) -> dict[str, Path]:
    from .speech import generate

    return generate()


@pytest.fixture(scope="session")
def pulse() -> None:
    """A user-space PulseAudio with virtual microphone and speaker devices."""
    from .live import have_pulseaudio, start_pulse

    if not have_pulseaudio():
        pytest.fail(
            "PulseAudio is missing (apt-get install pulseaudio pulseaudio-utils)"
        )
    start_pulse()


@pytest.fixture(scope="session", autouse=True)
def _own_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Learned phrasings and lists go to a fresh folder, never the checkout's
    data/: one test's "yes" must not change what another test hears."""
    state = tmp_path_factory.mktemp("state")
    old = os.environ.get("STATE_DIRECTORY")
    os.environ["STATE_DIRECTORY"] = str(state)
    yield
    if old is None:
        os.environ.pop("STATE_DIRECTORY", None)
    else:
        os.environ["STATE_DIRECTORY"] = old


@pytest.fixture(autouse=True)
def _own_test_state_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """And a fresh one for each test: a phrasing one test taught by "yes" (learned
    in the state directory) made another test's LLM sentence a memory match.
    Services that fixtures shared by several tests start keep the session's."""
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path_factory.mktemp("state")))
