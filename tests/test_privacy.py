"""Audio lives only in memory: a spoken command leaves no audio on disk unless
``[debug] record_dir`` asks for it, and then only the command after the wake word."""

from __future__ import annotations

import os
import tempfile
import time
import wave
from pathlib import Path

import pytest

from .conftest import Subscriber, run_cli
from .live import ROOT, write_config
from .speech import UTTERANCES

pytestmark = pytest.mark.model

SKIP_DIRS = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", "generated"}
COMMAND = UTTERANCES[0]  # "Hey Jarvis, turn on the kitchen light."


def _written_since(start: float, *roots: Path) -> list[Path]:
    found = []
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            for name in files:
                path = Path(folder, name)
                try:
                    if path.stat().st_mtime >= start:
                        found.append(path)
                except OSError:
                    continue  # gone meanwhile
    return found


def _is_audio(path: Path) -> bool:
    if path.suffix.lower() in (".wav", ".pcm", ".raw", ".flac", ".ogg"):
        return True
    try:
        with path.open("rb") as file:
            return file.read(4) == b"RIFF"
    except OSError:
        return False


def _process(home: int, config: Path, wav: Path) -> None:
    sub = Subscriber(home, ["t/kitchen/light/set"])
    try:
        proc = run_cli(
            "process", "--config", str(config), "--mqtt-host", "127.0.0.1",
            "--mqtt-port", str(home), str(wav),
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        # the command went through the whole pipeline
        assert sub.wait_for(1, timeout=10) == [("t/kitchen/light/set", "ON")]
    finally:
        sub.close()


def test_no_audio_is_written_by_default(
    home: int, speech: dict[str, Path], tmp_path: Path
) -> None:
    config = write_config(tmp_path)
    start = time.time()
    _process(home, config, speech[COMMAND.name])
    written = _written_since(start, ROOT, tmp_path, Path(tempfile.gettempdir()))
    audio = sorted({p for p in written if _is_audio(p)})
    assert audio == [], f"audio written to disk: {audio}"


def test_record_dir_keeps_only_the_command(
    home: int, speech: dict[str, Path], tmp_path: Path
) -> None:
    config = write_config(tmp_path, '[debug]\nrecord_dir = "recordings"\n')
    _process(home, config, speech[COMMAND.name])
    recordings = list((tmp_path / "recordings").glob("*.wav"))
    assert len(recordings) == 1, recordings
    assert recordings[0].name.endswith("-hey_jarvis.wav")
    with wave.open(str(speech[COMMAND.name])) as original:
        whole = original.getnframes() / original.getframerate()
    with wave.open(str(recordings[0])) as recorded:
        assert (recorded.getframerate(), recorded.getnchannels()) == (16000, 1)
        seconds = recorded.getnframes() / recorded.getframerate()
    # "turn on the kitchen light" and its trailing silence, not the wake word too
    assert 1.0 < seconds < whole - 0.5, (seconds, whole)
