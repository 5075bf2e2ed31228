"""One MQTT client per process (issue #13): `assistant text`, `process`, `config
check` and `skills test` next to the running service never take over its
connection, and two services with one config both stay connected. Real Mosquitto,
real models; the service's availability is watched by a separate subscriber."""

from __future__ import annotations

import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import ROOT, Subscriber, mqtt_client
from .live import LiveAssistant, running, write_config

pytestmark = pytest.mark.model

NODE = "ids-test"
_CONNECTED = r"MQTT connected to \S+ as (\S+)"
BASE = f"assistant/{NODE}"


def _config(folder: Path) -> Path:
    return write_config(
        folder,
        f'[audio]\nfeedback_sounds = false\n[mqtt]\nclient_id = "{NODE}"\n'
        "[llm]\nenabled = false\n"
        f'[storage]\ndir = "{folder / "state"}"\n'  # its mute stays here
        '[[skills]]\nname = "good_night"\nsentences = ["good night"]\n'
        'actions = [{ say = "Sleep well." }]\n',
    )


def _cli(port: int, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    broker = ("--config", str(config), "--mqtt-host", "127.0.0.1",
              "--mqtt-port", str(port))  # fmt: skip
    command = [*args[:2], *broker, *args[2:]]
    return subprocess.run(
        [sys.executable, "-m", "assistant", *command], cwd=ROOT, capture_output=True,
        text=True, timeout=300, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip


def _mute(port: int, value: str) -> None:
    client = mqtt_client(port, "test-ids-mute")
    try:
        client.publish(f"{BASE}/mute/set", value, qos=1).wait_for_publish(5)
    finally:
        client.disconnect()
        client.loop_stop()


def _connections(live: LiveAssistant) -> list[str]:
    return [line for line in live.log if "MQTT connected to" in line]


def test_one_shot_commands_never_disconnect_the_service(
    home: int, speech: dict[str, Path], tmp_path: Path
) -> None:
    config = _config(tmp_path)
    wav = str(next(iter(speech.values())))
    calls = [
        *[("text", "turn on the kitchen light")] * 8,
        *[("config", "check")] * 4,
        *[("skills", "test", "good night")] * 4,
        *[("process", wav)] * 4,
    ]
    assert len(calls) == 20
    sub = Subscriber(home, [f"{BASE}/availability", f"{BASE}/mute"])
    try:
        with running(config, home) as live:
            sub.wait_for(2, timeout=10)  # online and mute OFF
            with ThreadPoolExecutor(2) as pool:
                done = list(pool.map(lambda call: _cli(home, config, *call), calls))
            for call, proc in zip(calls, done, strict=True):
                assert proc.returncode == 0, (call, proc.stderr[-800:])
            found = (re.findall(_CONNECTED, p.stderr) for p in done)
            ids = [client for clients in found for client in clients]
            assert len(ids) >= 16 and len(set(ids)) == len(ids)  # a client id each
            _mute(home, "ON")  # the service still listens and answers
            live.wait_log("Microphone muted", timeout=10)
            seen = sub.settle(0.5)
            assert (f"{BASE}/mute", "ON") in seen
            log = "\n".join(live.log)
            assert len(_connections(live)) == 1, log
            assert "Lost the MQTT broker" not in log
            assert live.proc.poll() is None
        states = [p for t, p in seen if t.endswith("/availability")]
        assert "offline" not in states[states.index("online") :]
        service_ids = re.findall(r"as (\S+)", _connections(live)[0])
        assert service_ids and service_ids[0] not in ids
    finally:
        sub.close()


def test_two_services_with_one_config_both_stay_connected(
    home: int, tmp_path: Path
) -> None:
    config = _config(tmp_path)
    sub = Subscriber(home, [f"{BASE}/availability"])
    try:
        with running(config, home) as first, running(config, home) as second:
            second.wait_log(f"uses base_topic {BASE}")
            first.wait_log(f"uses base_topic {BASE}")  # the other one's announcement
            assert any("Another assistant service runs" in x for x in second.log)
            _mute(home, "ON")  # both still subscribed: both log the change
            for live in (first, second):
                live.wait_log("Microphone muted", timeout=10)
            for live in (first, second):
                assert len(_connections(live)) == 1, "\n".join(live.log)
                assert not any("Lost the MQTT broker" in x for x in live.log)
            ids = {_connections(live)[0].split(" as ")[1] for live in (first, second)}
            assert len(ids) == 2
            seen = [payload for _, payload in sub.settle(0.5)]
        online = seen.index("online")  # a retained "offline" of an earlier run first
        assert "offline" not in seen[online:]
    finally:
        sub.close()
