"""Sentences the rules cover (category ``direct``) and questions with definite
answers (``answer``), written from a home's devices, with what must happen.

Every candidate is produced here; ``lists.py`` picks from them. Split-specific
values (fillers, numbers, colours) keep the test sentences apart from dev's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import ha
from .ha import Device, Home, Message
from .state import state_says

Expect = dict[str, Any]


@dataclass(frozen=True)
class Item:
    category: str
    home: str
    text: str
    """What is said after the wake word, without the final punctuation."""
    expect: Expect
    key: str
    """The stratum inside the category (operation, pattern), for balanced picks."""
    question: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def command(messages: list[Message], confirm: bool = False) -> Expect:
    return {"kind": "command", "commands": messages, "confirm": confirm}


def answer(says: list[str]) -> Expect:
    return {"kind": "answer", "says": says}


def refuse(says: list[str] | None = None) -> Expect:
    return {"kind": "refuse", "says": says or []}


IGNORE: Expect = {"kind": "ignore"}

# skip words of assistant/sentences/en.yaml; each split its own (prefix, suffix)
FILLERS = {
    "dev": (("", ""), ("please ", ""), ("", " please"), ("could you ", ""),
            ("", " now")),
    "test": (("", ""), ("can you ", ""), ("would you ", ""), ("", " for me"),
             ("can you ", " for me")),
}  # fmt: skip
BRIGHTNESS = {"dev": (10, 20, 30, 40, 60, 70, 80, 90),
              "test": (15, 25, 35, 45, 50, 65, 75, 85)}  # fmt: skip
POSITION = {"dev": (20, 40, 60, 70), "test": (25, 30, 50, 80)}
FAN = {"dev": (30, 60, 100), "test": (20, 50, 80)}
TEMP_HALF = {"dev": (18, 19.5, 21, 22.5), "test": (17.5, 20, 20.5, 23)}
TEMP_TENTH = {"dev": (19.3, 21.7, 20.4, 22.6), "test": (18.6, 21.2, 23.8, 20.9)}
# Home Assistant's intent turns a colour name into RGB with
# homeassistant.util.color.color_name_to_rgb (CSS names): followed here, also where
# assistant/handle.py COLORS differs (green, purple, orange, pink, yellow).
HA_COLORS = {
    "red": (255, 0, 0), "blue": (0, 0, 255), "green": (0, 128, 0),
    "purple": (128, 0, 128), "cyan": (0, 255, 255), "magenta": (255, 0, 255),
    "orange": (255, 165, 0), "pink": (255, 192, 203), "yellow": (255, 255, 0),
}  # fmt: skip
COLOURS = {"dev": ("red", "blue", "green", "purple"),
           "test": ("cyan", "magenta", "orange", "pink")}  # fmt: skip
# HA has no colour names for whites; the assistant's (handle.py WHITE_KELVIN) are used
WHITES = {"warm white": 2700, "cool white": 6500}


def temperatures(device: Device, split: str) -> tuple[float, ...]:
    step = device.get("temp_step", 1)
    values = TEMP_TENTH[split] if step < 0.5 else TEMP_HALF[split]
    low, high = device.get("min_temp", 7), device.get("max_temp", 35)
    return tuple(v for v in values if low <= v <= high)


def number(value: float) -> str:
    return f"{value:g}"


_ON = ("turn on the {n}", "switch on the {n}", "turn the {n} on", "switch the {n} on",
       "put the {n} on", "activate the {n}")  # fmt: skip
_OFF = ("turn off the {n}", "switch off the {n}", "turn the {n} off",
        "switch the {n} off", "deactivate the {n}")  # fmt: skip
_AREA_ON = ("turn on the {d} in the {a}", "switch on the {a} {d}",
            "turn the {d} in the {a} on")  # fmt: skip
_AREA_OFF = ("turn off the {d} in the {a}", "switch off the {a} {d}",
             "turn the {a} {d} off")  # fmt: skip
_BRIGHT = (
    "set the {n} to {v} percent",
    "set the {n} brightness to {v} percent",
    "set the brightness of the {n} to {v} percent",
    "{n} to {v} percent",
)
_DIM, _BRIGHTEN = "dim the {n} to {v} percent", "brighten the {n} to {v} percent"
_AREA_BRIGHT = (
    "set the {d} in the {a} to {v} percent",
    "set the {a} {d} to {v} percent",
)
_FAN = ("set the {n} to {v} percent", "turn the {n} to {v} percent",
        "adjust the {n} to {v} percent")  # fmt: skip
_COLOUR = ("make the {n} {v}", "set the {n} to {v}", "turn the {n} {v}",
           "set the colour of the {n} to {v}", "change the {n} to {v}")  # fmt: skip
_TEMP = ("set the {n} to {v} degrees", "set the temperature of the {n} to {v} degrees",
         "set the {n} to {v}")  # fmt: skip
_AREA_TEMP = ("set the temperature in the {a} to {v} degrees",
              "set the {a} heating to {v} degrees", "set the heating in the {a} to {v}",
              "set the thermostat in the {a} to {v} degrees")  # fmt: skip
_MODE = ("set the {n} to {v} mode", "set the heating in the {a} to {v} mode",
         "set the {a} thermostat to {v}")  # fmt: skip
_OPEN = ("open the {n}", "raise the {n}")
_CLOSE = ("close the {n}", "shut the {n}", "lower the {n}")
_AREA_OPEN = ("open the {d} in the {a}", "open the {a} {d}")
_AREA_CLOSE = ("close the {d} in the {a}", "shut the {a} {d}")
_POSITION = ("open the {n} to {v} percent", "close the {n} to {v} percent",
             "set the position of the {n} to {v} percent",
             "set the {n} to {v} percent")  # fmt: skip
_NOUNS = {"light": ("light", "lights"), "fan": ("fan", "fan"), "climate": ("heating",)}


def _cover_noun(device: Device) -> str:
    return "shutter" if "shutter" in device.spoken else "blinds"


def _ops(home: Home, device: Device, split: str) -> Iterator[tuple[str, str, Expect]]:
    """(key, text template with {n}/{a}/{v} filled but {n}, expect) per operation."""
    n, area = device.spoken, (device.area or "").lower()
    d = device.domain
    if d in ("light", "switch", "fan"):
        for t in _ON:
            yield f"{d}.on", t.format(n=n), command(ha.turn(device, True))
        for t in _OFF:
            yield f"{d}.off", t.format(n=n), command(ha.turn(device, False))
    if device.dimmable:
        for v in BRIGHTNESS[split]:
            extra = _DIM if v <= 50 else _BRIGHTEN
            for t in (*_BRIGHT, extra):
                text = t.format(n=n, v=v)
                yield "light.brightness", text, command(ha.brightness(device, v))
    if device.rgb:
        for c in COLOURS[split]:
            for t in _COLOUR:
                text = t.format(n=n, v=c)
                yield "light.colour", text, command(ha.color(device, HA_COLORS[c]))
    if device.white:
        for c, kelvin in WHITES.items():
            for t in _COLOUR:
                yield (
                    "light.white",
                    t.format(n=n, v=c),
                    command(ha.white(device, kelvin)),
                )
    if device.fan_speed:
        for v in FAN[split]:
            for t in _FAN:
                yield "fan.speed", t.format(n=n, v=v), command(ha.fan_speed(device, v))
    if d == "cover":
        confirm = ha.needs_confirm(device, "open")
        for t in _OPEN[: 1 if device.garage else 2]:
            yield (
                "cover.open",
                t.format(n=n),
                command(ha.cover(device, "open"), confirm),
            )
        for t in _CLOSE[: 2 if device.garage else 3]:
            yield "cover.close", t.format(n=n), command(ha.cover(device, "close"))
    if device.positionable:
        for v in POSITION[split]:
            for t in _POSITION:
                text = t.format(n=n, v=v)
                yield "cover.position", text, command(ha.position(device, v))
    if d == "lock":
        yield "lock.lock", f"lock the {n}", command(ha.lock(device, True))
        yield "lock.unlock", f"unlock the {n}", command(ha.lock(device, False), True)
    if d == "climate":
        for temp in temperatures(device, split):
            expect = command(ha.temperature(device, temp))
            for t in (*_TEMP, *_AREA_TEMP):
                text = t.format(n=n, a=area, v=number(temp))
                yield "climate.temperature", text, expect
        for mode in device.get("modes"):
            if mode != "off":
                for t in _MODE:
                    text = t.format(n=n, a=area, v=mode)
                    yield "climate.mode", text, command(ha.hvac_mode(device, mode))
        yield "climate.off", f"turn off the {n}", command(ha.turn(device, False))
        yield "climate.on", f"turn on the {n}", command(ha.turn(device, True))


def _area_ops(home: Home, split: str) -> Iterator[tuple[str, str, Expect]]:
    for area in home.areas:
        a = area.lower()
        lights = home.in_area(area, "light")
        if lights:
            noun = _NOUNS["light"][len(lights) > 1]
            on = [m for x in lights for m in ha.turn(x, True)]
            off = [m for x in lights for m in ha.turn(x, False)]
            for t in _AREA_ON:
                yield "area.light.on", t.format(d=noun, a=a), command(on)
            for t in _AREA_OFF:
                yield "area.light.off", t.format(d=noun, a=a), command(off)
            if all(x.dimmable for x in lights):
                for v in BRIGHTNESS[split][::2]:
                    msgs = [m for x in lights for m in ha.brightness(x, v)]
                    for t in _AREA_BRIGHT:
                        text = t.format(d=noun, a=a, v=v)
                        yield "area.light.brightness", text, command(msgs)
        for fan in home.in_area(area, "fan"):
            yield (
                "area.fan.on",
                f"turn on the fan in the {a}",
                command(ha.turn(fan, True)),
            )
            yield "area.fan.off", f"turn off the {a} fan", command(ha.turn(fan, False))
        covers = [c for c in home.in_area(area, "cover") if not c.garage]
        if len(covers) == 1:
            noun = _cover_noun(covers[0])
            opened, closed = ha.cover(covers[0], "open"), ha.cover(covers[0], "close")
            for t in _AREA_OPEN:
                yield "area.cover.open", t.format(d=noun, a=a), command(opened)
            for t in _AREA_CLOSE:
                yield "area.cover.close", t.format(d=noun, a=a), command(closed)


def direct(home: Home, split: str) -> list[Item]:
    items = []
    ops = [op for device in home.devices for op in _ops(home, device, split)]
    for key, text, expect in [*ops, *_area_ops(home, split)]:
        for prefix, suffix in FILLERS[split]:
            said = f"{prefix}{text}{suffix}"
            extra = {"bare": text}
            items.append(Item("direct", home.name, said, expect, key, extra=extra))
    return items


_STATE_QUESTIONS = {
    "light": ("is the {n} on", "is the {n} off", "what is the state of the {n}"),
    "switch": ("is the {n} on", "is the {n} switched off", "is the {n} on or off"),
    "fan": ("is the {n} on", "is the {n} turned on", "what is the status of the {n}"),
    "lock": (
        "is the {n} locked",
        "is the {n} unlocked",
        "is the {n} locked or unlocked",
    ),
    "cover": ("is the {n} open", "is the {n} closed", "is the {n} open or closed"),
    "binary_sensor": ("what is the state of the {n}", "what's the {n}"),
    "sensor": ("what's the {n}", "what is the state of the {n}"),
    "climate": ("what is the state of the {n}", "what's the {n}"),
}
_OPENABLE = ("is the {n} open", "is the {n} closed")
_TEMPERATURE_QUESTIONS = (
    "what is the temperature in the {a}", "what's the temperature in the {a}",
    "how warm is it in the {a}", "what is the {a} temperature",
    "how cold is it in the {a}",
)  # fmt: skip
# questions heard as statements ("is the fan on" -> "there's the fan on")
DECLARATIVES = {
    "dev": ("there's the {n} on", "the {n} is on", "so the {n} is off",
            "the {n}'s open"),
    "test": ("is it the {n} on", "the {n} is still on", "and the {n} is off",
             "the {n} is open then", "so the {n} is locked"),
}  # fmt: skip


def answers(home: Home, split: str) -> list[Item]:
    items = []
    for device in home.devices:
        n, d = device.spoken, device.domain
        questions = list(_STATE_QUESTIONS[d])
        if d == "binary_sensor" and device.get("device_class") in ("door", "window"):
            questions += _OPENABLE
        about = "target" if d == "climate" else "state"
        says = state_says(home, device, about)
        for q in questions:
            items.append(
                Item(
                    "answer", home.name, q.format(n=n), answer(says), f"state.{d}", True
                )
            )
        for q in DECLARATIVES[split]:
            fits = {
                "on": d in ("light", "switch", "fan"), "off": d in ("light", "switch",
                "fan"), "open": d == "cover" or device.get("device_class") in (
                "door", "window"), "locked": d == "lock",
            }  # fmt: skip
            word = q.split()[-1] if not q.endswith("then") else "open"
            if fits.get(word):
                item = Item("answer", home.name, q.format(n=n), answer(says),
                            "state.declarative", True)  # fmt: skip
                items.append(item)
    for area in home.areas:
        sources = [*home.in_area(area, "climate"), *[
            s for s in home.in_area(area, "sensor")
            if s.get("device_class") == "temperature"]]  # fmt: skip
        if len(sources) == 1:
            says = state_says(home, sources[0], "temperature")
            for q in _TEMPERATURE_QUESTIONS:
                text = q.format(a=area.lower())
                items.append(Item("answer", home.name, text, answer(says),
                                  "temperature", True))  # fmt: skip
    return items


_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MONTHS = "january|february|march|april|may|june|july|august|september|october"
_DATE = rf"\d|{_DAYS}|{_MONTHS}|november|december"
_LEFT = r"timer|left|remaining"
# config.toml's built-in skills: (text, says)
SKILLS: dict[str, tuple[tuple[str, list[str]], ...]] = {
    "dev": (
        ("what time is it", [r"\d"]), ("what's the time", [r"\d"]),
        ("what is the date today", [_DATE]), ("what day is it", [_DATE]),
        ("start a 10 minute timer", ["10 minute"]),
        ("set a timer for 3 minutes", ["3 minute"]),
        ("set a pasta timer for 12 minutes", ["pasta", "12 minute"]),
        ("set a timer for 1 hour", ["1 hour|one hour"]),
        ("how long is left on my timer", [_LEFT]), ("how much time is left", [_LEFT]),
        ("cancel the timer", [r"timer|cancel"]),
        ("add eggs to my shopping list", ["eggs"]),
        ("I need to buy batteries", ["batter"]),
        ("what's on my shopping list", ["list"]),
        ("what can you do", [r"timer|list|switch|device|\bcan\b"]),
    ),
    "test": (
        ("what time is it now", [r"\d"]), ("tell me the time", [r"\d"]),
        ("what's the date", [_DATE]), ("what day is today", [_DATE]),
        ("set a 5 minute timer", ["5 minute"]),
        ("start a timer for 20 minutes", ["20 minute"]),
        ("set a tea timer for 4 minutes", ["tea", "4 minute"]),
        ("set a timer for 2 hours", ["2 hour|two hour"]),
        ("how long is left on the timer", [_LEFT]),
        ("how much time do I have left", [_LEFT]),
        ("stop the timer", [r"timer|cancel|stop"]),
        ("put milk on the shopping list", ["milk"]),
        ("I need to buy tomatoes", ["tomato"]),
        ("read my shopping list", ["list"]),
        ("what can I ask you", [r"timer|list|switch|device|\bcan\b"]),
    ),
}  # fmt: skip


def skills(split: str, home: str) -> list[Item]:
    return [
        Item("answer", home, text, answer(says), "skill", not text.startswith(("start",
             "set", "add", "cancel", "stop", "put", "read", "I need")))
        for text, says in SKILLS[split]
    ]  # fmt: skip
