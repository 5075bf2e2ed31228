"""The LLM path by speech: paraphrases of commands, follow-ups, a clarifying
question and small talk, through `assistant process` with the default models and
a real broker; what counts is what arrives at an independent subscriber.

    python -m pytest tests/test_llm_spoken.py -s    # prints the paraphrase figure
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import Subscriber, run_cli
from .home import COMMAND_TOPICS
from .live import write_config
from .paraphrases import CONVERSATIONS, DEVICE_TOPICS, PARAPHRASES, SPOKEN
from .speech import TRUST

pytestmark = pytest.mark.model


def _process(
    port: int, files: list[str], config: Path | None = None
) -> list[dict[str, Any]]:
    extra = ("--config", str(config)) if config else ()
    proc = run_cli(
        "process", "--mqtt-host", "127.0.0.1", "--mqtt-port", str(port), *extra,
        "--json", *files,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def _same(payload: str, want: str | None) -> bool:
    if want is None or payload == want:
        return True
    try:
        return float(payload) == float(want)  # "20.0" sets 20 degrees too
    except ValueError:
        return False


def _device_of(topic: str) -> str:
    return next(d for d, topics in DEVICE_TOPICS.items() if topic in topics)


@pytest.fixture(scope="module")
def paraphrased(
    home: int, speech: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> list[dict[str, Any]]:
    # each paraphrase on its own: no memory of the one before
    config = write_config(
        tmp_path_factory.mktemp("llm"), "[llm]\nsession_seconds = 0\n"
    )
    files = [str(speech[u.name]) for u in SPOKEN]
    sub = Subscriber(home, COMMAND_TOPICS)
    try:
        results = _process(home, files, config)
        sub.settle(0.5)
    finally:
        sub.close()
    assert len(results) == len(PARAPHRASES)
    return results


def test_paraphrases_lead_to_the_right_command(
    paraphrased: list[dict[str, Any]],
) -> None:
    assert len(PARAPHRASES) >= 40
    right, asked, wrong_device, lines = 0, 0, [], []
    for phrase, result in zip(PARAPHRASES, paraphrased, strict=True):
        commands = [(c["topic"], c["payload"]) for c in result["commands"]]
        for topic, _ in commands:
            if _device_of(topic) != phrase.device:
                wrong_device.append((phrase.text, result["transcript"], topic))
        if phrase.want is None:  # a question first, nothing done yet
            ok = not commands and "sure" in str(result["response"]).lower()
        elif not commands and str(result["response"]).endswith("?"):
            # asked first ("Turn on the kitchen light?"): right if about the device
            slots = (result["intent"] or {}).get("slots", {})
            ok = str(slots.get("name", "")).lower() == phrase.device
            asked += ok
        else:
            topic, payload = phrase.want
            ok = (
                bool(commands)
                and commands[0][0] == topic
                and _same(commands[0][1], payload)
            )
        right += ok
        did = commands or result["response"]
        heard = result["transcript"]
        lines.append(
            f"{'ok ' if ok else 'MISS'} {phrase.text!r} heard {heard!r} -> {did}"
        )
    print("\n".join(lines))
    print(f"paraphrases: {right}/{len(PARAPHRASES)} right ({asked} after a "
          f"question), {len(wrong_device)} on a wrong device")  # fmt: skip
    assert not wrong_device
    # a yes/no question about the right device counts: "yes" does it (and is learned)
    assert right / len(PARAPHRASES) >= 0.75


def test_paraphrase_publishes_arrive(home: int, speech: dict[str, Path]) -> None:
    sub = Subscriber(home, COMMAND_TOPICS)
    try:
        yes = str(speech[TRUST["yes"].name])  # if it asks first
        results = _process(home, [str(speech[SPOKEN[0].name]), yes])
        received = sub.wait_for(1, timeout=10)
    finally:
        sub.close()
    assert results[0]["intent"]["name"] == "HassTurnOn"
    assert received == [("t/kitchen/light/set", "ON")]


def _conversation(
    home: int, speech: dict[str, Path], name: str
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    sub = Subscriber(home, COMMAND_TOPICS)
    try:
        results = _process(home, [str(speech[u.name]) for u in CONVERSATIONS[name]])
        received = sub.settle(1.0)
    finally:
        sub.close()
    return results, received


def test_follow_ups_by_room_and_pronoun(home: int, speech: dict[str, Path]) -> None:
    results, received = _conversation(home, speech, "follow_ups")
    assert received == [
        ("t/kitchen/light/set", "ON"),  # it's too dark in the kitchen
        ("zigbee2mqtt/desk_lamp/set", '{"state":"ON"}'),  # and the office too
        ("zigbee2mqtt/desk_lamp/set", '{"state":"OFF"}'),  # turn it off
    ]
    assert "desk lamp" in results[3]["response"].lower()


def test_clarifying_question_and_answer(home: int, speech: dict[str, Path]) -> None:
    results, received = _conversation(home, speech, "clarify")
    assert "which one" in results[0]["response"].lower()
    assert results[0]["commands"] == []
    assert received == [("tasmota/porch/cmnd/POWER", "ON")]
    assert "porch light" in results[1]["response"].lower()


def test_small_talk_gets_a_short_answer_and_no_command(
    home: int, speech: dict[str, Path]
) -> None:
    results, received = _conversation(home, speech, "small_talk")
    assert received == []
    for result in results:
        answer = str(result["response"])
        assert answer and "didn't understand" not in answer
        assert len(answer) <= 160 and answer.count(".") <= 2
