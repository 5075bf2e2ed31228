"""Config loading: defaults, the shipped config.toml, one-line errors naming fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import DEFAULT_CONFIG, Config, load_config
from assistant.errors import ConfigError


def test_shipped_config_is_valid_and_matches_the_defaults() -> None:
    cfg = load_config(DEFAULT_CONFIG)
    defaults = Config(base_dir=DEFAULT_CONFIG.parent)
    assert cfg.model_copy(update={"skills": (), "lists": {}}) == defaults
    # the built-in skills, as documented examples
    assert {s.name for s in cfg.skills} >= {
        "timer_start", "timer_cancel", "timer_left", "time", "date",
        "shopping_add", "shopping_read", "shopping_clear", "what_can_you_do",
    }  # fmt: skip


def test_relative_paths_resolve_against_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[models]\ndir = "m"\n[debug]\nrecord_dir = "rec"\n')
    cfg = load_config(path)
    assert cfg.models_dir == tmp_path / "m"
    assert cfg.resolve("rec") == tmp_path / "rec"
    (tmp_path / "ca.crt").write_text("")
    path.write_text('[mqtt]\ntls_ca_file = "ca.crt"\n')
    assert load_config(path).mqtt.tls_ca_file == str(tmp_path / "ca.crt")


def test_config_is_frozen() -> None:
    cfg = Config()
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error
        cfg.wake.threshold = 0.9  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[wake]\nthreshold = 1.5\n",
            "wake.threshold: Input should be less than 1 (got 1.5)",
        ),
        ("[nonsense]\nx = 1\n", "nonsense: Extra inputs are not permitted"),
        ("[[devices]]\nname = 1\n[mqtt]\nport = 0\n", "mqtt.port"),
        ('[mqtt]\ntls_ca_file = "ca.crt"\n', "bad.toml:2: mqtt.tls_ca_file: no file"),
        ('[mqtt]\ntls_key_file = "/etc/hostname"\n', "mqtt: tls_key_file without tls"),
    ],
)
def test_errors_name_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in info.value.message and expected in info.value.message
    assert "\n" not in info.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.toml")


def test_password_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_MQTT_PW", "s3cret")
    cfg = Config.model_validate({"mqtt": {"password_env": "MY_MQTT_PW"}})
    assert cfg.mqtt.password == "s3cret"
