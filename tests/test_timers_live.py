"""Live timers and config reloads: `assistant run` on PulseAudio's virtual
devices, spoken to, its speaker recorded. Two named timers run at once, one is
cancelled by name, the other rings (chime, then its name) while the assistant is
idle; a third rings in the middle of a long reply. Then config.toml is changed
under the running service: a good change is used at once, a bad one is logged
and the previous config keeps serving."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from assistant.player import ALARM_HZ

from .live import (
    ROOT,
    LiveAssistant,
    chime_times,
    other_sound,
    play,
    record_speaker,
    running,
    write_config,
)
from .speech import TIMER_TALK

pytestmark = pytest.mark.model

STORY = (
    "Once upon a time, in a small house by the sea, there lived an old clock maker. "
    "He built a clock for every child in the village, and each one ticked a little "
    "differently. Every night the children listened to their clocks as they fell "
    "asleep. One winter the sea froze over, and all the clocks stopped at once."
)


def builtin_skills() -> str:
    """The built-in skills, as the shipped config.toml documents them."""
    text = (ROOT / "config.toml").read_text()
    return text[text.index("# Built-in skills") :]


def _config(tmp_path: Path, extra: str = "") -> Path:
    return write_config(
        tmp_path,
        "[audio]\nfeedback_sounds = false\nfollowup_seconds = 0\n"
        f'[storage]\ndir = "{tmp_path}"\n' + builtin_skills() + extra,
    )


def _say(assistant: LiveAssistant, key: str, speech: dict[str, Path]) -> str:
    """Speak ``key``; the reply's text once it has been played."""
    start = len(assistant.events)
    play(speech[TIMER_TALK[key].name])
    reply = assistant.wait_event("tts-start", timeout=30, after=start)
    assistant.wait_event("tts-end", timeout=60, after=start)
    return str(reply["text"])


def test_named_timers_ring_idle_and_during_a_reply(
    pulse: None, home: int, speech: dict[str, Path], tmp_path: Path
) -> None:
    story = (
        '[[skills]]\nname = "story"\nsentences = ["tell me a story"]\n'
        f'actions = [{{ say = "{STORY}" }}]\n'
    )
    with running(_config(tmp_path, story), home) as assistant, record_speaker() as rec:
        assert _say(assistant, "pasta", speech) == "Pasta timer set for 25 seconds."
        assert _say(assistant, "laundry", speech) == (
            "Laundry timer set for 10 minutes."
        )
        assert _say(assistant, "cancel_laundry", speech) == (
            "I cancelled the laundry timer."
        )
        start = len(assistant.events)
        rang = assistant.wait_event("timer-finished", timeout=40, after=start)
        assert (rang["name"], rang["during_reply"]) == ("pasta", False)
        done = assistant.wait_event("tts-start", timeout=20, after=start)
        assert done["text"] == "The pasta timer is done."
        assistant.wait_event("tts-end", timeout=20, after=start)

        assert _say(assistant, "egg", speech) == "Egg timer set for 15 seconds."
        start = len(assistant.events)
        play(speech[TIMER_TALK["story"].name])
        told = assistant.wait_event("tts-start", timeout=30, after=start)
        assert told["text"] == STORY
        rang = assistant.wait_event("timer-finished", timeout=40, after=start)
        assert (rang["name"], rang["during_reply"]) == ("egg", True)
        ends = [e for e in assistant.events[start:] if e["type"] == "tts-end"]
        assert not ends, "the story was over before the egg timer rang"
        assistant.wait_event("tts-end", timeout=40, after=start)  # the story
        later = len(assistant.events)
        done = assistant.wait_event("tts-start", timeout=20, after=later)
        assert done["text"] == "The egg timer is done."
        assistant.wait_event("tts-end", timeout=20, after=later)
        samples = rec()
        names = [e["name"] for e in assistant.events if e["type"] == "timer-finished"]
    assert names == ["pasta", "egg"]  # never the cancelled laundry timer
    chimes = chime_times(samples, ALARM_HZ)
    assert len(chimes) == 2, chimes  # heard through the speaker, both times
    idle, during = (other_sound(samples, at, ALARM_HZ) for at in chimes)
    assert idle < 0.05 * during, (idle, during)  # alone, then over the story


def test_config_reload_good_then_bad(
    pulse: None, home: int, speech: dict[str, Path], tmp_path: Path
) -> None:
    config = _config(tmp_path)
    jazz = (
        '\n[lists.music_genre]\nvalues = ["jazz", "rock"]\n\n'
        '[[skills]]\nname = "play_music"\nsentences = ["play [some] {music_genre}"]\n'
        'actions = [{ say = "Playing {{ slots.music_genre }} now." }]\n'
    )
    with running(config, home) as assistant:
        config.write_text(config.read_text() + jazz)  # noticed by the file's change
        assistant.wait_log("Reloaded", timeout=20)
        line = next(x for x in assistant.log if "Reloaded" in x)
        assert line.endswith("(the file changed): skills added: play_music; "
                             "lists changed: music_genre")  # fmt: skip
        assert _say(assistant, "jazz", speech) == "Playing jazz now."

        good = config.read_text()
        config.write_text(good.replace("Playing {{", "Playing {{ {"))
        os.kill(assistant.proc.pid, signal.SIGHUP)
        assistant.wait_log("Config not reloaded", timeout=20)
        line = next(x for x in assistant.log if "Config not reloaded" in x)
        number = (
            good.splitlines().index(
                'actions = [{ say = "Playing {{ slots.music_genre }} now." }]'
            )
            + 1
        )
        assert line == (
            "ERROR assistant.reload: Config not reloaded (SIGHUP), the previous one "
            f"keeps serving: {config}:{number}: skills[11].actions[0].say: template "
            "syntax error on line 1: expected token ':', got '}' (got 'Playing {{ { "
            "slots.music_genre }} now.')"
        )
        time.sleep(0.5)
        assert _say(assistant, "jazz", speech) == "Playing jazz now."  # still served
        assert assistant.proc.poll() is None
