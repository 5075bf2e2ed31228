"""Command line: ``assistant process|text|demo|bench|models``."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import time
from pathlib import Path
from typing import Any

from .config import Config, load_config
from .errors import AssistantError

_LOGGER = logging.getLogger(__name__)


def _add_common(parser: argparse.ArgumentParser, mqtt: bool = True) -> None:
    parser.add_argument(
        "--config", type=Path, help="config file (default: the bundled config.toml)"
    )
    if mqtt:
        parser.add_argument(
            "--mqtt-host", help="MQTT broker host (overrides mqtt.host)"
        )
        parser.add_argument(
            "--mqtt-port", type=int, help="MQTT broker port (overrides mqtt.port)"
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant", description="A fully local smart-home voice assistant."
    )
    parser.add_argument("--debug", action="store_true", help="log debug detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "process", help="run WAV files through the whole pipeline, publishing for real"
    )
    _add_common(p)
    p.add_argument(
        "--reply-dir", type=Path, help="write each spoken reply here as a WAV"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object per file")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE.wav")

    p = sub.add_parser("config", help="check config.toml")
    checks = p.add_subparsers(dest="config_command", required=True)
    p = checks.add_parser(
        "check",
        help="list every problem, with its line (asks the broker which devices exist)",
    )
    _add_common(p)

    p = sub.add_parser("skills", help="try the skills of config.toml")
    skills = p.add_subparsers(dest="skills_command", required=True)
    p = skills.add_parser(
        "test", help="which skill a sentence runs and what it would do"
    )
    _add_common(p)
    p.add_argument("--apply", action="store_true", help="publish it for real")
    p.add_argument("sentence", help='e.g. "good night"')

    p = sub.add_parser("text", help="handle a typed command, publishing for real")
    _add_common(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "sentence",
        nargs="+",
        help='e.g. "turn on the kitchen light"; several: one conversation, in order',
    )

    p = sub.add_parser(
        "demo", help="a sample home on a private broker, commanded by voice"
    )
    p.add_argument(
        "--reply-dir",
        type=Path,
        default=Path("demo-replies"),
        help="where the spoken replies go (default: demo-replies/)",
    )

    p = sub.add_parser(
        "bench",
        help="measure per-stage latency, accuracy and memory "
        "(on a private broker with the sample home)",
    )
    _add_common(p, mqtt=False)
    p.add_argument(
        "--runs", type=int, default=3, help="passes over the utterances (default 3)"
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE.wav",
        help="utterances to time (default: synthesized sample commands)",
    )

    p = sub.add_parser(
        "eval",
        help="check the assistant on labelled recordings (your own voice)",
        description="Run every clip of DIR/labels.jsonl through the whole assistant "
        "and report how often it did the right thing. Clips with a home run on a "
        "private broker with DIR/homes/<home>.json; the others on a private, "
        "read-only copy of your home, or with --live on your broker for real.",
    )
    _add_common(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--category", action="append", default=[], metavar="C",
        help="only the clips of category C (repeatable)",
    )  # fmt: skip
    p.add_argument("--limit", type=int, metavar="N", help="only the first N clips")
    p.add_argument(
        "--report", type=Path, metavar="FILE", help="also write the JSON report here"
    )
    p.add_argument(
        "--live", action="store_true",
        help="run the clips without a home on your broker: your devices will move",
    )  # fmt: skip
    p.add_argument(
        "--record", action="store_true",
        help="record and label new clips into DIR with the microphone instead",
    )  # fmt: skip
    p.add_argument("-v", "--verbose", action="store_true", help="log every clip")
    p.add_argument("dir", type=Path, metavar="DIR", help="the clips and labels.jsonl")

    p = sub.add_parser("run", help="listen on the microphone and answer on the speaker")
    _add_common(p)
    p.add_argument(
        "--json", action="store_true", help="print each pipeline event as JSON"
    )

    sub.add_parser(
        "audio-devices", help="list the sound cards (for [audio] in config.toml)"
    )
    sub.add_parser("devices", help="old name of audio-devices (says so)")

    p = sub.add_parser(
        "home", help="list the devices it learned: rooms, what it can do, states"
    )
    _add_common(p)
    p.add_argument("--json", action="store_true", help="print them as JSON")

    p = sub.add_parser(
        "memory", help="show or remove what yes/no answers taught (on this device)"
    )
    p.add_argument("--config", type=Path, help="config file (its state dir is used)")
    memsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    m = memsub.add_parser("list", help="list the learned phrasings")
    m.add_argument("--json", action="store_true", help="print them as JSON")
    m = memsub.add_parser("forget", help="forget one phrasing, or --all")
    m.add_argument("sentence", nargs="?", help="the phrasing, as listed or as said")
    m.add_argument("--all", action="store_true", help="forget everything learned")

    p = sub.add_parser("models", help="fetch, verify or list the models")
    p.add_argument("--config", type=Path, help="config file (its models.dir is used)")
    msub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    f = msub.add_parser("fetch", help="download and verify models (default: all)")
    f.add_argument(
        "--force", action="store_true", help="fetch again even when verified"
    )
    f.add_argument("names", nargs="*")
    v = msub.add_parser("verify", help="check every file's sha256")
    v.add_argument("names", nargs="*")
    msub.add_parser("list", help="list the models in the manifest")
    return parser


def _config(args: argparse.Namespace) -> Config:
    cfg = load_config(args.config)
    overrides: dict[str, Any] = {}
    if getattr(args, "mqtt_host", None):
        overrides["host"] = args.mqtt_host
    if getattr(args, "mqtt_port", None):
        overrides["port"] = args.mqtt_port
    if overrides:
        cfg = cfg.model_copy(update={"mqtt": cfg.mqtt.model_copy(update=overrides)})
    return cfg


def _print_result(name: str, result: Any, as_json: bool) -> None:
    if as_json:
        print(
            json.dumps({"file": name, **result.as_json()})
            if name
            else json.dumps(result.as_json()),
            flush=True,
        )
        return
    intent = result.intent.as_dict() if result.intent else None
    print(f"{name or 'text'}: heard {result.transcript!r} -> {intent}", flush=True)
    for command in result.commands:
        print(f"  MQTT {command.topic} {command.shown}")
    if result.response:
        print(f"  reply: {result.response}")
    if not result.wake_word and name:
        print("  (no wake word)")


def _print_failure(name: str, err: AssistantError, as_json: bool) -> None:
    if as_json:
        error = {"code": err.code, "message": err.message}
        print(json.dumps({"file": name, "error": error}), flush=True)
    else:
        print(f"{name}: error: {err.message}", flush=True)


async def _process(args: argparse.Namespace) -> int:
    """Every readable file runs; one that cannot be read or processed gets an
    error line (an ``"error"`` object with --json) and exit status 1."""
    from .app import build_assistant
    from .audio import read_wav, write_wav
    from .heap import release_memory

    cfg = _config(args)
    audio: list[tuple[Path, bytes | AssistantError]] = []
    for path in args.files:  # all read before any acts
        try:
            audio.append((path, read_wav(path)))
        except AssistantError as err:
            audio.append((path, err))
    failed = 0
    readable = any(isinstance(pcm, bytes) for _, pcm in audio)
    assistant = await build_assistant(cfg, command="process") if readable else None
    try:
        for index, (path, pcm) in enumerate(audio):
            if isinstance(pcm, AssistantError):
                failed += 1
                _print_failure(str(path), pcm, args.json)
                continue
            assert assistant is not None
            try:
                result = await assistant.pipeline.run_audio(pcm)
            except AssistantError as err:
                failed += 1
                _print_failure(str(path), err, args.json)
                continue
            _print_result(str(path), result, args.json)
            release_memory()
            if args.reply_dir and result.reply_audio:
                write_wav(
                    args.reply_dir / f"{index:02d}-{path.stem}.reply.wav",
                    result.reply_audio,
                    result.reply_rate,
                )
    finally:
        if assistant is not None:
            await assistant.close()
    if failed:
        _LOGGER.error("%d of %d files failed", failed, len(audio))
    return 1 if failed else 0


async def _text(args: argparse.Namespace) -> int:
    from .app import build_assistant

    assistant = await build_assistant(
        _config(args), audio=False, speech=False, command="text"
    )
    try:
        for sentence in args.sentence:
            result = await assistant.pipeline.run_text(sentence)
            _print_result("", result, args.json)
    finally:
        await assistant.close()
    return 0


async def _config_check(args: argparse.Namespace) -> int:
    from .config import DEFAULT_CONFIG
    from .config_check import check, defaults_note

    path = (args.config or DEFAULT_CONFIG).expanduser()
    problems = await check(path, lambda: _config(args))
    if note := defaults_note(path, lambda: _config(args)):
        print(note)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{path}: OK")
    return 1 if problems else 0


async def _skills_test(args: argparse.Namespace) -> int:
    """Show the skill a sentence matches and what it would publish and say."""
    from .app import build_assistant
    from .skills import PREFIX

    assistant = await build_assistant(
        _config(args), audio=False, speech=False, command="skills"
    )
    try:
        pipeline = assistant.pipeline
        intent = assistant.recognizer.recognize(args.sentence)
        if intent is None or not intent.name.startswith(PREFIX):
            found = intent.name if intent else "nothing"
            print(f"no skill matches {args.sentence!r} (the rules heard: {found})")
            return 1
        print(f"skill: {intent.name.removeprefix(PREFIX)}")
        print(f"slots: {json.dumps(intent.slots)}")
        response = pipeline.handler.handle(intent)
        if response.confirm:
            print(f"asks first: {response.confirm}")
        for command in response.commands:
            print(f"publish: {command.topic} {command.shown}")
        for effect in response.effects:
            print(f"does: {effect.description}")
        print(f"says: {response.speech}")
        if args.apply and (response.commands or response.effects):
            if response.commands:
                await pipeline.publisher.publish(response.commands)
            pipeline.handler.committed(response)
            print(f"published {len(response.commands)} message(s)")
        return 0 if response.success else 1
    finally:
        await assistant.close()


async def _run(args: argparse.Namespace) -> int:
    from .app import build_assistant
    from .config import DEFAULT_CONFIG
    from .live import run_live
    from .reload import ConfigWatcher

    cfg = _config(args)
    # Importing sounddevice initializes PortAudio with stderr pointed at /dev/null
    # (to hide ALSA's chatter): do it now, before other threads log anything.
    from .mic import load_sounddevice

    load_sounddevice()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # a reload while loading: no-op

    def print_event(event: Any) -> None:
        print(
            json.dumps({"type": str(event.type), "time": time.time(), **event.data}),
            flush=True,
        )

    assistant = await build_assistant(cfg, wait_for_broker=False, service=True)
    watcher = ConfigWatcher(
        assistant, (args.config or DEFAULT_CONFIG).expanduser(), lambda: _config(args)
    )
    try:
        await run_live(
            assistant, cfg.audio, print_event if args.json else None, watcher
        )
    finally:
        await assistant.close()
    return 0


def _memory(args: argparse.Namespace) -> int:
    from .app import wake_words
    from .intent import normalize
    from .intent.memory import MEMORY_FILE, Memory

    cfg = load_config(args.config)
    memory = Memory(cfg.data_dir / MEMORY_FILE)
    if args.action == "list":
        items = memory.items()
        if args.json:
            listed = [
                {"text": i.text, "intent": i.intent, "slots": i.slots,
                 "entity_ids": list(i.entity_ids),
                 "answer": "yes" if i.accepted else "no", "at": i.at}
                for i in items
            ]  # fmt: skip
            print(json.dumps(listed, indent=1))
            return 0
        if not items:
            print(f"nothing learned yet ({memory.path})")
        for item in items:
            answer = "yes" if item.accepted else "no "
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(item.at))
            ids = ", ".join(item.entity_ids)
            print(f"{when}  {answer}  {item.text!r} -> {item.intent} {ids}")
        return 0
    if args.all == bool(args.sentence):
        print("assistant memory forget: give a sentence or --all", file=sys.stderr)
        return 2
    text = None if args.all else normalize(args.sentence, wake_words(cfg.wake.model))
    gone = memory.forget(text)
    if not gone:
        print(f"assistant memory forget: nothing learned for {text!r}", file=sys.stderr)
        return 1
    for item in gone:
        print(f"forgot {item.text!r} -> {item.intent}")
    return 0


def _models(args: argparse.Namespace) -> int:
    from .models import ModelStore

    cfg = load_config(args.config)
    store = ModelStore(
        cfg.models_dir,
        cfg.resolve(cfg.models.manifest) if cfg.models.manifest else None,
    )
    if args.action == "fetch":
        store.fetch(args.names or None, force=args.force)
        return 0
    if args.action == "list":
        for spec in store.specs.values():
            state = "ok" if not store.problems(spec.name) else "missing or invalid"
            print(f"{spec.name:24} {state:20} {spec.role}")
        return 0
    bad = 0
    for name in args.names or list(store.specs):
        problems = store.problems(name, use_stamps=False)
        for problem in problems:
            print(f"{name}: {problem}", file=sys.stderr)
        print(f"{name}: {'ok' if not problems else 'FAILED'}")
        bad += bool(problems)
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    from .heap import limit_arenas

    limit_arenas()  # before any thread starts
    args = build_parser().parse_args(argv)
    quiet = getattr(args, "json", False) and args.command != "run"
    logging.basicConfig(
        level=logging.DEBUG
        if args.debug
        else logging.WARNING
        if quiet
        else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        if args.command == "process":
            return asyncio.run(_process(args))
        if args.command == "text":
            return asyncio.run(_text(args))
        if args.command == "config":
            return asyncio.run(_config_check(args))
        if args.command == "skills":
            return asyncio.run(_skills_test(args))
        if args.command == "models":
            return _models(args)
        if args.command == "memory":
            return _memory(args)
        if args.command == "run":
            return asyncio.run(_run(args))
        if args.command in ("devices", "audio-devices"):
            from .mic import list_devices

            if args.command == "devices":
                print("assistant devices is now `assistant audio-devices` (sound "
                      "cards); `assistant home` lists the devices it controls",
                      file=sys.stderr)  # fmt: skip
            print(list_devices())
            return 0
        if args.command == "home":
            from .home_list import list_home

            print(asyncio.run(list_home(_config(args), args.json)))
            return 0
        if args.command == "demo":
            from .demo import run_demo

            return asyncio.run(run_demo(args.reply_dir))
        if args.command == "bench":
            from .bench import run_bench

            return asyncio.run(
                run_bench(_config(args), args.files, args.runs, args.json)
            )
        if args.command == "eval":
            from .eval_run import eval_command

            return asyncio.run(eval_command(args, _config(args)))
    except AssistantError as err:
        print(f"assistant: error: {err.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 1


if __name__ == "__main__":
    sys.exit(main())
