"""A big home for scale tests: 25 rooms of 20 devices each, announced by discovery.

Every name is "<room> <thing>" in the room of that name, the way installers name
devices in a large house; topics are plain (``big/<slug>/...``).
"""

from __future__ import annotations

from typing import Any

ROOMS = (
    "Attic", "Cellar", "Garage", "Workshop", "Library", "Nursery", "Pantry",
    "Laundry", "Studio", "Gym", "Sauna", "Conservatory", "Porch", "Hallway",
    "Landing", "Kitchen", "Dining Room", "Living Room", "Lounge", "Office", "Study",
    "Den", "Playroom", "Guest Room", "Master Bedroom",
)  # fmt: skip
THINGS: tuple[tuple[str, str], ...] = (
    *(("light", t) for t in ("Ceiling Light", "Desk Lamp", "Floor Lamp",
                             "Reading Lamp", "Wall Light", "Spot Lights",
                             "Strip Light", "Night Light", "Lava Lamp")),
    *(("switch", t) for t in ("Heater", "Speaker", "Air Purifier", "Dehumidifier",
                              "Radio")),
    ("fan", "Ceiling Fan"),
    ("fan", "Tower Fan"),
    ("cover", "Blinds"),
    ("cover", "Curtains"),
    ("climate", "Thermostat"),
    ("lock", "Door Lock"),
)  # fmt: skip


def slug(name: str) -> str:
    return name.lower().replace(" ", "_")


def topic(room: str, thing: str, what: str = "set") -> str:
    return f"big/{slug(room)}/{slug(thing)}/{what}"


def _config(kind: str, room: str, thing: str) -> dict[str, Any]:
    name = f"{room} {thing}"
    config: dict[str, Any] = {
        "name": name,
        "unique_id": f"big_{slug(name)}",
        "device": {"identifiers": [f"big_{slug(name)}"], "name": name,
                   "suggested_area": room},
    }  # fmt: skip
    if kind == "climate":
        config |= {
            "temperature_command_topic": topic(room, thing, "temperature/set"),
            "mode_command_topic": topic(room, thing, "mode/set"),
            "modes": ["off", "heat"],
        }
    else:
        config["command_topic"] = topic(room, thing)
    return config


def big_home(prefix: str = "homeassistant") -> dict[str, dict[str, Any]]:
    """Discovery topic -> config, for the 500 devices."""
    return {
        f"{prefix}/{kind}/{slug(room)}_{slug(thing)}/config": _config(kind, room, thing)
        for room in ROOMS
        for kind, thing in THINGS
    }
