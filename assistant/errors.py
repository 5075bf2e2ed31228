"""Error types: one per stage, each with a short machine-readable code."""

from __future__ import annotations


class AssistantError(Exception):
    """Base error: ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class ConfigError(AssistantError):
    """The configuration file is missing or invalid."""


class ModelError(AssistantError):
    """A model is missing, corrupt or could not be loaded."""


class AudioError(AssistantError):
    """Audio input could not be read or converted."""


class WakeError(AssistantError):
    """The wake word stage failed."""


class SttError(AssistantError):
    """Speech-to-text failed."""


class IntentError(AssistantError):
    """Intent recognition failed."""


class TtsError(AssistantError):
    """Text-to-speech failed."""


class MqttError(AssistantError):
    """The MQTT broker could not be reached or refused us."""


class CapabilityError(AssistantError):
    """A device exists but cannot do what was asked (message is spoken)."""
