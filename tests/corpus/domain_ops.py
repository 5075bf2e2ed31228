"""The operations of the domains lists, device by device: the sentences (with the
split's own wording) for scenes, buttons, valves, sirens, alarm panels, vacuums,
lawn mowers, humidifiers, water heaters, selects, numbers and a fan's preset,
oscillation and direction, each with what must happen (see ``domains.py``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import ha
from . import ha_domains as hd
from .ha import Device, Home
from .sentences import Expect, answer, command, number, refuse
from .state import number_regex

# split-specific values
VALVE = {"dev": (40, 60), "test": (25, 75)}
HUMIDITY = {"dev": (45, 55), "test": (40, 60)}
AREA_HUMIDITY = {"dev": 60, "test": 35}
BAD_HUMIDITY = {"dev": "set the {n} to 95 percent",
                "test": "set the {n} to 20 percent humidity"}  # fmt: skip
HEATER = {"dev": (50, 60), "test": (52.5, 58)}
NUMBER = {"dev": (20, 45), "test": (40, 70)}
BAD_NUMBER = {"dev": "set the {n} to 90", "test": "set the {n} to 10 percent"}
BAD_OPTION = {"dev": "turbo", "test": "rinse"}
"""An option no device of the split's home has."""
BAD_PRESET = {"dev": "set the {n} to turbo mode", "test": "put the {n} in sleep mode"}

Op = tuple[str, str, Expect, bool]
"""(key, text, expect, question)."""


def by(split: str, dev: tuple[str, ...], test: tuple[str, ...]) -> tuple[str, ...]:
    return dev if split == "dev" else test


def said(option: str) -> str:
    return option.replace("_", " ")


def words(state: str) -> list[str]:
    """Regexes for a state word: "armed_home" -> armed, home."""
    return [rf"\b{re.escape(w)}\b" for w in said(state).split()]


def ops(
    key: str, templates: tuple[str, ...], expect: Expect, question: bool = False,
    **fill: Any,
) -> Iterator[Op]:  # fmt: skip
    for template in templates:
        yield key, template.format(**fill), expect, question


def _state_ops(home: Home, d: Device, split: str, dev: str, test: str) -> Iterator[Op]:
    says = words(hd.state(home, d)) if d.domain != "number" else [
        number_regex(hd.state(home, d))]  # fmt: skip
    yield from ops(f"{d.domain}.state", (dev if split == "dev" else test,),
                    answer(says), True, n=d.spoken)  # fmt: skip


def _options(home: Home, d: Device) -> list[str]:
    """The device's modes, presets, fan speeds or options except the one it is in
    (and "off")."""
    every = hd.vacuum_speeds(d) if d.domain == "vacuum" else hd.modes(d)
    return [m for m in every if m not in (hd.current_mode(home, d), "off")]


def scene_button(d: Device, split: str) -> Iterator[Op]:
    n = d.spoken
    if d.domain == "scene":
        yield from ops("scene.on", by(split, ("activate {n}", "turn on {n}"), (
            "activate the {n} scene", "change to the {n} scene")),
            command(hd.scene_on(d)), n=n)  # fmt: skip
        yield from ops("scene.off", by(split, ("turn off {n}",), ("deactivate {n}",)),
                        refuse(), n=n)  # fmt: skip
    else:
        yield from ops("button.press", by(split, ("press the {n}", "push the {n}"), (
            "press the {n} button", "push the {n} button")), command(hd.press(d)),
            n=n)  # fmt: skip


def valves(home: Home, d: Device, split: str) -> Iterator[Op]:
    n = d.spoken
    opened = command(hd.valve(d, True), hd.needs_confirm(d, "open"))
    closed = command(hd.valve(d, False))
    open_t = by(split, ("open the {n}",), ("open up the {n}",))
    close_t = by(split, ("close the {n}",), ("shut the {n}",))
    if d.get("reports_position"):
        yield from ops("valve.position_open", open_t, opened, n=n)
        yield from ops("valve.position_close", close_t, closed, n=n)
        for v in VALVE[split]:
            yield from ops("valve.position", by(split, (
                "open the {n} to {v} percent", "set the {n} to {v} percent"), (
                "set the position of the {n} to {v} percent",
                "turn the {n} to {v} percent")),
                command(hd.valve_position(d, v)), n=n, v=v)  # fmt: skip
    else:
        yield from ops("valve.open", open_t, opened, n=n)
        yield from ops("valve.on", by(split, ("turn on the {n}",),
                        ("switch on the {n}",)), opened, n=n)  # fmt: skip
        yield from ops("valve.close", close_t, closed, n=n)
        yield from ops("valve.off", by(split, ("turn off the {n}",),
                        ("switch off the {n}",)), closed, n=n)  # fmt: skip
        yield from ops("valve.no_position", by(split, ("set the {n} to 50 percent",),
                        ("open the {n} to 30 percent",)), refuse(), n=n)  # fmt: skip
    yield from _state_ops(home, d, split, "is the {n} open", "is the {n} closed")


