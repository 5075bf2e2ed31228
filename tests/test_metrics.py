"""The metrics endpoint's parts: histograms by stage, served on loopback only."""

from __future__ import annotations

import logging
import socket
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from assistant.metrics import STAGES, StageMetrics


def _samples(
    metrics: StageMetrics,
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    from prometheus_client import generate_latest

    text = generate_latest(metrics.registry).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_a_command_counts_in_every_stage_up_to_the_action() -> None:
    metrics = StageMetrics()
    timings = {"wake": 5.0, "endpoint_wait": 416.0, "stt": 120.0, "intent": 4.0,
               "action": 2.0, "total_after_speech_end": 542.0}  # fmt: skip
    metrics.command(timings, "acted")
    metrics.observe("first_audio", 250.0)
    seen = _samples(metrics)
    for stage in STAGES:
        assert seen[("assistant_stage_seconds_count", (("stage", stage),))] == 1
    assert seen[("assistant_stage_seconds_sum", (("stage", "stt"),))] == 0.12
    assert seen[("assistant_stage_seconds_sum", (("stage", "first_audio"),))] == 0.25
    # 416 ms lands in the 0.5 s bucket, not the 0.4 s one
    endpoint = (("le", "0.4"), ("stage", "endpoint_wait"))
    assert seen[("assistant_stage_seconds_bucket", endpoint)] == 0
    assert seen[("assistant_after_speech_seconds_sum", ())] == 0.542
    assert seen[("assistant_commands_total", (("outcome", "acted"),))] == 1
    with pytest.raises(ValueError, match="unknown stage 'tts'"):
        metrics.observe("tts", 1.0)


def test_served_on_loopback_and_a_taken_port_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    metrics = StageMetrics()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert metrics.serve(port)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        assert b'assistant_stage_seconds_count{stage="stt"} 0.0' in r.read()
    with caplog.at_level(logging.ERROR):
        assert not StageMetrics().serve(port)  # taken by the first
    assert f"metrics.port {port}: cannot serve metrics there" in caplog.text
