"""``[[skills]]`` and ``[lists]`` in config.toml: sentences people teach the
assistant, and what each does (publish, say, switch a device), in order."""

from __future__ import annotations

from typing import Any, Literal

from hassil import parse_sentence
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .templates import validate_template


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class PublishAction(_Model):
    topic: str = Field(min_length=1)
    """MQTT topic; a template like the payload (``home/{{ slots.room }}/set``)."""
    payload: str = ""
    """Text or JSON, a template: ``{{ slots.genre }}``, ``{{ now.hour }}``."""
    retain: bool = False

    @field_validator("topic", "payload")
    @classmethod
    def _template(cls, value: str) -> str:
        return _checked(value)

    @field_validator("topic")
    @classmethod
    def _no_wildcards(cls, value: str) -> str:
        if "+" in value or "#" in value:
            raise ValueError("a topic to publish to cannot contain + or #")
        return value


class DeviceAction(_Model):
    action: Literal["turn_on", "turn_off", "open", "close", "lock", "unlock"]
    name: str = Field(min_length=1)
    """A device's name, alias or entity id, as known from discovery or [[devices]]."""


class SkillAction(_Model):
    """One step: exactly one of ``publish``, ``say`` or ``device``."""

    publish: PublishAction | None = None
    say: str | None = None
    """Words to speak, a template: ``Playing {{ slots.genre }}.``"""
    device: DeviceAction | None = None

    @field_validator("say")
    @classmethod
    def _say(cls, value: str | None) -> str | None:
        return None if value is None else _checked(value)

    @model_validator(mode="after")
    def _one_kind(self) -> SkillAction:
        given = ("publish", "say", "device")
        kinds = [k for k in given if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "an action needs exactly one of publish, say or device"
                + (f" (got {', '.join(kinds)})" if kinds else "")
            )
        return self


class SkillConfig(_Model):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    sentences: tuple[str, ...] = Field(min_length=1)
    """hassil templates: (a|b) alternatives, [optional] words, {list} slots."""
    actions: tuple[SkillAction, ...] = Field(min_length=1)
    confirm: bool = False
    """Ask "are you sure?" first; act on yes."""
    enabled: bool = True

    @field_validator("sentences")
    @classmethod
    def _sentences(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for sentence in value:
            try:
                parse_sentence(sentence)
            except Exception as err:
                raise ValueError(f"bad sentence template {sentence!r}: {err}") from None
        return value


class SlotList(_Model):
    """A ``{slot}`` for skill sentences: words, a number range or any text."""

    values: tuple[str | dict[str, str], ...] = ()
    """Words, or {in = "(telly|tv)", out = "tv"} pairs."""
    range: tuple[int, int] | None = None
    """Whole numbers from, to."""
    wildcard: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> SlotList:
        kinds = bool(self.values) + (self.range is not None) + self.wildcard
        if kinds != 1:
            raise ValueError("a list needs exactly one of values, range or wildcard")
        return self

    def hassil(self) -> dict[str, Any]:
        if self.range is not None:
            return {"range": {"from": self.range[0], "to": self.range[1]}}
        if self.wildcard:
            return {"wildcard": True}
        return {"values": list(self.values)}


def _checked(template: str) -> str:
    problem = validate_template(template)
    if problem:
        raise ValueError(problem)
    return template
