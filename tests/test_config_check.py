"""`assistant config check` without models or a broker: every problem at once, in
file order, each ``file:line: field: message``; what an empty file means."""

from __future__ import annotations

from pathlib import Path

from .conftest import run_cli


def _check(config: Path) -> tuple[int, list[str]]:
    proc = run_cli("config", "check", "--config", str(config))
    return proc.returncode, proc.stdout.splitlines()


def test_a_toml_syntax_error_has_its_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[wake]\nthreshold = 0.5\n\n[mqtt]\nhost = "broker\n')
    assert _check(config) == (
        1,
        [f"{config}:5: TOML syntax: Illegal character '\\n' (column 15)"],
    )
    proc = run_cli("text", "--config", str(config), "hello")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == (
        f"assistant: error: {config}:5: TOML syntax: Illegal character '\\n' "
        "(column 15)"
    )


def test_every_field_problem_in_file_order(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[stt]\nmodle = "whisper"\n\n[mqtt]\nport = "x"\n\n[wake]\nthreshold = 3\n'
    )
    code, lines = _check(config)
    assert code == 1
    assert [line.split(": ")[0:2] for line in lines] == [
        [f"{config}:2", "stt.modle"],
        [f"{config}:5", "mqtt.port"],
        [f"{config}:8", "wake.threshold"],
    ]


def test_an_empty_config_needs_the_default_models_folder(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("# nothing set yet\n")
    assert _check(config) == (
        1,
        [
            f"{config}: sets nothing, so every default applies: models from "
            f"{tmp_path / 'models'}, broker localhost:1883, wake word 'hey_jarvis', "
            "devices only from the broker's discovery, no skills",
            f"{config}: models.dir: no folder {tmp_path / 'models'} (the default): "
            "run `assistant models fetch`",
        ],
    )


def test_a_missing_models_folder_is_named_with_its_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[wake]\nthreshold = 0.5\n\n[models]\ndir = "gone"\n')
    assert _check(config) == (
        1,
        [
            f"{config}:5: models.dir: no folder {tmp_path / 'gone'}: "
            "run `assistant models fetch`"
        ],
    )


def test_an_empty_config_says_which_defaults_apply(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    manifest = Path(__file__).resolve().parent.parent / "models" / "manifest.toml"
    (tmp_path / "models" / "manifest.toml").write_text(manifest.read_text())
    config = tmp_path / "config.toml"
    config.write_text("")
    code, lines = _check(config)
    assert code == 1  # the folder is there, the models are not
    assert lines.pop(0).startswith(f"{config}: sets nothing, so every default")
    assert lines[0] == (
        f"{config}: wake.model: model 'openwakeword': "
        f"{tmp_path / 'models' / 'openwakeword' / 'melspectrogram.tflite'}: missing "
        "(+6 more); run `assistant models fetch`"
    )
    assert [line.split(": ")[1] for line in lines] == [
        "wake.model",
        "stt.model",
        "stt.second_model",
        "tts.voice",
        "llm.model",
    ]
