"""What Home Assistant's MQTT integration publishes for a service call on the domains
of the domains lists (scene, button, valve, siren, alarm_control_panel, vacuum,
lawn_mower, humidifier, water_heater, select, number, and a fan's preset,
oscillation and direction), whether an entity is available, and what its retained
state means.

Followed from ``homeassistant/components/mqtt/*.py`` of homeassistant 2026.2.3,
independently of ``assistant/`` (as ``ha.py``). Command templates are rendered as
HA renders them (``parse_result=False``: the text as written, ``str()`` of each
value); only ``{{ name }}`` substitutions are understood, anything else raises.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .ha import Device, Home, Message, render

_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def _msg(topic: Any, payload: str) -> Message:
    if not isinstance(topic, str) or not topic:
        raise ValueError("no command topic")
    return {"topic": topic, "payload": payload}


def template(source: str | None, value: Any, **variables: Any) -> str:
    """``MqttCommandTemplate.async_render``: the value as is without a template."""
    if not source:
        return str(value)
    if "{%" in source or "{#" in source:
        raise ValueError(f"template {source!r} is not understood here")
    names = {"value": value, **variables}

    def put(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            raise ValueError(f"template {source!r}: no variable {match.group(1)!r}")
        return str(names[match.group(1)])

    text = _VARIABLE.sub(put, source)
    if "{{" in text:
        raise ValueError(f"template {source!r} is not understood here")
    return text


def _render(device: Device, key: str, value: Any, **variables: Any) -> str:
    return template(device.get(key), value, **variables)


# -- commands -------------------------------------------------------------------------


def scene_on(device: Device) -> list[Message]:
    """scene.turn_on: ``payload_on`` (no default in HA's code) to command_topic."""
    if device.get("payload_on") is None:
        raise ValueError(f"{device.name}: a scene needs payload_on")
    return [_msg(device.get("command_topic"), str(device.get("payload_on")))]


def press(device: Device) -> list[Message]:
    payload = str(device.get("payload_press", "PRESS"))
    return [
        _msg(device.get("command_topic"), _render(device, "command_template", payload))
    ]


def valve(device: Device, opening: bool) -> list[Message]:
    """valve.open_valve/close_valve; a ``reports_position`` valve is opened and
    closed by position (the valve base class: 100 and 0)."""
    if device.get("reports_position"):
        return valve_position(device, 100 if opening else 0)
    key, default = ("payload_open", "OPEN") if opening else ("payload_close", "CLOSE")
    payload = str(device.get(key, default))
    return [
        _msg(device.get("command_topic"), _render(device, "command_template", payload))
    ]


def valve_position(device: Device, pct: int) -> list[Message]:
    """valve.set_valve_position: pct scaled to position_closed..position_open."""
    if not device.get("reports_position"):
        raise ValueError(f"{device.name}: no position")
    closed, opened = device.get("position_closed", 0), device.get("position_open", 100)
    exact = pct * (opened - closed) / 100 + closed
    if exact % 1 == 0.5:
        raise ValueError(f"{device.name}: {pct} % rounds half-way; pick another")
    variables = {"position": pct, "position_open": opened, "position_closed": closed}
    payload = _render(device, "command_template", round(exact), **variables)
    return [_msg(device.get("command_topic"), payload)]


def siren(device: Device, on: bool) -> list[Message]:
    """siren.turn_on/off: the template with ``value`` and ``state`` (the off
    template falls back to the on one), else compact JSON ``{"state": ...}``."""
    key, default = ("payload_on", "ON") if on else ("payload_off", "OFF")
    state = str(device.get(key, default))
    source = device.get("command_template")
    if not on:
        source = device.get("command_off_template") or source
    if source:
        payload = template(source, state, state=state)
    else:
        payload = json.dumps({"state": state}, separators=(",", ":"))
    return [_msg(device.get("command_topic"), payload)]


_ALARM_PAYLOADS = {
    "home": ("payload_arm_home", "ARM_HOME"), "away": ("payload_arm_away", "ARM_AWAY"),
    "night": ("payload_arm_night", "ARM_NIGHT"),
    "vacation": ("payload_arm_vacation", "ARM_VACATION"),
    "disarm": ("payload_disarm", "DISARM"),
}  # fmt: skip
_ALARM_FEATURES = ("arm_home", "arm_away", "arm_night", "arm_vacation",
                   "arm_custom_bypass", "trigger")  # fmt: skip


def alarm_can(device: Device, action: str) -> bool:
    """Disarm always; an arm mode if ``supported_features`` has it."""
    features = device.get("supported_features", _ALARM_FEATURES)
    return action == "disarm" or f"arm_{action}" in features


def alarm(device: Device, action: str) -> list[Message]:
    """alarm_control_panel.alarm_arm_<mode>/alarm_disarm with no code said: the
    corpus panels have ``code_arm_required: false`` and no ``code``."""
    if not alarm_can(device, action):
        raise ValueError(f"{device.name}: no {action} mode")
    if action != "disarm" and device.get("code_arm_required", True):
        raise ValueError(f"{device.name}: arming needs a code (not modelled)")
    if device.get("code") is not None:
        raise ValueError(f"{device.name}: a panel code is not modelled")
    key, default = _ALARM_PAYLOADS[action]
    source = device.get("command_template") or "{{action}}"
    payload = template(source, None, action=str(device.get(key, default)), code=None)
    return [_msg(device.get("command_topic"), payload)]


_VACUUM = {
    # action: (supported_features entry, payload key, default payload)
    "start": ("start", "payload_start", "start"),
    "pause": ("pause", "payload_pause", "pause"),
    "stop": ("stop", "payload_stop", "stop"),
    "return_to_base": ("return_home", "payload_return_to_base", "return_to_base"),
    "locate": ("locate", "payload_locate", "locate"),
}
_VACUUM_DEFAULT_FEATURES = ("start", "stop", "return_home", "clean_spot")


def vacuum(device: Device, action: str) -> list[Message]:
    feature, key, default = _VACUUM[action]
    if feature not in device.get("supported_features", _VACUUM_DEFAULT_FEATURES):
        raise ValueError(f"{device.name}: no {feature}")
    return [_msg(device.get("command_topic"), str(device.get(key, default)))]


def vacuum_speeds(device: Device) -> list[str]:
    if "fan_speed" not in device.get("supported_features", _VACUUM_DEFAULT_FEATURES):
        return []
    return [str(s) for s in device.get("fan_speed_list") or ()]


def vacuum_fan_speed(device: Device, speed: str) -> list[Message]:
    if speed not in vacuum_speeds(device):
        raise ValueError(f"{device.name}: no fan speed {speed!r}")
    return [_msg(device.get("set_fan_speed_topic"), speed)]


_MOWER = {
    "start_mowing": ("start_mowing_command_topic", "start_mowing_command_template"),
    "pause": ("pause_command_topic", "pause_command_template"),
    "dock": ("dock_command_topic", "dock_command_template"),
}


def mower(device: Device, action: str) -> list[Message]:
    topic, template_key = _MOWER[action]
    return [_msg(device.get(topic), _render(device, template_key, action))]


def _on_off(device: Device, on: bool) -> str:
    key, default = ("payload_on", "ON") if on else ("payload_off", "OFF")
    return str(device.get(key, default))


def humidifier(device: Device, on: bool) -> list[Message]:
    payload = _render(device, "command_template", _on_off(device, on))
    return [_msg(device.get("command_topic"), payload)]


def humidity_range(device: Device) -> tuple[int, int]:
    return device.get("min_humidity", 0), device.get("max_humidity", 100)


def humidity(device: Device, value: int) -> list[Message]:
    """humidifier.set_humidity: an int within min..max (HA rejects others)."""
    low, high = humidity_range(device)
    if not low <= value <= high:
        raise ValueError(f"{device.name}: {value} is outside {low}..{high}")
    payload = _render(device, "target_humidity_command_template", int(value))
    return [_msg(device.get("target_humidity_command_topic"), payload)]


def modes(device: Device) -> list[str]:
    """A humidifier's or water heater's modes, a fan's presets, a select's options."""
    if device.domain == "fan":
        return [str(m) for m in device.get("preset_modes") or ()]
    if device.domain == "select":
        return [str(m) for m in device.get("options") or ()]
    if device.domain == "water_heater" and device.get("modes") is None:
        raise ValueError(f"{device.name}: give the modes (HA's defaults not modelled)")
    return [str(m) for m in device.get("modes") or ()]


def mode(device: Device, value: str) -> list[Message]:
    """humidifier.set_mode, water_heater.set_operation_mode, fan.set_preset_mode,
    select.select_option: the raw option through the domain's template."""
    if value not in modes(device):
        raise ValueError(f"{device.name}: no mode {value!r}")
    topic, key = {
        "fan": ("preset_mode_command_topic", "preset_mode_command_template"),
        "select": ("command_topic", "command_template"),
    }.get(device.domain, ("mode_command_topic", "mode_command_template"))
    return [_msg(device.get(topic), _render(device, key, value))]


def water_heater_temperature(device: Device, value: float) -> list[Message]:
    """water_heater.set_temperature: the float through its template ("55.0")."""
    if device.get("temperature_unit") != "C":
        raise ValueError(f"{device.name}: only °C (no conversion) is modelled")
    low, high = device.get("min_temp"), device.get("max_temp")
    if low is None or high is None or not low <= value <= high:
        raise ValueError(f"{device.name}: {value} is outside {low}..{high}")
    payload = _render(device, "temperature_command_template", float(value))
    return [_msg(device.get("temperature_command_topic"), payload)]


def water_heater_power(device: Device, on: bool) -> list[Message]:
    payload = _render(device, "power_command_template", _on_off(device, on))
    return [_msg(device.get("power_command_topic"), payload)]


def number_range(device: Device) -> tuple[float, float, float]:
    return device.get("min", 0.0), device.get("max", 100.0), device.get("step", 1.0)


def number(device: Device, value: float) -> list[Message]:
    """number.set_value: within min..max (HA rejects others); integral values are
    sent as ints. Only values on a step are used (HA does not snap)."""
    low, high, step = number_range(device)
    if not low <= value <= high or (value - low) % step:
        raise ValueError(f"{device.name}: {value} is not a step of {low}..{high}")
    sent: float = int(value) if float(value).is_integer() else value
    return [
        _msg(device.get("command_topic"), _render(device, "command_template", sent))
    ]


def oscillate(device: Device, on: bool) -> list[Message]:
    key, default = (
        ("payload_oscillation_on", "oscillate_on")
        if on
        else ("payload_oscillation_off", "oscillate_off")
    )
    payload = _render(device, "oscillation_command_template", device.get(key, default))
    return [_msg(device.get("oscillation_command_topic"), payload)]


def direction(device: Device, value: str) -> list[Message]:
    if value not in ("forward", "reverse"):
        raise ValueError(f"no direction {value!r}")
    payload = _render(device, "direction_command_template", value)
    return [_msg(device.get("direction_command_topic"), payload)]


def needs_confirm(device: Device, action: str) -> bool:
    """The default policy's questions for these domains: a siren turned on, a
    gas-class valve opened, a panel disarmed."""
    return (
        (device.domain == "siren" and action == "on")
        or (device.domain == "valve" and action == "open"
            and device.get("device_class") == "gas")
        or (device.domain == "alarm_control_panel" and action == "disarm")
    )  # fmt: skip


# -- availability and state -----------------------------------------------------------


def available(home: Home, device: Device) -> bool:
    """An entity with availability topics is available only once each has its
    ``payload_available`` ("online"); without any, always."""
    entries = list(device.get("availability") or ())
    if device.get("availability_topic"):
        entries.append({"topic": device.get("availability_topic")})
    for entry in entries:
        if entry.get("value_template") or device.get("availability_template"):
            raise ValueError(f"{device.name}: availability templates not modelled")
        want = entry.get("payload_available", device.get("payload_available", "online"))
        if home.states.get(entry["topic"]) != want:
            return False
    return True


def _state(home: Home, device: Device, topic_key: str, template_key: str) -> str:
    return render(device.get(template_key), home.payload(device.get(topic_key)))


def state(home: Home, device: Device) -> str:
    """HA's state of the entity from its retained payloads: "closed", "on",
    "disarmed", "docked", "eco", "15" ..."""
    d = device.domain
    if d == "valve":
        text = _state(home, device, "state_topic", "value_template")
        if device.get("reports_position"):
            data = json.loads(text)
            value = float(data["position"] if isinstance(data, dict) else data)
            closed = device.get("position_closed", 0)
            opened = device.get("position_open", 100)
            pct = int((value - closed) * 100 // (opened - closed))
            return "closed" if max(0, min(100, pct)) == 0 else "open"
        words = {device.get("state_open", "open"): "open",
                 device.get("state_closed", "closed"): "closed"}  # fmt: skip
        return words[text]
    if d in ("siren", "humidifier"):
        key = "state_value_template"
        text = _state(home, device, "state_topic", key)
        on = device.get("state_on", _on_off(device, True))
        off = device.get("state_off", _on_off(device, False))
        return {on: "on", off: "off"}[text]
    if d == "vacuum":
        return str(json.loads(home.payload(device.get("state_topic")))["state"])
    if d == "lawn_mower":
        return _state(home, device, "activity_state_topic", "activity_value_template")
    if d == "water_heater":
        return _state(home, device, "mode_state_topic", "mode_state_template")
    if d in ("alarm_control_panel", "select", "number"):
        return _state(home, device, "state_topic", "value_template")
    raise ValueError(f"{device.name}: no state modelled for {d}")


def fan_direction(home: Home, device: Device) -> str:
    """A fan's direction from its direction state topic."""
    return _state(home, device, "direction_state_topic", "direction_value_template")


def current_mode(home: Home, device: Device) -> str:
    """The mode, preset, fan speed or option the device is in now."""
    keys = {
        "fan": ("preset_mode_state_topic", "preset_mode_value_template"),
        "humidifier": ("mode_state_topic", "mode_state_template"),
        "water_heater": ("mode_state_topic", "mode_state_template"),
        "select": ("state_topic", "value_template"),
    }
    if device.domain == "vacuum":
        return str(json.loads(home.payload(device.get("state_topic")))["fan_speed"])
    return _state(home, device, *keys[device.domain])
