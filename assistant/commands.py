"""Turning an operation on an entity into the MQTT messages it expects."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .colors import kelvin_range, kelvin_to_mireds, rgb_to_hs, rgb_to_xy
from .describe import format_number, spoken_name, upper_first
from .devices import (
    DEFAULT_HVAC_MODES,
    Command,
    Domain,
    Entity,
    Operation,
    config_number,
)
from .errors import CapabilityError
from .templates import render_template

__all__ = ["build_commands", "climate_mode"]

_LOGGER = logging.getLogger(__name__)

_VERBS = {
    Operation.TURN_ON: "turn on",
    Operation.TURN_OFF: "turn off",
    Operation.SET_BRIGHTNESS: "dim",
    Operation.SET_COLOR: "change the colour of",
    Operation.SET_TEMPERATURE: "set the temperature of",
    Operation.SET_HVAC_MODE: "change the mode of",
    Operation.OPEN: "open",
    Operation.CLOSE: "close",
    Operation.STOP: "stop",
    Operation.LOCK: "lock",
    Operation.UNLOCK: "unlock",
    Operation.SET_POSITION: "set the position of",
    Operation.SET_COLOR_TEMP: "change the white tone of",
}


def _decimals(step: float) -> int:
    return 0 if float(step).is_integer() else len(repr(float(step)).split(".")[1])


def _temperature(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _payload(cfg: Mapping[str, Any], key: str, default: str) -> str | None:
    """A configured payload; None when the config sets it to null explicitly."""
    if key in cfg and cfg[key] is None:
        return None
    return str(cfg.get(key, default))


def _unsupported(entity: Entity, op: Operation) -> CapabilityError:
    return CapabilityError(
        "unsupported", f"I can't {_VERBS[op]} {spoken_name(entity)}."
    )


def _refuse(entity: Entity, what: str) -> CapabilityError:
    return CapabilityError("unsupported", f"{upper_first(spoken_name(entity))} {what}.")


def _command(entity: Entity, topic_key: str, payload: str) -> Command:
    topic = entity.config.get(topic_key)
    if not isinstance(topic, str) or not topic:
        raise CapabilityError("unsupported", f"I can't control {spoken_name(entity)}.")
    return Command(topic, payload, bool(entity.config.get("retain", False)))


def _render(entity: Entity, key: str | None, value: Any, **extra: Any) -> str:
    source = entity.config.get(key) if key else None
    if not isinstance(source, str) or not source:
        return str(value)
    try:
        variables = {"value": value, "entity_id": entity.entity_id, **extra}
        return render_template(source, variables)
    except Exception as err:
        _LOGGER.warning("%s of %s failed: %s", key, entity.entity_id, err)
        msg = f"I couldn't work out the command for {spoken_name(entity)}."
        raise CapabilityError("template-error", msg) from err


def _percent(entity: Entity, value: Any) -> int:
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and 0 <= value <= 100
    ):
        return round(value)
    msg = f"I can only set {spoken_name(entity)} between 0 and 100 percent."
    raise CapabilityError("out-of-range", msg)


def _color(value: Any) -> tuple[int, int, int]:
    if (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 3
        and all(
            isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255
            for c in value
        )
    ):
        return (value[0], value[1], value[2])
    raise CapabilityError("bad-value", "That isn't a colour I can use.")


# --- Builders -----------------------------------------------------------------


def _on_off_payload(cfg: Mapping[str, Any], on: bool) -> str:
    key, default = ("payload_on", "ON") if on else ("payload_off", "OFF")
    return _payload(cfg, key, default) or default


def _on_off(
    entity: Entity, op: Operation, template: str | None = None
) -> list[Command]:
    raw = _on_off_payload(entity.config, op is Operation.TURN_ON)
    return [_command(entity, "command_topic", _render(entity, template, raw))]


def _with_on(entity: Entity, commands: list[Command]) -> list[Command]:
    """Add the ON payload where HA's ``on_command_type`` puts it."""
    on_type = entity.config.get("on_command_type", "last")
    if on_type == "brightness":
        return commands
    on = _on_off(entity, Operation.TURN_ON)
    return on + commands if on_type == "first" else commands + on


