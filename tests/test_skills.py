# ruff: noqa: E501
"""Skills from config.toml: spoken, published to a real broker (an independent
subscriber sees them), spoken back; tried with `assistant skills test`; and every
mistake in a skill named with its place in the file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.intent.sentence_data import load_builtin_sentences

from .conftest import Subscriber, run_cli
from .live import ROOT, write_config
from .speech import SKILL_TALK

SKILLS = """
[lists.music_genre]
values = ["jazz", "rock", { in = "(classical|classic)", out = "classical" }]

[[skills]]
name = "play_music"
sentences = ["play [some] {music_genre} [music]"]
actions = [
  { publish = { topic = "t/living_room/speaker/play", payload = '{"genre": "{{ slots.music_genre }}"}' } },
  { say = "Playing {{ slots.music_genre }}." },
]

[[skills]]
name = "good_night"
sentences = ["good night", "(I'm|I am) going to bed"]
actions = [
  { device = { action = "turn_off", name = "Kitchen Light" } },
  { device = { action = "turn_off", name = "TV" } },
  { device = { action = "lock", name = "Back Door" } },
  { say = "Good night. The back door is locked." },
]

[[skills]]
name = "movie_time"
sentences = ["movie time"]
confirm = true
actions = [
  { device = { action = "turn_off", name = "Kitchen Light" } },
  { publish = { topic = "t/living_room/tv/set", payload = "ON" } },
  { say = "Enjoy the film." },
]
"""


def _mqtt(port: int) -> tuple[str, ...]:
    return ("--mqtt-host", "127.0.0.1", "--mqtt-port", str(port))


@pytest.mark.model
def test_skills_by_speech(home: int, speech: dict[str, Path], tmp_path: Path) -> None:
    config = write_config(tmp_path, SKILLS)
    replies = tmp_path / "replies"
    sub = Subscriber(home, ["t/#"])
    try:
        sub.settle(0.5)
        sub.messages.clear()  # the retained home
        proc = run_cli(
            "process", "--config", str(config), *_mqtt(home), "--json",
            "--reply-dir", str(replies), *[str(speech[u.name]) for u in SKILL_TALK],
        )  # fmt: skip
        received = sub.settle(1.0)
    finally:
        sub.close()
    assert proc.returncode == 0, proc.stderr
    results: list[dict[str, Any]] = [json.loads(x) for x in proc.stdout.splitlines()]
    names = [r["intent"]["name"] if r["intent"] else None for r in results]
    assert names == ["Skill:play_music", "Skill:good_night", "Skill:movie_time",
                     "HassConfirm"], [r["transcript"] for r in results]  # fmt: skip
    assert received == [
        ("t/living_room/speaker/play", '{"genre": "jazz"}'),  # templated payload
        ("t/kitchen/light/set", "OFF"),  # the sequence, in order
        ("t/living_room/tv/set", "OFF"),
        ("t/back_door/set", "LOCK"),
        ("t/kitchen/light/set", "OFF"),  # movie time, after "yes"
        ("t/living_room/tv/set", "ON"),
    ]
    assert results[0]["response"] == "Playing jazz."
    assert results[1]["response"] == "Good night. The back door is locked."
    assert results[2]["commands"] == []  # asked first
    assert results[2]["response"] == "Are you sure you want me to run movie time?"
    assert results[3]["response"] == "Enjoy the film."
    spoken = sorted(replies.glob("*.wav"))
    assert len(spoken) == 4
    heard = _transcribe(spoken[0], "Music: jazz, rock or classical.").lower()
    assert "playing jazz" in heard  # the templated words, spoken


def _transcribe(path: Path, prompt: str) -> str:
    """What Whisper hears in a reply WAV (converted to 16 kHz)."""
    from assistant.audio import read_wav
    from assistant.config import load_config
    from assistant.models import ModelStore
    from assistant.stt import FasterWhisperTranscriber

    cfg = load_config()
    stt = FasterWhisperTranscriber.from_config(cfg.stt, ModelStore(cfg.models_dir))
    return stt.transcribe(read_wav(path), prompt=prompt)


DEVICE_LISTS = """
[lists.lamp]
from = "devices"
domain = "light"

[lists.room]
from = "areas"

[[skills]]
name = "lamp_check"
sentences = ["status of [the] {lamp}"]
actions = [{ say = "The {{ slots.lamp }} is {{ state(slots.lamp) }}." }]

[[skills]]
name = "lamp_flash"
sentences = ["wake up [the] {lamp}"]
actions = [{ device = { action = "turn_on", name = "{{ slots.lamp }}" } }]

[[skills]]
name = "room_report"
sentences = ["report on [the] {room}"]
actions = [{ publish = { topic = "t/report", payload = "{{ slots.room }}" } }]

