"""Running a skill from config.toml: its steps, in order, become MQTT commands
and spoken words; nothing is published until the whole skill has been built."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from .devices import Command, DeviceRegistry, Entity, Operation, build_commands
from .errors import CapabilityError
from .intent import normalize
from .skill_config import SkillConfig, SlotList
from .templates import render_template

_LOGGER = logging.getLogger(__name__)

PREFIX = "Skill:"
"""Intent names of skills: ``Skill:good_night``."""


def skill_sentences(
    skills: Iterable[SkillConfig], lists: Mapping[str, SlotList]
) -> dict[str, Any]:
    """The hassil intents and lists of the enabled skills."""
    return {
        "intents": {
            f"{PREFIX}{s.name}": {"data": [{"sentences": list(s.sentences)}]}
            for s in skills
            if s.enabled
        },
        "lists": {name: slot.hassil() for name, slot in lists.items()},
    }


class SkillError(CapabilityError):
    pass


class SkillRunner:
    def __init__(
        self,
        skills: Iterable[SkillConfig],
        registry: DeviceRegistry,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self._skills = {s.name: s for s in skills}
        self._registry = registry
        self._clock = clock

    def get(self, intent_name: str) -> SkillConfig | None:
        return self._skills.get(intent_name.removeprefix(PREFIX))

    def build(
        self, skill: SkillConfig, slots: Mapping[str, Any]
    ) -> tuple[list[Command], list[str], list[tuple[str, Operation, object]]]:
        """(commands in order, sentences to say, device actions) for ``skill``.

        Raises SkillError (with words to speak) if any step cannot be built.
        """
        variables = {"slots": dict(slots), "now": self._clock(), "state": self._state}
        commands: list[Command] = []
        said: list[str] = []
        actions: list[tuple[str, Operation, object]] = []
        for number, step in enumerate(skill.actions, 1):
            where = f"skill {skill.name!r}, step {number}"
            try:
                if step.publish is not None:
                    topic = render_template(step.publish.topic, variables)
                    if not topic or "+" in topic or "#" in topic:
                        raise SkillError("skill", f"{where}: bad topic {topic!r}")
                    payload = render_template(step.publish.payload, variables)
                    commands.append(Command(topic, payload, step.publish.retain))
                elif step.say is not None:
                    said.append(render_template(step.say, variables))
                elif step.device is not None:
                    entity = self._find(step.device.name)
                    op = Operation(step.device.action)
                    commands.extend(build_commands(entity, op))
                    actions.append((entity.entity_id, op, None))
            except CapabilityError:
                raise
            except Exception as err:  # a template that fails on these slots
                _LOGGER.error("%s: %s", where, err)
                raise SkillError(
                    "skill", f"Sorry, the {skill.name} skill failed at step {number}."
                ) from err
        return commands, said, actions

    def _find(self, name: str) -> Entity:
        wanted = normalize(name)
        for entity in self._registry.entities():
            names = (entity.entity_id, entity.name, *entity.aliases)
            if wanted in {normalize(n) for n in names}:
                return entity
        raise SkillError("skill", f"I don't know a device called {name}.")

    def _state(self, name: str) -> str:
        """``{{ state('Kitchen Light') }}`` in a template: on, off, 21.5, ..."""
        entity = self._find(name)
        state = self._registry.state(entity.entity_id)
        return str(state.state if state.state is not None else "unknown")
