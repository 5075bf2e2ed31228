"""`assistant home`: the devices it learned from the broker, with rooms, what it
can do with each and their retained states (a real Mosquitto, the test home)."""

from __future__ import annotations

import json

from .conftest import run_cli
from .home import DISCOVERY


def _home(port: int, *args: str) -> str:
    proc = run_cli("home", "--mqtt-host", "127.0.0.1", "--mqtt-port", str(port), *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_home_json_lists_every_announced_device(home: int) -> None:
    rows = json.loads(_home(home, "--json"))
    by_name = {row["name"]: row for row in rows}
    sources = {row["source"] for row in rows}
    assert set(DISCOVERY) <= sources  # every retained discovery config, once
    kitchen = by_name["Kitchen Light"]
    assert kitchen["room"] == "Kitchen" and kitchen["domain"] == "light"
    assert {"turn_on", "turn_off", "set_brightness", "set_color"} <= set(kitchen["can"])
    assert "lock" not in kitchen["can"]
    assert kitchen["state"] == {"state": "off"}
    assert kitchen["command_topic"] == "t/kitchen/light/set"
    assert kitchen["available"] is True
    thermostat = next(r for r in rows if r["domain"] == "climate")
    assert thermostat["state"]["target_temperature"] == 19.0
    assert thermostat["state"]["current_temperature"] == 20.5
    lock = next(r for r in rows if r["domain"] == "lock")
    assert set(lock["can"]) == {"lock", "unlock"}


def test_home_table_and_the_old_devices_name(home: int, pulse: None) -> None:
    table = _home(home).splitlines()
    assert table[0].split()[:3] == ["NAME", "ROOM", "DOMAIN"]
    assert any(
        line.startswith("Kitchen Light") and " Kitchen " in line for line in table
    )
    old = run_cli("devices")
    assert old.returncode == 0 and "assistant audio-devices" in old.stderr
    assert old.stdout == run_cli("audio-devices").stdout
