"""Bad input gets one clear line naming what is wrong and where, a non-zero exit,
and nothing published (the real CLI, models and broker)."""

from __future__ import annotations

import json
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from assistant.audio import read_wav

from .conftest import ROOT, Subscriber, publish_retained, run_cli
from .speech import UTTERANCES

pytestmark = pytest.mark.model

KITCHEN_ON = next(
    u for u in UTTERANCES if u.text == "Hey Jarvis, turn on the kitchen light."
)


def _error_line(stderr: str) -> str:
    lines = [
        line for line in stderr.splitlines() if line.startswith("assistant: error:")
    ]
    assert len(lines) == 1, stderr
    return lines[0]


def _mqtt(port: int) -> list[str]:
    return ["--mqtt-host", "127.0.0.1", "--mqtt-port", str(port)]


def _subtype_copy(source: Path, target: Path, subtype: str, container: str) -> str:
    import soundfile

    audio, rate = soundfile.read(source, dtype="float32")
    soundfile.write(target, audio, rate, subtype=subtype, format=container)
    return str(target)


def test_a_mixed_batch_runs_every_readable_file(
    home: int, subscriber: Subscriber, speech: dict[str, Path], tmp_path: Path
) -> None:
    good = speech[KITCHEN_ON.name]
    broken = tmp_path / "broken.wav"
    broken.write_bytes(good.read_bytes()[:30])  # cut inside the header
    missing = tmp_path / "nope.wav"
    files = [
        str(good),
        _subtype_copy(good, tmp_path / "24bit.wav", "PCM_24", "WAV"),
        str(broken),
        _subtype_copy(good, tmp_path / "float.wav", "FLOAT", "WAV"),
        str(missing),
        _subtype_copy(good, tmp_path / "extensible.wav", "PCM_16", "WAVEX"),
    ]
    proc = run_cli("process", *_mqtt(home), "--json", *files)
    assert proc.returncode == 1, proc.stderr  # something failed
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["file"] for r in results] == files  # in order, one object each
    ok = [r for r in results if "error" not in r]
    assert [r["file"] for r in ok] == [files[0], files[1], files[3], files[5]]
    for result in ok:
        assert result["commands"] == [
            {"topic": "t/kitchen/light/set", "payload": "ON"}
        ], result
    errors = {r["file"]: r["error"] for r in results if "error" in r}
    assert errors[str(broken)]["code"] == "bad-audio"
    assert errors[str(broken)]["message"].startswith(
        f"{broken}: not a readable audio file"
    )
    assert errors[str(missing)]["code"] == "unreadable"
    assert str(missing) in errors[str(missing)]["message"]
    assert "2 of 6 files failed" in proc.stderr
    assert subscriber.wait_for(4) == [("t/kitchen/light/set", "ON")] * 4


