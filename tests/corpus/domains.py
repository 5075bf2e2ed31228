"""The domains lists (``dev-domains.jsonl``, ``test-domains.jsonl``): spoken
commands and questions for scenes, buttons, valves, sirens, alarm panels, vacuums,
lawn mowers, humidifiers, water heaters, selects, numbers, a fan's preset,
oscillation and direction (``domain_ops.py``), and many lights or windows at once
(here), with an offline light among them.

One home per split: ``annex`` (dev) and ``lodge`` (test). Every sentence is one the
rules cover (``assistant/sentences/en.yaml``); where the grammar has alternatives,
dev and test use different ones, and different fillers and numbers. The expected
messages come from ``ha_domains.py`` and ``ha.py``. All rows are category
``domains``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import Any

from . import ha
from . import ha_domains as hd
from .domain_ops import Op, by, device_ops, ops
from .ha import Device, Home, Message
from .lists import labelled, normalize, pick
from .sentences import FILLERS, Item, answer, command, refuse
from .state import read

CATEGORY = "domains"
SPLIT_HOME = {"dev": "annex", "test": "lodge"}
"""Each split its own home: the lodge is never heard in dev."""
SPLITS = ("test", "dev")
"""Test is built first, so that changing dev's sentences never changes it."""
QUOTA = 84
"""Rows per split; at least the number of operations (keys), so each is said."""
_COUNTS = ("no|none|zero|0", "one|1", "two|2", "three|3", "four|4")


def _name(device: Device) -> str:
    """A regex for the device's name in a reply (names are plain words here)."""
    if not re.fullmatch(r"[a-z0-9 ]+", device.spoken):
        raise ValueError(f"{device.name}: not a plain name")
    return rf"\b{device.spoken}\b"


def _count(n: int) -> str:
    return rf"\b({_COUNTS[n]})\b"


def _off(device: Device) -> list[Message]:
    if device.domain == "humidifier":
        return hd.humidifier(device, False)
    if device.get("command_template"):
        raise ValueError(f"{device.name}: on/off templates are not modelled here")
    return ha.turn(device, False)


def _on(home: Home, area: str | None = None) -> list[Device]:
    """The lights that are on (and available), in the area if given."""
    return [
        d for d in home.of("light")
        if (area is None or d.area == area) and hd.available(home, d)
        and read(home, d).state == "on"
    ]  # fmt: skip


def lights(home: Home, split: str) -> Iterator[Op]:
    """All the lights, a room's lights (one of them offline), everything in a room,
    and questions over them."""
    offline = [d for d in home.of("light") if not hd.available(home, d)]
    if len(offline) != 1:
        raise ValueError(f"{home.name}: needs exactly one offline light")
    dark = offline[0]
    room = dark.area or ""
    other = next(d.area or "" for d in home.of("light") if d.area != room)
    fan_room = home.of("fan")[0].area or ""
    switched = ("light", "switch", "fan", "humidifier")
    everything = [
        d for d in home.devices
        if d.area == fan_room and d.domain in switched and hd.available(home, d)
    ]  # fmt: skip
    all_off = [m for d in home.of("light") if d is not dark for m in _off(d)]
    room_off = [m for d in home.in_area(room, "light") if d is not dark
                for m in _off(d)]  # fmt: skip
    yield from ops(
        "lights.all_off",
        by(
            split,
            ("turn off all the lights", "turn all the lights off"),
            ("switch off all the lights", "switch off every light"),
        ),
        command(all_off),
    )
    yield from ops(
        "lights.area_off",
        by(split, ("turn off the lights in the {a}",), ("switch off the {a} lights",)),
        command(room_off),
        a=room.lower(),
    )
    yield from ops(
        "lights.everything_off",
        by(
            split,
            ("turn off everything in the {a}",),
            ("switch off everything in the {a}", "turn everything in the {a} off"),
        ),
        command([m for d in everything for m in _off(d)]),
        a=fan_room.lower(),
    )
    yield from ops(
        "lights.offline",
        by(split, ("turn on the {n}",), ("switch on the {n}",)),
        refuse(),
        n=dark.spoken,
    )
    on = _on(home)
    names = [_name(d) for d in on]
    yield from ops(
        "lights.which",
        by(split, ("which lights are on",), ("what lights are on",)),
        answer([*names, _name(dark)]),
        True,
    )
    yield from ops(
        "lights.count",
        by(split, ("how many lights are on",), ("how many lights are switched on",)),
        answer([_count(len(on))]),
        True,
    )
    lit = _on(home, other)
    yield from ops(
        "lights.count_area",
        by(
            split,
            ("how many lights are on in the {a}",),
            ("how many {a} lights are on",),
        ),
        answer([_count(len(lit))]),
        True,
        a=other.lower(),
    )
    lit = _on(home, room)
    yield from ops(
        "lights.which_area",
        by(
            split,
            ("which lights are on in the {a}",),
            ("which lights in the {a} are on",),
        ),
        answer([*[_name(d) for d in lit], _name(dark)]),
        True,
        a=room.lower(),
    )
    yield from ops(
        "lights.all_off_question",
        by(split, ("are all the lights off",), ("are all of the lights off",)),
        answer([r"\bno\b", *names]),
        True,
    )