def _light(entity: Entity, op: Operation, value: Any) -> list[Command]:
    cfg = entity.config
    if cfg.get("schema") == "json":
        return _light_json(entity, op, value)
    scale = config_number(cfg, "brightness_scale", 255)
    bri_topic = cfg.get("brightness_command_topic")
    if op is Operation.TURN_OFF:
        return _on_off(entity, op)
    if op is Operation.TURN_ON:
        if cfg.get("on_command_type") == "brightness" and bri_topic:
            payload = _render(entity, "brightness_command_template", round(scale))
            return [_command(entity, "brightness_command_topic", payload)]
        return _on_off(entity, op)
    if op is Operation.SET_BRIGHTNESS:
        if not bri_topic:
            raise _refuse(entity, "can't be dimmed")
        pct = _percent(entity, value)
        if pct == 0:
            return _on_off(entity, Operation.TURN_OFF)
        level = max(1, round(pct * scale / 100))
        payload = _render(entity, "brightness_command_template", level)
        return _with_on(entity, [_command(entity, "brightness_command_topic", payload)])
    if op is Operation.SET_COLOR:
        if cfg.get("rgb_command_topic"):
            r, g, b = _color(value)
            payload = _render(
                entity, "rgb_command_template", f"{r},{g},{b}", red=r, green=g, blue=b
            )
            return _with_on(entity, [_command(entity, "rgb_command_topic", payload)])
        if cfg.get("hs_command_topic"):
            hue, sat = rgb_to_hs(_color(value))
            payload = _render(
                entity,
                "hs_command_template",
                f"{format_number(hue)},{format_number(sat)}",
                hue=hue,
                sat=sat,
            )
            return _with_on(entity, [_command(entity, "hs_command_topic", payload)])
        if cfg.get("xy_command_topic"):
            x, y = rgb_to_xy(_color(value))
            payload = _render(entity, "xy_command_template", f"{x},{y}", x=x, y=y)
            return _with_on(entity, [_command(entity, "xy_command_topic", payload)])
        raise _refuse(entity, "can't change colour")
    if op is Operation.SET_COLOR_TEMP:
        if not cfg.get("color_temp_command_topic"):
            raise _refuse(entity, "can't change its white tone")
        payload = _render(entity, "color_temp_command_template", _white(entity, value))
        return _with_on(entity, [_command(entity, "color_temp_command_topic", payload)])
    raise _unsupported(entity, op)


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


def _light_json(entity: Entity, op: Operation, value: Any) -> list[Command]:
    cfg = entity.config
    modes = _json_modes(cfg)
    message: dict[str, Any]
    if op in (Operation.TURN_ON, Operation.TURN_OFF):
        message = {"state": "ON" if op is Operation.TURN_ON else "OFF"}
    elif op is Operation.SET_BRIGHTNESS:
        dimmable = cfg["brightness"] if "brightness" in cfg else bool(modes - {"onoff"})
        if not dimmable:
            raise _refuse(entity, "can't be dimmed")
        pct = _percent(entity, value)
        scale = config_number(cfg, "brightness_scale", 255)
        level = max(1, round(pct * scale / 100))
        message = {"state": "OFF"} if pct == 0 else {"state": "ON", "brightness": level}
    elif op is Operation.SET_COLOR:
        if modes & {"rgb", "rgbw", "rgbww"}:
            r, g, b = _color(value)
            color: dict[str, Any] = {"r": r, "g": g, "b": b}
        elif "hs" in modes:
            hue, sat = rgb_to_hs(_color(value))
            color = {"h": hue, "s": sat}
        elif "xy" in modes:
            x, y = rgb_to_xy(_color(value))
            color = {"x": x, "y": y}
        else:
            raise _refuse(entity, "can't change colour")
        message = {"state": "ON", "color": color}
    elif op is Operation.SET_COLOR_TEMP:
        if "color_temp" not in modes:
            raise _refuse(entity, "can't change its white tone")
        message = {"state": "ON", "color_temp": _white(entity, value)}
    else:
        raise _unsupported(entity, op)
    return [
        _command(entity, "command_topic", json.dumps(message, separators=(",", ":")))
    ]


