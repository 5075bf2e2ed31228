"""Lights: HA's MQTT light, default and JSON schemas (``mqtt/light/schema_basic.py``,
``schema_json.py``)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from ..colors import (
    hs_to_rgb,
    json_color_to_rgb,
    kelvin_range,
    kelvin_to_mireds,
    parse_rgb,
    rgb_to_hs,
    rgb_to_xy,
    xy_to_rgb,
)
from ..errors import CapabilityError
from .base import (
    ON,
    Change,
    DomainSpec,
    Handlers,
    color,
    command,
    describe_switched,
    match,
    on_off,
    parse_on_off,
    percent,
    refuse,
    render,
    switched,
    unsupported,
)
from .model import Command, Domain, Entity, EntityState, Operation, config_number
from .spoken import format_number

__all__ = ["SPEC"]


def _with_on(entity: Entity, commands: list[Command]) -> list[Command]:
    """Add the ON payload where HA's ``on_command_type`` puts it."""
    on_type = entity.config.get("on_command_type", "last")
    if on_type == "brightness":
        return commands
    on = on_off(entity, Operation.TURN_ON)
    return on + commands if on_type == "first" else commands + on


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    cfg = entity.config
    if cfg.get("schema") == "json":
        return _build_json(entity, op, value)
    scale = config_number(cfg, "brightness_scale", 255)
    bri_topic = cfg.get("brightness_command_topic")
    if op is Operation.TURN_OFF:
        return on_off(entity, op)
    if op is Operation.TURN_ON:
        if cfg.get("on_command_type") == "brightness" and bri_topic:
            text = render(entity, "brightness_command_template", round(scale))
            return [command(entity, "brightness_command_topic", text)]
        return on_off(entity, op)
    if op is Operation.SET_BRIGHTNESS:
        if not bri_topic:
            raise refuse(entity, "can't be dimmed")
        pct = percent(entity, value)
        if pct == 0:
            return on_off(entity, Operation.TURN_OFF)
        level = max(1, round(pct * scale / 100))
        text = render(entity, "brightness_command_template", level)
        return _with_on(entity, [command(entity, "brightness_command_topic", text)])
    if op is Operation.SET_COLOR:
        if cfg.get("rgb_command_topic"):
            r, g, b = color(value)
            text = render(
                entity, "rgb_command_template", f"{r},{g},{b}", red=r, green=g, blue=b
            )
            return _with_on(entity, [command(entity, "rgb_command_topic", text)])
        if cfg.get("hs_command_topic"):
            hue, sat = rgb_to_hs(color(value))
            text = render(
                entity,
                "hs_command_template",
                f"{format_number(hue)},{format_number(sat)}",
                hue=hue,
                sat=sat,
            )
            return _with_on(entity, [command(entity, "hs_command_topic", text)])
        if cfg.get("xy_command_topic"):
            x, y = rgb_to_xy(color(value))
            text = render(entity, "xy_command_template", f"{x},{y}", x=x, y=y)
            return _with_on(entity, [command(entity, "xy_command_topic", text)])
        raise refuse(entity, "can't change colour")
    if op is Operation.SET_COLOR_TEMP:
        if not cfg.get("color_temp_command_topic"):
            raise refuse(entity, "can't change its white tone")
        text = render(entity, "color_temp_command_template", _white(entity, value))
        return _with_on(entity, [command(entity, "color_temp_command_topic", text)])
    raise unsupported(entity, op)