def windows(home: Home, split: str) -> Iterator[Op]:
    """Is any window open, are all of them closed, which are open; one room's."""
    found = [d for d in home.of("binary_sensor") if d.get("device_class") == "window"]
    opened = [d for d in found if read(home, d).state == "on"]
    shut = [d for d in found if d not in opened]
    if not opened or not shut:
        raise ValueError(f"{home.name}: needs an open and a closed window")
    names = [_name(d) for d in opened]
    yield from ops(
        "windows.any",
        by(
            split,
            ("is any window open", "did anyone leave a window open"),
            ("are any windows open", "are there any windows open"),
        ),
        answer([r"\byes\b", *names]),
        True,
    )
    yield from ops(
        "windows.all_closed",
        by(split, ("are all the windows closed",), ("are all the windows shut",)),
        answer([r"\bno\b", *names]),
        True,
    )
    yield from ops(
        "windows.which",
        by(split, ("which windows are open",), ("what windows are open",)),
        answer(names),
        True,
    )
    yield from ops(
        "windows.any_area",
        by(
            split,
            ("is any window open in the {a}",),
            ("are any windows open in the {a}",),
        ),
        answer([r"\bno\b"]),
        True,
        a=(shut[0].area or "").lower(),
    )


def operations(home: Home, split: str) -> Iterator[Op]:
    for device in home.devices:
        yield from device_ops(home, device, split)
    yield from lights(home, split)
    yield from windows(home, split)


def candidates(split: str) -> list[Item]:
    """Every sentence of the split: commands and refusals with each of the split's
    fillers, questions as they are."""
    name = SPLIT_HOME[split]
    home = ha.load_homes([name])[name]
    items = []
    for key, text, expect, question in operations(home, split):
        for prefix, suffix in (("", ""),) if question else FILLERS[split]:
            said = f"{prefix}{text}{suffix}"
            items.append(Item(CATEGORY, home.name, said, expect, key, question))
    return items


def build(split: str, seed: int, taken: set[str]) -> list[dict[str, Any]]:
    """The domains list of ``split``, its sentences apart from ``taken`` (which
    grows), each operation at least once."""
    rng = random.Random(f"corpus:{seed}:{split}-domains")
    found = candidates(split)
    keys = {item.key for item in found}
    if len(keys) > QUOTA:
        raise ValueError(f"{split}: {len(keys)} operations, more than {QUOTA} rows")
    chosen = pick(found, QUOTA, rng, taken)
    missing = keys - {item.key for item in chosen}
    if missing:
        raise ValueError(f"{split}: no sentence left for {sorted(missing)}")
    return labelled(chosen, split, f"{split}-domains", rng)


def build_all(seed: int) -> dict[str, list[dict[str, Any]]]:
    """Both lists; test first, dev apart from its sentences."""
    taken: set[str] = set()
    built = {split: build(split, seed, taken) for split in SPLITS}
    assert not {normalize(r["text"]) for r in built["dev"]} & {
        normalize(r["text"]) for r in built["test"]
    }
    return built
