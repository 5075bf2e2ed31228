"""Property-based tests (hypothesis) over what the outside world feeds the assistant:
retained discovery messages and the state payloads of what they announce, the
templates inside them, config files and audio files. Each property is what the
service relies on: a known error type or a usable result, never anything else.

Generated with a fixed seed (derandomize), so CI is repeatable; set
HYPOTHESIS_PROFILE=explore to search with fresh random cases. The counts add up to
more than 10,000 cases per run (test_enough_cases)."""

from __future__ import annotations

import io
import json
import math
import os
import string
import time
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.audio import SAMPLE_RATE, decode_wav
from assistant.config import config_problems, load_config
from assistant.discovery import DiscoveryError, entities_from_discovery, topic_problem
from assistant.errors import AudioError, CapabilityError, ConfigError
from assistant.home.domains import build_commands
from assistant.home.model import Entity, Operation
from assistant.home.registry import DeviceRegistry
from assistant.templates import MAX_OUTPUT, render_template

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "explore", parent=settings.get_profile("ci"), derandomize=False
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

RAN: Counter[str] = Counter()
"""Cases run per property, for test_enough_cases."""

CASES = {
    "discovery": 3000,
    "states": 1500,
    "templates": 1500,
    "config": 1500,
    "wav_bytes": 1500,
    "wav_mutated": 1200,
    "wav_formats": 300,
}


