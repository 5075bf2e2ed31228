"""Building MQTT commands for entities, and HA style templates."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from jinja2.exceptions import SecurityError

from assistant.errors import CapabilityError
from assistant.home.domains import build_commands, supports
from assistant.home.model import Command, Entity, Operation
from assistant.templates import render_template

from .device_fixtures import (
    AC,
    AC_DEFAULT,
    BACK_DOOR,
    BEDROOM,
    BLIND,
    BLIND_RO,
    BRI_FIRST,
    BRI_ONLY,
    BRI_TPL,
    DESK_ONOFF,
    DESK_WHITE,
    DIMMER,
    DOOR,
    FAN,
    FRONT_DOOR,
    GARAGE,
    HALL_FAN,
    HALVES,
    HEATER,
    HEX_RGB,
    HS,
    KETTLE,
    KETTLE_TPL,
    KITCHEN,
    LAMP,
    LIGHT,
    RADIATOR,
    RETAINED,
    SHUTTER,
    SLOW_FAN,
    TEMP_TPL,
    TEMPERATURE,
    THERMOSTAT,
    WHITE,
    WHOLE,
    XY,
    D,
    make,
)

Op = Operation


COMMANDS: list[tuple[Entity, Operation, Any, list[tuple[str, str]]]] = [
    (LIGHT, Op.TURN_ON, None, [("lr/light/set", "on")]),
    (LIGHT, Op.TURN_OFF, None, [("lr/light/set", "off")]),
    (KITCHEN, Op.TURN_ON, None, [("k/set", "ON")]),
    (
        LIGHT,
        Op.SET_BRIGHTNESS,
        40,
        [("lr/light/bri/set", "40"), ("lr/light/set", "on")],
    ),
    (LIGHT, Op.SET_BRIGHTNESS, 0, [("lr/light/set", "off")]),
    (DIMMER, Op.SET_BRIGHTNESS, 40, [("b", "102"), ("c", "ON")]),
    (DIMMER, Op.SET_BRIGHTNESS, 1, [("b", "3"), ("c", "ON")]),
    (BRI_FIRST, Op.SET_BRIGHTNESS, 100, [("c", "ON"), ("b", "255")]),
    (BRI_ONLY, Op.TURN_ON, None, [("b", "100")]),
    (BRI_ONLY, Op.SET_BRIGHTNESS, 30, [("b", "30")]),
    (BRI_ONLY, Op.TURN_OFF, None, [("c", "OFF")]),
    (BRI_TPL, Op.SET_BRIGHTNESS, 40, [("b", '{"dimmer":102}'), ("c", "ON")]),
    (
        LIGHT,
        Op.SET_COLOR,
        (255, 128, 0),
        [("lr/light/rgb/set", "255,128,0"), ("lr/light/set", "on")],
    ),
    (HEX_RGB, Op.SET_COLOR, (255, 128, 0), [("rgb", "ff8000"), ("c", "ON")]),
    (HS, Op.SET_COLOR, (0, 0, 255), [("hs", "240,100"), ("c", "ON")]),
    (XY, Op.SET_COLOR, (255, 0, 0), [("xy", "0.6401,0.33"), ("c", "ON")]),
    (LAMP, Op.TURN_ON, None, [("z2m/Bedroom Lamp/set", '{"state":"ON"}')]),
    (LAMP, Op.TURN_OFF, None, [("z2m/Bedroom Lamp/set", '{"state":"OFF"}')]),
    (
        LAMP,
        Op.SET_BRIGHTNESS,
        40,
        [("z2m/Bedroom Lamp/set", '{"state":"ON","brightness":102}')],
    ),
    (LAMP, Op.SET_BRIGHTNESS, 0, [("z2m/Bedroom Lamp/set", '{"state":"OFF"}')]),
    (
        LAMP,
        Op.SET_COLOR,
        (255, 0, 0),
        [("z2m/Bedroom Lamp/set", '{"state":"ON","color":{"x":0.6401,"y":0.33}}')],
    ),
    (KETTLE, Op.TURN_ON, None, [("tasmota/kettle/cmnd/POWER", "ON")]),
    (KETTLE, Op.TURN_OFF, None, [("tasmota/kettle/cmnd/POWER", "OFF")]),
    (KETTLE_TPL, Op.TURN_ON, None, [("k", '{"on": true}')]),
    (KETTLE_TPL, Op.TURN_OFF, None, [("k", '{"on": false}')]),
    (FAN, Op.TURN_ON, None, [("fan/set", "ON")]),
    (FAN, Op.SET_BRIGHTNESS, 50, [("fan/pct/set", "2")]),
    (FAN, Op.SET_BRIGHTNESS, 100, [("fan/pct/set", "3")]),
    (FAN, Op.SET_BRIGHTNESS, 1, [("fan/pct/set", "1")]),
    (FAN, Op.SET_BRIGHTNESS, 0, [("fan/set", "OFF")]),
    (HALL_FAN, Op.SET_BRIGHTNESS, 37, [("p", "37")]),
    (GARAGE, Op.OPEN, None, [("garage/set", "OPEN")]),
    (GARAGE, Op.CLOSE, None, [("garage/set", "CLOSE")]),
    (GARAGE, Op.TURN_ON, None, [("garage/set", "OPEN")]),
    (GARAGE, Op.TURN_OFF, None, [("garage/set", "CLOSE")]),
    (BLIND, Op.STOP, None, [("b", "HALT")]),
    (FRONT_DOOR, Op.LOCK, None, [("front/set", "LOCK")]),
    (FRONT_DOOR, Op.UNLOCK, None, [("front/set", "UNLOCK")]),
    (BACK_DOOR, Op.LOCK, None, [("b", '{"action": "l"}')]),
    (THERMOSTAT, Op.SET_TEMPERATURE, 21.5, [("th/temp/set", "21.5")]),
    (THERMOSTAT, Op.SET_TEMPERATURE, 21, [("th/temp/set", "21.0")]),
    (WHOLE, Op.SET_TEMPERATURE, 21.4, [("t", "21")]),
    (HALVES, Op.SET_TEMPERATURE, 21.3, [("t", "21.5")]),
    (TEMP_TPL, Op.SET_TEMPERATURE, 21.5, [("t", "215")]),
    (HEATER, Op.SET_TEMPERATURE, 28.5, [("t", "28.5")]),
    (THERMOSTAT, Op.SET_HVAC_MODE, "heat", [("th/mode/set", "heat")]),
    (THERMOSTAT, Op.SET_HVAC_MODE, "Auto", [("th/mode/set", "auto")]),
    (THERMOSTAT, Op.TURN_ON, None, [("th/mode/set", "heat")]),
    (THERMOSTAT, Op.TURN_OFF, None, [("th/mode/set", "off")]),
    (AC, Op.TURN_ON, None, [("m", "cool")]),
    (AC_DEFAULT, Op.SET_HVAC_MODE, "fan only", [("m", "fan_only")]),
    (SHUTTER, Op.SET_POSITION, 40, [("s/pos/set", "102")]),
    (SHUTTER, Op.SET_POSITION, 50, [("s/pos/set", "128")]),
    (SHUTTER, Op.SET_POSITION, 0, [("s/pos/set", "0")]),
    (SHUTTER, Op.SET_POSITION, 100, [("s/pos/set", "255")]),
    (WHITE, Op.SET_COLOR_TEMP, 4000, [("w/ct", "250"), ("w/set", "ON")]),
    (WHITE, Op.SET_COLOR_TEMP, 2700, [("w/ct", "370"), ("w/set", "ON")]),
    (WHITE, Op.SET_COLOR_TEMP, 1000, [("w/ct", "500"), ("w/set", "ON")]),
    (WHITE, Op.SET_COLOR_TEMP, 10000, [("w/ct", "153"), ("w/set", "ON")]),
    (
        DESK_WHITE,
        Op.SET_COLOR_TEMP,
        4000,
        [("c", '{"state":"ON","color_temp":250}')],
    ),
]


@pytest.mark.parametrize(
    ("entity", "op", "value", "expected"),
    COMMANDS,
    ids=[f"{c[0].name}-{c[1]}-{c[2]}" for c in COMMANDS],
)
def test_build_commands(
    entity: Entity, op: Operation, value: Any, expected: list[tuple[str, str]]
) -> None:
    commands = build_commands(entity, op, value)
    assert [(c.topic, c.payload) for c in commands] == expected
    assert not any(c.retain for c in commands)


@pytest.mark.parametrize(
    ("extra", "color"),
    [
        ({"supported_color_modes": ["rgbw"]}, '{"r":255,"g":128,"b":0}'),
        ({"supported_color_modes": ["hs"]}, '{"h":30.1,"s":100.0}'),
        ({"rgb": True}, '{"r":255,"g":128,"b":0}'),
        ({"xy": True}, '{"x":0.543,"y":0.407}'),
    ],
)
def test_json_light_colour_modes(extra: dict[str, Any], color: str) -> None:
    light = make(D.LIGHT, "L", schema="json", command_topic="c", **extra)
    expected = [Command("c", '{"state":"ON","color":' + color + "}")]
    assert build_commands(light, Op.SET_COLOR, (255, 128, 0)) == expected


def test_retain_flag_is_honoured() -> None:
    assert build_commands(RETAINED, Op.TURN_ON) == [Command("c", "ON", retain=True)]


REFUSALS: list[tuple[Entity, Operation, Any, str, str]] = [
    (
        KITCHEN,
        Op.SET_BRIGHTNESS,
        50,
        "unsupported",
        "The kitchen light can't be dimmed.",
    ),
    (
        BEDROOM,
        Op.SET_COLOR,
        (1, 2, 3),
        "unsupported",
        "The bedroom light can't change colour.",
    ),
    (LIGHT, Op.LOCK, None, "unsupported", "I can't lock the living room light."),
    (
        LIGHT,
        Op.SET_BRIGHTNESS,
        140,
        "out-of-range",
        "I can only set the living room light between 0 and 100 percent.",
    ),
    (LIGHT, Op.SET_COLOR, (300, 0, 0), "bad-value", "That isn't a colour I can use."),
    (
        DESK_ONOFF,
        Op.SET_BRIGHTNESS,
        10,
        "unsupported",
        "The desk lamp can't be dimmed.",
    ),
    (
        DESK_WHITE,
        Op.SET_COLOR,
        (1, 2, 3),
        "unsupported",
        "The desk lamp can't change colour.",
    ),
    (KETTLE, Op.SET_BRIGHTNESS, 5, "unsupported", "I can't dim the kettle."),
    (
        SLOW_FAN,
        Op.SET_BRIGHTNESS,
        50,
        "unsupported",
        "The hallway fan can't change speed.",
    ),
    (GARAGE, Op.STOP, None, "unsupported", "I can't stop the garage door."),
    (GARAGE, Op.SET_BRIGHTNESS, 50, "unsupported", "I can't dim the garage door."),
    (BLIND_RO, Op.OPEN, None, "unsupported", "I can't open the blind."),
    (FRONT_DOOR, Op.TURN_ON, None, "unsupported", "I can't turn on the front door."),
    (
        THERMOSTAT,
        Op.SET_TEMPERATURE,
        40,
        "out-of-range",
        "The living room thermostat can only be set between 7 and 35 degrees.",
    ),
    (
        HEATER,
        Op.SET_TEMPERATURE,
        9.5,
        "out-of-range",
        "The office heater can only be set between 10 and 28.5 degrees.",
    ),
    (
        THERMOSTAT,
        Op.SET_HVAC_MODE,
        "cool",
        "unsupported-mode",
        "The living room thermostat can't be set to cool mode.",
    ),
    (
        RADIATOR,
        Op.SET_HVAC_MODE,
        "heat",
        "unsupported",
        "I can't change the mode of the radiator.",
    ),
    (
        AC,
        Op.SET_TEMPERATURE,
        20,
        "unsupported",
        "I can't set the temperature of the AC.",
    ),
    (
        DOOR,
        Op.OPEN,
        None,
        "read-only",
        "The back door is a sensor; I can only read it.",
    ),
    (
        BLIND,
        Op.SET_POSITION,
        40,
        "unsupported",
        "The blind can't be set to a position.",
    ),
    (
        SHUTTER,
        Op.SET_POSITION,
        140,
        "out-of-range",
        "I can only set the shutter between 0 and 100 percent.",
    ),
    (
        KITCHEN,
        Op.SET_COLOR_TEMP,
        4000,
        "unsupported",
        "The kitchen light can't change its white tone.",
    ),
    (
        LAMP,
        Op.SET_COLOR_TEMP,
        4000,
        "unsupported",
        "The bedroom lamp can't change its white tone.",
    ),
    (
        WHITE,
        Op.SET_COLOR_TEMP,
        "warm",
        "bad-value",
        "That isn't a white tone I can use.",
    ),
    (
        GARAGE,
        Op.SET_COLOR_TEMP,
        4000,
        "unsupported",
        "I can't change the white tone of the garage door.",
    ),
]


@pytest.mark.parametrize(
    ("entity", "op", "value", "code", "message"),
    REFUSALS,
    ids=[f"{c[0].name}-{c[1]}" for c in REFUSALS],
)
def test_capability_errors(
    entity: Entity, op: Operation, value: Any, code: str, message: str
) -> None:
    with pytest.raises(CapabilityError) as info:
        build_commands(entity, op, value)
    assert (info.value.code, info.value.message) == (code, message)


@pytest.mark.parametrize("op", list(Operation))
def test_sensor_is_read_only_for_every_operation(op: Operation) -> None:
    with pytest.raises(CapabilityError) as info:
        build_commands(TEMPERATURE, op, 1)
    assert info.value.code == "read-only"
    assert info.value.message == (
        "The living room temperature is a sensor; I can only read it."
    )


def test_supports() -> None:
    assert supports(LIGHT, Op.SET_COLOR)
    assert not supports(KITCHEN, Op.SET_BRIGHTNESS)
    assert supports(LAMP, Op.SET_BRIGHTNESS)
    assert not supports(GARAGE, Op.STOP)
    assert supports(THERMOSTAT, Op.SET_TEMPERATURE)
    assert supports(THERMOSTAT, Op.SET_HVAC_MODE)
    assert not supports(TEMPERATURE, Op.TURN_ON)
    assert {op for op in Operation if supports(FRONT_DOOR, op)} == {Op.LOCK, Op.UNLOCK}
    assert supports(SHUTTER, Op.SET_POSITION) and not supports(BLIND, Op.SET_POSITION)
    assert supports(WHITE, Op.SET_COLOR_TEMP)
    assert supports(DESK_WHITE, Op.SET_COLOR_TEMP)
    assert not supports(KITCHEN, Op.SET_COLOR_TEMP)


def test_template_filters() -> None:
    def render(source: str, value: Any = "x") -> str:
        return render_template(source, {"value": value})

    assert render("{{ value | float(0) }}", "abc") == "0"
    assert render("{{ float(value) + 1 }}", "1.5") == "2.5"
    assert render("{{ value | int + 1 }}", "12") == "13"
    assert render("{{ value | int(-1) }}", "n/a") == "-1"
    assert render("{{ 2.567 | round(1) }}") == "2.6"
    assert render("{{ 2.5 | round(0, 'ceil') }}") == "3"
    assert render("{{ value | iif('yes', 'no') }}", True) == "yes"
    assert render("{{ (value | from_json).a }}", '{"a": 5}') == "5"
    assert render("{{ value | to_json }}", {"a": [1, 2]}) == '{"a":[1,2]}'
    with pytest.raises(ValueError):
        render("{{ value | float }}", "abc")
    with pytest.raises(Exception, match="undefined"):
        render("{{ missing | is_defined }}")
    with pytest.raises(SecurityError):
        render("{{ value.append(1) }}", [])


@pytest.mark.parametrize(
    "module",
    [
        "home",
        "home.model",
        "home.light",
        "home.cover",
        "home.registry",
        "templates",
        "colors",
        "abbreviations",
        "discovery",
    ],
)
def test_each_module_can_be_imported_first(module: str) -> None:
    """No import cycle: any of the modules loads first in a fresh interpreter."""
    code = f"import assistant.{module}; from assistant.home.domains import *"
    subprocess.run([sys.executable, "-c", code], check=True)
