"""`assistant bench` reports per-stage latency and memory, here on one recording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.result import TIMING_KEYS

from .conftest import run_cli
from .speech import UTTERANCES

pytestmark = pytest.mark.model


def test_bench_reports_every_stage(speech: dict[str, Path]) -> None:
    wav = speech[UTTERANCES[0].name]  # "Hey Jarvis, turn on the kitchen light."
    proc = run_cli("bench", "--runs", "2", "--json", str(wav))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["utterances"], report["runs"]) == (1, 2)
    stages = report["stages_ms"]
    assert set(stages) == set(TIMING_KEYS)
    for key in ("wake", "endpoint_wait", "stt", "first_audio", "tts",
                "total_after_speech_end"):  # fmt: skip
        assert 0 < stages[key]["p50"] <= stages[key]["max"], key
    assert stages["first_audio"]["max"] <= stages["tts"]["max"]
    total, wait = stages["total_after_speech_end"], stages["endpoint_wait"]
    assert total["p50"] > wait["p50"] + stages["stt"]["p50"]
    assert report["rules_path"]["requests"] == 2
    assert report["rules_path"]["speech_end_to_command_ms_p50"] > 0
    assert report["llm_path"]["requests"] == 0
    assert report["rss_after_runs_mb"] > 100  # the models are loaded
