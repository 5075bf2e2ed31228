"""Acceptance: spoken commands through the real models, a real Mosquitto and an
independent subscriber, via ``assistant process --json`` as other tools call it."""

from __future__ import annotations

import json
import wave
from pathlib import Path
from typing import Any

import pytest

from .conftest import Subscriber, run_cli
from .speech import UTTERANCES, Utterance

pytestmark = pytest.mark.model

TIMING_KEYS = {"wake", "endpoint_wait", "stt", "intent", "action", "first_audio",
               "tts", "total_after_speech_end"}  # fmt: skip
TOP_KEYS = {
    "file",
    "wake_word",
    "transcript",
    "intent",
    "commands",
    "response",
    "timings_ms",
}


@pytest.fixture(scope="module")
def processed(
    home: int, speech: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Every test utterance through one `assistant process` run."""
    from .home import COMMAND_TOPICS

    sub = Subscriber(home, COMMAND_TOPICS)
    replies = tmp_path_factory.mktemp("replies")
    files = [str(speech[u.name]) for u in UTTERANCES]
    try:
        proc = run_cli(
            "process",
            "--mqtt-host",
            "127.0.0.1",
            "--mqtt-port",
            str(home),
            "--reply-dir",
            str(replies),
            "--json",
            *files,
        )
        expected = sum(len(u.commands) for u in UTTERANCES)
        received = sub.wait_for(expected, timeout=10)
        received = sub.settle(0.5)
    finally:
        sub.close()
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    results = [json.loads(line) for line in lines]
    return {
        "results": results,
        "files": files,
        "received": received,
        "replies": replies,
        "stderr": proc.stderr,
    }


def test_one_json_object_per_file_in_order(processed: dict[str, Any]) -> None:
    results = processed["results"]
    assert [r["file"] for r in results] == processed["files"]
    for result in results:
        assert set(result) == TOP_KEYS
        assert set(result["timings_ms"]) == TIMING_KEYS
        assert all(isinstance(v, float) for v in result["timings_ms"].values())
        assert isinstance(result["commands"], list)
        for command in result["commands"]:
            assert set(command) == {"topic", "payload"}
            assert isinstance(command["topic"], str) and isinstance(
                command["payload"], str
            )
        if result["intent"] is not None:
            assert set(result["intent"]) == {"name", "slots"}
            assert isinstance(result["intent"]["slots"], dict)


@pytest.mark.parametrize("utterance", UTTERANCES, ids=lambda u: u.name)
def test_spoken_command(processed: dict[str, Any], utterance: Utterance) -> None:
    result = processed["results"][UTTERANCES.index(utterance)]
    heard = f"heard {result['transcript']!r}"
    if not utterance.wake:
        assert result["wake_word"] is None, heard
        assert result["transcript"] is None
        assert result["commands"] == [] and result["response"] is None
        return
    assert result["wake_word"] == "hey_jarvis"
    assert result["intent"] is not None, heard
    assert result["intent"]["name"] == utterance.intent, heard
    assert [(c["topic"], c["payload"]) for c in result["commands"]] == list(
        utterance.commands
    ), heard
    assert utterance.reply is not None and result["response"] is not None
    assert utterance.reply in result["response"].lower(), heard
    if utterance.commands:
        timings = result["timings_ms"]
        assert timings["total_after_speech_end"] >= timings["endpoint_wait"] > 0


def test_commands_arrived_at_an_independent_subscriber(
    processed: dict[str, Any],
) -> None:
    expected = [c for u in UTTERANCES for c in u.commands]
    assert processed["received"] == expected


def test_replies_are_spoken(processed: dict[str, Any]) -> None:
    replies = sorted(processed["replies"].glob("*.wav"))
    spoken = [r for r in processed["results"] if r["response"]]
    assert len(replies) == len(spoken) > 0
    for path in replies:
        with wave.open(str(path)) as wav:
            assert wav.getframerate() == 22050  # the piper voice's own rate
            seconds = wav.getnframes() / wav.getframerate()
            frames = wav.readframes(wav.getnframes())
        assert 0.5 < seconds < 8, path
        assert (
            max(
                abs(int.from_bytes(frames[i : i + 2], "little", signed=True))
                for i in range(0, len(frames), 200)
            )
            > 1000
        ), f"{path} is silent"