def sirens(home: Home, d: Device, split: str) -> Iterator[Op]:
    n = d.spoken
    yield from ops("siren.on", by(split, ("turn on the {n}", "switch the {n} on"), (
        "switch on the {n}", "put the {n} on")),
        command(hd.siren(d, True), hd.needs_confirm(d, "on")), n=n)  # fmt: skip
    yield from ops("siren.off", by(split, ("turn off the {n}", "turn the {n} off"), (
        "switch off the {n}", "switch the {n} off")), command(hd.siren(d, False)),
        n=n)  # fmt: skip
    yield from _state_ops(home, d, split, "is the {n} on", "is the {n} off")


def alarms(home: Home, d: Device, split: str) -> Iterator[Op]:
    n = d.spoken
    modes = {
        "away": by(split, ("arm the {n}", "set the {n} to away mode"), (
            "arm the {n} in away mode", "put the {n} in away mode")),
        "night": by(split, ("arm the {n} in night mode", "arm the {n} for night"), (
            "arm the {n} to night mode", "switch the {n} to night mode")),
        "home": by(split, ("arm the {n} in home mode", "arm the {n} in stay mode"), (
            "arm the {n} at home", "put the {n} in home mode")),
        "vacation": by(split, ("arm the {n} in vacation mode",), (
            "arm the {n} in holiday mode",)),
    }  # fmt: skip
    for mode, templates in modes.items():
        if hd.alarm_can(d, mode):
            yield from ops(f"alarm.{mode}", templates, command(hd.alarm(d, mode)), n=n)
        else:
            yield from ops(f"alarm.no_{mode}", templates, refuse(), n=n)
    generic = by(split, ("arm the alarm|away",
                         "arm the alarm system in night mode|night"),
                 ("arm the security system|away",
                  "arm the burglar alarm in home mode|home"))  # fmt: skip
    for line in generic:
        text, mode = line.split("|")
        yield "alarm.arm_generic", text, command(hd.alarm(d, mode)), False
    disarmed = command(hd.alarm(d, "disarm"), hd.needs_confirm(d, "disarm"))
    yield from ops("alarm.disarm", ("disarm the {n}",), disarmed, n=n)
    yield from ops(
        "alarm.disarm_generic",
        by(
            split,
            ("disarm the alarm",),
            ("turn off the burglar alarm", "disarm the security system"),
        ),
        disarmed,
    )
    yield from _state_ops(home, d, split, "what is the status of the {n}",
                          "what is the state of the {n}")  # fmt: skip


def vacuums(home: Home, d: Device, split: str) -> Iterator[Op]:
    n = d.spoken
    table = {
        "start": ("start", ("start the {n}",), ("start the {n}",)),
        "start_generic": ("start", ("start the vacuum", "vacuum the floors"),
                          ("start hoovering", "hoover the house")),
        "pause": ("pause", ("pause the {n}", "pause the vacuum"),
                  ("pause the {n}", "pause cleaning")),
        "stop": ("stop", ("stop the {n}",), ("stop the {n}",)),
        "return": ("return_to_base", ("send the {n} home", "return the {n} to base",
                   "send the vacuum home"), ("send the {n} to its dock",
                   "return the {n}", "return the hoover to its base")),
        "locate": ("locate", ("locate the {n}",), ("find the {n}",)),
    }  # fmt: skip
    for key, (action, dev, test) in table.items():
        expect = command(hd.vacuum(d, action))
        yield from ops(f"vacuum.{key}", by(split, dev, test), expect, n=n)
    for speed in _options(home, d):
        yield from ops("vacuum.fan_speed", by(split, (
            "set the {n} fan speed to {v}", "set the {n} to {v}"), (
            "put the {n} on {v}", "change the {n} speed to {v}")),
            command(hd.vacuum_fan_speed(d, speed)), n=n, v=speed)  # fmt: skip
    yield from _state_ops(home, d, split, "what is the status of the {n}",
                          "what is the state of the {n}")  # fmt: skip


