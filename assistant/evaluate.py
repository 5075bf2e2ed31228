"""``assistant eval``: the labels of a clip folder and what each clip's outcome was.

Pure logic. ``eval_run`` runs the clips, ``eval_report`` sums the outcomes up,
``eval_record`` records new clips with the microphone.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from .errors import AssistantError

LABELS_FILE = "labels.jsonl"
HOMES_DIR = "homes"
KINDS = ("command", "answer", "refuse", "ignore")
OUTCOMES = (
    "right",
    "right_after_question",
    "wrong_action",
    "partial",
    "asked",
    "refused",
    "silent",
    "false_wake",
    "error",
)
RIGHT = ("right", "right_after_question")
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


class EvalError(AssistantError):
    """The clip folder cannot be evaluated (a bad label or home file)."""

    def __init__(self, message: str) -> None:
        super().__init__("eval-input", message)


# -- the labels ----------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as err:
        raise ValueError(f"not a regular expression ({err})") from None
    return value


Regex = Annotated[str, AfterValidator(_regex)]


class ExpectedCommand(_Strict):
    topic: str = Field(min_length=1)
    payload: str | None = None
    """None (or left out): any payload on ``topic``."""

    @field_validator("topic")
    @classmethod
    def _plain_topic(cls, value: str) -> str:
        if "+" in value or "#" in value:
            raise ValueError("a topic to publish has no + or # wildcards")
        return value

    @field_validator("payload", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return str(value)
        if isinstance(value, dict | list):
            return json.dumps(value)
        return value


class ExpectCommand(_Strict):
    kind: Literal["command"]
    commands: list[ExpectedCommand] = Field(min_length=1)
    confirm: bool = False
    """True: the default policy asks "...?" first, and the answer is yes."""


class ExpectAnswer(_Strict):
    kind: Literal["answer"]
    says: list[Regex] = Field(default_factory=list)
    """Case-insensitive regexes the spoken reply must all match."""


class ExpectRefuse(_Strict):
    kind: Literal["refuse"]
    says: list[Regex] = Field(default_factory=list)
    """As for answers; the reply must also not be a question."""


class ExpectIgnore(_Strict):
    kind: Literal["ignore"]


Expect = Annotated[
    ExpectCommand | ExpectAnswer | ExpectRefuse | ExpectIgnore,
    Field(discriminator="kind"),
]


class Label(_Strict):
    file: str = Field(min_length=1)
    """The WAV, relative to the clip folder."""
    category: str = Field(min_length=1)
    expect: Expect
    id: str | None = None
    home: str | None = None
    """``homes/<home>.json`` of the clip folder; None: the configured home."""
    text: str | None = None
    voice: str | None = None
    speed: float | None = Field(None, gt=0.0)
    noise: str | None = None

    @field_validator("home")
    @classmethod
    def _file_name(cls, value: str | None) -> str | None:
        if value is not None and not _NAME.fullmatch(value):
            raise ValueError(f"{value!r} is not a plain file name (homes/<home>.json)")
        return value

    @property
    def name(self) -> str:
        return self.id or self.file


class HomeFile(_Strict):
    name: str | None = None
    discovery: dict[str, dict[str, Any]]
    """Discovery topic -> config payload, published retained."""
    states: dict[str, str] = Field(default_factory=dict)
    """State topic -> payload, published retained; the home never changes them."""


def _problem(err: ValidationError) -> str:
    """The first problem as ``where: what`` (``expect.kind: ...``)."""
    first = err.errors()[0]
    loc = [str(part) for part in first["loc"]]
    if len(loc) > 1 and loc[0] == "expect" and loc[1] in KINDS:
        del loc[1]  # pydantic names the union member: not a field of the file
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
        loc.append("kind")
        tag = (first.get("ctx") or {}).get("tag")
        got = f" (got {tag!r})" if tag is not None else " (missing)"
        message = f"must be one of {', '.join(KINDS)}{got}"
    where = ".".join(loc)
    return f"{where}: {message}" if where else message


def parse_labels(text: str, name: str = LABELS_FILE) -> list[tuple[int, Label]]:
    """(line number, label) of each non-blank line; EvalError at the first bad one,
    as ``labels.jsonl:17: expect.kind: ...``."""
    labels: list[tuple[int, Label]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            raise EvalError(f"{name}:{number}: not a JSON object ({err.msg})") from None
        if not isinstance(data, dict):
            raise EvalError(f"{name}:{number}: not a JSON object")
        try:
            label = Label.model_validate(data)
        except ValidationError as err:
            raise EvalError(f"{name}:{number}: {_problem(err)}") from None
        if label.name in seen:
            raise EvalError(
                f"{name}:{number}: id: {label.name!r} is already used on line "
                f"{seen[label.name]}"
            )
        seen[label.name] = number
        labels.append((number, label))
    if not labels:
        raise EvalError(f"{name}: no labels")
    return labels


def load_labels(directory: Path) -> list[tuple[int, Label]]:
    path = directory / LABELS_FILE
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) else str(err)
        raise EvalError(f"{path}: {reason or err}") from None
    return parse_labels(text, str(path))


def load_home(directory: Path, home: str) -> HomeFile:
    path = directory / HOMES_DIR / f"{home}.json"
    try:
        data = json.loads(path.read_text("utf-8"))
        return HomeFile.model_validate(data)
    except FileNotFoundError:
        raise EvalError(f"{path}: no such file (home {home!r} of the labels)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise EvalError(f"{path}: cannot read it ({err})") from None
    except ValidationError as err:
        raise EvalError(f"{path}: {_problem(err)}") from None


# -- what happened, and the outcome --------------------------------------------------


@dataclass
class Observation:
    """What one clip did: its first turn, and the typed answer to a question."""

    woke: bool = False
    wakes: int = 0
    """How many times it woke (every time, in an ``ignore`` clip)."""
    seconds: float = 0.0
    """The clip's length."""
    transcript: str | None = None
    commands: list[tuple[str, str]] = field(default_factory=list)
    """(topic, payload) published by both turns."""
    reply: str | None = None
    """The reply to the clip (a question when ``asked``)."""
    asked: bool = False
    answer: str | None = None
    """"yes" or "no", typed after a question."""
    answer_reply: str | None = None
    latency_ms: float | None = None
    """End of speech to command, when there was a transcript."""
    stages_ms: dict[str, float] = field(default_factory=dict)
    """The stages' times (wake, endpoint_wait, stt, intent, action) when heard."""
    path: str | None = None
    early: bool = False
    """The command ended at a short pause (predictive endpointing)."""
    confidence: float | None = None
    """How sure the assistant was of what it understood (0-1)."""
    error: str | None = None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def payloads_match(expected: str | None, got: str) -> bool:
    """None matches anything; numbers compare as numbers ("21" == "21.0"), JSON
    objects as parsed JSON (key order and spacing aside), the rest as strings."""
    if expected is None:
        return True
    a, b = _number(expected), _number(got)
    if a is not None and b is not None:
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    x, y = _json_object(expected), _json_object(got)
    if x is not None and y is not None:
        return x == y
    return expected == got


