"""The running assistant in Home Assistant: its own device by discovery, availability
by last will, mute and announcements from MQTT, and spoken confirmations."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from .conftest import Subscriber, mqtt_client
from .home import COMMAND_TOPICS
from .live import (
    LiveAssistant,
    active_spans,
    play,
    record_speaker,
    running,
    write_config,
)
from .speech import LIVE, TRUST
from .test_ha_device import check_discovery

pytestmark = pytest.mark.model

NODE = "ha-test"
BASE = f"assistant/{NODE}"


@pytest.fixture
def live(
    pulse: None, home: int, speech: dict[str, Path], tmp_path: Path
) -> Iterator[LiveAssistant]:
    config = write_config(
        tmp_path,
        "[audio]\nfeedback_sounds = false\nfollowup_seconds = 0\n"
        f'[mqtt]\nclient_id = "{NODE}"\n'
        '[homeassistant]\nname = "Test Assistant"\nconfirm_seconds = 3\n',
    )
    with running(config, home) as assistant:
        yield assistant


def send(port: int, topic: str, payload: str) -> None:
    client = mqtt_client(port, "test-ha")
    try:
        client.publish(topic, payload, qos=1).wait_for_publish(5)
    finally:
        client.disconnect()
        client.loop_stop()


def wav(speech: dict[str, Path], key: str) -> Path:
    return speech[LIVE[key].name]


def test_announces_itself_and_goes_offline_when_killed(
    home: int, live: LiveAssistant
) -> None:
    sub = Subscriber(home, [f"homeassistant/+/{NODE}/+/config", f"{BASE}/availability"])
    try:
        received = sub.wait_for(9, timeout=10)
        configs = {t: json.loads(p) for t, p in received if t.endswith("/config") and p}
        assert len(configs) == 8
        for topic, config in configs.items():
            check_discovery(topic.split("/")[1], config)
            assert config["device"]["name"] == "Test Assistant"
        assert (f"{BASE}/availability", "online") in received
        live.proc.kill()  # no goodbye: the broker publishes the last will
        assert sub.wait_for(len(received) + 1, timeout=10)[-1] == (
            f"{BASE}/availability",
            "offline",
        )
    finally:
        sub.close()
        for topic in [t for t, _ in sub.messages if t.endswith("/config")]:
            send(home, topic, "")  # tidy the broker for later tests


def test_home_assistant_restart_gets_the_device_again(
    home: int, live: LiveAssistant
) -> None:
    sub = Subscriber(home, [f"homeassistant/+/{NODE}/+/config"])
    try:
        before = len(sub.wait_for(8, timeout=10))
        send(home, "homeassistant/status", "online")
        assert len(sub.wait_for(before + 8, timeout=10)) >= before + 8
    finally:
        sub.close()


def test_mute_from_home_assistant(
    home: int, live: LiveAssistant, speech: dict[str, Path]
) -> None:
    states = Subscriber(home, [f"{BASE}/mute"])
    commands = Subscriber(home, COMMAND_TOPICS)
    try:
        send(home, f"{BASE}/mute/set", "ON")
        assert live.wait_event("mute")["muted"] is True
        assert states.settle(0.5)[-1] == (f"{BASE}/mute", "ON")
        play(wav(speech, "tv_off"))
        time.sleep(2)
        assert commands.settle(0.2) == []
        count = len(live.events)
        send(home, f"{BASE}/mute/set", "OFF")
        assert live.wait_event("mute", after=count)["muted"] is False
        assert states.settle(0.5)[-1] == (f"{BASE}/mute", "OFF")
        play(wav(speech, "tv_off"))
        assert commands.wait_for(1, timeout=15) == [("t/living_room/tv/set", "OFF")]
    finally:
        states.close()
        commands.close()


def test_announcement_from_home_assistant(home: int, live: LiveAssistant) -> None:
    shown = Subscriber(home, [f"{BASE}/say"])
    try:
        with record_speaker() as recorded:
            send(home, f"{BASE}/say/set", "Dinner is ready.")
            started = live.wait_event("tts-start", timeout=15)
            live.wait_event("tts-end", timeout=15)
            spans = active_spans(recorded())
        assert started["text"] == "Dinner is ready." and started["announcement"]
        assert len(spans) == 1 and 0.6 < spans[0][1] - spans[0][0] < 3.0, spans
        texts = [payload for _, payload in shown.settle(0.5)]
        assert texts[-2:] == ["Dinner is ready.", ""]  # shown while said, then not
    finally:
        shown.close()


@pytest.mark.parametrize(
    ("answer", "expected", "reply"),
    [
        ("yes", [("t/back_door/set", "UNLOCK")], "Unlocking the back door."),
        ("no", [], "Okay, I won't."),
        (None, [], None),
    ],
)
def test_unlocking_asks_first(
    home: int,
    live: LiveAssistant,
    speech: dict[str, Path],
    answer: str | None,
    expected: list[tuple[str, str]],
    reply: str | None,
) -> None:
    commands = Subscriber(home, COMMAND_TOPICS)
    try:
        play(wav(speech, "unlock"))
        question = live.wait_event("tts-start", timeout=20)
        assert question["text"] == "Are you sure you want to unlock the back door?", (
            live.heard()
        )
        assert commands.settle(0.2) == []
        live.wait_event("tts-end", timeout=20)
        count = len(live.events)
        if answer is not None:
            play(wav(speech, answer))
            spoken = live.wait_event("tts-start", timeout=20, after=count)
            assert spoken["text"] == reply
            assert commands.wait_for(len(expected), timeout=5) == expected
        else:
            live.wait_log("cancelled", timeout=15)
        assert commands.settle(1.0) == expected
    finally:
        commands.close()


def _ends_idle(
    live: LiveAssistant, states: Subscriber, after: int, end: str
) -> list[dict[str, object]]:
    """The run-ends since event ``after`` up to one that ended ``end``; the state
    topic says idle within 1 s of it."""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        ends = [e for e in live.events[after:] if e["type"] == "run-end"]
        if any(e["end"] == end for e in ends):
            break
        time.sleep(0.05)
    assert any(e["end"] == end for e in ends), ([e["type"] for e in live.events], ends)
    time.sleep(1.0)
    assert states.messages[-1] == (f"{BASE}/state", "idle"), states.messages
    return ends


def test_state_returns_to_idle_however_the_run_ends(
    home: int, live: LiveAssistant, speech: dict[str, Path]
) -> None:
    states = Subscriber(home, [f"{BASE}/state"])
    try:
        states.wait_for(1, timeout=10)  # retained: idle
        start = len(live.events)
        play(speech[TRUST["hey_jarvis"].name])  # the wake word, then nothing
        _ends_idle(live, states, start, "no-command")
        assert (f"{BASE}/state", "listening") in states.messages

        start = len(live.events)
        play(wav(speech, "unlock"))  # asked "unlock the back door?", never answered
        ends = _ends_idle(live, states, start, "timeout")
        assert [e["end"] for e in ends] == ["done", "timeout"]

        start = len(live.events)
        play(wav(speech, "long_answer"))
        live.wait_event("tts-start", timeout=20, after=start)
        time.sleep(1.0)
        play(wav(speech, "wake_then_light"))  # the wake word during the reply
        ends = _ends_idle(live, states, start, "done")
        assert [e["end"] for e in ends][:1] == ["barge-in"]
        assert live.wait_event("run-start", after=start)["start"] == "barge-in"
    finally:
        states.close()


def test_mute_and_threshold_set_from_home_assistant_survive_a_restart(
    pulse: None, home: int, speech: dict[str, Path], tmp_path: Path
) -> None:
    config = write_config(
        tmp_path,
        f'[audio]\nfeedback_sounds = false\n[mqtt]\nclient_id = "{NODE}"\n'
        f'[storage]\ndir = "{tmp_path / "data"}"\n',  # not the session's
    )
    commands = Subscriber(home, COMMAND_TOPICS)
    try:
        with running(config, home) as first:
            send(home, f"{BASE}/mute/set", "ON")
            send(home, f"{BASE}/wake_threshold/set", "0.7")
            first.wait_event("mute")
            first.wait_log("Wake word threshold now 0.70")
        states = Subscriber(home, [f"{BASE}/mute", f"{BASE}/wake_threshold"])
        with running(config, home) as second:
            time.sleep(1.0)
            assert dict(states.messages) == {  # the last of each, retained
                f"{BASE}/mute": "ON",
                f"{BASE}/wake_threshold": "0.7",
            }
            play(wav(speech, "tv_off"))
            time.sleep(2.5)
            assert commands.settle(0.2) == []
            assert not [e for e in second.events if e["type"] == "wake-end"]
            assert any("threshold now 0.70" in line for line in second.log)
            send(home, f"{BASE}/mute/set", "OFF")
            second.wait_event("mute")
            play(wav(speech, "tv_off"))
            assert commands.wait_for(1, timeout=15) == [("t/living_room/tv/set", "OFF")]
        states.close()
        saved = json.loads((tmp_path / "data" / "controls.json").read_text())
        assert "muted" not in saved  # back to what config.toml says
        assert saved["wake_threshold"] == {"value": 0.7, "config": 0.3}
    finally:
        commands.close()


def test_hermes_start_session_is_spoken_and_an_action_listens(
    home: int, live: LiveAssistant, speech: dict[str, Path]
) -> None:
    """What Home Assistant's snips.say and snips.say_action publish
    (homeassistant/components/snips/__init__.py)."""
    commands = Subscriber(home, COMMAND_TOPICS)
    try:
        with record_speaker() as recorded:
            say = {"type": "notification", "text": "The laundry is done."}
            start = {"siteId": "default", "customData": "", "init": say}
            send(home, "hermes/dialogueManager/startSession", json.dumps(start))
            started = live.wait_event("tts-start", timeout=15)
            live.wait_event("tts-end", timeout=15)
            spans = active_spans(recorded())
        assert started["text"] == "The laundry is done."
        assert len(spans) == 1 and 0.6 < spans[0][1] - spans[0][0] < 3.0, spans
        send(home, "hermes/dialogueManager/startSession",
             json.dumps({"siteId": "elsewhere", "init": say}))  # fmt: skip
        time.sleep(1.0)
        assert len([e for e in live.events if e["type"] == "tts-start"]) == 1

        count = len(live.events)
        ask = {"type": "action", "text": "What shall I do?", "canBeEnqueued": True}
        send(home, "hermes/dialogueManager/startSession",
             json.dumps({"siteId": "default", "init": ask}))  # fmt: skip
        live.wait_event("tts-end", timeout=15, after=count)
        play(wav(speech, "light_no_wake"))  # no wake word: it is listening
        assert commands.wait_for(1, timeout=15) == [("t/kitchen/light/set", "ON")]
    finally:
        commands.close()


def test_listen_button_starts_a_command_without_the_wake_word(
    home: int, live: LiveAssistant, speech: dict[str, Path]
) -> None:
    commands = Subscriber(home, COMMAND_TOPICS)
    try:
        play(wav(speech, "light_no_wake"))  # no wake word: ignored
        time.sleep(1.0)
        assert commands.settle(0.2) == []
        send(home, f"{BASE}/listen/set", "PRESS")
        live.wait_log("Listening: asked by Home Assistant", timeout=10)
        play(wav(speech, "light_no_wake"))
        assert commands.wait_for(1, timeout=15) == [("t/kitchen/light/set", "ON")]
    finally:
        commands.close()


def test_volume_from_home_assistant(home: int, live: LiveAssistant) -> None:
    def loudest(text: str) -> float:
        count = len(live.events)
        with record_speaker() as recorded:
            send(home, f"{BASE}/say/set", text)
            live.wait_event("tts-end", timeout=15, after=count)
            samples = recorded()
        return float(np.abs(samples.astype(np.float32)).max())

    shown = Subscriber(home, [f"{BASE}/volume"])
    try:
        full = loudest("Dinner is ready.")
        send(home, f"{BASE}/volume/set", "25")
        live.wait_log("Volume now 25 %", timeout=10)
        quiet = loudest("Dinner is ready.")
        assert 0.2 < quiet / full < 0.3, (quiet, full)
        assert shown.settle(0.5)[-1] == (f"{BASE}/volume", "25")
        send(home, f"{BASE}/volume/set", "loud")  # logged and ignored
        live.wait_log("is not between 0 and 100", timeout=10)
    finally:
        send(home, f"{BASE}/volume/set", "100")
        shown.close()