# --- discovery and state -------------------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12
) | st.sampled_from(["", "\0", "a/+/b", "#", "\ud800", "x" * 70_000, "~/set", "ON"])
_NUMBER = st.one_of(
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 0.001, 1e-9, 255, 100, 1e12]),
)
_LEAF = st.one_of(st.none(), st.booleans(), _NUMBER, _TEXT)
_JSON = st.recursive(
    _LEAF,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
_TEMPLATE_VALUES = [
    "{{ value }}",
    "{{ value_json.state }}",
    "{{ value_json.x | int }}",
    "{{ 9 ** 9 ** 9 }}",
    "{% for i in range(10**9) %}x{% endfor %}",
    "{{ 'ab' * 99999 }}",
    "{{ value_json | tojson }}",
    "{{ value | float(0) / 0 }}",
    "{{",
    "{{ value.__class__ }}",
    '{"state": "{{ value }}"}',
]
_KEYS: dict[str, st.SearchStrategy[Any]] = {
    "name": _TEXT | st.none(),
    "unique_id": st.sampled_from(["u1", "u2", "u3"]),
    "~": st.sampled_from(["t/base", "", "t/+"]),
    "command_topic": st.sampled_from(["t/cmd", "~/set", "", "t/#"]) | _TEXT,
    "state_topic": st.sampled_from(["t/state", "~/state"]) | _TEXT,
    "position_topic": st.sampled_from(["t/pos"]),
    "brightness_command_topic": st.sampled_from(["t/bri/set"]),
    "brightness_state_topic": st.sampled_from(["t/bri"]),
    "mode_command_topic": st.sampled_from(["t/mode/set"]),
    "temperature_command_topic": st.sampled_from(["t/temp/set"]),
    "current_temperature_topic": st.sampled_from(["t/temp"]),
    "value_template": st.sampled_from(_TEMPLATE_VALUES) | _TEXT,
    "command_template": st.sampled_from(_TEMPLATE_VALUES),
    "brightness_template": st.sampled_from(_TEMPLATE_VALUES),
    "schema": st.sampled_from(["default", "json", "template", 3]),
    "brightness": st.booleans(),
    "supported_color_modes": st.lists(
        st.sampled_from(["onoff", "brightness", "rgb", "hs", "xy", "color_temp"])
    )
    | _JSON,
    "brightness_scale": _NUMBER,
    "position_open": _NUMBER,
    "position_closed": _NUMBER,
    "speed_range_min": _NUMBER,
    "speed_range_max": _NUMBER,
    "precision": _NUMBER,
    "temp_step": _NUMBER,
    "min_temp": _NUMBER,
    "max_temp": _NUMBER,
    "min_mireds": _NUMBER,
    "max_mireds": _NUMBER,
    "modes": st.lists(st.sampled_from(["off", "heat", "cool", "auto"])) | _JSON,
    "payload_on": _LEAF,
    "payload_off": _LEAF,
    "state_locked": _LEAF,
    "device": st.fixed_dictionaries(
        {}, optional={"name": _TEXT, "identifiers": _JSON, "suggested_area": _TEXT}
    )
    | _JSON,
    "availability_topic": st.sampled_from(["t/avail"]) | _TEXT,
    "availability": st.lists(
        st.fixed_dictionaries({"topic": _TEXT}, optional={"value_template": _TEXT})
    )
    | _JSON,
    "availability_mode": st.sampled_from(["latest", "all", "any", "some"]),
    "options": _JSON,
}
_CONFIG = st.fixed_dictionaries({}, optional=_KEYS).flatmap(
    lambda d: st.dictionaries(st.text(max_size=8), _JSON, max_size=2).map(
        lambda extra: {**extra, **d}
    )
)
_COMPONENT = st.sampled_from(
    [
        "light",
        "switch",
        "fan",
        "cover",
        "lock",
        "climate",
        "sensor",
        "binary_sensor",
        "vacuum",
        "device",
    ]
)
_OBJECT_ID = st.sampled_from(["lamp", "a-b", "x_1"]) | st.text(
    string.ascii_letters, min_size=1, max_size=6
)


def _payload(config: dict[str, Any], component: str) -> bytes:
    if component == "device":
        config = {
            "device": config.pop("device", {"identifiers": ["d1"]}),
            "origin": {"name": "test"},
            "components": {"c1": {**config, "platform": "light"}, "c2": config},
        }
    try:
        return json.dumps(config).encode("utf-8", "surrogatepass")
    except ValueError:  # NaN and Infinity are written as such: the JSON of some senders
        return repr(config).encode("utf-8", "surrogatepass")


_VALUES: dict[Operation, list[Any]] = {
    Operation.SET_BRIGHTNESS: [0, 50, 100, -5, 1e9, "x", None],
    Operation.SET_COLOR: [(255, 0, 0), (0, 0, 0), "red", None],
    Operation.SET_TEMPERATURE: [20.0, 21.3, -500, math.nan, "warm", None],
    Operation.SET_HVAC_MODE: ["heat", "off", "party", None],
    Operation.SET_POSITION: [0, 50, 100, 101, None],
    Operation.SET_COLOR_TEMP: [2700, 6500, 0, None],
}


def _check_commands(entity: Entity) -> None:
    for op in Operation:
        for value in _VALUES.get(op, [None]):
            try:
                commands = build_commands(entity, op, value)
            except CapabilityError:
                continue
            for command in commands:
                assert topic_problem(command.topic) is None, command
                assert isinstance(command.payload, str)
                assert len(command.payload) <= MAX_OUTPUT + 1000


@settings(max_examples=CASES["discovery"])
@given(component=_COMPONENT, node=st.none() | _OBJECT_ID, object_id=_OBJECT_ID,
       config=_CONFIG, raw=st.none() | st.binary(max_size=64))  # fmt: skip
def test_discovery_gives_entities_or_one_error(
    component: str, node: str | None, object_id: str, config: dict[str, Any],
    raw: bytes | None,
) -> None:  # fmt: skip
    RAN["discovery"] += 1
    topic = "/".join(["homeassistant", component, *([node] if node else []),
                      object_id, "config"])  # fmt: skip
    payload = raw if raw is not None else _payload(dict(config), component)
    try:
        entities = entities_from_discovery(topic, payload)
    except DiscoveryError as err:
        assert topic in err.message
        return
    registry = DeviceRegistry()
    if entities is None:
        registry.remove_by_topic(topic)
        return
    registry.replace_topic(topic, entities)
    for entity in registry.entities():
        for key, value in entity.config.items():
            if key.endswith("_topic"):
                assert topic_problem(value) is None, (key, value)
        _check_commands(entity)


_STATE_PAYLOADS = st.one_of(
    st.binary(max_size=40),
    _JSON.map(lambda v: json.dumps(v, allow_nan=True).encode()),
    st.sampled_from(
        [
            b"ON",
            b"OFF",
            b"LOCKED",
            b"50",
            b"nan",
            b"1e999",
            b"\xff\xfe",
            b'{"state": "ON", "brightness": 1e400}',
            b"-0",
        ]
    ),
)


@settings(max_examples=CASES["states"])
@given(component=_COMPONENT.filter(lambda c: c != "device"), config=_CONFIG,
       payloads=st.lists(_STATE_PAYLOADS, min_size=1, max_size=4))  # fmt: skip
def test_state_payloads_never_raise(
    component: str, config: dict[str, Any], payloads: list[bytes]
) -> None:
    RAN["states"] += 1
    topic = f"homeassistant/{component}/thing/config"
    try:
        entities = entities_from_discovery(topic, _payload(dict(config), component))
    except DiscoveryError:
        return
    registry = DeviceRegistry()
    registry.replace_topic(topic, entities or [])
    topics = sorted(registry.state_topics())
    for index, payload in enumerate(payloads):
        if topics:
            registry.handle_state(topics[index % len(topics)], payload)
    for entity in registry.entities():
        registry.state(entity.entity_id)
        _check_commands(entity)


# --- templates -------------------------------------------------------------------

_PIECES = st.sampled_from([
    "{{ value }}", "{{ value_json.a }}", "{{ value_json['b'][0] }}",
    "{{ value | int }}",
    "{{ value | float(0) }}", "{{ (value | int) * 2 }}", "{{ 2 ** 64 }}",
    "{{ 9 ** 99999 }}", "{{ 'x' * 10**6 }}", "{% for i in range(10**7) %}.{% endfor %}",
    "{% for i in range(3) %}{{ i }}{% endfor %}", "{{ range(10**9) | list }}",
    "{{ value_json | tojson }}", "{{ iif(value, 'a', 'b') }}", "{{ value.__class__ }}",
    "{{ ''.__class__.__mro__ }}", "{{ lipsum }}", "{{ 1 / 0 }}", "{% if value %}",
    "{% endif %}", "{{", "}}", "{%", "{{ value | round(2) }}", "{{ x.y.z }}",
    "{{ value_json.items() | list }}", "{{ 'a' ~ value }}", "{{ [1] * 10**8 }}",
    "{{ value | from_json }}", "{{ {'a': 1} | to_json }}", "{{ 10 ** 10 ** 10 }}",
])  # fmt: skip
_TEMPLATE = st.lists(_PIECES | st.text(max_size=5), min_size=1, max_size=4).map("".join)


@settings(max_examples=CASES["templates"])
@given(source=_TEMPLATE, value=st.text(max_size=8) | _NUMBER.map(str),
       value_json=_JSON)  # fmt: skip
def test_templates_render_within_budget_or_raise(
    source: str, value: str, value_json: Any
) -> None:
    RAN["templates"] += 1
    start = time.monotonic()
    try:
        text = render_template(source, {"value": value, "value_json": value_json})
    except Exception:  # the callers catch and log any Exception
        pass
    else:
        assert isinstance(text, str) and len(text) <= MAX_OUTPUT
    assert time.monotonic() - start < 2.0, source


# --- config files ---------------------------------------------------------------

_TOML_VALUES = st.sampled_from([
    "0.5", "3", "-1", '"x"', '"hey_jarvis"', "true", "[]", "[1, 2]", '["a"]', "{}",
    "nan", "inf", '"models"', '"127.0.0.1"', "1883", "1e400", '"""', "{ a = 1 }",
    "2026-12-03", '"\\u0000"', "'''", '"~/x"',
])  # fmt: skip
_TABLES = {
    "wake": ["threshold", "model", "micro_model", "refractory_seconds"],
    "mqtt": ["host", "port", "client_id", "tls", "protocol", "command_timeout_seconds"],
    "stt": ["model", "beam_size", "language", "window_seconds"],
    "llm": ["enabled", "threads", "min_score"],
    "intent": ["fuzzy_threshold", "confirm"],
    "models": ["dir", "manifest"],
    "audio": ["feedback_sounds", "followup_seconds"],
    "nonsense": ["x"],
}
_LINE = st.one_of(
    st.sampled_from(sorted(_TABLES)).map(lambda t: f"[{t}]"),
    st.sampled_from(["[[skills]]", "[[devices]]", "[lists.colour]", "[", "x = = 1"]),
    st.tuples(
        st.sampled_from(sorted({k for keys in _TABLES.values() for k in keys}
                               | {"name", "sentences", "actions", "values"})),
        _TOML_VALUES,
    ).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    st.text(max_size=10),
)  # fmt: skip


@settings(max_examples=CASES["config"])
@given(lines=st.lists(_LINE, max_size=10))
def test_config_problems_agree_with_loading(
    lines: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    RAN["config"] += 1
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    problems = config_problems(path)
    assert all(p.startswith(str(path)) and "\n" not in p for p in problems), problems
    try:
        load_config(path)
    except ConfigError as err:
        assert problems, err.message  # what stops loading is always reported
    else:
        assert problems == [], problems


# --- audio files ----------------------------------------------------------------

_SUBTYPES = st.sampled_from([
    ("WAV", "PCM_U8"), ("WAV", "PCM_16"), ("WAV", "PCM_24"), ("WAV", "PCM_32"),
    ("WAV", "FLOAT"), ("WAV", "DOUBLE"), ("WAV", "ALAW"), ("WAV", "ULAW"),
    ("WAVEX", "PCM_16"), ("WAVEX", "FLOAT"), ("FLAC", "PCM_16"),
])  # fmt: skip


def _sound(
    container: str, subtype: str, rate: int, channels: int, frames: int
) -> bytes:
    import soundfile

    t = np.arange(frames) / rate
    tone = (0.4 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    buf = io.BytesIO()
    soundfile.write(buf, np.repeat(tone[:, None], channels, 1), rate,
                    subtype=subtype, format=container)  # fmt: skip
    return buf.getvalue()


def _decoded_or_refused(data: bytes) -> bytes | None:
    try:
        pcm = decode_wav(data, "f.wav")
    except AudioError as err:
        assert err.message.startswith("f.wav: ") and "\n" not in err.message
        return None
    assert len(pcm) % 2 == 0
    return pcm


@settings(max_examples=CASES["wav_bytes"])
@given(data=st.binary(max_size=512) | st.binary(max_size=64).map(
    lambda b: b"RIFF\x24\x00\x00\x00WAVEfmt " + b))  # fmt: skip
def test_any_bytes_are_decoded_or_refused(data: bytes) -> None:
    RAN["wav_bytes"] += 1
    _decoded_or_refused(data)


@settings(max_examples=CASES["wav_mutated"])
@given(kind=_SUBTYPES, channels=st.integers(1, 3),
       rate=st.sampled_from([8000, 16000, 44100]),
       edits=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)), max_size=6),
       cut=st.none() | st.integers(0, 600))  # fmt: skip
