"""Paraphrases: commands said the way people talk, not as the sentence rules have
them. Written by hand, one list per split with its own wording; each pattern is
filled with a device (or room) of the home that fits it and whose state makes the
request sensible (only a light that is off is asked to go on, and so on).

Placeholders: {x} a device's name, {a} a room, {t} a temperature the thermostat
takes, {p} a percentage, {c} a colour. ``by``: "name" fills {x}; "area" fills {a}
with a room that has exactly one device of the kind; "home" needs exactly one in
the home. Actions "warmer"/"cooler" accept any payload on the thermostat's
temperature topic.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from . import ha
from .ha import Device, Home
from .sentences import (
    BRIGHTNESS,
    COLOURS,
    FAN,
    HA_COLORS,
    WHITES,
    Expect,
    Item,
    command,
    number,
    temperatures,
)
from .state import read

# (text, kind, by, action)
Pattern = tuple[str, str, str, str]
PATTERNS: dict[str, tuple[Pattern, ...]] = {
    "dev": (
        ("it's too dark in the {a}", "light", "area", "on"),
        ("can you kill the {x}", "fan", "name", "off"),
        ("warm the {a} up to {t} degrees", "climate", "area", "tempup"),
        ("I'm leaving, lock up the {x}", "lock", "name", "lock"),
        ("it's freezing in the {a}", "climate", "area", "warmer"),
        ("I can't see a thing in the {a}", "light", "area", "on"),
        ("I'm done with the {x}, you can switch it off", "fan", "name", "off"),
        ("let some daylight in, open up the {x}", "cover", "name", "open"),
        ("pull down the {x}", "cover", "name", "close"),
        ("get the {x} going", "switch", "name", "on"),
        (
            "the {x} is way too bright, bring it down to {p} percent",
            "dim",
            "name",
            "dimdown",
        ),
        ("it's stuffy in here, put the {x} on", "fan", "name", "on"),
        ("we're off to bed, lights off in the {a}", "light", "area", "off"),
        ("make sure the {x} is locked", "lock", "name", "lock"),
        ("let me in, unlock the {x}", "lock", "name", "unlock"),
        (
            "it's roasting in the {a}, turn the heating down to {t}",
            "climate",
            "area",
            "tempdown",
        ),
        ("nobody's in the {a} any more, turn that light off", "light", "area", "off"),
        ("I'm bringing the car in, open the {x}", "garage", "name", "open"),
        ("I'd like the {x} in {c}", "rgb", "name", "color"),
        ("the {x} can go off now", "switch", "name", "off"),
        ("crank the {x} up to full", "fanpct", "name", "fan:100"),
        (
            "the {x} is too loud, slow it down to {p} percent",
            "fanpct",
            "name",
            "fandown",
        ),
        ("I'm chilly, nudge the heating up a bit", "climate", "home", "warmer"),
        ("stop the {x}, I'm getting cold", "fan", "name", "off"),
        ("shut the {x} before it gets dark", "cover", "name", "close"),
        ("lights out in the {a}", "light", "area", "off"),
        ("leave the {x} about a quarter open", "pos", "name", "up:25"),
        ("fire up the {x}", "switch", "name", "on"),
        ("cut the power to the {x}", "switch", "name", "off"),
        ("the {a} could do with some light", "light", "area", "on"),
        ("don't leave the {x} unlocked", "lock", "name", "lock"),
        ("half brightness on the {x} please", "dim", "name", "bri:50"),
        ("make the {x} nice and cosy, warm white", "white", "name", "white:warm white"),
        ("I need the {x} on, it's gloomy", "light", "name", "on"),
        ("turn the heat off in the {a}, it's warm enough", "climate", "area", "off"),
        ("could you stop the {x} blowing", "fan", "name", "off"),
        ("time to park, could you open the {x}", "garage", "name", "open"),
        ("shut the {x} behind me", "garage", "name", "close"),
        ("bring the {x} all the way down", "pos", "name", "close"),
        ("the sun's in my eyes, drop the {x} halfway", "pos", "name", "down:50"),
        ("make it {t} degrees in the {a}", "climate", "area", "temp"),
        ("I want it brighter in here, put the {x} on full", "dim", "name", "bri:100"),
        ("we need some air in here, the {x} please", "fan", "name", "on"),
        ("go {c} with the {x}", "rgb", "name", "color"),
        ("it's far too warm in the {a}", "climate", "area", "cooler"),
        ("the {x} isn't on yet, put it on would you", "switch", "name", "on"),
        ("I'm popping out, can you lock the {x} behind me", "lock", "name", "lock"),
        ("the {x} is still on, nobody needs it", "light", "name", "off"),
    ),
    "test": (
        ("it's pitch black in the {a}", "light", "area", "on"),
        ("that {x} is driving me mad, switch it off", "fan", "name", "off"),
        ("heat the {a} up to {t} degrees would you", "climate", "area", "tempup"),
        ("heading out now, the {x} needs locking", "lock", "name", "lock"),
        ("brr, the {a} is like an icebox", "climate", "area", "warmer"),
        ("I can barely see in the {a}", "light", "area", "on"),
        ("enough of the {x} now, off it goes", "fan", "name", "off"),
        ("open the {x} up, I want some sun", "cover", "name", "open"),
        ("drop the {x} down all the way", "cover", "name", "close"),
        ("start up the {x}", "switch", "name", "on"),
        (
            "the {x} is blinding me, take it down to {p} percent",
            "dim",
            "name",
            "dimdown",
        ),
        ("it's hot and sticky, get the {x} running", "fan", "name", "on"),
        ("I'm going to sleep, kill the lights in the {a}", "light", "area", "off"),
        ("double check the {x} is locked, would you", "lock", "name", "lock"),
        ("I've got my hands full, unlock the {x}", "lock", "name", "unlock"),
        (
            "it's boiling in the {a}, bring the heating down to {t}",
            "climate",
            "area",
            "tempdown",
        ),
        (
            "there's no one in the {a}, you can turn the light off",
            "light",
            "area",
            "off",
        ),
        ("let the car in, open up the {x}", "garage", "name", "open"),
        ("give me some {c} on the {x}", "rgb", "name", "color"),
        ("switch the {x} off, I don't need it", "switch", "name", "off"),
        ("put the {x} on maximum", "fanpct", "name", "fan:100"),
        (
            "the {x} is a bit much, take it down to {p} percent",
            "fanpct",
            "name",
            "fandown",
        ),
        ("I'm so cold, can you turn the heating up", "climate", "home", "warmer"),
        ("turn that {x} off, there's a draught", "fan", "name", "off"),
        ("close up the {x} for the night", "cover", "name", "close"),
        ("no more lights in the {a} tonight, thanks", "light", "area", "off"),
        ("open the {x} about three quarters", "pos", "name", "up:75"),
        ("get the {x} on", "switch", "name", "on"),
        ("power down the {x}", "switch", "name", "off"),
        ("the {a} is a bit gloomy", "light", "area", "on"),
        ("the {x} shouldn't be left open, lock it", "lock", "name", "lock"),
        ("put the {x} at half", "dim", "name", "bri:50"),
        ("I want a cooler light from the {x}", "white", "name", "white:cool white"),
        ("could I have the {x} on, it's getting dark", "light", "name", "on"),
        ("the {a} is warm enough, switch off the heating", "climate", "area", "off"),
        ("the {x} is making me shiver, turn it off", "fan", "name", "off"),
        ("I'm pulling into the drive, open the {x}", "garage", "name", "open"),
        ("close the {x} now that I'm out", "garage", "name", "close"),
        ("let the {x} all the way down", "pos", "name", "close"),
        ("too much glare, bring the {x} halfway down", "pos", "name", "down:50"),
        ("I'd like it to be {t} degrees in the {a}", "climate", "area", "temp"),
        ("full brightness on the {x}", "dim", "name", "bri:100"),
        ("some fresh air would be nice, the {x} on please", "fan", "name", "on"),
        ("let's have the {x} in {c}", "rgb", "name", "color"),
        ("I'm off to work, make sure the {x} is locked up", "lock", "name", "lock"),
        ("it's sweltering, cool the {a} down a bit", "climate", "area", "cooler"),
        ("the {a} is too hot", "climate", "area", "cooler"),
        ("nobody's using the {x}, it can go off", "light", "name", "off"),
    ),
}

_KINDS: dict[str, Callable[[Device], bool]] = {
    "light": lambda d: d.domain == "light",
    "dim": lambda d: d.dimmable,
    "rgb": lambda d: d.rgb,
    "white": lambda d: d.white,
    "fan": lambda d: d.domain == "fan",
    "fanpct": lambda d: d.fan_speed,
    "switch": lambda d: d.domain == "switch",
    "cover": lambda d: d.domain == "cover" and not d.garage,
    "pos": lambda d: d.positionable,
    "garage": lambda d: d.garage,
    "lock": lambda d: d.domain == "lock",
    "climate": lambda d: d.domain == "climate",
}
# the state a device must be in for the request to make sense
_NEEDS = {"on": "off", "off": "on", "open": "closed", "close": "open", "up": "closed",
          "down": "open", "lock": "unlocked", "unlock": "locked", "dimdown": "on",
          "fandown": "on"}  # fmt: skip


def _values(home: Home, device: Device, action: str, split: str) -> list[str]:
    """The values the text may say (["-"] when it says none); [] when the
    request would make no sense in the device's state."""
    verb, _, arg = action.partition(":")
    reading = read(home, device)
    if (
        verb in _NEEDS
        and device.domain != "climate"
        and (reading.state != _NEEDS[verb])
    ):
        return []
    if verb in ("bri", "dimdown", "fan", "fandown") and not arg:
        values: tuple[int, ...] = (
            BRIGHTNESS[split][:4] if verb == "bri" else FAN[split][:2]
        )
        if verb in ("dimdown", "fandown"):
            pool = BRIGHTNESS[split] if verb == "dimdown" else FAN[split]
            values = tuple(v for v in pool if v < (reading.level or 0))
        return [str(v) for v in values]
    if verb.startswith("temp") and device.domain == "climate":
        target = reading.target or 0
        return [number(v) for v in temperatures(device, split)
                if verb == "temp" or (v > target) == (verb == "tempup")]  # fmt: skip
    if verb in ("up", "down"):  # a quarter open from closed, halfway down from open
        now = reading.position if reading.position is not None else 0
        if (now < int(arg)) != (verb == "up"):
            return []
    if verb == "color":
        return list(COLOURS[split])
    return [arg or "-"]


