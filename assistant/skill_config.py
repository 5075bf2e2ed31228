"""``[[skills]]`` and ``[lists]`` in config.toml: sentences people teach the
assistant, and what each does (publish, say, switch a device), in order."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from hassil import parse_sentence
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from .templates import validate_template


def _checked(template: str) -> str:
    problem = validate_template(template)
    if problem:
        raise ValueError(problem)
    return template


Template = Annotated[str, AfterValidator(_checked)]
"""A Jinja template, its syntax checked when the config loads."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class PublishAction(_Model):
    topic: Template = Field(min_length=1)
    """MQTT topic; a template like the payload (``home/{{ slots.room }}/set``)."""
    payload: Template = ""
    """Text or JSON, a template: ``{{ slots.genre }}``, ``{{ now.hour }}``."""
    retain: bool = False

    @field_validator("topic")
    @classmethod
    def _no_wildcards(cls, value: str) -> str:
        if "+" in value or "#" in value:
            raise ValueError("a topic to publish to cannot contain + or #")
        return value


class DeviceAction(_Model):
    action: Literal["turn_on", "turn_off", "open", "close", "lock", "unlock"]
    name: Template = Field(min_length=1)
    """A device's name, alias or entity id, as known from discovery or [[devices]];
    a template too (``{{ slots.lamp }}``)."""


class TimerAction(_Model):
    """Start, cancel or ask about a timer; the reply says what happened."""

    action: Literal["start", "cancel", "cancel_all", "time_left"]
    name: Template = "{{ slots.timer_name }}"
    """Template of the timer's name; empty for a timer without one."""
    seconds: Template = "{{ slots.duration_seconds }}"
    """Template of the duration in seconds (for start): hassil's {hours},
    {minutes} and {seconds} slots become ``slots.duration_seconds``."""


class ShoppingListAction(_Model):
    """Add to, remove from, read or clear a list kept in a local file."""

    action: Literal["add", "remove", "read", "clear"]
    item: Template = "{{ slots.item }}"
    """Template of the item (for add and remove)."""
    file: str = Field("shopping_list.json", pattern=r"^[^/\\]+\.json$")
    """File name in ``[storage] dir``; another name keeps another list."""
    title: str = Field("shopping list", min_length=1)
    """How the reply names the list."""


_KINDS = ("publish", "say", "device", "timer", "shopping_list")


class SkillAction(_Model):
    """One step: exactly one of ``publish``, ``say``, ``device``, ``timer`` or
    ``shopping_list``."""

    publish: PublishAction | None = None
    say: Template | None = None
    """Words to speak, a template: ``Playing {{ slots.genre }}.``"""
    device: DeviceAction | None = None
    timer: TimerAction | None = None
    shopping_list: ShoppingListAction | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> SkillAction:
        kinds = [k for k in _KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(
                f"an action needs exactly one of {', '.join(_KINDS[:-1])} or "
                f"{_KINDS[-1]}" + (f" (got {', '.join(kinds)})" if kinds else "")
            )
        return self


class SkillConfig(_Model):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    sentences: tuple[str, ...] = Field(min_length=1)
    """hassil templates: (a|b) alternatives, [optional] words, {list} slots."""
    actions: tuple[SkillAction, ...] = Field(min_length=1)
    confirm: bool | str = False
    """Ask first and act on yes: true asks "Are you sure you want me to run
    <name>?", a text asks that question."""
    enabled: bool = True
    sites: tuple[str, ...] = ()
    """Only on these rooms or satellites (their ``[homeassistant] site_id``);
    empty: everywhere."""
    description: str = ""
    """What it does, for "what can you do" (``{{ skills }}`` in templates)."""

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
    """A ``{slot}`` for skill sentences: words, a number range, any text, or the
    names of your devices or areas."""

    values: tuple[str | dict[str, str], ...] = ()
    """Words, or {in = "(telly|tv)", out = "tv"} pairs."""
    range: tuple[int, int] | None = None
    """Whole numbers from, to."""
    wildcard: bool = False
    examples: tuple[str, ...] = ()
    """Typical words for a wildcard, shown to speech-to-text so it expects them."""
    from_: Literal["devices", "areas"] | None = Field(None, alias="from")
    """Filled from the devices (their names and aliases) or areas Home Assistant
    announced and ``[[devices]]`` declares; kept up to date."""
    domain: str | None = None
    """With from = "devices": only these (light, switch, cover...)."""

    @model_validator(mode="after")
    def _one_kind(self) -> SlotList:
        kinds = (
            bool(self.values)
            + (self.range is not None)
            + self.wildcard
            + (self.from_ is not None)
        )
        if kinds != 1:
            raise ValueError(
                "a list needs exactly one of values, range, wildcard or from"
            )
        if self.examples and not self.wildcard:
            raise ValueError("examples only go with wildcard = true")
        if self.domain is not None and self.from_ != "devices":
            raise ValueError('domain only goes with from = "devices"')
        return self

    def hassil(self) -> dict[str, Any]:
        if self.range is not None:
            return {"range": {"from": self.range[0], "to": self.range[1]}}
        if self.wildcard:
            return {"wildcard": True, "examples": list(self.examples)}
        if self.from_ is not None:  # filled with the devices by the recognizer
            return {"values": ["\x00"]}
        return {"values": list(self.values)}
