"""Live: `assistant run` on a real sounddevice/PortAudio path through PulseAudio's
virtual devices: speech played into its microphone, its replies recorded from the
speaker, commands checked at an independent MQTT subscriber."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from .conftest import Subscriber
from .home import COMMAND_TOPICS
from .live import (
    SPEAKER_RATE,
    SPEAKER_SINK,
    LiveAssistant,
    active_spans,
    play,
    record_speaker,
    running,
    start_pulse,
    stop_pulse,
    write_config,
)
from .speech import LIVE

pytestmark = pytest.mark.model


@pytest.fixture
def live(
    pulse: None, home: int, speech: dict[str, Path], tmp_path: Path
) -> Iterator[LiveAssistant]:
    config = write_config(
        tmp_path, "[audio]\nfeedback_sounds = false\nfollowup_seconds = 5.0\n"
    )
    with running(config, home) as assistant:
        yield assistant


@pytest.fixture
def sub(home: int) -> Iterator[Subscriber]:
    subscriber = Subscriber(home, COMMAND_TOPICS)
    yield subscriber
    subscriber.close()


def wav(speech: dict[str, Path], key: str) -> Path:
    return speech[LIVE[key].name]


def reply_seconds(text: str) -> float:
    """How long the reply sounds, measured as the recording is: piper's silence
    before and after the words varies from one synthesis to the next (1.2 to
    1.7 s for "Turning off the TV."), its sounding span hardly at all."""
    from assistant.config import load_config
    from assistant.models import ModelStore
    from assistant.tts import PiperSynthesizer

    cfg = load_config()
    tts = PiperSynthesizer.from_config(cfg.tts, ModelStore(cfg.models_dir))
    assert tts.sample_rate == SPEAKER_RATE
    spans = active_spans(np.frombuffer(tts.synthesize_all(text), dtype="<i2"))
    return spans[-1][1] - spans[0][0]


def test_spoken_command_switches_and_answers_out_loud(
    live: LiveAssistant, sub: Subscriber, speech: dict[str, Path]
) -> None:
    with record_speaker() as recorded:
        play(wav(speech, "tv_off"))
        assert sub.wait_for(1, timeout=15) == [("t/living_room/tv/set", "OFF")]
        end = live.wait_event("tts-end", timeout=20)
        assert end["completed"] is True
        time.sleep(0.5)
        spans = active_spans(recorded())
    assert live.wait_event("stt-end")["text"].lower().startswith("turn off the tv")
    assert len(spans) == 1, spans
    heard = spans[0][1] - spans[0][0]
    expected = reply_seconds("Turning off the TV.")
    assert abs(heard - expected) < 0.3, (heard, expected)


def test_speech_without_the_wake_word_does_nothing(
    live: LiveAssistant, sub: Subscriber, speech: dict[str, Path]
) -> None:
    with record_speaker() as recorded:
        play(wav(speech, "tv_off_no_wake"))
        time.sleep(3)
        samples = recorded()
    assert len(samples) > SPEAKER_RATE * 3
    assert active_spans(samples) == []
    assert sub.settle(0.2) == []
    assert not [e for e in live.events if e["type"] == "wake-end"]


def test_wake_word_during_a_reply_stops_it_and_listens(
    live: LiveAssistant, sub: Subscriber, speech: dict[str, Path]
) -> None:
    full = reply_seconds(
        "The living room thermostat is set to 19 degrees, and it is 20.5 degrees now."
    )
    with record_speaker() as recorded:
        play(wav(speech, "long_answer"))
        live.wait_event("tts-start", timeout=20)
        time.sleep(1.0)
        play(wav(speech, "wake_then_light"))  # "Hey Jarvis, turn on the kitchen light."
        barge = live.wait_event("barge-in", timeout=10)
        assert sub.wait_for(1, timeout=15) == [("t/kitchen/light/set", "ON")]
        spans = active_spans(recorded())
    print(f"barge-in: the reply stopped {barge['stop_ms']:.0f} ms after detection")
    assert barge["stop_ms"] < 300
    first_reply = spans[0][1] - spans[0][0]
    assert first_reply < full - 1.0, (spans, full)  # cut short, not played out


def test_follow_up_without_the_wake_word(
    live: LiveAssistant, sub: Subscriber, speech: dict[str, Path]
) -> None:
    play(wav(speech, "tv_off"))
    start = len(live.events)
    live.wait_event("tts-end", timeout=20)
    play(wav(speech, "light_no_wake"))  # within the follow-up window
    assert sub.wait_for(2, timeout=15) == [
        ("t/living_room/tv/set", "OFF"),
        ("t/kitchen/light/set", "ON"),
    ]
    assert len([e for e in live.events[start:] if e["type"] == "wake-end"]) == 0


def test_microphone_lost_and_back(
    live: LiveAssistant, sub: Subscriber, speech: dict[str, Path]
) -> None:
    stop_pulse()  # the sound server and its devices disappear
    live.wait_log("Microphone (default) failed", timeout=20)
    time.sleep(2)
    start_pulse()
    live.wait_log("channel(s) again", timeout=30)
    assert sum("failed" in line and "assistant.mic" in line for line in live.log) == 1
    assert live.proc.poll() is None
    play(wav(speech, "tv_off"))
    assert sub.wait_for(1, timeout=15) == [("t/living_room/tv/set", "OFF")]


def test_mute_by_signal(
    live: LiveAssistant, sub: Subscriber, speech: dict[str, Path]
) -> None:
    import signal

    live.proc.send_signal(signal.SIGUSR1)
    assert live.wait_event("mute")["muted"] is True
    play(wav(speech, "tv_off"))
    time.sleep(2)
    assert sub.settle(0.2) == []
    assert not [e for e in live.events if e["type"] == "wake-end"]
    count = len(live.events)
    live.proc.send_signal(signal.SIGUSR1)
    assert live.wait_event("mute", after=count)["muted"] is False
    play(wav(speech, "tv_off"))
    assert sub.wait_for(1, timeout=15) == [("t/living_room/tv/set", "OFF")]


def test_notifies_systemd_ready_and_watchdog(
    pulse: None, home: int, tmp_path: Path
) -> None:
    import socket

    path = tmp_path / "notify"
    config = write_config(tmp_path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        server.settimeout(60)
        assistant = LiveAssistant(
            config, home, NOTIFY_SOCKET=str(path), WATCHDOG_USEC="1000000"
        )
        try:
            messages = [server.recv(200).decode()]
            messages.append(server.recv(200).decode())
        finally:
            assistant.stop()
    assert messages[0].startswith("READY=1")
    assert messages[1] == "WATCHDOG=1"


def test_replies_start_before_the_rest_is_synthesized(
    pulse: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np
    import sounddevice as sd

    from assistant.player import SoundDevicePlayer, tone

    monkeypatch.setenv("PULSE_SINK", SPEAKER_SINK)
    monkeypatch.setenv("PULSE_SOURCE", f"{SPEAKER_SINK}.monitor")
    heard: list[float] = []
    made: dict[str, float] = {}
    recording = threading.Event()

    def listen(indata: np.ndarray, frames: int, when: object, status: object) -> None:
        recording.set()
        if np.abs(indata).max() > 3000:
            heard.append(time.monotonic())

    def slow_sentences():  # type: ignore[no-untyped-def]
        made["first"] = time.monotonic()
        yield tone(440, 0.5, volume=0.5)
        time.sleep(1.5)  # the second sentence takes long to make
        made["second"] = time.monotonic()
        yield tone(440, 0.5, volume=0.5)

    with sd.InputStream(
        samplerate=SPEAKER_RATE, channels=1, dtype="int16", callback=listen
    ):
        # a fresh monitor source was seen to deliver its first block only after 2 s
        assert recording.wait(10), "the speaker's monitor records nothing"
        assert SoundDevicePlayer().play(slow_sentences())
    after_start = [t for t in heard if t > made["first"]]
    assert after_start, "nothing came out of the speaker"
    assert after_start[0] < made["second"]  # heard before the second one was made


def test_devices_are_listed(pulse: None) -> None:
    from .conftest import run_cli

    proc = run_cli("audio-devices")
    assert proc.returncode == 0 and "pulse" in proc.stdout


def test_feedback_tones(
    pulse: None, home: int, speech: dict[str, Path], tmp_path: Path
) -> None:
    import numpy as np

    config = write_config(tmp_path, "[audio]\nfollowup_seconds = 0\n")
    with running(config, home) as assistant, record_speaker() as recorded:
        play(wav(speech, "tv_off"))
        assistant.wait_event("tts-end", timeout=20)
        time.sleep(0.3)
        samples = recorded()
    spans = active_spans(samples)
    assert len(spans) >= 2, spans  # the tones, then the reply
    start, end = spans[0]
    first = samples[int(start * SPEAKER_RATE) : int(end * SPEAKER_RATE)].astype(float)
    peak = np.argmax(np.abs(np.fft.rfft(first))) * SPEAKER_RATE / len(first)
    assert abs(peak - 880) < 30  # the wake tone


def test_keeps_listening_when_the_broker_goes_away(
    pulse: None, speech: dict[str, Path], tmp_path: Path
) -> None:
    import json
    import shutil
    import subprocess

    from assistant.broker import free_port, mosquitto_config

    from .conftest import _wait_port, publish_retained
    from .home import DISCOVERY, STATES

    port = free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(mosquitto_config(port))
    exe = shutil.which("mosquitto")
    assert exe is not None

    def broker() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen([exe, "-c", str(conf)], stderr=subprocess.DEVNULL)
        _wait_port(port)
        return proc

    mosquitto = broker()
    publish_retained(
        port, {**{t: json.dumps(c) for t, c in DISCOVERY.items()}, **STATES}
    )
    config = write_config(tmp_path, "[audio]\nfeedback_sounds = false\n")
    try:
        with running(config, port) as assistant:
            mosquitto.terminate()
            mosquitto.wait(timeout=5)
            play(wav(speech, "tv_off"))
            spoken = assistant.wait_event("tts-start", timeout=20)
            assert "could not reach your devices" in spoken["text"]
            assistant.wait_event("tts-end", timeout=20)
            mosquitto = broker()
            assistant.wait_log("MQTT connected", count=2, timeout=40)
            sub = Subscriber(port, COMMAND_TOPICS)
            try:
                time.sleep(5)  # past the follow-up window
                play(wav(speech, "tv_off"))
                assert sub.wait_for(1, timeout=15) == [("t/living_room/tv/set", "OFF")]
            finally:
                sub.close()
            assert assistant.proc.poll() is None
    finally:
        mosquitto.terminate()
        mosquitto.wait(timeout=5)