def test_damaged_audio_files_are_decoded_or_refused(
    kind: tuple[str, str], channels: int, rate: int,
    edits: list[tuple[int, int]], cut: int | None,
) -> None:  # fmt: skip
    RAN["wav_mutated"] += 1
    data = bytearray(_sound(*kind, rate, channels, 200))
    for at, byte in edits:
        if at < len(data):
            data[at] = byte
    _decoded_or_refused(bytes(data[:cut] if cut is not None else data))


@settings(max_examples=CASES["wav_formats"])
@given(kind=_SUBTYPES, channels=st.integers(1, 4),
       rate=st.sampled_from([4000, 8000, 11025, 16000, 22050, 44100, 48000, 96000]),
       seconds=st.floats(0.05, 0.5))  # fmt: skip
def test_every_format_becomes_16k_mono_of_the_same_length(
    kind: tuple[str, str], channels: int, rate: int, seconds: float
) -> None:
    RAN["wav_formats"] += 1
    frames = int(rate * seconds)
    pcm = _decoded_or_refused(_sound(*kind, rate, channels, frames))
    assert pcm is not None
    assert abs(len(pcm) // 2 - frames * SAMPLE_RATE / rate) <= 2
    level = np.abs(np.frombuffer(pcm, "<i2")).max() / 32768
    assert 0.3 < level < 0.5, level


def test_enough_cases() -> None:
    """Last in the file: more than 10,000 generated cases ran in this session."""
    if set(RAN) != set(CASES):
        pytest.skip("only some of the properties ran (a selection)")
    assert sum(RAN.values()) >= 10_000, RAN