[[skills]]
name = "garage_only"
sites = ["garage"]
sentences = ["open sesame"]
actions = [{ say = "Opening sesame." }]
"""


@pytest.mark.model
def test_lists_from_devices_and_areas_and_sites(home: int, tmp_path: Path) -> None:
    config = write_config(tmp_path, DEVICE_LISTS)
    sub = Subscriber(home, ["t/#", "zigbee2mqtt/desk_lamp/set"])
    try:
        sub.settle(0.5)
        sub.messages.clear()
        proc = run_cli("text", "--config", str(config), *_mqtt(home), "--json",
                       "status of the porch light", "wake up the desk lamp",
                       "report on the living room", "open sesame")  # fmt: skip
        received = sub.settle(1.0)
    finally:
        sub.close()
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    names = [r["intent"]["name"] if r["intent"] else None for r in results]
    assert names[:3] == ["Skill:lamp_check", "Skill:lamp_flash", "Skill:room_report"]
    assert names[3] != "Skill:garage_only"  # this assistant's site is "default"
    assert results[0]["response"] == "The Porch Light is on."
    assert received == [
        ("zigbee2mqtt/desk_lamp/set", '{"state":"ON"}'),
        ("t/report", "Living Room"),
    ]
    garage = config.read_text() + '\n[homeassistant]\nsite_id = "garage"\n'
    config.write_text(garage)
    proc = run_cli("text", "--config", str(config), *_mqtt(home), "open sesame")
    assert "reply: Opening sesame." in proc.stdout, proc.stdout + proc.stderr


SHADOWS = """
[[skills]]
name = "bedtime"
sentences = ["good night"]
actions = [{ say = "Sleep well." }]

[[skills]]
name = "good_night"
sentences = ["lights out", "good night [everyone]"]
actions = [{ say = "Good night." }]

