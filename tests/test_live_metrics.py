"""Live: `assistant run` with its audio front end on and its metrics endpoint
scraped after a spoken command, as a user's Prometheus would."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import pytest

from .conftest import Subscriber
from .home import COMMAND_TOPICS
from .live import play, running, write_config
from .speech import LIVE

pytestmark = pytest.mark.model

STAGES = {"wake", "endpoint_wait", "stt", "intent", "action", "first_audio"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        text = r.read().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _listening_on(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (IPv4, hex as in
    /proc/net/tcp: 0100007F is 127.0.0.1)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_stage_metrics_after_a_spoken_command(
    pulse: None, home: int, speech: dict[str, Path], tmp_path: Path
) -> None:
    port = _free_port()
    config = write_config(
        tmp_path,
        "[audio]\nfeedback_sounds = false\nfollowup_seconds = 0.0\n"
        f"noise_suppression = 2\n[metrics]\nport = {port}\n",
    )
    sub = Subscriber(home, COMMAND_TOPICS)
    try:
        with running(config, home) as live:
            assert _listening_on(port) == {"0100007F"}  # this machine only
            before = _scrape(port)
            for stage in STAGES:  # every stage is there from the start, empty
                assert (
                    before[("assistant_stage_seconds_count", (("stage", stage),))] == 0
                )
            play(speech[LIVE["tv_off"].name])
            assert sub.wait_for(1, timeout=15) == [("t/living_room/tv/set", "OFF")]
            live.wait_event("tts-end", timeout=20)
            after = _scrape(port)
    finally:
        sub.close()
    for stage in STAGES:
        key = (("stage", stage),)
        assert after[("assistant_stage_seconds_count", key)] == 1, stage
    seconds = {
        stage: after[("assistant_stage_seconds_sum", (("stage", stage),))]
        for stage in STAGES
    }
    # the silence waited for after speech and the transcription take real time
    assert 0.1 < seconds["endpoint_wait"] < 2.0, seconds
    assert 0.01 < seconds["stt"] < 5.0, seconds
    assert 0.0 < seconds["first_audio"] < 5.0, seconds
    assert after[("assistant_commands_total", (("outcome", "acted"),))] == 1
    assert after[("assistant_after_speech_seconds_count", ())] == 1
