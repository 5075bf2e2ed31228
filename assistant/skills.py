"""Running a skill from config.toml: its steps, in order, become MQTT commands,
spoken words and effects (timers, the shopping list). Nothing is published or
changed until the whole skill has been built, and then only when it is committed
(after "yes" for a skill that asks first; never by ``assistant skills test``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import CapabilityError
from .home.domains import build_commands
from .home.model import Command, Entity, Operation
from .home.registry import DeviceRegistry
from .home.spoken import join_words, upper_first
from .intent import normalize
from .shopping import ItemList
from .skill_config import ShoppingListAction, SkillConfig, SlotList, TimerAction
from .templates import render_template
from .timers import Timer, Timers, clean_name, duration_words

_LOGGER = logging.getLogger(__name__)

PREFIX = "Skill:"
"""Intent names of skills: ``Skill:good_night``."""


def skill_sentences(
    skills: Iterable[SkillConfig],
    lists: Mapping[str, SlotList],
    site: str | None = None,
) -> dict[str, Any]:
    """The hassil intents and lists of the skills enabled here (at ``site``;
    None: everywhere)."""
    return {
        "intents": {
            f"{PREFIX}{s.name}": {"data": [{"sentences": list(s.sentences)}]}
            for s in skills
            if s.enabled and (site is None or not s.sites or site in s.sites)
        },
        "lists": {name: slot.hassil() for name, slot in lists.items()},
    }


class SkillError(CapabilityError):
    pass


@dataclass
class Effect:
    """A change a skill makes besides MQTT: done when the skill is committed."""

    description: str
    run: Callable[[], object]


@dataclass
class SkillPlan:
    commands: list[Command] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    actions: list[tuple[str, Operation, object]] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)


class SkillRunner:
    def __init__(
        self,
        skills: Iterable[SkillConfig],
        registry: DeviceRegistry,
        *,
        timers: Timers | None = None,
        data_dir: Path | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.skills = {s.name: s for s in skills}
        self._registry = registry
        self._timers = timers or Timers()
        self._data_dir = data_dir or Path("data")
        self._clock = clock

    def get(self, intent_name: str) -> SkillConfig | None:
        return self.skills.get(intent_name.removeprefix(PREFIX))

    def build(self, skill: SkillConfig, slots: Mapping[str, Any]) -> SkillPlan:
        """What ``skill`` does with these slots, without doing it yet.

        Raises SkillError (with words to speak) if any step cannot be built.
        """
        variables = {
            "slots": dict(slots),
            "now": self._clock(),
            "state": self._state,
            "skills": [s.description for s in self.skills.values() if s.description],
            "devices": [e.name for e in self._registry.entities()],
        }
        plan = SkillPlan()
        for number, step in enumerate(skill.actions, 1):
            where = f"skill {skill.name!r}, step {number}"
            try:
                if step.publish is not None:
                    topic = render_template(step.publish.topic, variables)
                    if not topic or "+" in topic or "#" in topic:
                        raise SkillError("skill", f"{where}: bad topic {topic!r}")
                    payload = render_template(step.publish.payload, variables)
                    plan.commands.append(Command(topic, payload, step.publish.retain))
                elif step.say is not None:
                    plan.said.append(render_template(step.say, variables))
                elif step.device is not None:
                    entity = self._find(render_template(step.device.name, variables))
                    op = Operation(step.device.action)
                    plan.commands.extend(build_commands(entity, op))
                    plan.actions.append((entity.entity_id, op, None))
                elif step.timer is not None:
                    self._timer(step.timer, variables, plan)
                elif step.shopping_list is not None:
                    self._list(step.shopping_list, variables, plan)
            except SkillError:
                raise
            except CapabilityError as err:
                _LOGGER.error("%s: %s", where, err.message)
                raise SkillError("skill", _spoken_failure(err)) from err
            except Exception as err:  # a template that fails on these slots
                _LOGGER.error("%s: %s", where, err)
                raise SkillError(
                    "skill", f"Sorry, the {skill.name} skill failed at step {number}."
                ) from err
        return plan

    # -- built-in actions ----------------------------------------------------------

    def _timer(
        self, step: TimerAction, variables: dict[str, Any], plan: SkillPlan
    ) -> None:
        timers = self._timers
        name = clean_name(render_template(step.name, variables))
        if step.action == "start":
            seconds = int(float(render_template(step.seconds, variables) or 0))
            if seconds <= 0:
                raise SkillError("skill", "How long should the timer run?")
            title = f"{name.capitalize()} timer" if name else "Timer"
            again = name and timers.find(name, exact=True)
            said = "restarted" if again else "set"
            plan.said.append(f"{title} {said} for {duration_words(seconds)}.")
            plan.effects.append(
                Effect(
                    f"start {title.lower()} ({seconds} s)",
                    lambda: timers.start(seconds, name),
                )
            )
            return
        running = timers.running()
        if not running:
            plan.said.append("There are no timers running.")
            return
        found = running if step.action == "cancel_all" else timers.find(name)
        if not found:
            plan.said.append(f"There is no {name} timer.")
        elif step.action == "time_left":
            plan.said.append(_time_left(found))
        elif step.action == "cancel" and len(found) > 1:
            names = join_words([t.spoken.removeprefix("the ") for t in found])
            plan.said.append(f"There are {len(found)} timers: {names}. Which one?")
        else:
            what = "all timers" if len(found) > 1 else found[0].spoken
            plan.said.append(f"I cancelled {what}.")
            plan.effects.append(
                Effect(
                    f"cancel {join_words([t.spoken for t in found])}",
                    lambda: timers.cancel(*found),
                )
            )

    def _list(
        self, step: ShoppingListAction, variables: dict[str, Any], plan: SkillPlan
    ) -> None:
        items = ItemList(self._data_dir / step.file)
        title = step.title
        if step.action == "read":
            have = items.items()
            empty = f"Your {title} is empty."
            plan.said.append(f"Your {title} has {join_words(have)}." if have else empty)
            return
        if step.action == "clear":
            count = len(items.items())
            plan.said.append(f"I cleared your {title}." if count else
                             f"Your {title} is already empty.")  # fmt: skip
            plan.effects.append(Effect(f"clear {items.path}", items.clear))
            return
        item = " ".join(render_template(step.item, variables).split()).strip(" .")
        if not item:
            raise SkillError("skill", f"What should I put on your {title}?")
        if step.action == "add":
            if items.has(item):
                plan.said.append(f"{item.capitalize()} is already on your {title}.")
                return
            plan.said.append(f"I added {item} to your {title}.")
            plan.effects.append(Effect(f"add {item!r} to {items.path}",
                                       lambda: items.add(item)))  # fmt: skip
        elif not items.has(item):
            plan.said.append(f"{item.capitalize()} is not on your {title}.")
        else:
            plan.said.append(f"I removed {item} from your {title}.")
            plan.effects.append(Effect(f"remove {item!r} from {items.path}",
                                       lambda: items.remove(item)))  # fmt: skip

    # -- helpers ---------------------------------------------------------------

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


def _time_left(timers: list[Timer]) -> str:
    parts = [f"{t.spoken} has {duration_words(t.left())} left" for t in timers]
    return upper_first(join_words(parts)) + "."


def _spoken_failure(err: CapabilityError) -> str:
    if err.code.startswith("list-"):
        return "Sorry, I could not get to that list."
    return err.message
