"""The corpus homes read the way Home Assistant's MQTT integration reads them, and the
MQTT messages HA would publish for a service call on one of their entities.

Written independently of ``assistant/`` on purpose: the expected commands in the
label lists must not be derived from the code they evaluate. Only the discovery
keys and templates the corpus homes use are understood; anything else raises, so
a new home cannot be misread silently.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOMES_DIR = Path(__file__).resolve().parent / "homes"

# HA's abbreviations (homeassistant/components/mqtt/abbreviations.py), the ones used
ABBREVIATIONS = {
    "avty": "availability", "avty_t": "availability_topic", "bri_cmd_t":
    "brightness_command_topic", "bri_scl": "brightness_scale", "bri_stat_t":
    "brightness_state_topic", "clr_temp_cmd_t": "color_temp_command_topic",
    "clr_temp_stat_t": "color_temp_state_topic", "cmd_t": "command_topic",
    "curr_temp_t": "current_temperature_topic", "curr_temp_tpl":
    "current_temperature_template", "dev": "device", "dev_cla": "device_class",
    "max_mirs": "max_mireds", "min_mirs": "min_mireds", "mode_cmd_t":
    "mode_command_topic", "mode_stat_t": "mode_state_topic", "mode_stat_tpl":
    "mode_state_template", "o": "origin", "on_cmd_type": "on_command_type",
    "pct_cmd_t": "percentage_command_topic", "pct_stat_t": "percentage_state_topic",
    "pl_avail": "payload_available", "pl_cls": "payload_close", "pl_lock":
    "payload_lock", "pl_not_avail": "payload_not_available", "pl_off": "payload_off",
    "pl_on": "payload_on", "pl_open": "payload_open", "pl_stop": "payload_stop",
    "pl_unlk": "payload_unlock", "pos_t": "position_topic", "pos_tpl":
    "position_template", "set_pos_t": "set_position_topic", "set_pos_tpl":
    "set_position_template", "stat_cla": "state_class", "stat_clsd": "state_closed",
    "stat_locked": "state_locked", "stat_open": "state_open", "stat_t": "state_topic",
    "stat_unlocked": "state_unlocked", "stat_val_tpl": "state_value_template",
    "sup_clrm": "supported_color_modes", "t": "topic", "temp_cmd_t":
    "temperature_command_topic", "temp_stat_t": "temperature_state_topic",
    "temp_stat_tpl": "temperature_state_template", "uniq_id": "unique_id",
    "unit_of_meas": "unit_of_measurement", "val_tpl": "value_template",
}  # fmt: skip
# ... and those of the domains of the domains lists (homes/annex.json, lodge.json)
ABBREVIATIONS |= {
    "act_stat_t": "activity_state_topic", "cmd_off_tpl": "command_off_template",
    "cmd_tpl": "command_template", "cod_arm_req": "code_arm_required", "curr_hum_t":
    "current_humidity_topic", "dir_cmd_t": "direction_command_topic", "dir_cmd_tpl":
    "direction_command_template", "dir_stat_t": "direction_state_topic",
    "dock_cmd_t": "dock_command_topic", "dock_cmd_tpl": "dock_command_template",
    "fanspd_lst": "fan_speed_list", "hum_cmd_t": "target_humidity_command_topic",
    "hum_cmd_tpl": "target_humidity_command_template", "hum_stat_t":
    "target_humidity_state_topic", "max": "max", "max_hum": "max_humidity",
    "max_temp": "max_temp", "min": "min", "min_hum": "min_humidity", "min_temp":
    "min_temp", "mode_cmd_tpl": "mode_command_template", "modes": "modes", "ops":
    "options", "osc_cmd_t": "oscillation_command_topic", "osc_stat_t":
    "oscillation_state_topic", "pause_cmd_t": "pause_command_topic",
    "pause_mw_cmd_tpl": "pause_command_template", "pl_arm_nite": "payload_arm_night",
    "pl_disarm": "payload_disarm", "pl_osc_off": "payload_oscillation_off",
    "pl_osc_on": "payload_oscillation_on", "pl_prs": "payload_press", "pl_ret":
    "payload_return_to_base", "pos": "reports_position", "pos_clsd":
    "position_closed", "pos_open": "position_open", "pow_cmd_t": "power_command_topic",
    "pr_mode_cmd_t": "preset_mode_command_topic", "pr_mode_stat_t":
    "preset_mode_state_topic", "pr_modes": "preset_modes", "set_fan_spd_t":
    "set_fan_speed_topic", "step": "step", "strt_mw_cmd_t":
    "start_mowing_command_topic", "strt_mw_cmd_tpl": "start_mowing_command_template",
    "sup_feat": "supported_features", "temp_unit": "temperature_unit",
}  # fmt: skip
DEVICE_ABBREVIATIONS = {
    "cns": "connections", "ids": "identifiers", "mdl": "model", "mf": "manufacturer",
    "sa": "suggested_area", "sw": "sw_version",
}  # fmt: skip
_PLAIN_KEYS = {
    "name", "schema", "brightness", "color_mode", "modes", "min_temp", "max_temp",
    "temp_step", "precision", "speed_range_max", "unique_id", "retain",
    "brightness_state_topic", "rgb_command_topic", "rgb_state_topic",
    "payload_arm_away", "payload_arm_home", "payload_start", "payload_pause",
    "payload_locate", "payload_oscillation_on", "payload_oscillation_off",
}  # fmt: skip
KNOWN_KEYS = set(ABBREVIATIONS.values()) | _PLAIN_KEYS
DOMAINS = ("light", "switch", "fan", "cover", "lock", "climate", "sensor",
           "binary_sensor", "scene", "button", "valve", "siren",
           "alarm_control_panel", "vacuum", "lawn_mower", "humidifier",
           "water_heater", "select", "number")  # fmt: skip
_VALUE_JSON = re.compile(r"^\{\{\s*value_json\.(\w+)\s*\}\}$")


def expand(config: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Full key names, with the ``~`` base topic put into every ``*_topic``."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        full = ABBREVIATIONS.get(key, key)
        if full == "device":
            value = {DEVICE_ABBREVIATIONS.get(k, k): v for k, v in value.items()}
        elif full == "availability":
            value = [{ABBREVIATIONS.get(k, k): v for k, v in a.items()} for a in value]
        elif full not in KNOWN_KEYS and full != "~":
            raise ValueError(f"{where}: key {key!r} is not understood here")
        out[full] = value
    base = out.pop("~", None)
    if base:
        for key, value in out.items():
            if key.endswith("_topic") and isinstance(value, str):
                if value.startswith("~"):
                    out[key] = base + value[1:]
                elif value.endswith("~"):
                    out[key] = value[:-1] + base
    return out


def render(template: str | None, payload: str) -> str:
    """``{{ value_json.key }}`` as HA renders it (Python ``str`` of the value)."""
    if not template:
        return payload
    match = _VALUE_JSON.match(template)
    if not match:
        raise ValueError(f"template {template!r} is not understood here")
    return str(json.loads(payload)[match.group(1)])


@dataclass(frozen=True)
class Device:
    """One entity, named as HA names it (device name + entity name)."""

    entity_id: str
    domain: str
    name: str
    area: str | None
    config: Mapping[str, Any]

    @property
    def spoken(self) -> str:
        return self.name.lower()

    def get(self, key: str, default: Any = None) -> Any:
        return self.config.get(key, default)

    @property
    def json_schema(self) -> bool:
        return self.domain == "light" and self.get("schema") == "json"

    @property
    def color_modes(self) -> set[str]:
        return set(self.get("supported_color_modes") or ())

    @property
    def dimmable(self) -> bool:
        if self.json_schema:  # legacy "brightness": true, or any mode but onoff
            return bool(self.get("brightness")) or bool(self.color_modes - {"onoff"})
        return self.domain == "light" and bool(self.get("brightness_command_topic"))

    @property
    def rgb(self) -> bool:
        if self.json_schema:
            return "rgb" in self.color_modes
        return self.domain == "light" and bool(self.get("rgb_command_topic"))

    @property
    def white(self) -> bool:
        if self.json_schema:
            return "color_temp" in self.color_modes
        return self.domain == "light" and bool(self.get("color_temp_command_topic"))

    @property
    def fan_speed(self) -> bool:
        return self.domain == "fan" and bool(self.get("percentage_command_topic"))

    @property
    def positionable(self) -> bool:
        return self.domain == "cover" and bool(self.get("set_position_topic"))

    @property
    def garage(self) -> bool:
        return self.domain == "cover" and self.get("device_class") == "garage"


@dataclass(frozen=True)
class Home:
    name: str
    devices: tuple[Device, ...]
    states: Mapping[str, str]
    raw: Mapping[str, Any]

    def device(self, name: str) -> Device:
        for device in self.devices:
            if device.name.lower() == name.lower():
                return device
        raise KeyError(f"{self.name}: no device {name!r}")

    def of(self, domain: str) -> list[Device]:
        return [d for d in self.devices if d.domain == domain]

    @property
    def areas(self) -> list[str]:
        return sorted({d.area for d in self.devices if d.area})

    def in_area(self, area: str, domain: str) -> list[Device]:
        return [d for d in self.devices if d.area == area and d.domain == domain]

    def payload(self, topic: str) -> str:
        return self.states[topic]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def load_home(path: Path) -> Home:
    raw = json.loads(path.read_text(encoding="utf-8"))
    devices = []
    for topic, payload in raw["discovery"].items():
        domain = topic.split("/")[1]
        if domain not in DOMAINS:
            raise ValueError(f"{path.name}: {topic}: domain {domain!r} not supported")
        config = expand(payload, f"{path.name}: {topic}")
        device = config.get("device") or {}
        own, dev_name = config.get("name"), device.get("name")
        name = f"{dev_name} {own}" if own and dev_name else str(own or dev_name)
        devices.append(
            Device(
                f"{domain}.{_slug(name)}",
                domain,
                name,
                device.get("suggested_area"),
                config,
            )
        )
    return Home(raw["name"], tuple(devices), raw["states"], raw)


def load_homes(names: list[str] | None = None) -> dict[str, Home]:
    """The homes named (all of them without names), by file stem."""
    if names is not None:
        return {n: load_home(HOMES_DIR / f"{n}.json") for n in names}
    return {p.stem: load_home(p) for p in sorted(HOMES_DIR.glob("*.json"))}


# -- what HA publishes ----------------------------------------------------------------
# Each returns the messages in HA's order: {"topic": ..., "payload": ...}.

Message = dict[str, str | None]
"""``payload`` None: any payload on the topic is right."""


def _msg(topic: str, payload: str) -> Message:
    return {"topic": topic, "payload": payload}


def _compact(message: Mapping[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"))


def _on_payload(device: Device, on: bool) -> str:
    return str(device.get("payload_on" if on else "payload_off", "ON" if on else "OFF"))


def turn(device: Device, on: bool) -> list[Message]:
    """light/switch/fan turn_on/turn_off; climate turn_on/turn_off via its mode."""
    if device.json_schema:
        return [_msg(device.get("command_topic"), _compact({"state": _st(on)}))]
    if device.domain == "climate":
        modes = device.get("modes") or [
            "auto",
            "off",
            "cool",
            "heat",
            "dry",
            "fan_only",
        ]
        # ClimateEntity.async_turn_on: the first of heat_cool, heat, cool it has
        mode = "off" if not on else next(m for m in ("heat_cool", "heat", "cool")
                                         if m in modes)  # fmt: skip
        return hvac_mode(device, mode)
    return [_msg(device.get("command_topic"), _on_payload(device, on))]


def _st(on: bool) -> str:
    return "ON" if on else "OFF"


def _with_on(device: Device, message: Message) -> list[Message]:
    """Default-schema light: the ON payload where ``on_command_type`` puts it."""
    on = _msg(device.get("command_topic"), _on_payload(device, True))
    kind = device.get("on_command_type", "last")
    return [message] if kind == "brightness" else (
        [on, message] if kind == "first" else [message, on]
    )  # fmt: skip


def _device_brightness(device: Device, pct: int) -> int:
    """light.turn_on(brightness_pct): round(pct * 255 / 100) on 0..255, then the
    MQTT light scales it to ``brightness_scale`` (at least 1)."""
    b255 = round(pct * 255 / 100)
    scale = device.get("brightness_scale", 255)
    return max(1, min(round(b255 / 255 * scale), scale))


def brightness(device: Device, pct: int) -> list[Message]:
    level = _device_brightness(device, pct)
    if device.json_schema:
        payload = _compact({"state": "ON", "brightness": level})
        return [_msg(device.get("command_topic"), payload)]
    return _with_on(device, _msg(device.get("brightness_command_topic"), str(level)))


def color(device: Device, rgb: tuple[int, int, int]) -> list[Message]:
    # Every rgb light in the corpus homes has brightness, so HA sends the colour
    # unscaled (MQTT light ``_scale_rgbxx``).
    if not (device.get("brightness") or device.get("brightness_command_topic")):
        raise ValueError(f"{device.name}: colour without brightness is not modelled")
    r, g, b = rgb
    if device.json_schema:
        payload = _compact({"state": "ON", "color": {"r": r, "g": g, "b": b}})
        return [_msg(device.get("command_topic"), payload)]
    return _with_on(device, _msg(device.get("rgb_command_topic"), f"{r},{g},{b}"))


def white(device: Device, kelvin: int) -> list[Message]:
    """Colour temperature in mireds: floor(1e6 / K) (HA's conversion), clamped to
    the light's min/max mireds."""
    mireds = math.floor(1_000_000 / kelvin)
    low, high = device.get("min_mireds", 153), device.get("max_mireds", 500)
    mireds = min(max(mireds, low), high)
    if device.json_schema:
        payload = _compact({"state": "ON", "color_temp": mireds})
        return [_msg(device.get("command_topic"), payload)]
    return _with_on(device, _msg(device.get("color_temp_command_topic"), str(mireds)))


def fan_speed(device: Device, pct: int) -> list[Message]:
    """fan.set_percentage: ceil(percentage_to_ranged_value(range, pct)), only the
    percentage topic."""
    low, high = device.get("speed_range_min", 1), device.get("speed_range_max", 100)
    value = math.ceil(low - 1 + (high - low + 1) * pct / 100)
    return [_msg(device.get("percentage_command_topic"), str(value))]


def cover(device: Device, action: str) -> list[Message]:
    key = {"open": "payload_open", "close": "payload_close", "stop": "payload_stop"}
    payload = device.get(key[action], action.upper())
    return [_msg(device.get("command_topic"), str(payload))]


def position(device: Device, pct: int) -> list[Message]:
    closed, opened = device.get("position_closed", 0), device.get("position_open", 100)
    value = round(closed + (opened - closed) * pct / 100)
    template = device.get("set_position_template")
    payload = str(value)
    if template:  # the corpus uses zigbee2mqtt's '{ "position": {{ position }} }'
        if not re.fullmatch(r'\{ "position": \{\{ position \}\} \}', template):
            raise ValueError(f"{device.name}: set_position_template not modelled")
        payload = _compact({"position": pct})
    return [_msg(device.get("set_position_topic"), payload)]


def lock(device: Device, locked: bool) -> list[Message]:
    key, default = ("payload_lock", "LOCK") if locked else ("payload_unlock", "UNLOCK")
    payload = str(device.get(key, default))
    if payload.startswith("{"):  # a JSON payload is compared as JSON
        payload = _compact(json.loads(payload))
    return [_msg(device.get("command_topic"), payload)]


def temperature(device: Device, value: float) -> list[Message]:
    """climate.set_temperature: HA publishes the number as given (``str(float)``)."""
    low, high = device.get("min_temp", 7), device.get("max_temp", 35)
    if not low <= value <= high:
        raise ValueError(f"{device.name}: {value} is outside {low}..{high}")
    return [_msg(device.get("temperature_command_topic"), str(float(value)))]


def hvac_mode(device: Device, mode: str) -> list[Message]:
    if mode not in (device.get("modes") or ()):
        raise ValueError(f"{device.name}: no mode {mode!r}")
    return [_msg(device.get("mode_command_topic"), mode)]


def needs_confirm(device: Device, action: str) -> bool:
    """config.toml's default ``confirm = ["lock.unlock", "cover.open:garage"]``."""
    return (device.domain == "lock" and action == "unlock") or (
        device.garage and action == "open"
    )