def test_non_audio_file_is_named(
    home: int, subscriber: Subscriber, tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.wav"
    bogus.write_text("this is not audio\n")
    proc = run_cli("process", *_mqtt(home), str(bogus))
    assert proc.returncode == 1
    assert proc.stdout == (
        f"{bogus}: error: {bogus}: not a readable audio file (Format not recognised.)\n"
    )
    assert subscriber.settle(0.3) == []


def test_other_rates_and_stereo_are_resampled(
    home: int, subscriber: Subscriber, speech: dict[str, Path], tmp_path: Path
) -> None:
    pcm = np.frombuffer(read_wav(speech[KITCHEN_ON.name]), dtype="<i2")
    from scipy.signal import resample_poly

    up = resample_poly(pcm.astype(np.float32), 441, 160).astype("<i2")
    stereo = np.stack([up, up], axis=1)
    path = tmp_path / "kitchen_44k_stereo.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(44100)
        wav.writeframes(stereo.tobytes())
    proc = run_cli("process", *_mqtt(home), "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["commands"] == [{"topic": "t/kitchen/light/set", "payload": "ON"}]
    assert subscriber.wait_for(1) == [("t/kitchen/light/set", "ON")]


def test_unreachable_broker(speech: dict[str, Path]) -> None:
    from assistant.broker import free_port

    port = free_port()
    proc = run_cli("process", *_mqtt(port), "--json", str(speech[KITCHEN_ON.name]))
    assert proc.returncode != 0
    assert f"127.0.0.1:{port}" in _error_line(proc.stderr)


def _models_copy(tmp_path: Path) -> Path:
    """A models folder of links to the real files, with the wake models copied."""
    real = ROOT / "models"
    models = tmp_path / "models"
    models.mkdir()
    for child in real.iterdir():
        if child.is_dir() and child.name != "openwakeword":
            (models / child.name).symlink_to(child)
    shutil.copytree(real / "openwakeword", models / "openwakeword")
    shutil.copy(real / "manifest.toml", models / "manifest.toml")
    return models


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_missing_model(home: int, speech: dict[str, Path], tmp_path: Path) -> None:
    models = _models_copy(tmp_path)
    (models / "openwakeword" / "hey_jarvis.tflite").unlink()
    config = _config(tmp_path, f'[models]\ndir = "{models}"\n')
    proc = run_cli(
        "process", "--config", str(config), *_mqtt(home), str(speech[KITCHEN_ON.name])
    )
    assert proc.returncode != 0
    line = _error_line(proc.stderr)
    assert "hey_jarvis.tflite: missing" in line and "assistant models fetch" in line


def test_model_sha_mismatch_is_refused(
    home: int, speech: dict[str, Path], tmp_path: Path
) -> None:
    models = _models_copy(tmp_path)
    import os

    target = models / "openwakeword" / "melspectrogram.tflite"
    config = _config(tmp_path, f'[models]\ndir = "{models}"\n')
    first = run_cli("models", "--config", str(config), "verify", "openwakeword")
    assert first.returncode == 0, first.stderr  # verified once: its stamp is saved
    before = target.stat()
    data = bytearray(target.read_bytes())
    data[1000] ^= 0xFF
    target.write_bytes(bytes(data))  # same size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime restored
    assert target.stat().st_mtime_ns == before.st_mtime_ns
    proc = run_cli(
        "process", "--config", str(config), *_mqtt(home), str(speech[KITCHEN_ON.name])
    )
    assert proc.returncode != 0
    line = _error_line(proc.stderr)
    assert "melspectrogram.tflite: sha256 mismatch" in line
    verify = run_cli("models", "--config", str(config), "verify", "openwakeword")
    assert verify.returncode != 0 and "sha256 mismatch" in verify.stderr


@pytest.mark.parametrize(
    ("toml", "field"),
    [
        ("[wake]\nthreshold = 3\n", "wake.threshold"),
        ("[stt]\nmodle = 'whisper'\n", "stt.modle"),
        ("[mqtt]\nport = 'eighteen'\n", "mqtt.port"),
        ("[vad]\nsilence_seconds = [1]\n", "vad.silence_seconds"),
    ],
)
def test_config_error_names_the_field(tmp_path: Path, toml: str, field: str) -> None:
    config = _config(tmp_path, toml)
    proc = run_cli("text", "--config", str(config), "what time is it")
    assert proc.returncode != 0
    line = _error_line(proc.stderr)
    assert str(config) in line and field in line


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    config = _config(tmp_path, "[wake]\nthreshold = = 0.5\n")
    proc = run_cli("text", "--config", str(config), "what time is it")
    assert proc.returncode != 0
    assert f"{config}:2: TOML syntax: " in _error_line(proc.stderr)


def test_malformed_discovery_is_skipped_and_the_rest_works(
    home: int, subscriber: Subscriber
) -> None:
    broken = {
        "homeassistant/light/broken_json/config": "{not json",
        "homeassistant/switch/no_command/config": json.dumps(
            {"name": "Kettle", "stat_t": "k/s"}
        ),
        "homeassistant/camera/robot/config": json.dumps(
            {"name": "Robot", "cmd_t": "r/set"}
        ),
    }
    publish_retained(home, broken)
    try:
        proc = run_cli("text", *_mqtt(home), "--json", "turn on the kitchen light")
    finally:
        publish_retained(home, dict.fromkeys(broken, ""))
    assert proc.returncode == 0, proc.stderr
    skipped = [line for line in proc.stderr.splitlines() if "Skipping device" in line]
    assert len(skipped) == 3, proc.stderr
    for topic in broken:
        assert sum(topic in line for line in skipped) == 1
    assert json.loads(proc.stdout)["commands"] == [
        {"topic": "t/kitchen/light/set", "payload": "ON"}
    ]
    assert subscriber.wait_for(1) == [("t/kitchen/light/set", "ON")]
