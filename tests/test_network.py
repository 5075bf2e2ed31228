"""Nothing leaves the device but MQTT: `run`, `process`, `text` and `demo` under a
syscall trace connect to the loopback broker only, and look up no host names."""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest

from .conftest import run_cli
from .live import play, running, write_config
from .speech import LIVE

pytestmark = pytest.mark.model

_QUIET = ("ORT_DISABLE_TELEMETRY", "HF_HUB_OFFLINE", "HF_HUB_DISABLE_TELEMETRY")
_WATCH_SECONDS = 15.0
"""`run` is watched this long: onnxruntime's telemetry wrote about every 9 s."""


@pytest.fixture(autouse=True)
def _no_inherited_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The assistant must switch telemetry off itself: these tests' own process set
    the variables when it imported the package."""
    for name in _QUIET:
        monkeypatch.delenv(name, raising=False)


_ADDRESS = re.compile(
    r"sa_family=(AF_INET6?), sin6?_port=htons\((\d+)\), "
    r"(?:sin_addr=inet_addr\(\"([^\"]+)\"\)|.*?inet_pton\(AF_INET6, \"([^\"]+)\"\))"
)
_LOOPBACK = ("127.", "::1", "::ffff:127.")


def _trace(log: Path) -> tuple[str, ...]:
    strace = shutil.which("strace")
    if strace is None:
        pytest.fail("strace is missing (apt-get install strace)")
    return (strace, "-f", "-qq", "--seccomp-bpf", "-o", str(log),
            "-e", "trace=connect,sendto,sendmsg,sendmmsg,getsockname")  # fmt: skip


def _network_peers(log: Path) -> list[tuple[str, int]]:
    """Every Internet address the traced processes connected or sent to, but their
    own sockets (paho-mqtt wakes its loop through a loopback pair it listens on)."""
    peers, own = [], set()
    for line in log.read_text().splitlines():
        for found in _ADDRESS.finditer(line):
            address = (found[3] or found[4], int(found[2]))
            (own.add(address) if "getsockname(" in line else peers.append(address))
    return [peer for peer in peers if peer not in own]


def _only_the_broker(log: Path, broker: int | None) -> None:
    text = log.read_text()
    assert re.search(r"connect\(\d+, \{sa_family=AF_INET", text), text[:2000]
    peers = _network_peers(log)
    strangers = [
        (host, port)
        for host, port in peers
        if not host.startswith(_LOOPBACK)
        or port == 53
        or (broker is not None and port != broker)
    ]
    assert strangers == [], strangers


def test_text_talks_to_the_broker_only(home: int, tmp_path: Path) -> None:
    log = tmp_path / "trace"
    proc = run_cli(
        "text", "--mqtt-host", "127.0.0.1", "--mqtt-port", str(home),
        "turn on the kitchen light", "it's too dark in the kitchen",
        prefix=_trace(log),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    _only_the_broker(log, home)


def test_process_talks_to_the_broker_only(
    home: int, speech: dict[str, Path], tmp_path: Path
) -> None:
    log = tmp_path / "trace"
    clip = speech[LIVE["tv_off"].name]
    proc = run_cli(
        "process", "--mqtt-host", "127.0.0.1", "--mqtt-port", str(home), str(clip),
        prefix=_trace(log),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    _only_the_broker(log, home)


def test_demo_talks_to_its_own_broker_only(tmp_path: Path, models_ready: None) -> None:
    log = tmp_path / "trace"
    proc = run_cli("demo", "--reply-dir", str(tmp_path), prefix=_trace(log))
    assert proc.returncode == 0, proc.stderr
    _only_the_broker(log, None)  # its private broker, on a loopback port of its own


def test_run_talks_to_the_broker_only(
    pulse: None, home: int, speech: dict[str, Path], tmp_path: Path
) -> None:
    log = tmp_path / "trace"
    config = write_config(tmp_path, "[audio]\nfeedback_sounds = false\n")
    with running(config, home, _trace(log)) as live:
        started = time.monotonic()
        play(speech[LIVE["tv_off"].name])
        live.wait_event("tts-end", timeout=30)
        time.sleep(max(0.0, _WATCH_SECONDS - (time.monotonic() - started)))
        children = Path(f"/proc/{live.proc.pid}/task/{live.proc.pid}/children")
        assistant = int(children.read_text().split()[0])  # strace's tracee
        os.kill(assistant, signal.SIGTERM)
        live.proc.wait(timeout=30)
    _only_the_broker(log, home)