def mowers(home: Home, d: Device, split: str) -> Iterator[Op]:
    n = d.spoken
    table = {
        "start": ("start_mowing", ("start the {n}",), ("start the {n}",)),
        "start_generic": ("start_mowing", ("start mowing", "mow the lawn"),
                          ("start the mower", "mow the grass")),
        "pause": ("pause", ("pause the {n}", "pause mowing"),
                  ("pause the {n}", "pause the mower")),
        "dock": ("dock", ("dock the {n}", "stop mowing", "return the mower to base"),
                 ("dock the {n}", "send the mower home", "stop the mower",
                  "cancel mowing")),
    }  # fmt: skip
    for key, (action, dev, test) in table.items():
        expect = command(hd.mower(d, action))
        yield from ops(f"lawn_mower.{key}", by(split, dev, test), expect, n=n)
    yield from ops("lawn_mower.no_locate", by(split, ("locate the {n}",),
                    ("find the {n}",)), refuse(), n=n)  # fmt: skip
    yield from _state_ops(home, d, split, "what is the state of the {n}",
                          "what is the status of the {n}")  # fmt: skip


def humidifiers(home: Home, d: Device, split: str) -> Iterator[Op]:
    n, a = d.spoken, (d.area or "").lower()
    on_t = by(split, ("turn on the {n}",), ("switch on the {n}",))
    off_t = by(split, ("turn off the {n}",), ("switch off the {n}",))
    yield from ops("humidifier.on", on_t, command(hd.humidifier(d, True)), n=n)
    yield from ops("humidifier.off", off_t, command(hd.humidifier(d, False)), n=n)
    for v in HUMIDITY[split]:
        yield from ops("humidifier.humidity", by(split, (
            "set the {n} to {v} percent", "set the {n} humidity to {v} percent"), (
            "set the {n} to {v} percent humidity",
            "set the humidity of the {n} to {v} percent")),
            command(hd.humidity(d, v)), n=n, v=v)  # fmt: skip
    v = AREA_HUMIDITY[split]
    yield from ops("humidifier.area", by(split, (
        "set the humidity in the {a} to {v} percent",), (
        "set the {a} humidity to {v} percent",)), command(hd.humidity(d, v)),
        a=a, v=v)  # fmt: skip
    for mode in _options(home, d):
        yield from ops("humidifier.mode", by(split, ("set the {n} to {v} mode",), (
            "put the {n} in {v} mode", "switch the {n} to {v}")),
            command(hd.mode(d, mode)), n=n, v=said(mode))  # fmt: skip
    yield from ops("humidifier.range", (BAD_HUMIDITY[split],), refuse(), n=n)
    yield from _state_ops(home, d, split, "is the {n} on", "is the {n} switched on")


def water_heaters(home: Home, d: Device, split: str) -> Iterator[Op]:
    n = d.spoken
    for v in HEATER[split]:
        yield from ops("water_heater.temperature", by(split, (
            "set the {n} to {v} degrees",
            "set the temperature of the {n} to {v} degrees"), (
            "set the {n} temperature to {v} degrees",
            "heat the {n} up to {v} degrees")),
            command(hd.water_heater_temperature(d, v)), n=n, v=number(v))  # fmt: skip
    for mode in _options(home, d):
        yield from ops("water_heater.mode", by(split, ("set the {n} to {v} mode",), (
            "switch the {n} to {v} mode", "put the {n} in {v} mode")),
            command(hd.mode(d, mode)), n=n, v=said(mode))  # fmt: skip
    on_t = by(split, ("turn on the {n}",), ("switch on the {n}",))
    off_t = by(split, ("turn off the {n}",), ("switch off the {n}",))
    yield from ops("water_heater.on", on_t, command(hd.water_heater_power(d, True)),
                    n=n)  # fmt: skip
    yield from ops("water_heater.off", off_t,
                    command(hd.water_heater_power(d, False)), n=n)  # fmt: skip
    yield from _state_ops(home, d, split, "what is the state of the {n}",
                          "what's the {n}")  # fmt: skip


