"""The command line's own contract: help everywhere, exit codes."""

from __future__ import annotations

import pytest

from .conftest import run_cli


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("process",),
        ("text",),
        ("demo",),
        ("bench",),
        ("models",),
        ("models", "fetch"),
        ("models", "verify"),
        ("models", "list"),
    ],
)
def test_help(args: tuple[str, ...]) -> None:
    proc = run_cli(*args, "--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: assistant")


def test_usage_error_exits_non_zero() -> None:
    proc = run_cli("process")
    assert proc.returncode != 0 and "FILE.wav" in proc.stderr


def test_models_list_shows_the_defaults() -> None:
    proc = run_cli("models", "list")
    assert proc.returncode == 0
    for name in (
        "openwakeword",
        "whisper-tiny.en",
        "smollm2-135m-instruct",
        "en_US-joe-medium",
    ):
        assert name in proc.stdout
