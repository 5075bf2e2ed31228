"""Utterances where nothing may be switched: requests the home cannot do
(``unsupported``), devices and rooms it does not have (``unknown``), near-miss wake
words (``near_miss``) and commands said without the wake word (``no_wake``)."""

from __future__ import annotations

import random

from .ha import Home
from .sentences import IGNORE, Item, refuse

# Beyond what the assistant and its skills do; each split its own wording
GENERIC_UNSUPPORTED = {
    "dev": (
        "play some jazz in the kitchen", "what's the weather going to be like tomorrow",
        "order a pizza", "call my mum", "set an alarm for seven tomorrow morning",
        "what's the news today", "book me a taxi to the station",
        "send a message to Sam saying I'm late", "turn up the volume",
        "remind me to water the plants at six", "read me my emails",
        "arm the burglar alarm", "start the robot vacuum", "pause the music",
        "what's the traffic like on the way to work", "play the next episode",
        "how much is a flight to Madrid", "buy me a new phone charger online",
        "find me a recipe for lasagne", "what's the score in the football",
    ),
    "test": (
        "put on some classical music", "will it rain this afternoon",
        "order me a curry from the usual place", "ring my sister",
        "wake me up at half past six", "give me the headlines",
        "get me a cab to the airport", "text dad that I'm on my way", "skip this song",
        "remind me about the dentist on friday", "check my calendar for tomorrow",
        "set the alarm system to away", "vacuum the hallway", "turn the music down",
        "how's the traffic on the motorway", "resume my podcast",
        "what do train tickets to Leeds cost", "order more dog food",
        "look up how to make pancakes", "who won the rugby last night",
    ),
}  # fmt: skip
# Things a device of the home cannot do (a capability, a mode, a range, a sensor):
# (dev wording, test wording)
CANNOT = {
    "cottage": (
        ("make the porch light blue", "turn the porch light pink"),
        ("set the porch light to 50 percent", "dim the porch light to 35 percent"),
        ("set the kettle to 60 percent", "set the kettle brightness to 25 percent"),
        ("open the kitchen window", "can you open the kitchen window"),
        ("set the snug thermostat to cool mode", "set the heating in the snug to cool"),
        ("set the snug thermostat to 32 degrees", "set the snug thermostat to 30"),
        ("make the desk lamp red", "set the colour of the desk lamp to cyan"),
        ("set the coach house door to 40 percent",
         "open the coach house door to 25 percent"),
        ("close the kitchen window", "shut the kitchen window"),
        ("set the snug thermostat to 2 degrees",
         "set the temperature in the snug to 3 degrees"),
    ),
    "flat": (
        ("make the bathroom light purple", "turn the bathroom light orange"),
        ("dim the bathroom light to 30 percent",
         "set the bathroom light to 45 percent"),
        ("make the bedroom light red", "set the colour of the bedroom light to cyan"),
        ("make the floor lamp green", "change the floor lamp to magenta"),
        ("set the towel rail to 50 percent", "set the towel rail to 15 percent"),
        ("set the bedroom radiator to cool mode",
         "set the heating in the bedroom to cool mode"),
        ("set the bedroom radiator to 35 degrees",
         "set the temperature in the bedroom to 33 degrees"),
        ("close the balcony door", "shut the balcony door"),
        ("set the balcony temperature to 20 degrees",
         "set the temperature in the balcony to 18"),
        ("lock the balcony door", "can you lock the balcony door"),
    ),
    "farmhouse": (
        ("make the barn light blue", "turn the barn light magenta"),
        ("dim the barn light to 40 percent", "set the barn light to 65 percent"),
        ("set the barn door to 30 percent", "open the barn door to 50 percent"),
        ("set the underfloor heating to cool mode",
         "set the heating in the kitchen to cool mode"),
        ("set the underfloor heating to 30 degrees",
         "set the temperature in the kitchen to 29 degrees"),
        ("set the water heater to 60 degrees", "set the water heater to 55 degrees"),
        ("open the office window", "can you open the office window"),
        ("set the water pump to 50 percent", "set the water pump to 80 percent"),
        ("set the underfloor heating to 8 degrees",
         "set the kitchen heating to 6 degrees"),
        ("make the zephyr blue", "turn the zephyr pink"),
    ),
}  # fmt: skip
# (noun, verb class, regexes the reply must all match); near-sounding and far ones
UNKNOWN = {
    "cottage": (
        ("kitchen light", "onoff", ["kitchen", "light"]),
        ("snug lamp", "onoff", ["snug", "lamp|light"]),
        ("bedroom fan", "onoff", ["bedroom", "fan"]),
        ("front door", "lock", ["front"]), ("study blind", "open", ["study", "blind"]),
        ("garden sprinkler", "start", ["sprinkler"]),
        ("bathroom light", "onoff", ["bathroom"]),
        ("TV", "onoff", [r"\btv\b|t\.v|television"]),
        ("coffee machine", "start", ["coffee"]),
        ("dishwasher", "start", ["dishwasher"]),
        ("hot tub", "start", ["hot tub"]), ("nursery", "area", ["nursery"]),
        ("porch heater", "onoff", ["porch", "heater"]),
    ),
    "flat": (
        ("bedroom fan", "onoff", ["bedroom", "fan"]),
        ("balcony light", "onoff", ["balcony", "light"]),
        ("hall light", "onoff", ["hall", "light"]), ("back door", "lock", ["back"]),
        ("floor fan", "onoff", ["floor", "fan"]),
        ("bedroom blind", "open", ["bedroom", "blind"]),
        ("kitchen light", "onoff", ["kitchen"]),
        ("washing machine", "start", ["washing"]),
        ("garden lights", "onoff", ["garden"]), ("garage door", "open", ["garage"]),
        ("porch light", "onoff", ["porch"]), ("fireplace", "onoff", ["fireplace"]),
        ("study", "area", ["study"]),
    ),
    "farmhouse": (
        ("barn heater", "onoff", ["barn", "heater"]),
        ("yard light", "onoff", ["yard", "light"]),
        ("office lamp", "onoff", ["office", "lamp|light"]),
        ("kitchen fan", "onoff", ["kitchen", "fan"]), ("front gate", "lock", ["front"]),
        ("water softener", "start", ["softener"]),
        ("workshop door", "open", ["workshop", "door"]),
        ("bedroom light", "onoff", ["bedroom"]),
        ("bathroom fan", "onoff", ["bathroom"]), ("lawn mower", "start", ["mower"]),
        ("pool pump", "onoff", ["pool"]), ("TV", "onoff", [r"\btv\b|t\.v|television"]),
        ("living room", "area", ["living room"]),
    ),
}  # fmt: skip
_UNKNOWN_TEMPLATES = {
    "dev": {
        "onoff": ("turn on the {x}", "switch off the {x}", "is the {x} on"),
        "lock": ("lock the {x}", "is the {x} locked"),
        "open": ("open the {x}", "close the {x}"),
        "start": ("start the {x}", "turn on the {x}"),
        "area": ("turn on the lights in the {x}", "turn off the lights in the {x}"),
    },
    "test": {
        "onoff": ("switch the {x} on", "turn the {x} off", "could you turn on the {x}"),
        "lock": ("can you lock the {x}", "unlock the {x}"),
        "open": ("shut the {x}", "can you open the {x}"),
        "start": ("switch on the {x}", "run the {x}"),
        "area": ("switch off the {x} lights", "turn the lights in the {x} on"),
    },
}  # fmt: skip


