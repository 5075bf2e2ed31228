"""Live: "stop" said without the wake word ends a reply or a ringing timer; the
assistant's own replies, heard back by the microphone at full level with no echo
cancellation, never stop themselves."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Subscriber
from .corpus.stops import REPLIES
from .live import LiveAssistant, active_spans, echo, play, record_speaker, running
from .live import write_config as _write_config
from .speech import LIVE, STOP_TALK
from .test_live import reply_seconds
from .test_live_ha import BASE, NODE, send
from .test_timers_live import builtin_skills

pytestmark = pytest.mark.model

SELF_TRIGGER_SECONDS = float(os.environ.get("ASSISTANT_TEST_SELF_TRIGGER_SECONDS", 90))
"""How long the assistant talks to itself in the self-trigger test (the issue's
10 minutes: ``ASSISTANT_TEST_SELF_TRIGGER_SECONDS=600``)."""


def _config(folder: Path) -> Path:
    return _write_config(
        folder,
        "[audio]\nfeedback_sounds = false\nfollowup_seconds = 4.0\n"
        f'[mqtt]\nclient_id = "{NODE}"\n[storage]\ndir = "{folder}"\n'
        + builtin_skills(),  # the timers
    )


@pytest.fixture
def live(pulse: None, home: int, tmp_path: Path) -> Iterator[LiveAssistant]:
    with running(_config(tmp_path), home) as assistant:
        yield assistant


@pytest.fixture
def echoed(pulse: None, home: int, tmp_path: Path) -> Iterator[LiveAssistant]:
    """The speaker looped back into the microphone, nothing cancelling it."""
    with (
        echo(cancel=False) as devices,
        running(_config(tmp_path), home, (), **devices) as a,
    ):
        yield a


def test_stop_ends_a_reply_without_the_wake_word(
    live: LiveAssistant, subscriber: Subscriber, speech: dict[str, Path]
) -> None:
    sub = subscriber
    full = reply_seconds(
        "The living room thermostat is set to 19 degrees, and it is 20.5 degrees now."
    )
    with record_speaker() as recorded:
        play(speech[LIVE["long_answer"].name])
        live.wait_event("tts-start", timeout=20)
        time.sleep(1.0)
        start = len(live.events)
        play(speech[STOP_TALK["stop"].name])
        stopped = live.wait_event("stop", timeout=10, after=start)
        end = live.wait_event("tts-end", timeout=10, after=start)
        spans = active_spans(recorded())
    print(f"stop: the reply ended {stopped['stop_ms']:.0f} ms after the word")
    assert stopped["phrase"] == "stop"
    assert end["completed"] is False
    assert spans[0][1] - spans[0][0] < full - 1.0, (spans, full)  # cut short
    assert live.wait_event("run-end", after=start)["end"] == "stopped"
    assert sub.settle(0.5) == []
    # no follow-up window after a stop: a command needs the wake word again
    play(speech[LIVE["light_no_wake"].name])
    assert sub.settle(3.0) == []
    play(speech[LIVE["tv_off"].name])  # and the wake word works as before
    assert sub.wait_for(1, timeout=15) == [("t/living_room/tv/set", "OFF")]


def test_stop_ends_a_ringing_timer(
    live: LiveAssistant, speech: dict[str, Path]
) -> None:
    play(speech[STOP_TALK["egg"].name])
    live.wait_event("tts-end", timeout=30)
    start = len(live.events)
    live.wait_event("timer-finished", timeout=30, after=start)
    play(speech[STOP_TALK["be_quiet"].name])  # over the chime or the words after it
    stopped = live.wait_event("stop", timeout=10, after=start)
    time.sleep(1.0)
    assert stopped["phrase"] == "be quiet"
    said = [e for e in live.events[start:] if e["type"] == "tts-end"]
    assert all(e["completed"] is False for e in said), said  # nothing played out


def test_its_own_replies_never_stop_themselves(
    echoed: LiveAssistant, home: int
) -> None:
    """Announcements (Home Assistant's say) back to back, all of each heard by the
    microphone: none is stopped, though some say "stop", "cancel" and "quiet"."""
    live = echoed
    talked = 0.0
    index = 0
    while talked < SELF_TRIGGER_SECONDS:
        text = REPLIES[index % len(REPLIES)]
        start = len(live.events)
        send(home, f"{BASE}/say/set", text)
        began = live.wait_event("tts-start", timeout=20, after=start)
        end = live.wait_event("tts-end", timeout=30, after=start)
        assert end["completed"] is True, (text, live.heard())
        talked += end["time"] - began["time"]
        index += 1
    assert not [e for e in live.events if e["type"] == "stop"]
    print(f"{index} replies, {talked:.0f} s: no stop")