def _switch(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op in (Operation.TURN_ON, Operation.TURN_OFF):
        return _on_off(entity, op, "command_template")
    raise _unsupported(entity, op)


def _fan(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op is not Operation.SET_BRIGHTNESS:
        return _switch(entity, op, value)
    if not entity.config.get("percentage_command_topic"):
        raise _refuse(entity, "can't change speed")
    pct = _percent(entity, value)
    if pct == 0:
        return _on_off(entity, Operation.TURN_OFF, "command_template")
    low = config_number(entity.config, "speed_range_min", 1)
    high = config_number(entity.config, "speed_range_max", 100)
    speed = max(low, math.ceil(low - 1 + (high - low + 1) * pct / 100))
    payload = _render(entity, "percentage_command_template", int(speed))
    return [_command(entity, "percentage_command_topic", payload)]


_COVER_PAYLOADS = {
    Operation.OPEN: ("payload_open", "OPEN"),
    Operation.CLOSE: ("payload_close", "CLOSE"),
    Operation.STOP: ("payload_stop", "STOP"),
}


def _cover(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op is Operation.SET_POSITION:
        return _cover_position(entity, value)
    action = {Operation.TURN_ON: Operation.OPEN, Operation.TURN_OFF: Operation.CLOSE}
    keys = _COVER_PAYLOADS.get(action.get(op, op))
    payload = _payload(entity.config, *keys) if keys else None
    if payload is None or not entity.config.get("command_topic"):
        raise _unsupported(entity, op)
    return [_command(entity, "command_topic", payload)]


def _cover_position(entity: Entity, value: Any) -> list[Command]:
    """HA's ``set_cover_position``: percent scaled to position_closed..position_open."""
    cfg = entity.config
    if not cfg.get("set_position_topic"):
        raise _refuse(entity, "can't be set to a position")
    pct = _percent(entity, value)
    closed = config_number(cfg, "position_closed", 0)
    opened = config_number(cfg, "position_open", 100)
    level = round(closed + (opened - closed) * pct / 100)
    extra = {"position_open": opened, "position_closed": closed}
    payload = _render(entity, "set_position_template", level, position=pct, **extra)
    return [_command(entity, "set_position_topic", payload)]


def _lock(entity: Entity, op: Operation, value: Any) -> list[Command]:
    keys = {
        Operation.LOCK: ("payload_lock", "LOCK"),
        Operation.UNLOCK: ("payload_unlock", "UNLOCK"),
    }.get(op)
    payload = _payload(entity.config, *keys) if keys else None
    if payload is None:
        raise _unsupported(entity, op)
    return [
        _command(entity, "command_topic", _render(entity, "command_template", payload))
    ]


def _climate(entity: Entity, op: Operation, value: Any) -> list[Command]:
    cfg = entity.config
    fahrenheit = str(cfg.get("temperature_unit", "C")).upper().endswith("F")
    if op is Operation.SET_TEMPERATURE:
        if not cfg.get("temperature_command_topic"):
            raise _unsupported(entity, op)
        temp = _temperature(value)
        if temp is None or not math.isfinite(temp):
            raise CapabilityError("bad-value", "That isn't a temperature I can use.")
        low = config_number(cfg, "min_temp", 44.6 if fahrenheit else 7.0)
        high = config_number(cfg, "max_temp", 95.0 if fahrenheit else 35.0)
        if not low - 1e-9 <= temp <= high + 1e-9:
            span = f"{format_number(low)} and {format_number(high)}"
            msg = f"can only be set between {span} degrees"
            raise CapabilityError(
                "out-of-range", f"{upper_first(spoken_name(entity))} {msg}."
            )
        precision = config_number(cfg, "precision", 1.0 if fahrenheit else 0.1)
        step = config_number(cfg, "temp_step", 0.0)
        if step > 0:
            temp = round(temp / step) * step
        digits = max(_decimals(precision), _decimals(step))
        text = f"{temp:.{digits}f}"
        if cfg.get("temperature_command_template"):
            text = _render(entity, "temperature_command_template", float(text))
        return [_command(entity, "temperature_command_topic", text)]
    if op not in (Operation.SET_HVAC_MODE, Operation.TURN_ON, Operation.TURN_OFF):
        raise _unsupported(entity, op)
    modes = _modes(cfg)
    mode = climate_mode(entity, op, value)
    if not cfg.get("mode_command_topic"):
        if op is not Operation.SET_HVAC_MODE and cfg.get("power_command_topic"):
            raw = _on_off_payload(cfg, op is Operation.TURN_ON)
            return [_command(entity, "power_command_topic", raw)]
        raise _unsupported(entity, op)
    if mode is None or mode not in modes:
        if op is not Operation.SET_HVAC_MODE:
            raise _unsupported(entity, op)
        spoken = str(value).replace("_", " ")
        msg = f"{upper_first(spoken_name(entity))} can't be set to {spoken} mode."
        raise CapabilityError("unsupported-mode", msg)
    payload = _render(entity, "mode_command_template", mode)
    return [_command(entity, "mode_command_topic", payload)]


def _modes(cfg: Mapping[str, Any]) -> list[str]:
    return [str(mode) for mode in cfg.get("modes") or DEFAULT_HVAC_MODES]


def climate_mode(entity: Entity, op: Operation, value: Any = None) -> str | None:
    """The HVAC mode ``op`` asks for: "off", the mode "on" means, or ``value``."""
    if op is Operation.TURN_OFF:
        return "off"
    if op is Operation.TURN_ON:
        modes = _modes(entity.config)
        return (
            "heat" if "heat" in modes else next((m for m in modes if m != "off"), None)
        )
    return str(value).strip().lower().replace(" ", "_").replace("-", "_")


def _read_only(entity: Entity, op: Operation, value: Any) -> list[Command]:
    msg = f"{upper_first(spoken_name(entity))} is a sensor; I can only read it."
    raise CapabilityError("read-only", msg)


_BUILDERS: dict[Domain, Callable[[Entity, Operation, Any], list[Command]]] = {
    Domain.LIGHT: _light,
    Domain.SWITCH: _switch,
    Domain.FAN: _fan,
    Domain.COVER: _cover,
    Domain.LOCK: _lock,
    Domain.CLIMATE: _climate,
    Domain.SENSOR: _read_only,
    Domain.BINARY_SENSOR: _read_only,
}


def build_commands(entity: Entity, op: Operation, value: Any = None) -> list[Command]:
    """Turn ``op`` into the messages this entity's own conventions require.

    Raises CapabilityError (with a spoken message) when the entity can't do it.
    """
    return _BUILDERS[entity.domain](entity, op, value)
