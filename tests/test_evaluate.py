"""`assistant eval`: labels, payload comparison, outcomes and the report (no models)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.eval_record import (
    default_sentences,
    parse_expectation,
    record_session,
)
from assistant.eval_report import ClipResult, build_report, format_report, percentile
from assistant.eval_run import Progress, _reset, observe, select
from assistant.evaluate import (
    EvalError,
    ExpectedCommand,
    HomeFile,
    Label,
    Observation,
    classify,
    load_home,
    match_commands,
    parse_labels,
    payloads_match,
)
from assistant.home.model import Domain, Entity

GOOD = {
    "id": "t-1",
    "file": "t-1.wav",
    "home": "cottage",
    "category": "direct",
    "text": "Hey Jarvis, turn on the porch light.",
    "expect": {
        "kind": "command",
        "commands": [{"topic": "cottage/porch/light/set", "payload": "ON"}],
        "confirm": False,
    },
}


def _lines(*rows: Any) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows)


def _label(expect: dict[str, Any], category: str = "direct") -> Label:
    return Label.model_validate(
        {"file": "a.wav", "category": category, "expect": expect}
    )


def _command(*pairs: tuple[str, str | None], confirm: bool = False) -> dict[str, Any]:
    commands = [{"topic": t, "payload": p} for t, p in pairs]
    return {"kind": "command", "commands": commands, "confirm": confirm}


# -- labels ------------------------------------------------------------------------


def test_good_labels_parse_with_their_line_numbers() -> None:
    second = {**GOOD, "id": "t-2", "expect": {"kind": "ignore"}}
    labels = parse_labels(_lines(GOOD, "", second))
    assert [(n, label.name) for n, label in labels] == [(1, "t-1"), (3, "t-2")]
    assert labels[0][1].expect.kind == "command"


def test_id_defaults_to_the_file() -> None:
    row = {k: v for k, v in GOOD.items() if k != "id"}
    assert parse_labels(_lines(row))[0][1].name == "t-1.wav"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"expect": {"kind": "order"}},
            "labels.jsonl:2: expect.kind: must be one of "
            "command, answer, refuse, ignore (got 'order')",
        ),
        (
            {"expect": {"commands": []}},
            "labels.jsonl:2: expect.kind: must be one of "
            "command, answer, refuse, ignore (missing)",
        ),
        (
            {"expect": {"kind": "command", "commands": []}},
            "labels.jsonl:2: expect.commands: List should have at least 1 item",
        ),
        (
            {"expect": {"kind": "command", "commands": [{"payload": "ON"}]}},
            "labels.jsonl:2: expect.commands.0.topic: Field required",
        ),
        (
            {"expect": {"kind": "command", "commands": [{"topic": "a/#"}]}},
            "labels.jsonl:2: expect.commands.0.topic: a topic to publish has no + or #",
        ),
        (
            {"expect": {"kind": "answer", "says": ["(unclosed"]}},
            "labels.jsonl:2: expect.says.0: not a regular expression",
        ),
        (
            {"expect": {"kind": "ignore", "says": ["x"]}},
            "labels.jsonl:2: expect.says: Extra inputs are not permitted",
        ),
        ({"category": ""}, "labels.jsonl:2: category: String should have at least 1"),
        ({"home": "../etc/passwd"}, "labels.jsonl:2: home: '../etc/passwd' is not"),
        ({"speed": 0}, "labels.jsonl:2: speed: Input should be greater than 0"),
        ({"catgory": "direct"}, "labels.jsonl:2: catgory: Extra inputs"),
    ],
)
def test_a_bad_label_is_one_line_naming_line_and_field(
    change: dict[str, Any], message: str
) -> None:
    bad = {**GOOD, "id": "t-2", **change}
    with pytest.raises(EvalError) as caught:
        parse_labels(_lines(GOOD, bad))
    assert caught.value.message.startswith(message), caught.value.message
    assert "\n" not in caught.value.message


def test_missing_required_fields_and_bad_json() -> None:
    with pytest.raises(EvalError, match=r"^eval-input: labels.jsonl:1: file: Field"):
        parse_labels(_lines({"category": "x", "expect": {"kind": "ignore"}}))
    with pytest.raises(EvalError, match=r"labels.jsonl:2: not a JSON object"):
        parse_labels(_lines(GOOD, "{oops"))
    with pytest.raises(EvalError, match=r"labels.jsonl:1: not a JSON object"):
        parse_labels("[1, 2]")
    with pytest.raises(EvalError, match=r"labels.jsonl: no labels"):
        parse_labels("\n\n")


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(EvalError, match=r":3: id: 't-1' is already used on line 1"):
        parse_labels(_lines(GOOD, "", GOOD))


def test_home_files_are_validated(tmp_path: Path) -> None:
    (tmp_path / "homes").mkdir()
    (tmp_path / "homes" / "a.json").write_text('{"discovery": {"x/config": 3}}')
    with pytest.raises(EvalError, match=r"a.json: discovery.x/config: Input should"):
        load_home(tmp_path, "a")
    with pytest.raises(EvalError, match=r"b.json: no such file \(home 'b'"):
        load_home(tmp_path, "b")


def test_payload_forms_are_normalized() -> None:
    expect = _command(("t/set", None))
    expect["commands"] += [
        {"topic": "t/n", "payload": 21.5},
        {"topic": "t/j", "payload": {"state": "ON"}},
    ]
    commands = _label(expect).expect.commands  # type: ignore[union-attr]
    assert [c.payload for c in commands] == [None, "21.5", '{"state": "ON"}']


# -- comparing what was sent ---------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "got", "same"),
    [
        (None, "anything", True),
        ("ON", "ON", True),
        ("ON", "on", False),
        ("21", "21.0", True),
        ("21.5", "21.50", True),
        ("21", "22", False),
        (
            '{"state":"ON","brightness":102}',
            '{"brightness": 102.0, "state": "ON"}',
            True,
        ),
        ('{"state":"ON"}', '{"state":"OFF"}', False),
        ('{"state":"ON"}', "ON", False),
        ("nan", "nan", True),  # not numbers: compared as text
        ("[1, 2]", "[1,2]", False),  # only objects compare as JSON
    ],
)
def test_payloads_match(expected: str | None, got: str, same: bool) -> None:
    assert payloads_match(expected, got) is same


def test_commands_match_in_any_order_exact_payloads_first() -> None:
    want = [
        ExpectedCommand(topic="a", payload=None),
        ExpectedCommand(topic="a", payload="ON"),
    ]
    assert match_commands(want, [("a", "ON"), ("a", "OFF")]) == ([], [])
    missing, extra = match_commands(want, [("a", "OFF"), ("b", "ON")])
    assert [m.payload for m in missing] == ["ON"] and extra == [("b", "ON")]


# -- outcomes ------------------------------------------------------------------------

LIGHT = ("home/light/set", "ON")


def _obs(**fields: Any) -> Observation:
    defaults: dict[str, Any] = {"woke": True, "transcript": "x", "reply": "Okay."}
    return Observation(**{**defaults, **fields})


_C, _O = _command, _obs
_OFF = ("home/light/set", "OFF")
_CASES: list[tuple[dict[str, Any], str, Observation, str]] = [
    (_C(LIGHT), "direct", _O(commands=[LIGHT]), "right"),
    (_C(LIGHT), "direct", _O(commands=[LIGHT, ("tv", "OFF")]), "wrong_action"),
    (_C(LIGHT), "direct", _O(commands=[_OFF]), "wrong_action"),
    (_C(LIGHT, ("b", "1")), "direct", _O(commands=[LIGHT]), "partial"),
    (_C(LIGHT), "paraphrase", _O(asked=True, commands=[LIGHT]), "right_after_question"),
    (_C(LIGHT), "direct", _O(asked=True, commands=[LIGHT]), "asked"),
    (_C(LIGHT), "paraphrase", _O(asked=True), "asked"),
    (_C(LIGHT, confirm=True), "direct", _O(asked=True, commands=[LIGHT]), "right"),
    (_C(LIGHT, confirm=True), "direct", _O(commands=[LIGHT]), "wrong_action"),
    (_C(LIGHT), "direct", _O(reply="I don't know a device called x."), "refused"),
    (_C(LIGHT), "direct", _O(woke=False, transcript=None, reply=None), "silent"),
    (_C(LIGHT), "direct", _O(reply=None, error="stt-failed: boom"), "error"),
    (
        {"kind": "answer", "says": [r"\b20\b", "degrees"]},
        "answer",
        _O(reply="It is 20 Degrees."),
        "right",
    ),
    ({"kind": "answer", "says": [r"\b20\b"]}, "answer", _O(reply="21."), "refused"),
    ({"kind": "answer", "says": []}, "answer", _O(commands=[LIGHT]), "wrong_action"),
    ({"kind": "answer"}, "answer", _O(asked=True, reply="Which one?"), "asked"),
    (
        {"kind": "refuse", "says": ["garden"]},
        "unknown",
        _O(reply="I don't know a device called garden."),
        "right",
    ),
    ({"kind": "refuse", "says": ["garden"]}, "unknown", _O(reply="Sorry."), "refused"),
    ({"kind": "refuse"}, "unsupported", _O(reply="Do you mean it?"), "refused"),
    ({"kind": "refuse"}, "unsupported", _O(reply=None), "silent"),
    ({"kind": "ignore"}, "no_wake", _O(woke=False, transcript=None), "right"),
    ({"kind": "ignore"}, "near_miss", _O(), "false_wake"),
    ({"kind": "ignore"}, "near_miss", _O(commands=[LIGHT]), "wrong_action"),
]


@pytest.mark.parametrize(("expect", "category", "obs", "outcome"), _CASES)
def test_classify(
    expect: dict[str, Any], category: str, obs: Observation, outcome: str
) -> None:
    assert classify(_label(expect, category), obs)[0] == outcome


# -- running one clip (fake pipeline) ---------------------------------------------


class _Result:
    def __init__(self, **fields: Any) -> None:
        self.wake_word, self.transcript = "hey_jarvis", "t"
        self.commands: list[_Command] = []
        self.response, self.awaiting_confirmation, self.error = "ok", False, None
        self.timings_ms, self.path = {"total_after_speech_end": 500.0}, "llm"
        self.confidence, self.early = 0.8, False
        self.__dict__.update(fields)


class _Command:
    def __init__(self, topic: str, payload: str) -> None:
        self.topic, self.payload = topic, payload


class _Pipeline:
    def __init__(self) -> None:
        self.typed: list[str] = []
        self.calls: list[str] = []

    async def run_audio(self, pcm: bytes) -> _Result:
        return _Result(response="Did you mean the lamp?", awaiting_confirmation=True)

    async def run_text(self, text: str) -> _Result:
        self.typed.append(text)
        return _Result(commands=[_Command("lamp/set", "ON")], response="Done.")

    def cancel_confirmation(self) -> None:
        self.calls.append("cancel")


async def test_a_question_is_answered_and_both_turns_count() -> None:
    pipeline = _Pipeline()
    obs = await observe(pipeline, b"", "yes")
    assert pipeline.typed == ["yes"]
    assert (obs.asked, obs.answer, obs.answer_reply) == (True, "yes", "Done.")
    assert obs.commands == [("lamp/set", "ON")] and obs.latency_ms == 500.0
    label = _label(_command(("lamp/set", "ON")), "paraphrase")
    assert classify(label, obs)[0] == "right_after_question"


def test_reset_uses_the_cascade_when_there_is_one() -> None:
    class Cascade:
        resets = 0

        def reset(self) -> None:
            self.resets += 1

    class Session:
        ended = False

        def end(self) -> None:
            self.ended = True

    class Holder:
        def __init__(self, pipeline: Any) -> None:
            self.pipeline = pipeline

    with_cascade = _Pipeline()
    with_cascade.cascade = Cascade()  # type: ignore[attr-defined]
    _reset(Holder(with_cascade))  # type: ignore[arg-type]
    assert with_cascade.cascade.resets == 1 and with_cascade.calls == []  # type: ignore[attr-defined]
    old = _Pipeline()
    old.session = Session()  # type: ignore[attr-defined]
    _reset(Holder(old))  # type: ignore[arg-type]
    assert old.calls == ["cancel"] and old.session.ended  # type: ignore[attr-defined]


# -- the report ----------------------------------------------------------------------


def _result(category: str, kind: str, outcome: str, **obs: Any) -> ClipResult:
    expect: dict[str, Any] = (
        _command(LIGHT, confirm=obs.pop("confirm", False))
        if kind == "command"
        else {"kind": kind}
    )
    ran = outcome != "error"
    return ClipResult(_label(expect, category), outcome, obs=_obs(**obs), ran=ran)


def test_report_arithmetic() -> None:
    results = [
        _result(
            "direct", "command", "right", latency_ms=400.0, path="rules", early=True
        ),
        _result("direct", "command", "right", latency_ms=600.0, path="rules"),
        _result("direct", "command", "wrong_action", latency_ms=800.0, path="rules"),
        _result(
            "direct", "command", "right", asked=True, confirm=True, latency_ms=500.0
        ),
        _result(
            "paraphrase",
            "command",
            "right_after_question",
            asked=True,
            latency_ms=1500.0,
            path="llm",
        ),
        _result("unknown", "refuse", "right", latency_ms=300.0),
        _result("unsupported", "refuse", "refused", latency_ms=300.0),
        _result("unsupported", "refuse", "asked", asked=True, latency_ms=300.0),
        _result("near_miss", "ignore", "false_wake", transcript=None),
        _result("no_wake", "ignore", "right", woke=False, transcript=None),
        _result("direct", "command", "silent", woke=False, transcript=None),
        _result("direct", "command", "error", woke=False, transcript=None),
    ]
    report = build_report(results)
    assert (report["clips"], report["ran"]) == (12, 11)
    assert report["false_action"] == {"count": 1, "n": 11, "pct": 9.1}
    direct = report["categories"]["direct"]
    assert (direct["right"], direct["n"], direct["pct"]) == (3, 6, 50.0)
    assert direct["outcomes"] == {
        "right": 3,
        "wrong_action": 1,
        "silent": 1,
        "error": 1,
    }
    paraphrase = report["categories"]["paraphrase"]
    assert (paraphrase["right"], paraphrase["right_after_question"]) == (1, 1)
    assert report["refusals"] == {"count": 2, "n": 3, "pct": 66.7}
    assert report["wake_recall"] == {"count": 8, "n": 9, "pct": 88.9}
    assert report["false_wakes"] == {"count": 1, "n": 2, "pct": 50.0}
    latency = report["latency_ms"]
    assert latency["n"] == 8 and latency["p50"] == 500.0 and latency["p90"] == 800.0
    assert latency["by_path"]["llm"] == {"n": 1, "p50": 1500.0}
    assert latency["by_path"]["rules"]["n"] == 7
    assert report["questions"] == {"asked": 3, "expected": 1, "right_after_question": 1}
    outcomes = [c["outcome"] for c in report["confusions"]]
    assert outcomes == [
        "wrong_action",
        "asked",
        "refused",
        "silent",
        "false_wake",
        "error",
    ]
    assert len(report["results"]) == 12
    text = format_report(report)
    assert text.splitlines()[0].startswith("false action rate: 9.1 % (1 of 11 clips")
    assert "wake recall: 8/9 (88.9 %)" in text
    assert "(1 right after a question)" in text
    # 8 were heard (a transcript), one of them ended at a short pause
    assert report["early_ends"] == {"count": 1, "n": 8, "pct": 12.5}
    assert "ended at a short pause (vad.early_seconds): 1/8 (12.5 %)" in text


def test_confusions_are_at_most_ten_and_percentile_is_nearest_rank() -> None:
    results = [_result("direct", "command", "refused") for _ in range(15)]
    assert len(build_report(results)["confusions"]) == 10
    assert percentile([], 0.5) == 0.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 3.0
    assert percentile([5.0], 0.9) == 5.0


def test_no_clips_of_a_kind_gives_no_percentage() -> None:
    report = build_report([_result("direct", "command", "right", latency_ms=1.0)])
    assert report["false_wakes"] == {"count": 0, "n": 0, "pct": None}
    assert "false wakes (ignore clips that woke): 0/0\n" in format_report(report)


def test_select_filters_by_category_then_limits() -> None:
    labels = [_label({"kind": "ignore"}, c) for c in ("a", "b", "a", "a")]
    assert len(select(labels, ["a"], 2)) == 2
    assert len(select(labels, ["a", "b"], None)) == 4
    with pytest.raises(EvalError, match="no clip of category c"):
        select(labels, ["c"], None)
    with pytest.raises(EvalError, match="--limit"):
        select(labels, [], 0)


def test_progress_without_a_terminal_is_a_line_every_ten_percent() -> None:
    out = io.StringIO()
    progress = Progress(20, out, bar=False)
    for number in range(20):
        progress.step(f"c{number}")
    lines = out.getvalue().splitlines()
    assert len(lines) == 10 and lines[-1] == "eval: 20/20 clips (100 %)"
    bar = io.StringIO()
    progress = Progress(3, bar, bar=True)
    progress.step("one")
    progress.close()
    assert bar.getvalue().startswith("\r[##########....") and bar.getvalue().endswith(
        "\n"
    )


# -- recording (fake microphone and keyboard) ---------------------------------------


def _entity(entity_id: str, domain: Domain, name: str) -> Entity:
    return Entity(entity_id, domain, name, None, {})


def test_default_sentences_name_every_device_first() -> None:
    entities = [
        _entity("light.k", Domain.LIGHT, "Kitchen Light"),
        _entity("lock.f", Domain.LOCK, "Front Door"),
        _entity("binary_sensor.x", Domain.BINARY_SENSOR, "Motion"),
    ]
    assert default_sentences(entities, limit=3) == [
        "turn on the kitchen light",
        "lock the front door",
        "turn off the kitchen light",
    ]


def test_typed_expectations() -> None:
    assert parse_expectation("ignore") == {"kind": "ignore"}
    assert parse_expectation("answer \\b20\\b") == {
        "kind": "answer",
        "says": ["\\b20\\b"],
    }
    assert parse_expectation("command a/set ON") == {
        "kind": "command",
        "commands": [{"topic": "a/set", "payload": "ON"}],
        "confirm": False,
    }
    assert parse_expectation("command a/set")["commands"][0]["payload"] is None  # type: ignore[index]
    assert parse_expectation("dance") is None


async def test_record_session_saves_wav_and_label(tmp_path: Path) -> None:
    answers = iter(["1", "", "", "my words", "", "bogus", "refuse garden", ""])
    said: list[str] = []

    def understand(sentence: str) -> tuple[dict[str, Any], str]:
        return _command(("k/set", "ON")), "direct"

    async def recorder() -> bytes:
        return b"\x01\x00" * 1600

    saved = await record_session(
        tmp_path,
        defaults=["turn on the kitchen light"],
        understand=understand,
        ask=lambda prompt: next(answers),
        say=said.append,
        recorder=recorder,
    )
    assert saved == 2
    labels = parse_labels((tmp_path / "labels.jsonl").read_text())
    first, second = (label for _, label in labels)
    assert (first.name, first.file, first.category) == (
        "rec-001",
        "rec-001.wav",
        "direct",
    )
    assert first.text == "Hey Jarvis, turn on the kitchen light"
    assert second.expect.kind == "refuse" and second.category == "unknown"
    assert (tmp_path / "rec-002.wav").stat().st_size > 3200
    assert any(line.startswith("Not understood") for line in said)


async def test_record_session_with_stdin_closed_is_a_clear_error(
    tmp_path: Path,
) -> None:
    def closed(prompt: str) -> str:
        raise EOFError

    async def recorder() -> bytes:
        return b""

    with pytest.raises(EvalError, match="standard input is closed"):
        await record_session(
            tmp_path,
            defaults=[],
            understand=lambda s: ({}, ""),
            ask=closed,
            say=lambda s: None,
            recorder=recorder,
        )
    assert not (tmp_path / "labels.jsonl").exists()


def test_the_readme_example_is_valid() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("### A worked example", 1)[1]
    labels, home = re.findall(r"```json\n(.*?)```", section, re.DOTALL)[:2]
    assert len(parse_labels(labels)) == 3
    HomeFile.model_validate_json(home)
