"""Two more homes as their bridges announce them: zigbee2mqtt (device-based discovery,
JSON lights with xy and hs colour) and Tasmota (default schema, "~" topics,
abbreviated keys, LWT availability)."""

from __future__ import annotations

import json

Z2M_LAMP = "homeassistant/device/0x00124b0029a1b2c3/config"
Z2M_READING = "homeassistant/device/0x00124b0029d4e5f6/config"


def _z2m(ieee: str, name: str, area: str, modes: list[str]) -> dict[str, object]:
    topic = f"zigbee2mqtt/{name}"
    return {
        "dev": {"ids": [f"zigbee2mqtt_{ieee}"], "name": name, "sa": area, "mf": "IKEA"},
        "o": {"name": "Zigbee2MQTT", "sw": "2.0.0"},
        "avty": [
            {"t": "zigbee2mqtt/bridge/state", "val_tpl": "{{ value_json.state }}"}
        ],
        "cmps": {
            f"{ieee}_light": {
                "p": "light", "schema": "json", "name": None,
                "uniq_id": f"{ieee}_light_zigbee2mqtt", "cmd_t": f"{topic}/set",
                "stat_t": topic, "brightness": True, "sup_clrm": modes,
            },
            f"{ieee}_linkquality": {
                "p": "sensor", "name": "Linkquality", "uniq_id": f"{ieee}_lqi",
                "stat_t": topic, "val_tpl": "{{ value_json.linkquality }}",
                "ent_cat": "diagnostic",
            },
        },
    }  # fmt: skip


ZIGBEE = {
    Z2M_LAMP: json.dumps(_z2m("0x00124b0029a1b2c3", "Sofa Lamp", "Lounge", ["xy"])),
    Z2M_READING: json.dumps(
        _z2m("0x00124b0029d4e5f6", "Reading Light", "Study", ["hs"])
    ),
    "zigbee2mqtt/bridge/state": json.dumps({"state": "online"}),
    "zigbee2mqtt/Sofa Lamp": json.dumps({"state": "OFF", "linkquality": 120}),
    "zigbee2mqtt/Reading Light": json.dumps({"state": "ON", "linkquality": 90}),
}


def _tasmota(mac: str, name: str, area: str, dimmer: bool) -> dict[str, object]:
    config: dict[str, object] = {
        "~": f"tasmota_{mac}/", "name": None, "uniq_id": f"{mac}_LI_1",
        "cmd_t": "~cmnd/POWER", "stat_t": "~tele/STATE",
        "stat_val_tpl": "{{value_json.POWER}}", "pl_on": "ON", "pl_off": "OFF",
        "avty_t": "~tele/LWT", "pl_avail": "Online", "pl_not_avail": "Offline",
        "dev": {"ids": [mac], "name": name, "sa": area, "mdl": "Sonoff"},
    }  # fmt: skip
    if dimmer:
        config.update({
            "bri_cmd_t": "~cmnd/Dimmer", "bri_scl": 100, "bri_stat_t": "~tele/STATE",
            "bri_val_tpl": "{{value_json.Dimmer}}", "on_cmd_type": "last",
        })  # fmt: skip
    return config


TASMOTA = {
    "homeassistant/light/A1B2C3_LI_1/config": json.dumps(
        _tasmota("A1B2C3", "Hall Light", "Hall", True)
    ),
    "homeassistant/light/D4E5F6_LI_1/config": json.dumps(
        _tasmota("D4E5F6", "Garden Light", "Garden", False)
    ),
    "tasmota_A1B2C3/tele/LWT": "Online",
    "tasmota_A1B2C3/tele/STATE": json.dumps({"POWER": "OFF", "Dimmer": 30}),
    "tasmota_D4E5F6/tele/LWT": "Offline",
}
