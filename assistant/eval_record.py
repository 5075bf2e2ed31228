"""``assistant eval --record DIR``: record and label your own commands.

For each clip: a sentence (typed, or picked from a list made from your devices),
a recording from the configured microphone until you stop speaking, and what should
happen (by default what the sentence rules make of the typed sentence; Enter
accepts). The WAV and its label go to DIR only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .audio import write_wav
from .config import Config
from .evaluate import LABELS_FILE, EvalError, Label, parse_labels
from .home.base import spoken_option
from .home.domains import DOMAINS
from .home.model import Domain, Entity
from .home.spoken import format_number

_LOGGER = logging.getLogger(__name__)

Ask = Callable[[str], str]
"""Shows a prompt, returns the line typed (``input``); EOFError when stdin closed."""
Say = Callable[[str], None]
Recorder = Callable[[], Awaitable[bytes]]
"""One utterance as 16 kHz PCM; empty when nothing was heard."""
Understand = Callable[[str], tuple[dict[str, Any], str]]
"""A typed sentence -> (the ``expect`` object, the category)."""

_MAX_SECONDS = 15.0
_DEFAULTS = 10
_TEMPLATES: dict[Domain, tuple[str, ...]] = {
    domain: spec.record for domain, spec in DOMAINS.items() if spec.record
}
_HELP = "command TOPIC [PAYLOAD] | answer [REGEX] | refuse [REGEX] | ignore"
_CATEGORY = {
    "command": "paraphrase",
    "answer": "answer",
    "refuse": "unknown",
    "ignore": "no_wake",
}
"""The category of an expectation typed by the user (the rules did not get it)."""


def default_sentences(entities: list[Entity], limit: int = _DEFAULTS) -> list[str]:
    """Up to ``limit`` commands naming the devices, one per device first."""
    usable = [e for e in entities if e.domain in _TEMPLATES]
    found: list[str] = []
    for round_ in range(max((len(t) for t in _TEMPLATES.values()), default=0)):
        for entity in usable:
            templates = _TEMPLATES[entity.domain]
            if round_ < len(templates) and len(found) < limit:
                found.append(_fill(templates[round_], entity))
    return found


def _fill(template: str, entity: Entity) -> str:
    options = DOMAINS[entity.domain].options(entity)
    least = entity.config.get("min", 0)
    return template.format(
        name=entity.name.lower(),
        option=spoken_option(options[0]) if options else "",
        value=format_number(least) if isinstance(least, int | float) else "0",
    )


def describe(expect: dict[str, Any]) -> str:
    kind = expect["kind"]
    if kind == "command":
        sent = ", ".join(
            f"{c['topic']} {c['payload'] if c['payload'] is not None else '(any)'}"
            for c in expect["commands"]
        )
        return f"command {sent}" + (" (after asking)" if expect.get("confirm") else "")
    says = expect.get("says") or []
    return kind + (f" saying {' and '.join(f'/{p}/' for p in says)}" if says else "")


def parse_expectation(text: str) -> dict[str, Any] | None:
    """The user's ``command TOPIC [PAYLOAD]``, ``answer [REGEX]``, ``refuse
    [REGEX]`` or ``ignore``; None when it is none of those."""
    kind, _, rest = text.strip().partition(" ")
    rest = rest.strip()
    if kind == "ignore" and not rest:
        return {"kind": "ignore"}
    if kind in ("answer", "refuse"):
        return {"kind": kind, "says": [rest] if rest else []}
    if kind == "command" and rest:
        topic, _, payload = rest.partition(" ")
        command = {"topic": topic, "payload": payload.strip() or None}
        return {"kind": "command", "commands": [command], "confirm": False}
    return None


def _next_number(directory: Path) -> int:
    taken = [
        int(m.group(1))
        for p in directory.glob("rec-*.wav")
        if (m := re.fullmatch(r"rec-(\d+)\.wav", p.name))
    ]
    return max(taken, default=0) + 1


def _line(ask: Ask, prompt: str) -> str | None:
    try:
        return ask(prompt)
    except EOFError:
        return None


async def record_session(
    directory: Path,
    *,
    defaults: list[str],
    understand: Understand,
    ask: Ask,
    say: Say,
    recorder: Recorder,
    wake_phrase: str = "Hey Jarvis",
) -> int:
    """The interactive loop; returns how many clips were saved."""
    labels = directory / LABELS_FILE
    if labels.exists() and labels.read_text("utf-8").strip():
        parse_labels(labels.read_text("utf-8"), str(labels))  # append to a valid file
    if defaults:
        say("Sentences you could say:")
        for number, sentence in enumerate(defaults, 1):
            say(f"  {number:2}. {sentence}")
    saved = 0
    while True:
        typed = _line(ask, "Sentence (a number, your own words, Enter to stop): ")
        if typed is None and saved == 0:
            raise EvalError(
                "eval --record: standard input is closed; it asks for the sentences "
                "you say and what should happen"
            )
        if not typed or not typed.strip():
            break
        typed = typed.strip()
        pick = int(typed) if typed.isdecimal() else 0
        sentence = defaults[pick - 1] if 0 < pick <= len(defaults) else typed
        expect, category = understand(sentence)
        spoken = f"{wake_phrase}, {sentence}"
        if _line(ask, f'Press Enter, then say: "{spoken}" ') is None:
            raise EvalError("eval --record: standard input closed; nothing saved")
        pcm = await recorder()
        if not pcm:
            say(
                "Heard nothing. Check the microphone (`assistant devices`, "
                "[audio] input_device) and try again."
            )
            continue
        while True:
            answer = _line(
                ask, f"Expected: {describe(expect)}\n  Enter accepts, or type {_HELP}: "
            )
            if answer is None:
                raise EvalError("eval --record: standard input closed; clip not saved")
            if not answer.strip():
                break
            typed_expect = parse_expectation(answer)
            if typed_expect is None:
                say(f"Not understood; type one of: {_HELP}")
                continue
            expect, category = typed_expect, _CATEGORY[typed_expect["kind"]]
            break
        name = f"rec-{_next_number(directory):03d}"
        row = {
            "id": name,
            "file": f"{name}.wav",
            "category": category,
            "text": spoken,
            "voice": "recorded",
            "expect": expect,
        }
        try:
            Label.model_validate(row)
        except ValidationError as err:
            say(f"Not saved: {err.errors()[0]['msg']}")
            continue
        write_wav(directory / f"{name}.wav", pcm)
        with labels.open("a", encoding="utf-8") as out:
            out.write(json.dumps(row) + "\n")
        saved += 1
        say(f"Saved {directory / name}.wav ({category}: {describe(expect)})")
    return saved


def rules_understanding(assistant: Any) -> Understand:
    """What the sentence rules and the handler make of a typed sentence."""

    def understand(sentence: str) -> tuple[dict[str, Any], str]:
        intent = assistant.recognizer.recognize(sentence)
        if intent is None:
            return {"kind": "refuse", "says": []}, "unknown"
        response = assistant.pipeline.handler.handle(intent)
        if response.commands:
            commands = [
                {"topic": c.topic, "payload": c.shown} for c in response.commands
            ]
            expect = {
                "kind": "command",
                "commands": commands,
                "confirm": response.confirm is not None,
            }
            return expect, "direct"
        if response.success:
            return {"kind": "answer", "says": []}, "answer"
        return {"kind": "refuse", "says": []}, "unsupported"

    return understand


async def record_until_silence(cfg: Config) -> bytes:
    """From the configured microphone (as ``assistant run`` opens it) until a
    second of silence after speech; empty when no speech came."""
    from .mic import SoundDeviceMicrophone, load_sounddevice
    from .vad import Endpointer, SegmentState, SileroSpeechProbability, SpeechSegmenter

    load_sounddevice()
    segmenter = SpeechSegmenter(
        silence_seconds=max(1.0, cfg.vad.silence_seconds),
        start_timeout_seconds=6.0,
        max_seconds=_MAX_SECONDS,
    )
    endpointer = Endpointer(SileroSpeechProbability(), segmenter, cfg.vad.threshold)
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=400)
    mic = SoundDeviceMicrophone(cfg.audio.input_device, cfg.audio.retry_max_seconds)
    mic.start(asyncio.get_running_loop(), queue)
    audio = bytearray()
    try:
        async with asyncio.timeout(_MAX_SECONDS + 5):
            while True:
                chunk = await queue.get()
                audio += chunk.audio
                if not endpointer.process(chunk.audio):
                    break
    except TimeoutError:
        _LOGGER.warning("No audio from the microphone")
        return b""
    finally:
        mic.stop()
    return bytes(audio) if segmenter.state == SegmentState.DONE else b""


async def record_labels(
    cfg: Config, directory: Path, ask: Ask = input, say: Say = print
) -> int:
    """Learn the devices from the configured broker (read only, with a client id
    of its own), then the interactive loop."""
    from .app import build_assistant
    from .eval_snapshot import own_discovery_topics

    own = own_discovery_topics(cfg)
    mqtt = cfg.mqtt.model_copy(update={"client_id": f"{cfg.mqtt.client_id}-record"})
    quiet = cfg.model_copy(
        update={"mqtt": mqtt, "llm": cfg.llm.model_copy(update={"enabled": False})}
    )
    directory.mkdir(parents=True, exist_ok=True)
    assistant = await build_assistant(
        quiet, audio=False, speech=False, command="record"
    )
    try:
        devices = [
            e
            for e in assistant.registry.entities()
            if e.source.partition("#")[0] not in own
        ]
        words = Path(cfg.wake.model).stem.split("_v0")[0].replace("_", " ")
        saved = await record_session(
            directory,
            defaults=default_sentences(devices),
            understand=rules_understanding(assistant),
            ask=ask,
            say=say,
            recorder=lambda: record_until_silence(cfg),
            wake_phrase=words.title(),
        )
    finally:
        await assistant.close()
    say(f"{saved} clip(s) recorded. Check them with: assistant eval {directory}")
    return 0
