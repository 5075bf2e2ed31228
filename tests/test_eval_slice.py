"""Acceptance: `assistant eval` on a small slice whose outcomes are known by
construction, through the real models and a private broker it starts itself."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import run_cli
from .home import DISCOVERY, STATES
from .speech import LIVE, UTTERANCES

pytestmark = pytest.mark.model


def _utterance(text: str) -> str:
    return next(u.name for u in UTTERANCES if u.text == text)


def test_eval_reports_the_known_outcomes_of_a_slice(
    speech: dict[str, Path], tmp_path: Path
) -> None:
    light = _utterance("Hey Jarvis, turn on the kitchen light.")
    clips = {
        "light.wav": light,
        "spaceship.wav": _utterance("Hey Jarvis, turn on the spaceship."),
        "garage.wav": _utterance("Hey Jarvis, is the garage door open?"),
        "no-wake.wav": LIVE["light_no_wake"].name,
    }
    for file, name in clips.items():
        shutil.copy(speech[name], tmp_path / file)
    home = {"name": "test", "discovery": DISCOVERY, "states": STATES}
    (tmp_path / "homes").mkdir()
    (tmp_path / "homes" / "test.json").write_text(json.dumps(home))
    on = {"topic": "t/kitchen/light/set", "payload": "ON"}
    labels = [
        {"file": "light.wav", "category": "direct",
         "expect": {"kind": "command", "commands": [on]}},
        # the same clip, labelled as if "off" had been said: ON is a false action
        {"id": "mislabelled", "file": "light.wav", "category": "direct",
         "expect": {"kind": "command", "commands": [{**on, "payload": "OFF"}]}},
        {"file": "spaceship.wav", "category": "unknown",
         "expect": {"kind": "refuse", "says": ["spaceship"]}},
        {"file": "garage.wav", "category": "answer",
         "expect": {"kind": "answer", "says": [r"\bopen\b"]}},
        {"file": "no-wake.wav", "category": "no_wake", "expect": {"kind": "ignore"}},
        {"file": "missing.wav", "category": "direct",
         "expect": {"kind": "command", "commands": [on]}},
    ]  # fmt: skip
    (tmp_path / "labels.jsonl").write_text(
        "".join(json.dumps({**label, "home": "test"}) + "\n" for label in labels)
    )
    proc = run_cli("eval", "--json", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)

    outcomes = {r["id"]: r["outcome"] for r in report["results"]}
    assert outcomes == {
        "light.wav": "right", "mislabelled": "wrong_action", "spaceship.wav": "right",
        "garage.wav": "right", "no-wake.wav": "right", "missing.wav": "error",
    }  # fmt: skip
    assert report["clips"] == 6 and report["ran"] == 5
    assert report["false_action"] == {"count": 1, "n": 5, "pct": 20.0}
    direct = report["categories"]["direct"]
    assert direct["outcomes"] == {"right": 1, "wrong_action": 1, "error": 1}
    assert report["refusals"] == {"count": 1, "n": 1, "pct": 100.0}
    assert report["wake_recall"] == {"count": 4, "n": 4, "pct": 100.0}
    assert report["false_wakes"] == {"count": 0, "n": 1, "pct": 0.0}
    assert report["confusions"][0]["outcome"] == "wrong_action"
    assert report["latency_ms"]["n"] == 4 and report["latency_ms"]["p50"] > 0
    stages = report["latency_ms"]["by_stage"]
    assert set(stages) == {"wake", "endpoint_wait", "stt", "intent", "action"}
    assert stages["endpoint_wait"]["p50"] > 100 and stages["stt"]["p50"] > 0

    text = run_cli("eval", str(tmp_path))
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[0].startswith("false action rate: 20.0 %")
    assert "stages, ms p50/p90: wake " in text.stdout


def test_an_ignore_clip_is_heard_to_its_end_and_every_wake_counts(
    speech: dict[str, Path], tmp_path: Path
) -> None:
    """Long background audio: each time it woke is a false wake, per hour."""
    from assistant.audio import read_wav, write_wav

    talk = LIVE["light_no_wake"].name
    parts = [talk, _utterance("Hey Jarvis, what time is it?"), talk,
             _utterance("Hey Jarvis, turn on the kitchen light."), talk]  # fmt: skip
    pcm = b"".join(read_wav(speech[name]) + bytes(32000) for name in parts)
    write_wav(tmp_path / "long.wav", pcm)
    home = {"name": "test", "discovery": DISCOVERY, "states": STATES}
    (tmp_path / "homes").mkdir()
    (tmp_path / "homes" / "test.json").write_text(json.dumps(home))
    label = {"file": "long.wav", "category": "background", "home": "test",
             "expect": {"kind": "ignore"}}  # fmt: skip
    (tmp_path / "labels.jsonl").write_text(json.dumps(label) + "\n")
    proc = run_cli("eval", "--json", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)

    (clip,) = report["results"]
    assert clip["wakes"] == 2 and clip["outcome"] == "wrong_action"
    assert clip["commands"] == [{"topic": "t/kitchen/light/set", "payload": "ON"}]
    hours = len(pcm) / 32000 / 3600
    assert report["false_wakes_per_hour"] == {
        "wakes": 2, "hours": round(hours, 3), "per_hour": round(2 / hours, 2)
    }  # fmt: skip
