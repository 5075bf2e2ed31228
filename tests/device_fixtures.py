"""Sample entities shared by the device tests, in the shapes real devices use."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from assistant.discovery import entities_from_discovery
from assistant.home.model import Domain, Entity

D = Domain


def make(domain: Domain, name: str, area: str | None = None, **config: Any) -> Entity:
    """An entity as if discovered on ``homeassistant/<domain>/<object_id>/config``."""
    object_id = name.lower().replace(" ", "_")
    source = f"homeassistant/{domain}/{object_id}/config"
    return Entity(f"{domain}.{object_id}", domain, name, area, config, source=source)


def discovered(configs: Mapping[str, object]) -> dict[str, Entity]:
    """The entities ``{discovery topic: config}`` announce, by name."""
    found = {}
    for topic, config in configs.items():
        for entity in entities_from_discovery(topic, json.dumps(config).encode()) or ():
            found[entity.name] = entity
    return found


LIGHT = make(
    D.LIGHT,
    "Living Room Light",
    "Living Room",
    command_topic="lr/light/set",
    state_topic="lr/light/state",
    payload_on="on",
    payload_off="off",
    brightness_command_topic="lr/light/bri/set",
    brightness_state_topic="lr/light/bri",
    brightness_scale=100,
    rgb_command_topic="lr/light/rgb/set",
    rgb_state_topic="lr/light/rgb",
)
KITCHEN = make(D.LIGHT, "Kitchen Light", command_topic="k/set")
BEDROOM = make(D.LIGHT, "Bedroom Light", command_topic="b/set")
DIMMER = make(D.LIGHT, "Hall Light", command_topic="c", brightness_command_topic="b")
BRI_FIRST = make(
    D.LIGHT,
    "L1",
    command_topic="c",
    brightness_command_topic="b",
    on_command_type="first",
)
BRI_ONLY = make(
    D.LIGHT,
    "L2",
    command_topic="c",
    brightness_command_topic="b",
    on_command_type="brightness",
    brightness_scale=100,
)
BRI_TPL = make(
    D.LIGHT,
    "L3",
    command_topic="c",
    brightness_command_topic="b",
    brightness_command_template="{{ {'dimmer': value} | to_json }}",
)
HEX_RGB = make(
    D.LIGHT,
    "L4",
    command_topic="c",
    rgb_command_topic="rgb",
    rgb_command_template="{{ '%02x%02x%02x' | format(red, green, blue) }}",
)
HS = make(D.LIGHT, "L5", command_topic="c", hs_command_topic="hs")
XY = make(D.LIGHT, "L6", command_topic="c", xy_command_topic="xy")
RETAINED = make(D.LIGHT, "L7", command_topic="c", retain=True)
LAMP = make(
    D.LIGHT,
    "Bedroom Lamp",
    "Bedroom",
    schema="json",
    brightness=True,
    command_topic="z2m/Bedroom Lamp/set",
    state_topic="z2m/Bedroom Lamp",
    supported_color_modes=["xy"],
)
DESK_ONOFF = make(
    D.LIGHT,
    "Desk Lamp",
    schema="json",
    command_topic="c",
    supported_color_modes=["onoff"],
)
DESK_WHITE = make(
    D.LIGHT,
    "Desk Lamp",
    schema="json",
    command_topic="c",
    brightness=True,
    supported_color_modes=["color_temp"],
)
WHITE = make(
    D.LIGHT, "Reading Light", command_topic="w/set", color_temp_command_topic="w/ct"
)
KETTLE = make(D.SWITCH, "Kettle", command_topic="tasmota/kettle/cmnd/POWER")
KETTLE_TPL = make(
    D.SWITCH,
    "Kettle",
    command_topic="k",
    payload_on="1",
    command_template='{"on": {{ iif(value == "1", "true", "false") }}}',
)
FAN = make(
    D.FAN,
    "Ceiling Fan",
    command_topic="fan/set",
    state_topic="fan/state",
    percentage_command_topic="fan/pct/set",
    percentage_state_topic="fan/pct",
    speed_range_min=1,
    speed_range_max=3,
)
HALL_FAN = make(D.FAN, "Hallway Fan", command_topic="h", percentage_command_topic="p")
SLOW_FAN = make(D.FAN, "Hallway Fan", command_topic="h")
GARAGE = make(
    D.COVER,
    "Garage Door",
    command_topic="garage/set",
    state_topic="garage/state",
    payload_stop=None,
)
BLIND = make(D.COVER, "Blind", command_topic="b", payload_stop="HALT")
BLIND_RO = make(D.COVER, "Blind", state_topic="b/state")
SHUTTER = make(
    D.COVER,
    "Shutter",
    command_topic="s/set",
    set_position_topic="s/pos/set",
    position_topic="s/pos",
    position_open=255,
)
FRONT_DOOR = make(
    D.LOCK, "Front Door", command_topic="front/set", state_topic="front/state"
)
BACK_DOOR = make(
    D.LOCK,
    "Back Door",
    command_topic="b",
    payload_lock="L",
    command_template='{"action": "{{ value | lower }}"}',
)
THERMOSTAT = make(
    D.CLIMATE,
    "Living Room Thermostat",
    mode_command_topic="th/mode/set",
    mode_state_topic="th/mode",
    temperature_command_topic="th/temp/set",
    temperature_state_topic="th/target",
    temperature_state_template="{{ value_json.target }}",
    current_temperature_topic="th/current",
    modes=["off", "heat", "auto"],
)
WHOLE = make(D.CLIMATE, "T1", temperature_command_topic="t", precision=1.0)
HALVES = make(D.CLIMATE, "T2", temperature_command_topic="t", temp_step=0.5)
TEMP_TPL = make(
    D.CLIMATE,
    "T3",
    temperature_command_topic="t",
    temperature_command_template="{{ (value * 10) | int }}",
)
HEATER = make(
    D.CLIMATE,
    "Office Heater",
    temperature_command_topic="t",
    min_temp=10,
    max_temp=28.5,
)
AC = make(D.CLIMATE, "AC", mode_command_topic="m", modes=["off", "cool"])
AC_DEFAULT = make(D.CLIMATE, "AC", mode_command_topic="m")
RADIATOR = make(D.CLIMATE, "Radiator", temperature_command_topic="t")
TEMPERATURE = make(
    D.SENSOR,
    "Living Room Temperature",
    state_topic="tasmota/lr/tele/SENSOR",
    value_template="{{ value_json.AM2301.Temperature }}",
    unit_of_measurement="°C",
    device_class="temperature",
)
DOOR = make(D.BINARY_SENSOR, "Back Door", state_topic="d", device_class="door")
