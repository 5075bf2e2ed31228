"""What a device's retained state says, read as Home Assistant reads it, and the
regular expressions a correct spoken answer about it must match."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .ha import Device, Home, render


@dataclass(frozen=True)
class Reading:
    state: str | None
    """on/off, open/closed, locked/unlocked, a sensor's value; None for climate."""
    position: int | None = None
    level: int | None = None
    """A light's brightness or a fan's speed, in percent, when it reports one."""
    unit: str | None = None
    target: float | None = None
    current: float | None = None
    mode: str | None = None


def _value(home: Home, device: Device, topic_key: str, template_key: str) -> str:
    topic = device.get(topic_key)
    if not topic:
        raise ValueError(f"{device.name}: no {topic_key}")
    return render(device.get(template_key), home.payload(topic))


def _on_off(device: Device, text: str) -> str:
    on = str(device.get("state_on", device.get("payload_on", "ON")))
    off = str(device.get("state_off", device.get("payload_off", "OFF")))
    if text not in (on, off):
        raise ValueError(f"{device.name}: state {text!r} is neither {on!r} nor {off!r}")
    return "on" if text == on else "off"


def _level(home: Home, device: Device) -> int | None:
    if device.domain == "light" and device.get("brightness_state_topic"):
        value = float(home.payload(device.get("brightness_state_topic")))
        return round(value / device.get("brightness_scale", 255) * 100)
    if device.domain == "fan" and device.get("percentage_state_topic"):
        value = float(home.payload(device.get("percentage_state_topic")))
        return round(value / device.get("speed_range_max", 100) * 100)
    return None


def read(home: Home, device: Device) -> Reading:
    domain = device.domain
    if device.json_schema:
        data = json.loads(home.payload(device.get("state_topic")))
        scale = device.get("brightness_scale", 255)
        level = (
            round(data["brightness"] / scale * 100) if "brightness" in data else None
        )
        return Reading("on" if data["state"] == "ON" else "off", level=level)
    if domain in ("light", "switch", "fan", "binary_sensor"):
        key = "state_value_template" if domain in ("light", "fan") else "value_template"
        state = _on_off(device, _value(home, device, "state_topic", key))
        return Reading(state, level=_level(home, device))
    if domain == "cover":
        text = _value(home, device, "state_topic", "value_template")
        words = {
            device.get("state_open", "open"): "open",
            device.get("state_closed", "closed"): "closed",
        }
        pos = None
        if device.get("position_topic"):
            pos = int(
                float(_value(home, device, "position_topic", "position_template"))
            )
        return Reading(words[text], position=pos)
    if domain == "lock":
        text = _value(home, device, "state_topic", "value_template")
        words = {
            device.get("state_locked", "LOCKED"): "locked",
            device.get("state_unlocked", "UNLOCKED"): "unlocked",
        }
        return Reading(words[text])
    if domain == "sensor":
        text = _value(home, device, "state_topic", "value_template")
        return Reading(text, unit=device.get("unit_of_measurement"))
    if domain == "climate":
        return Reading(
            None,
            target=float(
                _value(
                    home,
                    device,
                    "temperature_state_topic",
                    "temperature_state_template",
                )
            ),
            current=float(
                _value(
                    home,
                    device,
                    "current_temperature_topic",
                    "current_temperature_template",
                )
            ),
            mode=_value(home, device, "mode_state_topic", "mode_state_template"),
        )
    raise ValueError(f"{device.name}: domain {domain} has no state here")


def number_regex(value: float | str) -> str:
    """``17.2`` -> ``\\b17[.,]2\\b|17 point 2``; ``20.0`` -> ``\\b20\\b``."""
    number = float(value)
    if number.is_integer():
        return rf"\b{int(number)}\b"
    whole, frac = f"{number:g}".split(".")
    words = rf"|\b{whole} and a half\b" if frac == "5" else ""
    return rf"\b{whole}[.,]{frac}\b|\b{whole} point {frac}\b{words}"


_BINARY = {
    "door": ("open", "closed"),
    "window": ("open", "closed"),
    "motion": (r"\bdetect|\byes\b", r"\bclear\b|\bno motion\b|\bnot detect|\bno\b"),
}


def state_says(home: Home, device: Device, about: str = "state") -> list[str]:
    """Regexes the spoken answer must all match (case-insensitive).

    ``about``: "state", "temperature" (current), "target" (set point).
    """
    reading = read(home, device)
    if device.domain == "climate":
        if about == "target":
            return [number_regex(reading.target or 0)]
        return [number_regex(reading.current or 0)]
    if device.domain == "sensor":
        return [number_regex(reading.state or 0)]
    if device.domain == "binary_sensor":
        on, off = _BINARY[device.get("device_class")]
        return [on if reading.state == "on" else off]
    word = reading.state or ""
    if word in ("on", "off", "locked"):
        return [rf"\b{word}\b"]
    if word == "open":
        return [r"\bopen"]
    return [word]
