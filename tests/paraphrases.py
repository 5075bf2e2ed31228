# ruff: noqa: E501
"""Paraphrases for the LLM path: what people say when they do not use a command
sentence, written for the test home (tests/home.py). Each is spoken by one of the
test voices in turn; ``want`` is the first command that must arrive, or None when
the assistant must ask for confirmation first (opening the garage)."""

from __future__ import annotations

from dataclasses import dataclass

from .speech import Utterance

KITCHEN, DESK, PORCH = (
    "t/kitchen/light/set",
    "zigbee2mqtt/desk_lamp/set",
    "tasmota/porch/cmnd/POWER",
)
COFFEE, TV, FAN = "t/kitchen/coffee/set", "t/living_room/tv/set", "t/bedroom/fan/set"
GARAGE, BACK_DOOR = "t/garage/door/set", "t/back_door/set"
TARGET = "t/living_room/thermostat/target/set"
DEVICE_TOPICS: dict[str, tuple[str, ...]] = {
    "kitchen light": (KITCHEN, "t/kitchen/light/brightness/set", "t/kitchen/light/rgb/set"),
    "desk lamp": (DESK,), "porch light": (PORCH,), "coffee machine": (COFFEE,),
    "tv": (TV,), "ceiling fan": (FAN,), "garage door": (GARAGE,),
    "back door": (BACK_DOOR,),
    "thermostat": (TARGET, "t/living_room/thermostat/mode/set"),
}  # fmt: skip
ON_JSON, OFF_JSON = '{"state":"ON"}', '{"state":"OFF"}'


@dataclass(frozen=True)
class Paraphrase:
    text: str
    device: str
    want: tuple[str, str | None] | None
    """(topic, payload; None: any payload) of the first command; None: a question."""


PARAPHRASES: tuple[Paraphrase, ...] = (
    Paraphrase("It is pitch black in the kitchen.", "kitchen light", (KITCHEN, "ON")),
    Paraphrase("I can barely see what I'm cooking.", "kitchen light", (KITCHEN, "ON")),
    Paraphrase("Could you give me some light in the kitchen?", "kitchen light", (KITCHEN, "ON")),
    Paraphrase("We don't need the kitchen light any more.", "kitchen light", (KITCHEN, "OFF")),
    Paraphrase("I want to read at my desk.", "desk lamp", (DESK, ON_JSON)),
    Paraphrase("The office is too dark to work in.", "desk lamp", (DESK, ON_JSON)),
    Paraphrase("I'm done working, the desk lamp can go off.", "desk lamp", (DESK, OFF_JSON)),
    Paraphrase("Make the office a bit brighter.", "desk lamp", (DESK, None)),
    Paraphrase("Light up the porch for our guests.", "porch light", (PORCH, "ON")),
    Paraphrase("Nobody is outside, the porch light can go off.", "porch light", (PORCH, "OFF")),
    Paraphrase("Give me some light on the porch.", "porch light", (PORCH, "ON")),
    Paraphrase("We are leaving, kill the porch light.", "porch light", (PORCH, "OFF")),
    Paraphrase("I could really use an espresso.", "coffee machine", (COFFEE, "1")),
    Paraphrase("Start brewing some coffee.", "coffee machine", (COFFEE, "1")),
    Paraphrase("No more coffee today, power down the machine in the kitchen.", "coffee machine", (COFFEE, "0")),
    Paraphrase("The coffee maker can rest now.", "coffee machine", (COFFEE, "0")),
    Paraphrase("Put the telly on, the game is starting.", "tv", (TV, "ON")),
    Paraphrase("Let's watch a movie in the living room.", "tv", (TV, "ON")),
    Paraphrase("I'm not watching TV any more.", "tv", (TV, "OFF")),
    Paraphrase("I'm heading to bed, the TV can go off.", "tv", (TV, "OFF")),
    Paraphrase("It's so stuffy in the bedroom.", "ceiling fan", (FAN, "ON")),
    Paraphrase("I need some air moving in here, start the fan.", "ceiling fan", (FAN, "ON")),
    Paraphrase("The bedroom is cold enough, stop the fan.", "ceiling fan", (FAN, "OFF")),
    Paraphrase("Get the air going in the bedroom.", "ceiling fan", (FAN, "ON")),
    Paraphrase("Close up the garage for the night.", "garage door", (GARAGE, "CLOSE")),
    Paraphrase("The garage is wide open, please shut it.", "garage door", (GARAGE, "CLOSE")),
    Paraphrase("Bring the garage door down.", "garage door", (GARAGE, "CLOSE")),
    Paraphrase("I'm driving out, open up the garage.", "garage door", None),
    Paraphrase("Secure the back door before bed.", "back door", (BACK_DOOR, "LOCK")),
    Paraphrase("Bolt the back door.", "back door", (BACK_DOOR, "LOCK")),
    Paraphrase("Lock up the hallway door.", "back door", (BACK_DOOR, "LOCK")),
    Paraphrase("Make sure nobody can come in through the back door.", "back door", (BACK_DOOR, "LOCK")),
    Paraphrase("It's chilly in the living room.", "thermostat", (TARGET, "20")),
    Paraphrase("I'm cold, turn up the heating.", "thermostat", (TARGET, "20")),
    Paraphrase("The living room is boiling.", "thermostat", (TARGET, "18")),
    Paraphrase("Bump the living room temperature up a little.", "thermostat", (TARGET, "20")),
    Paraphrase("It's way too warm, cool the living room down.", "thermostat", (TARGET, "18")),
    Paraphrase("Turn the heating down a notch.", "thermostat", (TARGET, "18")),
    Paraphrase("Warm up the living room a bit.", "thermostat", (TARGET, "20")),
    Paraphrase("Shut down the coffee machine, it's been on all morning.", "coffee machine", (COFFEE, "0")),
    Paraphrase("Switch the fan in the bedroom on, it's hot.", "ceiling fan", (FAN, "ON")),
    Paraphrase("Please brighten up the office.", "desk lamp", (DESK, None)),
)  # fmt: skip

_VOICES = (
    "piper",
    "espeak-us",
    "piper-fast",
    "espeak-gb-m3",
    "piper-slow",
    "espeak-us-f2",
)

SPOKEN: tuple[Utterance, ...] = tuple(
    Utterance(_VOICES[i % len(_VOICES)], f"Hey Jarvis, {p.text}")
    for i, p in enumerate(PARAPHRASES)
)

# conversations: each is one `assistant process` run, in order
CONVERSATIONS: dict[str, tuple[Utterance, ...]] = {
    "follow_ups": (
        Utterance("piper", "Hey Jarvis, it's too dark in the kitchen."),
        Utterance("piper", "Hey Jarvis, yes please."),  # if it asked first
        Utterance("piper", "Hey Jarvis, and the office too."),
        Utterance("piper-slow", "Hey Jarvis, turn it off."),
    ),
    "clarify": (
        Utterance("piper", "Hey Jarvis, turn on the light."),
        Utterance("espeak-us", "Hey Jarvis, the porch one."),
    ),
    "small_talk": (
        Utterance("piper", "Hey Jarvis, how are you today?"),
        Utterance("espeak-gb-m3", "Hey Jarvis, tell me a joke."),
    ),
}