def settings(home: Home, d: Device, split: str) -> Iterator[Op]:
    """A select's options and a number's values."""
    n = d.spoken
    if d.domain == "select":
        for option in _options(home, d):
            yield from ops("select.option", by(split, (
                "set the {n} to {v}", "change the {n} to {v}"), (
                "switch the {n} to {v}", "put the {n} on {v}")),
                command(hd.mode(d, option)), n=n, v=said(option))  # fmt: skip
        yield from ops("select.bad", ("set the {n} to {v}",), refuse(), n=n,
                        v=BAD_OPTION[split])  # fmt: skip
        yield from _state_ops(home, d, split, "what's the {n}", "what is the {n}")
        return
    for v in NUMBER[split]:
        yield from ops("number.value", by(split, (
            "set the {n} to {v}", "change the {n} to {v}"), (
            "set the {n} to {v} percent", "turn the {n} to {v} percent")),
            command(hd.number(d, v)), n=n, v=v)  # fmt: skip
    yield from ops("number.range", (BAD_NUMBER[split],), refuse(), n=n)
    yield from _state_ops(home, d, split, "what is the {n}", "what's the {n}")


def fans(home: Home, d: Device, split: str) -> Iterator[Op]:
    n = d.spoken
    yield from ops("fan.on", by(split, ("turn on the {n}",), ("switch on the {n}",)),
                    command(ha.turn(d, True)), n=n)  # fmt: skip
    yield from ops("fan.off", by(split, ("turn off the {n}", "turn the {n} off"), (
        "switch off the {n}", "switch the {n} off")), command(ha.turn(d, False)),
        n=n)  # fmt: skip
    for preset in _options(home, d):
        yield from ops("fan.preset", by(split, (
            "set the {n} to {v} mode", "set the {n} preset to {v}"), (
            "put the {n} in {v} mode", "switch the {n} to {v} mode")),
            command(hd.mode(d, preset)), n=n, v=preset)  # fmt: skip
    yield from ops("fan.no_preset", (BAD_PRESET[split],), refuse(), n=n)
    yield from ops("fan.oscillate_on", by(split, (
        "start the {n} oscillating", "make the {n} oscillate"), (
        "start oscillating the {n}", "turn on the {n} oscillation")),
        command(hd.oscillate(d, True)), n=n)  # fmt: skip
    yield from ops("fan.oscillate_off", by(split, (
        "stop the {n} oscillating", "turn off the {n} oscillation"), (
        "stop oscillating the {n}", "turn off oscillation on the {n}")),
        command(hd.oscillate(d, False)), n=n)  # fmt: skip
    now = hd.fan_direction(home, d)
    other = "forward" if now == "reverse" else "reverse"
    texts = by(
        split,
        ("set the {n} direction to reverse", "run the {n} in reverse"),
        ("set the direction of the {n} to forward", "spin the {n} forwards"),
    )
    wanted = by(split, ("reverse", "reverse"), ("forward", "forward"))
    for text, direction in zip(texts, wanted, strict=True):
        yield from ops("fan.direction", (text,), command(hd.direction(d, direction)),
                        n=n)  # fmt: skip
    yield from ops("fan.direction_toggle", by(split, ("reverse the {n}",), (
        "change the direction of the {n}",)), command(hd.direction(d, other)),
        n=n)  # fmt: skip


BY_DOMAIN = {
    "valve": valves, "siren": sirens, "alarm_control_panel": alarms,
    "vacuum": vacuums, "lawn_mower": mowers, "humidifier": humidifiers,
    "water_heater": water_heaters, "select": settings, "number": settings,
    "fan": fans,
}  # fmt: skip


def device_ops(home: Home, d: Device, split: str) -> Iterator[Op]:
    """The operations on one device (none for lights and sensors)."""
    if d.domain in ("scene", "button"):
        yield from scene_button(d, split)
    elif d.domain in BY_DOMAIN:
        yield from BY_DOMAIN[d.domain](home, d, split)