[[skills]]
name = "lamp"
sentences = ["turn on [the] {name}"]
actions = [{ say = "On." }]
"""


def test_config_check_names_shadowed_sentences(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(SHADOWS)
    proc = run_cli("config", "check", "--config", str(config))
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"{config}:9: skills[1].sentences[1]: 'good night [everyone]' ('good night') "
        "runs skill 'bedtime' (skills[0]) instead",
        f"{config}:14: skills[2].sentences[0]: 'turn on [the] {{name}}' ('turn on "
        "the sample device') runs the built-in command HassTurnOn instead",
    ]
    proc = run_cli("text", "--config", str(config), "good night")  # refuses to start
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        f"assistant: error: {config}:9: skills[1].sentences[1]: 'good night "
        "[everyone]' ('good night') runs skill 'bedtime' (skills[0]) instead"
    )


@pytest.mark.model
def test_config_check_asks_the_broker_for_devices(home: int, tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        '[[skills]]\nname = "x"\nsentences = ["all on"]\nactions = [\n'
        '  { device = { action = "turn_on", name = "Porch Light" } },\n'
        '  { device = { action = "turn_on", name = "Garden Gnome" } },\n]\n',
    )
    proc = run_cli("config", "check", "--config", str(config), *_mqtt(home))
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"{config}:6: skills[0].actions[1].device.name: unknown device 'Garden Gnome'"
    ]


@pytest.mark.model
def test_skills_test_shows_and_publishes_only_with_apply(
    home: int, tmp_path: Path
) -> None:
    config = write_config(tmp_path, SKILLS)
    sub = Subscriber(home, ["t/living_room/speaker/#"])
    try:
        shown = run_cli("skills", "test", "--config", str(config), *_mqtt(home),
                        "play some classic music")  # fmt: skip
        assert sub.settle(0.5) == []
        applied = run_cli("skills", "test", "--apply", "--config", str(config),
                          *_mqtt(home), "play rock")  # fmt: skip
        received = sub.wait_for(1)
    finally:
        sub.close()
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == [
        "skill: play_music",
        'slots: {"music_genre": "classical"}',
        'publish: t/living_room/speaker/play {"genre": "classical"}',
        "says: Playing classical.",
    ]
    assert applied.returncode == 0, applied.stderr
    assert received == [("t/living_room/speaker/play", '{"genre": "rock"}')]


@pytest.mark.model
def test_skills_test_without_a_match(home: int, tmp_path: Path) -> None:
    config = write_config(tmp_path, SKILLS)
    proc = run_cli("skills", "test", "--config", str(config), *_mqtt(home),
                   "turn on the kitchen light")  # fmt: skip
    assert proc.returncode == 1
    assert proc.stdout.strip() == (
        "no skill matches 'turn on the kitchen light' (the rules heard: HassTurnOn)"
    )


KNOWN_RULES = ", ".join(
    f"<{rule}>" for rule in sorted(load_builtin_sentences()["expansion_rules"])
)
BAD = '[[skills]]\nname = "x"\nsentences = [{sentence}]\nactions = [{action}]\n'


@pytest.mark.parametrize(
    ("sentence", "action", "message"),
    [
        ('"play {genre}"', '{ say = "hi" }',
         "skills[0].sentences[0]: unknown slot {genre} (add it under [lists.genre])"),
        ('"play (jazz"', '{ say = "hi" }',
         "skills[0].sentences: bad sentence template 'play (jazz': Unable to find "
         "end of group ')' from index 0 in: (play (jazz) (got ['play (jazz'])"),
        ('"play jazz"', '{ say = "hi {{ slots.x " }',
         "skills[0].actions[0].say: template syntax error on line 1: unexpected end "
         "of template, expected 'end of print statement'. (got 'hi {{ slots.x ')"),
        ('"play jazz"', '{ say = "hi", publish = { topic = "a/b" } }',
         "skills[0].actions[0]: an action needs exactly one of publish, say, "
         "device, timer or shopping_list (got publish, say)"),
        ('"set a timer for <time>"', '{ timer = { action = "start" } }',
         f"skills[0].sentences[0]: unknown rule <time> (known: {KNOWN_RULES})"),
        ('"good night"', '{ shopping_list = { action = "add", file = "../x.json" } }',
         "skills[0].actions[0].shopping_list.file: String should match pattern "
         "'^[^/\\\\]+\\.json$' (got '../x.json')"),
        ('"play jazz"', '{ publish = { topic = "a/#" } }',
         "skills[0].actions[0].publish.topic: a topic to publish to cannot contain "
         "+ or # (got 'a/#')"),
    ],
)  # fmt: skip
def test_skill_mistakes_name_the_place(
    tmp_path: Path, sentence: str, action: str, message: str
) -> None:
    config = tmp_path / "config.toml"
    skill = BAD.format(sentence=sentence, action=action)
    config.write_text("[audio]\nmuted = false\n\n" + skill)
    proc = run_cli("text", "--config", str(config), "hi")
    assert proc.returncode != 0
    line = 6 if message.startswith("skills[0].sentences") else 7  # the key's line
    assert proc.stderr.strip().splitlines()[-1] == (
        f"assistant: error: {config}:{line}: {message}"
    )


def test_two_skills_with_one_name(tmp_path: Path) -> None:
    one = '[[skills]]\nname = "x"\nsentences = ["a"]\nactions = [{ say = "a" }]\n'
    config = tmp_path / "config.toml"
    config.write_text(one + "\n" + one)
    proc = run_cli("text", "--config", str(config), "hi")
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1] == (
        f"assistant: error: {config}:7: skills[1].name: a second skill 'x'"
    )


def _readme_skills() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Write your first skill", 1)[1]
    found = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    assert found, "the README's skill example is gone"
    return found.group(1)


@pytest.mark.model
def test_readme_first_skill_example(home: int, tmp_path: Path) -> None:
    config = write_config(
        tmp_path, _readme_skills().replace("home/speaker/play", "t/speaker/play")
    )
    sub = Subscriber(home, ["t/#"])
    try:
        sub.settle(0.5)
        sub.messages.clear()
        proc = run_cli("text", "--config", str(config), *_mqtt(home), "--json",
                       "put on some classic", "good night")  # fmt: skip
        received = sub.settle(1.0)
    finally:
        sub.close()
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["response"] for r in results] == [
        "Playing classical.",
        "Good night. The back door is locked.",
    ]
    assert received == [
        ("t/speaker/play", '{"genre": "classical"}'),
        ("t/kitchen/light/set", "OFF"),
        ("t/back_door/set", "LOCK"),
    ]


def test_config_check_lists_every_problem_with_its_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        "[wake]\nthreshold = 3\n\n"
        '[[skills]]\nname = "x"\nsentences = ["a"]\n'
        'actions = [{ say = "a" }, { say = "b", publish = { topic = "a" } }]\n'
    )
    proc = run_cli("config", "check", "--config", str(config))
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"{config}:2: wake.threshold: Input should be less than 1 (got 3)",
        f"{config}:7: skills[0].actions[1]: an action needs exactly one of publish, "
        "say, device, timer or shopping_list (got publish, say)",
    ]


@pytest.mark.model  # it checks that the models it names are there
def test_config_check_passes_the_default_config() -> None:
    proc = run_cli("config", "check", "--config", str(ROOT / "config.toml"))
    assert proc.returncode == 0
    assert proc.stdout.strip().endswith("config.toml: OK")