def _expect(device: Device, action: str, value: str) -> Expect:
    verb, _, arg = action.partition(":")
    if verb in ("on", "off"):
        msgs = ha.turn(device, verb == "on")
    elif verb in ("open", "close"):
        msgs = ha.cover(device, verb)
    elif verb in ("lock", "unlock"):
        msgs = ha.lock(device, verb == "lock")
    elif verb in ("bri", "dimdown"):
        msgs = ha.brightness(device, int(value))
    elif verb in ("fan", "fandown"):
        msgs = ha.fan_speed(device, int(value))
    elif verb in ("pos", "up", "down"):
        msgs = ha.position(device, int(value))
    elif verb.startswith("temp"):
        msgs = ha.temperature(device, float(value))
    elif verb in ("warmer", "cooler"):
        msgs = [{"topic": device.get("temperature_command_topic"), "payload": None}]
    elif verb == "color":
        msgs = ha.color(device, HA_COLORS[value])
    elif verb == "white":
        msgs = ha.white(device, WHITES[arg])
    else:
        raise ValueError(f"unknown paraphrase action {action!r}")
    return command(msgs, ha.needs_confirm(device, verb))


def paraphrases(home: Home, split: str, rng: random.Random) -> list[Item]:
    """Every pattern that fits the home, once, with a fitting device or room."""
    items = []
    for index, (text, kind, by, action) in enumerate(PATTERNS[split]):
        fits = [d for d in home.devices if _KINDS[kind](d)]
        if by == "area":
            choices = []
            for area in home.areas:
                inside = [d for d in fits if d.area == area]
                if len(inside) == 1:
                    choices.append((inside[0], {"a": area.lower()}))
        elif by == "home":
            choices = [(fits[0], {})] if len(fits) == 1 else []
        else:
            choices = [(d, {"x": d.spoken}) for d in fits]
        usable = [(d, slots, _values(home, d, action, split)) for d, slots in choices]
        usable = [u for u in usable if u[2]]
        if not usable:
            continue
        device, slots, values = rng.choice(usable)
        value = rng.choice(values)
        said = text.format(**slots, t=value, p=value, c=value)
        expect = _expect(device, action, value)
        items.append(Item("paraphrase", home.name, said, expect, f"p{index:02d}"))
    return items
