"""Cover positions (commands, state, speech) and white tones (colour temperature)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from assistant.colors import kelvin_range, kelvin_to_mireds, mireds_to_kelvin
from assistant.errors import CapabilityError
from assistant.home.domains import build_commands, describe_state
from assistant.home.model import Command, EntityState, Operation
from assistant.home.registry import DeviceRegistry

from .device_fixtures import SHUTTER, D, make

Op = Operation
INVERTED = make(
    D.COVER,
    "Blind",
    command_topic="b/set",
    state_topic="b/state",
    set_position_topic="b/pos/set",
    set_position_template='{"pos": {{ value }}, "pct": {{ position }}}',
    position_topic="b/pos",
    position_template="{{ value_json.pos }}",
    position_open=0,
    position_closed=100,
)


def test_set_position_scales_and_templates() -> None:
    assert build_commands(INVERTED, Op.SET_POSITION, 40) == [
        Command("b/pos/set", '{"pos": 60, "pct": 40}')
    ]
    assert build_commands(INVERTED, Op.SET_POSITION, 100) == [
        Command("b/pos/set", '{"pos": 0, "pct": 100}')
    ]
    plain = make(D.COVER, "Awning", command_topic="a", set_position_topic="a/p")
    assert build_commands(plain, Op.SET_POSITION, 33.4) == [Command("a/p", "33")]


@pytest.mark.parametrize(
    ("payload", "position", "state"),
    [
        (b"102", 40, "open"),
        (b"0", 0, "closed"),
        (b"255", 100, "open"),
        (b"300", 100, "open"),
        (b"-5", 0, "closed"),
        (b'{"position": 128}', 50, "open"),
    ],
)
def test_position_state(payload: bytes, position: int, state: str) -> None:
    registry = DeviceRegistry()
    registry.upsert(SHUTTER)
    assert registry.handle_state("s/pos", payload) == [SHUTTER.entity_id]
    got = registry.state(SHUTTER.entity_id)
    assert (got.position, got.state) == (position, state)


def test_position_template_range_and_state_topic(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = DeviceRegistry()
    registry.upsert(INVERTED)
    registry.handle_state("b/state", b"closing")
    registry.handle_state("b/pos", b'{"pos": 60}')
    state = registry.state(INVERTED.entity_id)
    assert (state.position, state.state) == (40, "closing")  # the state topic wins
    registry.upsert(SHUTTER)
    with caplog.at_level(logging.WARNING, logger="assistant.home"):
        assert registry.handle_state("s/pos", b'{"tilt": 3}') == []
    assert caplog.records[0].getMessage() == (
        "Ignoring position_topic update for cover.shutter: "
        "JSON position without a 'position' key"
    )


@pytest.mark.parametrize(
    ("state", "sentence"),
    [
        (EntityState("open", position=40), "The shutter is open at 40 percent."),
        (EntityState("open"), "The shutter is open."),
        (EntityState("closed", position=0), "The shutter is closed."),
        (EntityState("opening", position=40), "The shutter is opening."),
    ],
)
def test_describe_position(state: EntityState, sentence: str) -> None:
    assert describe_state(SHUTTER, state) == sentence


def test_white_tone_conversions() -> None:
    assert [kelvin_to_mireds(k) for k in (2000, 2700, 4000, 6500)] == [
        500,
        370,
        250,
        153,
    ]
    assert mireds_to_kelvin(153) == 6535
    assert kelvin_range({}) == (2000, 6535)
    assert kelvin_range({"min_kelvin": 2700, "max_kelvin": 6500}) == (2700, 6500)
    assert kelvin_range({"min_mireds": 200, "max_mireds": 400}) == (2500, 5000)
    both = {"min_mireds": 200, "max_mireds": 400, "min_kelvin": 1000}
    assert kelvin_range(both) == (2500, 5000)  # mireds win, as in HA
    assert kelvin_range({"min_kelvin": True, "max_kelvin": "x"}) == (2000, 6535)


@pytest.mark.parametrize(
    ("config", "kelvin", "payload"),
    [
        ({}, 4000, "250"),
        ({"color_temp_kelvin": True}, 4000, "4000"),
        ({"color_temp_kelvin": True}, 1500, "2000"),
        ({"color_temp_kelvin": True, "max_kelvin": 5000}, 6500, "5000"),
        ({"min_mireds": 200, "max_mireds": 400}, 6500, "200"),
        ({"min_mireds": 200, "max_mireds": 400}, 2000, "400"),
        ({"color_temp_command_template": '{"ct": {{ value }}}'}, 2700, '{"ct": 370}'),
    ],
)
def test_white_tone_commands(config: dict[str, Any], kelvin: int, payload: str) -> None:
    light = make(
        D.LIGHT, "L", command_topic="c", color_temp_command_topic="t", **config
    )
    assert build_commands(light, Op.SET_COLOR_TEMP, kelvin) == [
        Command("t", payload),
        Command("c", "ON"),
    ]


@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), True, None])
def test_bad_white_tones(value: Any) -> None:
    light = make(D.LIGHT, "L", command_topic="c", color_temp_command_topic="t")
    with pytest.raises(CapabilityError) as info:
        build_commands(light, Op.SET_COLOR_TEMP, value)
    assert (info.value.code, info.value.message) == (
        "bad-value",
        "That isn't a white tone I can use.",
    )


def test_json_white_tone() -> None:
    light = make(
        D.LIGHT,
        "L",
        schema="json",
        command_topic="c",
        supported_color_modes=["color_temp", "xy"],
        color_temp_kelvin=True,
        min_kelvin=2200,
    )
    assert build_commands(light, Op.SET_COLOR_TEMP, 2000) == [
        Command("c", '{"state":"ON","color_temp":2200}')
    ]