def unsupported(home: Home, split: str) -> list[Item]:
    items = [Item("unsupported", home.name, t, refuse(), "generic")
             for t in GENERIC_UNSUPPORTED[split]]  # fmt: skip
    for index, wordings in enumerate(CANNOT[home.name]):
        text = wordings[0 if split == "dev" else 1]
        items.append(Item("unsupported", home.name, text, refuse(), f"c{index}"))
    return items


def unknown(home: Home, split: str) -> list[Item]:
    items = []
    for noun, verb, says in UNKNOWN[home.name]:
        for template in _UNKNOWN_TEMPLATES[split][verb]:
            text = template.format(x=noun)
            items.append(Item("unknown", home.name, text, refuse(says), noun,
                              text.startswith("is ")))  # fmt: skip
    return items


NEAR_WAKE = {
    "dev": ("Hey Travis", "Hey Marvin", "Hey service", "Hey Davis", "Hey Harvey",
            "Okay Travis"),
    "test": ("Hey Travis", "Hey Marvin", "Hey service", "Hey Mavis", "Hey Jasper",
             "Hey Garvey"),
}  # fmt: skip
# "a jar of": the wake word's sounds inside ordinary words; {cmd} a command
JAR = {
    "dev": ("A jar of honey would be nice, and {cmd}",
            "A jar of pickles fell over, {cmd}", "Pass me a jar of jam and {cmd}"),
    "test": ("A jar of olives please, then {cmd}", "A jar of coffee is empty, {cmd}",
             "Grab a jar of mustard and {cmd}"),
}  # fmt: skip
# plain speech, no wake word at all; {cmd} a command
NO_WAKE = {
    "dev": ("{Cmd}", "I think we should {cmd}", "She asked me to {cmd}",
            "Did you {cmd}", "Remember to {cmd} later"),
    "test": ("{Cmd}", "We ought to {cmd}", "Don't forget to {cmd} tonight",
             "Have you tried to {cmd}", "He said he would {cmd}"),
}  # fmt: skip


def _commands(direct: list[Item], rng: random.Random, count: int) -> list[str]:
    """``count`` filler-free command sentences, spread over the operations."""
    by_key: dict[str, set[str]] = {}
    for item in direct:
        by_key.setdefault(item.key, set()).add(item.extra["bare"])
    pools = {key: sorted(texts) for key, texts in sorted(by_key.items())}
    for pool in pools.values():
        rng.shuffle(pool)
    keys = list(pools)
    rng.shuffle(keys)
    out: list[str] = []
    while len(out) < count and any(pools.values()):
        for key in keys:
            if pools[key] and len(out) < count:
                out.append(pools[key].pop())
    return out


def near_miss(
    home: Home, split: str, direct: list[Item], rng: random.Random
) -> list[Item]:
    items = []
    commands = _commands(direct, rng, 40)
    for index, cmd in enumerate(commands):
        wakes = NEAR_WAKE[split]
        if index % 4 == 3:
            jar = JAR[split][index // 4 % len(JAR[split])]
            text, key = jar.format(cmd=cmd), "a jar of"
        else:
            key = wakes[index % len(wakes)]
            text = f"{key}{rng.choice((',', ''))} {cmd}"
        items.append(Item("near_miss", home.name, text, IGNORE, key,
                          extra={"verbatim": True}))  # fmt: skip
    return items


def no_wake(
    home: Home, split: str, direct: list[Item], rng: random.Random
) -> list[Item]:
    items = []
    for index, cmd in enumerate(_commands(direct, rng, 40)):
        frame = NO_WAKE[split][index % len(NO_WAKE[split])]
        text = frame.format(cmd=cmd, Cmd=cmd[:1].upper() + cmd[1:])
        question = frame.startswith(("Did", "Have"))
        items.append(Item("no_wake", home.name, text, IGNORE, frame, question,
                          extra={"verbatim": True}))  # fmt: skip
    return items