def _white(entity: Entity, value: Any) -> int:
    """Kelvin clamped to the light's range, in mireds unless ``color_temp_kelvin``."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or not math.isfinite(value) or value <= 0:
        raise CapabilityError("bad-value", "That isn't a white tone I can use.")
    low, high = kelvin_range(entity.config)
    kelvin = round(min(max(value, low), high))
    in_kelvin = bool(entity.config.get("color_temp_kelvin"))
    return kelvin if in_kelvin else kelvin_to_mireds(kelvin)


def _json_modes(cfg: Mapping[str, Any]) -> set[str]:
    modes = {str(mode) for mode in cfg.get("supported_color_modes") or ()}
    flags = ("rgb", "hs", "xy", "color_temp")
    return modes | {flag for flag in flags if cfg.get(flag) is True}


def _build_json(entity: Entity, op: Operation, value: Any) -> list[Command]:
    cfg = entity.config
    modes = _json_modes(cfg)
    message: dict[str, Any]
    if op in (Operation.TURN_ON, Operation.TURN_OFF):
        message = {"state": "ON" if op is Operation.TURN_ON else "OFF"}
    elif op is Operation.SET_BRIGHTNESS:
        dimmable = cfg["brightness"] if "brightness" in cfg else bool(modes - {"onoff"})
        if not dimmable:
            raise refuse(entity, "can't be dimmed")
        pct = percent(entity, value)
        scale = config_number(cfg, "brightness_scale", 255)
        level = max(1, round(pct * scale / 100))
        message = {"state": "OFF"} if pct == 0 else {"state": "ON", "brightness": level}
    elif op is Operation.SET_COLOR:
        wanted: dict[str, Any]
        if modes & {"rgb", "rgbw", "rgbww"}:
            r, g, b = color(value)
            wanted = {"r": r, "g": g, "b": b}
        elif "hs" in modes:
            hue, sat = rgb_to_hs(color(value))
            wanted = {"h": hue, "s": sat}
        elif "xy" in modes:
            x, y = rgb_to_xy(color(value))
            wanted = {"x": x, "y": y}
        else:
            raise refuse(entity, "can't change colour")
        message = {"state": "ON", "color": wanted}
    elif op is Operation.SET_COLOR_TEMP:
        if "color_temp" not in modes:
            raise refuse(entity, "can't change its white tone")
        message = {"state": "ON", "color_temp": _white(entity, value)}
    else:
        raise unsupported(entity, op)
    return [
        command(entity, "command_topic", json.dumps(message, separators=(",", ":")))
    ]


# --- State ----------------------------------------------------------------------------


def _p_brightness(e: Entity, s: EntityState, text: str) -> None:
    if (level := float(text)) > 0:  # HA ignores a zero brightness
        s.brightness_pct = min(
            100, round(level * 100 / config_number(e.config, "brightness_scale", 255))
        )


def _p_rgb(e: Entity, s: EntityState, text: str) -> None:
    s.rgb = parse_rgb(text.split(","))


def _p_hs(e: Entity, s: EntityState, text: str) -> None:
    hue, sat = (float(v) for v in text.split(",")[:2])
    s.rgb = hs_to_rgb(hue, sat)


def _p_xy(e: Entity, s: EntityState, text: str) -> None:
    x, y = (float(v) for v in text.split(",")[:2])
    s.rgb = xy_to_rgb(x, y)


def _p_json(e: Entity, s: EntityState, text: str) -> None:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("JSON light state is not an object")
    if "state" in data:
        raw = data["state"]
        s.state = None if raw is None else match(str(raw), {"on": "ON", "off": "OFF"})
    if isinstance(bri := data.get("brightness"), int | float) and bri > 0:
        scale = config_number(e.config, "brightness_scale", 255)
        s.brightness_pct = min(100, round(bri * 100 / scale))
    if isinstance(wanted := data.get("color"), dict):
        s.rgb = json_color_to_rgb(wanted, data.get("color_mode"))


_JSON: Handlers = (("state_topic", (), _p_json),)
_BASIC: Handlers = (
    ("state_topic", ("state_value_template", "value_template"), parse_on_off),
    ("brightness_state_topic", ("brightness_value_template",), _p_brightness),
    ("rgb_state_topic", ("rgb_value_template",), _p_rgb),
    ("hs_state_topic", ("hs_value_template",), _p_hs),
    ("xy_state_topic", ("xy_value_template",), _p_xy),
)


def _handlers(entity: Entity) -> Handlers:
    return _JSON if entity.config.get("schema") == "json" else _BASIC


_COLOR_TOPICS = ("rgb_state_topic", "hs_state_topic", "xy_state_topic")


def _implied(entity: Entity, op: Operation, value: Any) -> list[Change]:
    changes = switched(op, value, "brightness_state_topic")
    if changes is None and op is Operation.SET_COLOR:
        changes = [ON, ("rgb", _COLOR_TOPICS, tuple(value))]
    elif changes is None:
        changes = [ON] if op is Operation.SET_COLOR_TEMP else []
    if entity.config.get("schema") == "json":  # one topic reports it all
        return [(name, ("state_topic",), new) for name, _, new in changes]
    return changes


SPEC = DomainSpec(
    Domain.LIGHT,
    required=("command_topic",),
    build=_build,
    handlers=_handlers,
    implied=_implied,
    describe=describe_switched,
    nouns=("light", "lights", "lamp", "lamps", "bulb", "bulbs", "lighting"),
    prompt="Turn on the {name}.",
    plural="lights",
    record=("turn on the {name}", "turn off the {name}"),
    everything=True,
    samples={
        Operation.SET_BRIGHTNESS: 50,
        Operation.SET_COLOR: (255, 255, 255),
        Operation.SET_COLOR_TEMP: 4000,
    },
    llm_actions=(
        ("turn on", "HassTurnOn"),
        ("turn off", "HassTurnOff"),
        ("brighten", "brighter"),
        ("dim", "dimmer"),
    ),
    llm_example=("I can't see a thing in the {area}", "turn on"),
)
