"""The README's main job: `assistant demo` needs no broker or config and shows spoken
commands switching simulated devices, with spoken replies."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli

pytestmark = pytest.mark.model


def test_demo(tmp_path: Path, models_ready: None) -> None:
    learned = ROOT / "data" / "learned.json"  # the bundled config's state dir
    before = learned.read_bytes() if learned.exists() else None
    proc = run_cli("demo", "--reply-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    # its "yes" to the LLM's question teaches nothing to the user's own assistant
    assert (learned.read_bytes() if learned.exists() else None) == before
    done = re.search(r"^(\d+) spoken commands switched devices", proc.stdout, re.M)
    assert done and int(done[1]) >= 5, proc.stdout
    assert proc.stdout.count("    MQTT:       ") >= 5
    # "it's too dark in the kitchen": the room's lights, by the sentence rules
    assert "state:      The kitchen light is on" in proc.stdout
    # "nobody is watching the television": only the LLM understands it, and asks
    assert "(understood by the LLM)" in proc.stdout
    assert "MQTT:       home/living_room/tv/set OFF" in proc.stdout
    # "yes please" to "are you sure you want to open the garage door?"
    assert "MQTT:       home/garage/door/set OPEN" in proc.stdout
    assert "state:      The garage door is open." in proc.stdout
    replies = sorted(tmp_path.glob("*.wav"))
    assert len(replies) >= 9  # one more when it asks before acting
    for path in replies:
        with wave.open(str(path)) as wav:
            assert wav.getnframes() / wav.getframerate() > 0.8