def match_commands(
    expected: list[ExpectedCommand], got: list[tuple[str, str]]
) -> tuple[list[ExpectedCommand], list[tuple[str, str]]]:
    """(expected commands not sent, sent commands not expected), in any order.
    Exact payloads are matched before "any payload" ones."""
    left = list(got)
    missing: list[ExpectedCommand] = []
    for want in sorted(expected, key=lambda c: c.payload is None):
        for index, (topic, payload) in enumerate(left):
            if topic == want.topic and payloads_match(want.payload, payload):
                del left[index]
                break
        else:
            missing.append(want)
    return missing, left


def _says(patterns: list[str], reply: str | None) -> bool:
    return reply is not None and all(
        re.search(p, reply, re.IGNORECASE) for p in patterns
    )


def _sent(commands: list[tuple[str, str]]) -> str:
    return ", ".join(f"{t} {p}" for t, p in commands)


def classify(label: Label, obs: Observation) -> tuple[str, str]:
    """(outcome, a short reason) of one clip; see ``OUTCOMES`` and the README."""
    expect = label.expect
    wanted = expect.commands if isinstance(expect, ExpectCommand) else []
    missing, unexpected = match_commands(wanted, obs.commands)
    if unexpected:
        return "wrong_action", f"sent {_sent(unexpected)}"
    if isinstance(expect, ExpectIgnore):
        return ("false_wake", "woke up") if obs.woke else ("right", "")
    if obs.error and not obs.commands:
        return "error", obs.error
    if isinstance(expect, ExpectCommand):
        if not missing:
            if expect.confirm:
                if obs.asked:
                    return "right", ""
                return "wrong_action", "did it without the confirmation question"
            if not obs.asked:
                return "right", ""
            if label.category == "paraphrase":
                return "right_after_question", f"asked {obs.reply!r}"
            return "asked", f"needed a question: {obs.reply!r}"
        if obs.commands:
            return "partial", f"sent only {_sent(obs.commands)}"
    elif isinstance(expect, ExpectAnswer | ExpectRefuse):
        says = expect.says
        if obs.asked:
            return "asked", f"asked {obs.reply!r}"
        question = (obs.reply or "").rstrip().endswith("?")
        right = _says(says, obs.reply) and not (
            isinstance(expect, ExpectRefuse) and question
        )
        if obs.reply and right:
            return "right", ""
    if obs.asked:
        return "asked", f"asked {obs.reply!r}"
    if obs.reply:
        return "refused", f"said {obs.reply!r}"
    if not obs.woke:
        return "silent", "no wake word"
    return "silent", "no command heard" if obs.transcript is None else "no reply"
